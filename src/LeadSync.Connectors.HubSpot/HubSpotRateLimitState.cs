using System.Globalization;

namespace LeadSync.Connectors.HubSpot;

/// <summary>
/// What the portal last said about its allowance (X-HubSpot-RateLimit-* headers), plus the attempts made.
/// One instance per connection, registered as a keyed singleton so metrics can read it.
/// </summary>
public sealed class HubSpotRateLimitState
{
    private long _attempts;
    private long _throttled;
    private long _remaining = -1;
    private long _max = -1;
    private long _dailyRemaining = -1;
    private long _daily = -1;

    /// <summary>HTTP attempts sent, retries included.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Remaining requests in the rolling ten-second window, or null when never reported.</summary>
    /// <summary>429 responses received, retried or not.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    public long? TenSecondRemaining => Read(ref _remaining);

    public long? TenSecondMax => Read(ref _max);

    /// <summary>Remaining requests today, or null when never reported (OAuth apps and search responses omit it).</summary>
    public long? DailyRemaining => Read(ref _dailyRemaining);

    public long? DailyMax => Read(ref _daily);

    internal void RecordAttempt() => Interlocked.Increment(ref _attempts);

    internal void Observe(HttpResponseMessage response)
    {
        if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref _throttled);
        }

        Store(response, "X-HubSpot-RateLimit-Remaining", ref _remaining);
        Store(response, "X-HubSpot-RateLimit-Max", ref _max);
        Store(response, "X-HubSpot-RateLimit-Daily-Remaining", ref _dailyRemaining);
        Store(response, "X-HubSpot-RateLimit-Daily", ref _daily);
    }

    private static long? Read(ref long field)
    {
        var value = Interlocked.Read(ref field);
        return value < 0 ? null : value;
    }

    private static void Store(HttpResponseMessage response, string header, ref long field)
    {
        if (response.Headers.TryGetValues(header, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            Interlocked.Exchange(ref field, parsed);
        }
    }
}
