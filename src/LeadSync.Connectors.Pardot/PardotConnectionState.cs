using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;

namespace LeadSync.Connectors.Pardot;

/// <summary>
/// What one connection observed of its own traffic: attempts, throttled answers and the calls made since the daily
/// allowance last reset (Account Engagement reports no usage LeadSync can rely on — <c>x-api-usage</c>'s format is
/// undocumented — so the connector counts its own calls against the configured allowance).
/// </summary>
public sealed class PardotConnectionState
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _resetTimeOfDay;
    private long _attempts;
    private long _throttled;
    private long _today;
    private long _dayStartTicks;

    public PardotConnectionState(PardotOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _resetTimeOfDay = options.DailyLimitResetTimeOfDayUtc ?? TimeSpan.Zero;
        DailyLimit = options.EffectiveDailyCallLimit;
        _dayStartTicks = DayStart(time.GetUtcNow()).UtcTicks;
    }

    public long Attempts => Interlocked.Read(ref _attempts);

    public long Throttled => Interlocked.Read(ref _throttled);

    public long DailyLimit { get; }

    /// <summary>Calls this process made since the allowance last reset.</summary>
    public long CallsToday
    {
        get
        {
            Roll();
            return Interlocked.Read(ref _today);
        }
    }

    /// <summary>The next reset of the daily allowance after <paramref name="now"/>.</summary>
    public DateTimeOffset NextReset(DateTimeOffset now) => DayStart(now).AddDays(1);

    internal void RecordAttempt()
    {
        Roll();
        Interlocked.Increment(ref _attempts);
        Interlocked.Increment(ref _today);
    }

    internal void RecordThrottled() => Interlocked.Increment(ref _throttled);

    private void Roll()
    {
        var start = DayStart(_time.GetUtcNow()).UtcTicks;
        var previous = Interlocked.Read(ref _dayStartTicks);
        if (start > previous && Interlocked.CompareExchange(ref _dayStartTicks, start, previous) == previous)
        {
            Interlocked.Exchange(ref _today, 0);
        }
    }

    private DateTimeOffset DayStart(DateTimeOffset now)
    {
        var start = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero) + _resetTimeOfDay;
        return start > now ? start.AddDays(-1) : start;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Pardot traffic {{ attempts = {Attempts}, today = {CallsToday}/{DailyLimit} }}");
}

/// <summary>
/// One concurrency limiter per business unit, shared by every connection (and HttpClient) of the process that uses it:
/// the limit of 5 in flight is the business unit's, not a connection's.
/// </summary>
public sealed class PardotBusinessUnitLimiters : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrencyLimiter> _limiters = new(StringComparer.Ordinal);

    /// <summary>The first registration of a business unit fixes its permit count.</summary>
    public RateLimiter For(string businessUnitId, int permits) =>
        _limiters.GetOrAdd(businessUnitId, _ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            // Queue rather than reject: a cycle would rather wait for a slot than fail a page.
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
