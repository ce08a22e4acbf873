using LeadSync.Sync.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadSync.State;

/// <summary>
/// Keeps the audit, the cycle records and the lead history to <see cref="StateOptions.RetentionDays"/>: prunes at start
/// and every six hours while the worker runs. Without it they grow without bound.
/// </summary>
public sealed partial class StateRetentionService(IHistoryStore store, StateOptions options, TimeProvider time, ILogger<StateRetentionService> logger)
    : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromHours(6);

    /// <summary>Prunes once; returns what was removed (nothing when retention is off).</summary>
    public async Task<PruneResult> PruneOnceAsync(CancellationToken cancellationToken)
    {
        if (options.RetentionDays <= 0)
        {
            return new PruneResult(0, 0, 0);
        }

        var cutoff = time.GetUtcNow().AddDays(-options.RetentionDays);
        var result = await store.PruneAsync(cutoff, cancellationToken);
        if (result.Total > 0)
        {
            LogPruned(logger, result.Audit, result.Cycles, result.History, options.RetentionDays);
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // Retention is housekeeping: a failed pass is logged and tried again at the next interval.
                LogPruneFailed(logger, ex.GetType().Name, ex.Message);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention pruned {Audit} audit entries, {Cycles} cycles and {History} history events older than {Days} days")]
    private static partial void LogPruned(ILogger logger, long audit, long cycles, long history, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention pass failed ({Kind}): {Reason}")]
    private static partial void LogPruneFailed(ILogger logger, string kind, string reason);
}
