using System.Collections.Concurrent;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.Salesforce;

/// <summary>
/// What one connection remembers across requests and handler lifetimes: call count, last quota seen,
/// whether writes are paused, and the Lead field types learnt from describe (for typed write values).
/// </summary>
public sealed class SalesforceConnectionState
{
    private readonly Lock gate = new();
    private readonly ILogger logger;
    private long callCount;
    private long throttled;
    private ApiQuota? lastQuota;
    private bool writesPaused;

    public SalesforceConnectionState(string connectionName, double reserveShare, ILogger logger)
    {
        ConnectionName = connectionName;
        ReserveShare = reserveShare;
        this.logger = logger;
    }

    public string ConnectionName { get; }

    public double ReserveShare { get; }

    public long CallCount => Interlocked.Read(ref callCount);

    /// <summary>Responses that refused a call for a limit: 429, or 403 REQUEST_LIMIT_EXCEEDED.</summary>
    public long ThrottledCount => Interlocked.Read(ref throttled);

    public ApiQuota? LastObservedQuota
    {
        get
        {
            lock (gate)
            {
                return lastQuota;
            }
        }
    }

    /// <summary>Salesforce field name → describe type ("boolean", "double", ...), filled by the Lead describe.</summary>
    internal ConcurrentDictionary<string, string> LeadFieldTypes { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal void CountAttempt() => Interlocked.Increment(ref callCount);

    internal void CountThrottled() => Interlocked.Increment(ref throttled);

    internal void ObserveQuota(ApiQuota quota)
    {
        var resumed = false;
        lock (gate)
        {
            lastQuota = quota;
            if (writesPaused && quota.UsedShare < ReserveShare)
            {
                writesPaused = false;
                resumed = true;
            }
        }

        if (resumed)
        {
            Log.WritesResumed(logger, ConnectionName, quota.UsedShare * 100, quota.Max - quota.Remaining, quota.Max);
        }
    }

    /// <summary>Throws when the last observed usage is at or above the reserve; logs once per pause.</summary>
    internal void EnsureWriteAllowed()
    {
        ApiQuota? quota;
        var newlyPaused = false;
        lock (gate)
        {
            quota = lastQuota;
            if (quota is null || quota.UsedShare < ReserveShare)
            {
                return;
            }

            if (!writesPaused)
            {
                writesPaused = true;
                newlyPaused = true;
            }
        }

        if (newlyPaused)
        {
            Log.WritesPaused(logger, ConnectionName, quota.UsedShare * 100, ReserveShare * 100, quota.Max - quota.Remaining, quota.Max);
        }

        throw new ExternalApiException(
            SystemRole.Crm,
            SalesforceErrors.Product,
            ApiErrorKind.DailyLimitReached,
            null,
            "API_RESERVE_REACHED",
            $"Daily API usage {quota.Max - quota.Remaining}/{quota.Max} reached the configured reserve share {ReserveShare.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}; writes are paused until usage drops.");
    }
}
