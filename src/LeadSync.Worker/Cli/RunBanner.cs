using System.Globalization;
using LeadSync.State;
using LeadSync.Worker.Configuration;

namespace LeadSync.Worker.Cli;

/// <summary>
/// What <c>leadsync run</c> prints when it starts and stops, so the engineer on call sees at a glance which connections,
/// schedules and endpoints this process serves. Only URLs and names: no credential and no connection string.
/// </summary>
public static class RunBanner
{
    public static IReadOnlyList<string> StartLines(LeadSyncSettings settings)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"leadsync run: {Plural(settings.Connections.Count, "connection")}, state {StateLabel(settings.State)}, environment {ConfigurationLoader.EnvironmentName}"),
        };
        foreach (var connection in settings.Connections)
        {
            lines.Add($"  connection {connection.Name}: HubSpot {Url(connection.HubSpot.BaseUrl)} ↔ Salesforce {Url(connection.Salesforce.LoginUrl)}");
        }

        var schedule = settings.Schedule;
        lines.Add($"  schedules  sync \"{schedule.SyncCron}\", SLA follow-up \"{schedule.SlaCron}\", reconcile \"{schedule.ReconcileCron}\" ({schedule.TimeZone}); " +
                  (schedule.Clustered ? "clustered on PostgreSQL" : "single process"));
        if (settings.Health.Enabled)
        {
            var first = settings.Health.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? settings.Health.Urls;
            var endpoints = settings.Telemetry.Prometheus ? "/health/live, /health/ready, /metrics" : "/health/live, /health/ready";
            lines.Add($"  endpoints  {first.TrimEnd('/')} {endpoints}");
            if (settings.Health.Console.Enabled)
            {
                lines.Add($"  console    {first.TrimEnd('/')}/console ({(string.IsNullOrEmpty(settings.Health.Console.AdminPasswordHash) ? "local users are admin" : "admin by password, local viewers see emails masked")})");
            }
        }
        else
        {
            lines.Add("  endpoints  none (LeadSync:Health:Enabled is false)");
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"  stop       Ctrl+C or SIGTERM: a running cycle finishes its batch first (up to {schedule.ShutdownTimeoutSeconds} s)"));
        return lines;
    }

    public static string StopLine(TimeSpan ranFor) =>
        string.Create(CultureInfo.InvariantCulture,
            $"leadsync run: stopped after {(int)ranFor.TotalHours}h {ranFor.Minutes:00}m {ranFor.Seconds:00}s");

    private static string StateLabel(StateOptions state) =>
        state.Provider == StateProvider.Sqlite ? $"SQLite {ConsoleText.Escape(state.SqlitePath)}" : "PostgreSQL";

    /// <summary>Scheme, host and path only: a URL with user info (<c>https://user:pass@…</c>) never reaches the output.</summary>
    private static string Url(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? ConsoleText.Escape(uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/'))
            : "(not set)";

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
