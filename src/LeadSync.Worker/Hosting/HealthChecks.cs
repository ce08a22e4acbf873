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
/// shared state, so in a cluster it does not matter which node ran it). A fresh process gets the same grace.
/// </summary>
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
            var since = last?.FinishedAt ?? last?.StartedAt ?? _startedAt;
            if (since < _startedAt && last is null)
            {
                since = _startedAt;
            }

            if (now - since > allowed)
            {
                stale.Add($"{connection.Name} (last successful cycle {(last is null ? "never" : $"{(now - since).TotalMinutes:F0} min ago")})");
            }
        }

        return stale.Count == 0
            ? HealthCheckResult.Healthy("every connection synced within three intervals")
            : HealthCheckResult.Unhealthy("stale connections: " + string.Join(", ", stale));
    }

    public static TimeSpan SyncInterval(ScheduleOptions schedule, DateTimeOffset now)
    {
        var cron = new CronExpression(schedule.SyncCron, TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone));
        var first = cron.GetNextValidTimeAfter(now);
        var second = first is null ? null : cron.GetNextValidTimeAfter(first.Value);
        return first is null || second is null ? TimeSpan.FromMinutes(2) : second.Value - first.Value;
    }
}
