using LeadSync.Sync.Engine;
using LeadSync.Worker.Hosting;
using Quartz;

namespace LeadSync.Worker.Scheduling;

/// <summary>Incremental sync of one connection. Never runs concurrently with itself; in a cluster, on one node at a time.</summary>
[DisallowConcurrentExecution]
public sealed class SyncJob(SyncEngine engine, ConnectionRegistry connections) : IJob
{
    public const string ConnectionKey = "connection";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var connection = connections.Find(context.MergedJobDataMap.GetString(ConnectionKey)!)
            ?? throw new JobExecutionException($"unknown connection '{context.MergedJobDataMap.GetString(ConnectionKey)}'");
        var report = await engine.RunCycleAsync(connection, CycleMode.Incremental, cancellationToken);
        context.Result = SyncEngine.Summarize(report);
    }
}

/// <summary>Nightly reconciliation: compares everything, repairs drift, and reports what it repaired.</summary>
[DisallowConcurrentExecution]
public sealed class ReconcileJob(SyncEngine engine, ConnectionRegistry connections) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var connection = connections.Find(context.MergedJobDataMap.GetString(SyncJob.ConnectionKey)!)
            ?? throw new JobExecutionException($"unknown connection '{context.MergedJobDataMap.GetString(SyncJob.ConnectionKey)}'");
        var report = await engine.RunCycleAsync(connection, CycleMode.Reconcile, cancellationToken);
        context.Result = $"repaired: {report.MarketingSystem.ToLowerInvariant()}_records={report.MarketingRecordsWritten} {report.CrmSystem.ToLowerInvariant()}_records={report.CrmRecordsWritten} " + SyncEngine.Summarize(report);
    }
}

/// <summary>SLA follow-up and recycling of handed-off leads.</summary>
[DisallowConcurrentExecution]
public sealed class SlaJob(FollowUp followUp, ConnectionRegistry connections) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var connection = connections.Find(context.MergedJobDataMap.GetString(SyncJob.ConnectionKey)!)
            ?? throw new JobExecutionException($"unknown connection '{context.MergedJobDataMap.GetString(SyncJob.ConnectionKey)}'");
        var report = await followUp.RunAsync(connection, cancellationToken);
        context.Result = report.ToString();
    }
}
