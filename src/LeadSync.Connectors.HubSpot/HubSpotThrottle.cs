using System.Globalization;
using System.Net;
using System.Text.Json;
using LeadSync.Connectors.HubSpot.Api;

namespace LeadSync.Connectors.HubSpot;

/// <summary>Which HubSpot limit a 429 refers to, read from its JSON body (<c>policyName</c>, message).</summary>
internal enum ThrottlePolicy
{
    None,
    TenSecondly,
    Secondly,
    Daily,
    Unknown,
}

internal static class HubSpotThrottle
{
    public static async ValueTask<ThrottlePolicy> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return ThrottlePolicy.None;
        }

        // Buffered so the connector can read the same body again after the pipeline gives up.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return Classify(TryParse(text));
    }

    public static ThrottlePolicy Classify(ErrorBody? body)
    {
        var policy = body?.PolicyName ?? "";
        if (policy.Equals("DAILY", StringComparison.OrdinalIgnoreCase))
        {
            return ThrottlePolicy.Daily;
        }

        if (policy.StartsWith("TEN_SECONDLY", StringComparison.OrdinalIgnoreCase))
        {
            return ThrottlePolicy.TenSecondly;
        }

        var message = body?.Message ?? "";
        if (message.Contains("daily limit", StringComparison.OrdinalIgnoreCase))
        {
            return ThrottlePolicy.Daily;
        }

        if (policy.Equals("SECONDLY", StringComparison.OrdinalIgnoreCase) || message.Contains("secondly limit", StringComparison.OrdinalIgnoreCase))
        {
            return ThrottlePolicy.Secondly;
        }

        return ThrottlePolicy.Unknown;
    }

    public static ErrorBody? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, HubSpotJsonContext.Default.ErrorBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Retry-After as delta-seconds or HTTP date; null when absent or unreadable.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // Some proxies send fractional seconds, which the typed header rejects.
        if (response.Headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }
}
