using LeadSync.Worker.Configuration;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace LeadSync.Worker.Scheduling;

/// <summary>
/// On shutdown, asks the jobs running on this node to stop at their next safe point. Quartz waits for running jobs
/// (<c>WaitForJobsToComplete</c>) but does not cancel them, so without this a SIGTERM would wait for a whole cycle and be
/// cut off by the host's shutdown timeout on a long one. Registered after Quartz's hosted service, so it stops first.
/// </summary>
public sealed class SafePointShutdownService(ISchedulerFactory schedulers, LeadSyncSettings settings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var key in SchedulingServiceCollectionExtensions.JobKeys(settings))
        {
            // Interrupts only executions on this scheduler instance; other cluster nodes keep theirs.
            await scheduler.Interrupt(key, cancellationToken);
        }
    }
}
