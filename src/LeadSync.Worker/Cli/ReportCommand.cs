using System.CommandLine;
using System.Globalization;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Reporting;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using LeadSync.Worker.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary><c>report funnel|handoffs|sla|reps|sources|health</c>: numbers computed from the lead history in the state.</summary>
public static class ReportCommand
{
    public static Command Create(CommandIo io)
    {
        var connection = new Option<string>("--connection")
        {
            Description = "Connection name (default: the default connection)",
            DefaultValueFactory = _ => LeadSyncSettings.DefaultConnectionName,
        };
        var format = new Option<ReportOutput>("--format") { Description = "table (default), csv or json", DefaultValueFactory = _ => ReportOutput.Table };
        var since = new Option<string>("--since")
        {
            Description = "Start of the period: a duration back from now (30d, 12h, 90m) or a UTC date/time (2026-11-01, 2026-11-01T08:00:00Z); default 30d",
            DefaultValueFactory = _ => "30d",
        };
        var command = new Command(
            "report",
            "Reports from the lead history LeadSync keeps: funnel, handoffs (latency from the person's change that crossed the threshold), sla, reps, sources (revenue by lead source), health.\n\nExamples:\n  leadsync report funnel\n  leadsync report handoffs --since 7d --format csv\n  leadsync report sla --connection emea --format json");
        foreach (var kind in Enum.GetValues<ReportKind>())
        {
            var sub = new Command(kind.ToString().ToLowerInvariant(), Describe(kind)) { connection, format, since };
            sub.SetAction(async (parse, ct) =>
            {
                var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
                if (loaded is null)
                {
                    return ExitCodes.InvalidInput;
                }

                var name = parse.GetValue(connection)!;
                if (!loaded.Settings.Connections.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    await io.Error.WriteLineAsync($"error: no connection named '{name}' (configured: {string.Join(", ", loaded.Settings.Connections.Select(c => c.Name))})");
                    return ExitCodes.InvalidInput;
                }

                using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
                var time = host.Services.GetRequiredService<TimeProvider>();
                if (!TryParseSince(parse.GetValue(since)!, time.GetUtcNow(), out var from))
                {
                    await io.Error.WriteLineAsync($"error: --since '{parse.GetValue(since)}' is neither a duration (30d, 12h, 90m) nor a UTC date/time");
                    return ExitCodes.InvalidInput;
                }

                var store = host.Services.GetRequiredService<IStateStore>();
                await store.MigrateAsync(ct);
                var reps = kind == ReportKind.Reps ? await RepLookup.ResolveAsync(host.Services, name, ct) : null;
                var report = await new ReportService(store, host.Services.GetRequiredService<IHistoryStore>(), time).BuildAsync(kind, name, from, reps, ct);
                await io.Out.WriteAsync(ReportFormat.Render(MaskRepEmails(report), parse.GetValue(format)));
                return ExitCodes.Success;
            });
            command.Subcommands.Add(sub);
        }

        return command;
    }

    /// <summary>A duration back from now or an absolute UTC time.</summary>
    public static bool TryParseSince(string text, DateTimeOffset now, out DateTimeOffset since)
    {
        since = default;
        var value = text.Trim();
        if (value.Length >= 2 && char.IsAsciiLetter(value[^1])
            && int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? span = char.ToLowerInvariant(value[^1]) switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                _ => null,
            };
            if (span is { } s && s <= TimeSpan.FromDays(36_500))
            {
                since = now - s;
                return true;
            }

            return false;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since);
    }

    /// <summary>Terminal output and files travel: reps' emails are masked as everywhere else in the CLI.</summary>
    private static Report MaskRepEmails(Report report) => report with
    {
        Sections =
        [
            .. report.Sections.Select(s => s with
            {
                Rows = [.. s.Rows.Select(r => (IReadOnlyList<object?>)[.. r.Select(c => c is string text && text.Contains('@', StringComparison.Ordinal) ? Domain.EmailMask.Mask(text) : c)])],
            }),
        ],
    };

    private static string Describe(ReportKind kind) => kind switch
    {
        ReportKind.Funnel => "Leads per lifecycle stage and Lead Status now; stage-to-stage conversion and median time in stage over the period; leads converted, deals won and lost",
        ReportKind.Handoffs => "Handoffs with latency p50/p95 from the person's change that crossed the threshold to the owner written, per team, rep and day",
        ReportKind.Sla => "SLA outcomes (met, escalated, reassigned, gave up) and compliance per team and rep",
        ReportKind.Reps => "Assignments per rep, open leads against capacity, SLA met and acceptance",
        ReportKind.Sources => "Per lead source: leads, handoffs, converted, won, won revenue and conversion to customer; deals per rep",
        _ => "Cycles, failures by kind, API calls per system, lag since the last successful cycle, quarantine by reason",
    };
}
