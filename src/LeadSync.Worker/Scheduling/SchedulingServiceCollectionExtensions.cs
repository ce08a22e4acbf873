using LeadSync.Worker.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace LeadSync.Worker.Scheduling;

/// <summary>Quartz: three jobs per connection on cron triggers; in-memory, or clustered on PostgreSQL.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>Quartz group of every LeadSync job and trigger; keys are <c>{kind}:{connection}</c> and <c>{kind}:{connection}:cron</c>.</summary>
    public const string JobGroup = "leadsync";

    public static IServiceCollection AddLeadSyncScheduling(this IServiceCollection services, LeadSyncSettings settings)
    {
        var schedule = settings.Schedule;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "LeadSync";
                // Each worker of a cluster needs its own id; Quartz generates one (host name + timestamp).
                scheduler.GenerateInstanceId = true;
                scheduler.DefaultTimeZone = zone;
            });
            if (schedule.Clustered)
            {
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(schedule.ConnectionString ?? settings.State.ConnectionString!);
                    store.UseSystemTextJsonSerializer();
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = TimeSpan.FromSeconds(5);
                        cluster.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                    });
                    store.ConfigureStore(ado =>
                    {
                        ado.TablePrefix = "qrtz_";
                        ado.StoreJobDataAsStrings = true;
                    });
                    if (schedule.ProvisionSchema)
                    {
                        // Development and tests only: production runs deploy/sql/quartz-postgres.sql.
                        store.ProvisionSchema();
                    }
                });
            }

            quartz.AddJobListener<FireLogListener>([GroupMatcher<JobKey>.GroupEquals(JobGroup)]);
            foreach (var connection in settings.Connections)
            {
                AddJob<SyncJob>(quartz, connection.Name, "sync", schedule.SyncCron, zone);
                AddJob<SlaJob>(quartz, connection.Name, "sla", schedule.SlaCron, zone);
                AddJob<ReconcileJob>(quartz, connection.Name, "reconcile", schedule.ReconcileCron, zone);
            }
        });

        services.AddQuartzHostedService(options =>
        {
            // Shutdown waits for running jobs; the engine stops them at the next safe point (between batches).
            options.WaitForJobsToComplete = true;
        });
        services.AddHostedService<SafePointShutdownService>();
        return services;
    }

    /// <summary>The job keys of every configured connection: sync, SLA and reconciliation.</summary>
    public static IEnumerable<JobKey> JobKeys(LeadSyncSettings settings) =>
        settings.Connections.SelectMany(c => Kinds.Select(kind => new JobKey($"{kind}:{c.Name}", JobGroup)));

    private static readonly string[] Kinds = ["sync", "sla", "reconcile"];

    private static void AddJob<TJob>(IQuartzBuilder quartz, string connection, string kind, string cron, TimeZoneInfo zone)
        where TJob : IJob
    {
        var key = new JobKey($"{kind}:{connection}", JobGroup);
        quartz.AddJob<TJob>(job => job
            .WithIdentity(key)
            .UsingJobData(SyncJob.ConnectionKey, connection)
            .StoreDurably()
            .RequestRecovery());
        quartz.AddTrigger<TJob>(trigger => trigger
            .ForJob(key)
            .WithIdentity($"{kind}:{connection}:cron", JobGroup)
            .WithCronSchedule(cron, c => c
                .InTimeZone(zone)
                // After downtime the missed slots collapse into one run, not one per missed slot.
                .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
    }
}
