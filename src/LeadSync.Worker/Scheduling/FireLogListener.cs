using System.Globalization;
using Microsoft.Extensions.Logging;
using Quartz;
using Quartz.Extensibility;

namespace LeadSync.Worker.Scheduling;

/// <summary>
/// One log line when a job starts and one when it ends, keyed by the trigger's scheduled fire time and Quartz's fire
/// instance id, with the scheduler instance that ran it. In a cluster this is the audit trail an operator (and the
/// cluster test) reads to see that each scheduled slot ran on exactly one node, and which slots a recovery re-ran.
/// </summary>
public sealed partial class FireLogListener(ILogger<FireLogListener> logger) : IJobListener
{
    public string Name => "leadsync-fire-log";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        LogStarting(logger, context.JobDetail.Key.Name, Scheduled(context), context.FireInstanceId, context.Scheduler.SchedulerInstanceId, context.Recovering);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        LogFinished(
            logger, context.JobDetail.Key.Name, Scheduled(context), context.FireInstanceId, context.Scheduler.SchedulerInstanceId,
            jobException is null, context.JobRunTime.TotalMilliseconds);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobProgressChanged(IJobExecutionContext context, FireInstanceProgress progress, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    /// <summary>Where Quartz keeps the slot a crashed node was running when it hands the job to another node.</summary>
    private const string OriginalScheduledFireTimeKey = "QRTZ_FAILED_JOB_ORIG_TRIGGER_SCHEDULED_FIRETIME_AS_STRING";

    /// <summary>
    /// The slot this run is for. A recovery run is fired by a one-off trigger "now", so its own scheduled time would hide
    /// which slot it re-runs: the original slot comes from the data Quartz attaches to recovery triggers.
    /// </summary>
    private static string Scheduled(IJobExecutionContext context)
    {
        var slot = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        if (context.Recovering && context.MergedJobDataMap.TryGetValue(OriginalScheduledFireTimeKey, out var original))
        {
            var text = Convert.ToString(original, CultureInfo.InvariantCulture);
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis))
            {
                slot = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            }
            else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                slot = parsed;
            }
        }

        // Invariant round-trip format: the line is parsed back by tooling, whatever the host culture.
        return slot.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} fire {FireInstanceId} for slot {ScheduledFireTime} starting on {SchedulerInstance} (recovering={Recovering})")]
    private static partial void LogStarting(ILogger logger, string job, string scheduledFireTime, string fireInstanceId, string schedulerInstance, bool recovering);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} fire {FireInstanceId} for slot {ScheduledFireTime} finished on {SchedulerInstance} (ok={Succeeded}) in {ElapsedMs:F0} ms")]
    private static partial void LogFinished(ILogger logger, string job, string scheduledFireTime, string fireInstanceId, string schedulerInstance, bool succeeded, double elapsedMs);
}
