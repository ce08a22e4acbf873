using LeadSync.Domain.Configuration;
using Quartz;

namespace LeadSync.Worker.Configuration;

/// <summary>When the jobs run (section <c>LeadSync:Schedule</c>, Quartz cron expressions with seconds).</summary>
public sealed class ScheduleOptions
{
    /// <summary>Incremental sync, every 2 minutes by default.</summary>
    public string SyncCron { get; set; } = "0 0/2 * * * ?";

    /// <summary>SLA follow-up, every 15 minutes by default.</summary>
    public string SlaCron { get; set; } = "0 0/15 * * * ?";

    /// <summary>Nightly reconciliation (full comparison, repairs drift), 02:30 by default.</summary>
    public string ReconcileCron { get; set; } = "0 30 2 * * ?";

    /// <summary>Time zone the cron expressions are read in (IANA id).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Run Quartz with the clustered ADO.NET job store on PostgreSQL (several workers, one database).</summary>
    public bool Clustered { get; set; }

    /// <summary>The Quartz job store's PostgreSQL connection string; defaults to <c>LeadSync:State:ConnectionString</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Create the Quartz tables when missing. For development and tests; production runs deploy/sql/quartz-postgres.sql.</summary>
    public bool ProvisionSchema { get; set; }

    /// <summary>How long shutdown waits for a running cycle to reach a safe point.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 60;

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        foreach (var (name, value) in new[] { ("SyncCron", SyncCron), ("SlaCron", SlaCron), ("ReconcileCron", ReconcileCron) })
        {
            if (!CronExpression.TryParse(value ?? string.Empty, out _))
            {
                yield return new ConfigProblem($"{path}:{name}", $"'{value}' is not a valid Quartz cron expression", "seconds minutes hours day-of-month month day-of-week, e.g. \"0 0/2 * * * ?\"");
            }
        }

        if (!TryFindTimeZone(TimeZone))
        {
            yield return new ConfigProblem($"{path}:TimeZone", $"unknown time zone '{TimeZone}'", "an IANA time zone id such as UTC or Europe/Berlin");
        }

        if (ShutdownTimeoutSeconds is < 1 or > 3600)
        {
            yield return new ConfigProblem($"{path}:ShutdownTimeoutSeconds", $"{ShutdownTimeoutSeconds} is out of range", "1 to 3600");
        }
    }

    private static bool TryFindTimeZone(string id)
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
