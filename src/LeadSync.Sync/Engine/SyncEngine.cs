using LeadSync.Sync.Ports;
using LeadSync.Sync.Telemetry;
using Microsoft.Extensions.Logging;

namespace LeadSync.Sync.Engine;

/// <summary>
/// Runs cycles (see <see cref="CycleRun"/>: gather → plan → execute → settle per batch, then the watermarks) under the
/// connection's lock, and records what each did: the cycle row, metrics and the log line an operator reads.
/// Delivery is at least once and every write is idempotent, so a crash anywhere leaves the same end state.
/// </summary>
public sealed partial class SyncEngine(
    IStateStore store,
    TimeProvider time,
    SyncMetrics metrics,
    ReferenceDataCache referenceData,
    ILogger<SyncEngine> logger)
{
    public async Task<CycleReport> RunCycleAsync(SyncConnection connection, CycleMode mode, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var cycleId = $"{startedAt:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..24];
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Connection"] = connection.Name, ["CycleId"] = cycleId });
        var marketingCallsBefore = connection.Marketing.CallCount;
        var crmCallsBefore = connection.Crm.CallCount;
        var marketingThrottledBefore = connection.Marketing.ThrottledCount;
        var crmThrottledBefore = connection.Crm.ThrottledCount;
        var dryRun = mode == CycleMode.DryRun;

        IAsyncDisposable? lease = null;
        if (!dryRun)
        {
            lease = await store.TryAcquireCycleLockAsync(
                connection.Name, TimeSpan.FromMinutes(connection.Model.Sync.CycleLeaseMinutes), cancellationToken);
            if (lease is null)
            {
                // Said and recorded (never succeeded, so health sees it), so a stuck lock is not a silent "ok leads=0".
                var holder = await store.DescribeCycleLockHolderAsync(connection.Name, cancellationToken) ?? "another worker";
                var reason = $"the cycle lock is held by {holder}";
                LogSkippedLocked(logger, connection.Name, holder);
                await store.RecordCycleAsync(new CycleRecord(connection.Name, cycleId, "Skipped", startedAt, startedAt, false, reason), CancellationToken.None);
                return Empty(connection, cycleId, mode, startedAt, skipped: true, error: reason);
            }
        }

        await using var _ = lease;
        using var span = SyncTracing.StartCycle(connection.Name, cycleId, mode.ToString());
        var run = new CycleRun(connection, mode, cycleId, startedAt, store, time, referenceData, logger);
        LogCycleStarting(logger, connection.Name, cycleId, mode);
        string? error = null;
        try
        {
            await run.ExecuteAsync(cancellationToken);
            if (run.StoppedEarly)
            {
                error = "stopped at a safe point on shutdown; watermarks not advanced, the next cycle continues";
                LogCycleCancelled(logger, connection.Name, cycleId);
            }
        }
        catch (ExternalApiException ex)
        {
            // An expected API failure ends the cycle without advancing the watermarks: the next cycle reads the same changes again.
            error = ex.Message;
            LogCycleFailed(logger, connection.Name, cycleId, ex.Product, ex.Kind, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "cancelled before the cycle finished; nothing past the last settled batch was recorded";
            LogCycleCancelled(logger, connection.Name, cycleId);
        }

        var finishedAt = time.GetUtcNow();
        var report = run.BuildReport(
            finishedAt,
            error,
            connection.Marketing.CallCount - marketingCallsBefore,
            connection.Crm.CallCount - crmCallsBefore);

        Record(connection, mode, report);
        span?.SetTag("leadsync.cycle.succeeded", report.Succeeded);
        span?.SetTag("leadsync.cycle.leads_read", report.LeadsRead);
        if (!report.Succeeded)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, report.Error);
        }

        if (!dryRun && report.Succeeded)
        {
            if (run.MarketingReadCompleteFrom is { } marketingFrom)
            {
                metrics.ReadComplete(connection.Name, Label(connection.Marketing), marketingFrom);
            }

            if (run.CrmReadCompleteFrom is { } crmFrom)
            {
                metrics.ReadComplete(connection.Name, Label(connection.Crm), crmFrom);
            }
        }
        metrics.ApiThrottled(connection.Name, Label(connection.Marketing), connection.Marketing.ThrottledCount - marketingThrottledBefore);
        metrics.ApiThrottled(connection.Name, Label(connection.Crm), connection.Crm.ThrottledCount - crmThrottledBefore);
        if (!dryRun)
        {
            await store.RecordCycleAsync(
                new CycleRecord(connection.Name, cycleId, mode.ToString(), startedAt, finishedAt, report.Succeeded, Summarize(report) + (report.Error is { } failure ? " error=" + failure : string.Empty)),
                CancellationToken.None);
        }

        if (report.HandoffLatencies.Count > 0)
        {
            var sorted = report.HandoffLatencies.Order().ToList();
            LogHandoffLatency(logger, connection.Name, sorted.Count, Percentile(sorted, 0.50).TotalSeconds, Percentile(sorted, 0.95).TotalSeconds);
        }

        LogCycleFinished(
            logger, connection.Name, cycleId, report.Succeeded, report.LeadsRead, report.Assigned, report.Quarantined,
            report.MarketingSystem, report.MarketingCalls, report.CrmSystem, report.CrmCalls, report.Duration.TotalMilliseconds);
        return report;
    }

    /// <summary>The one-line summary people and scripts read; call counts are labelled with the products' names.</summary>
    public static string Summarize(CycleReport r) =>
        FormattableString.Invariant(
            $"leads={r.LeadsRead} scored={r.LeadsScored} status_changes={r.StatusChanges} stage_changes={r.StageChanges} assigned={r.Assigned} released={r.Released} quarantined={r.Quarantined} segments_written={r.SegmentsWritten} {r.MarketingSystem.ToLowerInvariant()}_calls={r.MarketingCalls} {r.CrmSystem.ToLowerInvariant()}_calls={r.CrmCalls}");

    /// <summary>The metric label of a system ("hubspot", "salesforce").</summary>
    public static string Label(IApiTraffic system) => system.SystemName.ToLowerInvariant();

    private void Record(SyncConnection connection, CycleMode mode, CycleReport report)
    {
        metrics.LeadsRead(connection.Name, "all", report.LeadsRead);
        metrics.LeadsScored(connection.Name, report.LeadsScored);
        metrics.LeadsAssigned(connection.Name, report.Assigned);
        metrics.LeadsQuarantined(connection.Name, report.Quarantined);
        metrics.ApiCalls(connection.Name, Label(connection.Marketing), report.MarketingCalls);
        metrics.ApiCalls(connection.Name, Label(connection.Crm), report.CrmCalls);
        metrics.CycleFinished(connection.Name, mode.ToString(), report.Succeeded, report.Duration);
        foreach (var latency in report.HandoffLatencies)
        {
            metrics.HandoffLatency(connection.Name, latency);
        }

        if (connection.Crm.LastObservedQuota is { } quota)
        {
            metrics.QuotaRemaining(connection.Name, Label(connection.Crm), quota.Remaining);
        }

        if (connection.Marketing.LastObservedQuota is { } marketingQuota)
        {
            metrics.QuotaRemaining(connection.Name, Label(connection.Marketing), marketingQuota.Remaining);
        }
    }

    /// <summary>Nearest-rank percentile of an ascending list.</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static CycleReport Empty(SyncConnection c, string cycleId, CycleMode mode, DateTimeOffset at, bool skipped, string? error) =>
        new(c.Name, cycleId, mode, at, at, Succeeded: skipped, Skipped: skipped, error, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, c.Marketing.SystemName, c.Crm.SystemName, 0, 0, [], [], []);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cycle {CycleId} of connection {Connection} starting ({Mode})")]
    private static partial void LogCycleStarting(ILogger logger, string connection, string cycleId, CycleMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handoff latency of connection {Connection} over {Count} handoffs: p50 {P50Seconds:F1} s, p95 {P95Seconds:F1} s (first seen at the threshold → owner written in the CRM)")]
    private static partial void LogHandoffLatency(ILogger logger, string connection, int count, double p50Seconds, double p95Seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cycle of connection {Connection} skipped: its cycle lock is held by {Holder}")]
    private static partial void LogSkippedLocked(ILogger logger, string connection, string holder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cycle {CycleId} of connection {Connection} failed: {System} {Kind}: {Reason}. Watermarks not advanced; the next cycle retries.")]
    private static partial void LogCycleFailed(ILogger logger, string connection, string cycleId, string system, ApiErrorKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cycle {CycleId} of connection {Connection} cancelled at a safe point")]
    private static partial void LogCycleCancelled(ILogger logger, string connection, string cycleId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cycle {CycleId} of connection {Connection} finished (ok={Succeeded}): read={Read} assigned={Assigned} quarantined={Quarantined} calls: {MarketingSystem} {MarketingCalls}, {CrmSystem} {CrmCalls} in {ElapsedMs:F0} ms")]
    private static partial void LogCycleFinished(
        ILogger logger, string connection, string cycleId, bool succeeded, int read, int assigned, int quarantined,
        string marketingSystem, long marketingCalls, string crmSystem, long crmCalls, double elapsedMs);
}
