using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace LeadSync.Worker.Hosting;

/// <summary>Ready only when the state store answers.</summary>
public sealed class StateStoreHealthCheck(IStateStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy("state store reachable")
                : HealthCheckResult.Unhealthy("state store did not answer");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("state store unreachable: " + ex.GetType().Name);
        }
    }
}

/// <summary>
/// Ready only while every connection's last successful cycle is younger than three sync intervals (read from the
/// shared state, so in a cluster it does not matter which node ran it). A fresh process gets the same grace from its
/// start, so a restart after downtime is not reported stale before its first cycle could have run.
/// </summary>
/// <remarks>
/// Registered as a singleton (see <see cref="Cli.RunCommand"/>): the health-check service otherwise creates a new instance
/// per probe, which would restart the grace period on every request and never report a connection that has not synced.
/// </remarks>
public sealed class CycleFreshnessHealthCheck(IStateStore store, LeadSyncSettings settings, TimeProvider time) : IHealthCheck
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var allowed = 3 * SyncInterval(settings.Schedule, now);
        var stale = new List<string>();
        foreach (var connection in settings.Connections)
        {
            var last = await store.GetLastSuccessfulCycleAsync(connection.Name, cancellationToken);
            var lastAt = last?.FinishedAt ?? last?.StartedAt;
            var since = lastAt is { } at && at > _startedAt ? at : _startedAt;
            if (now - since > allowed)
            {
                stale.Add(lastAt is { } seen
                    ? FormattableString.Invariant($"{connection.Name} (last successful cycle {(now - seen).TotalSeconds:F0} s ago)")
                    : $"{connection.Name} (no successful cycle yet)");
            }
        }

        return stale.Count == 0
            ? HealthCheckResult.Healthy("every connection synced within three intervals")
            : HealthCheckResult.Unhealthy("stale connections: " + string.Join(", ", stale) + FormattableString.Invariant($"; allowed {allowed.TotalSeconds:F0} s"));
    }

    public static TimeSpan SyncInterval(ScheduleOptions schedule, DateTimeOffset now)
    {
        var cron = new CronExpression(schedule.SyncCron, TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone));
        var first = cron.GetNextValidTimeAfter(now);
        var second = first is null ? null : cron.GetNextValidTimeAfter(first.Value);
        return first is null || second is null ? TimeSpan.FromMinutes(2) : second.Value - first.Value;
    }
}
