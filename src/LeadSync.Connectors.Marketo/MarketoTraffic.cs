using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Marketo;

/// <summary>
/// The connection's own traffic: attempts on the wire, throttled answers, and calls of the Marketo day (which resets at
/// <see cref="MarketoOptions.DailyQuotaResetTimeOfDayUtc"/>). Marketo reports no remaining quota on responses, so the
/// quota metric is LeadSync's own count against the configured quota (other integrations share it).
/// </summary>
public sealed class MarketoTraffic(MarketoOptions options, TimeProvider time)
{
    private readonly Lock _sync = new();
    private long _attempts;
    private long _throttled;
    private long _tokenRequests;
    private DateTimeOffset _dayStart = DateTimeOffset.MinValue;
    private long _today;

    public long Attempts => Interlocked.Read(ref _attempts);

    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Identity calls (not counted by Marketo against the limits, so not in <see cref="Attempts"/>).</summary>
    public long TokenRequests => Interlocked.Read(ref _tokenRequests);

    public ApiQuota Quota
    {
        get
        {
            lock (_sync)
            {
                Roll();
                return new ApiQuota(options.DailyQuota, Math.Max(0, options.DailyQuota - _today));
            }
        }
    }

    /// <summary>When the current Marketo day ends.</summary>
    public DateTimeOffset NextReset
    {
        get
        {
            var now = time.GetUtcNow();
            var reset = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero) + options.DailyQuotaResetTimeOfDayUtc;
            return reset <= now ? reset.AddDays(1) : reset;
        }
    }

    internal void RecordAttempt()
    {
        Interlocked.Increment(ref _attempts);
        lock (_sync)
        {
            Roll();
            _today++;
        }
    }

    /// <summary>Calls answered 601/602/604/605/608/611 are not counted by Marketo: given back to the day's count.</summary>
    internal void NotCounted()
    {
        lock (_sync)
        {
            _today = Math.Max(0, _today - 1);
        }
    }

    internal void RecordThrottled() => Interlocked.Increment(ref _throttled);

    internal void RecordTokenRequest() => Interlocked.Increment(ref _tokenRequests);

    private void Roll()
    {
        var start = NextReset.AddDays(-1);
        if (start > _dayStart)
        {
            _dayStart = start;
            _today = 0;
        }
    }
}
