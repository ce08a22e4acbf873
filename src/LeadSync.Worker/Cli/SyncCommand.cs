using System.CommandLine;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary><c>sync --once [--dry-run] [--json]</c>: one cycle against the configured systems.</summary>
public static class SyncCommand
{
    public static Command Create(CommandIo io)
    {
        var once = new Option<bool>("--once") { Description = "Run one cycle and exit (required; 'run' is the scheduled worker)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and decide, write nothing anywhere (no API writes, no state change); print the plan" };
        var json = new Option<bool>("--json") { Description = "Print the cycle report as JSON" };
        var connection = new Option<string?>("--connection") { Description = "Only this connection (default: all)" };
        var reconcile = new Option<bool>("--reconcile") { Description = "Compare everything, not only what changed since the watermarks, and repair drift" };
        var command = new Command(
            "sync",
            "Run one sync cycle: read changes from both systems, score, map, assign at the threshold, write back, record.\n\nExamples:\n  leadsync sync --once\n  leadsync sync --once --dry-run\n  leadsync sync --once --json --config prod.json")
        {
            once, dryRun, json, connection, reconcile,
        };
        command.Validators.Add(result =>
        {
            if (!result.GetValue(once))
            {
                result.AddError("sync needs --once (use 'leadsync run' for the scheduled worker)");
            }

            if (result.GetValue(dryRun) && result.GetValue(reconcile))
            {
                result.AddError("--dry-run and --reconcile cannot be combined");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
            if (loaded is null)
            {
                return ExitCodes.InvalidInput;
            }

            using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
            var registry = host.Services.GetRequiredService<ConnectionRegistry>();
            var engine = host.Services.GetRequiredService<SyncEngine>();
            var store = host.Services.GetRequiredService<IStateStore>();
            var selected = parse.GetValue(connection) is { } name
                ? registry.Find(name) is { } found ? [found] : null
                : registry.All.ToList();
            if (selected is null)
            {
                await io.Error.WriteLineAsync($"error: no connection named '{parse.GetValue(connection)}'");
                return ExitCodes.InvalidInput;
            }

            // Checked before the state is touched: wrong credentials or rules leave no database behind.
            if (await LiveConfigurationCheck.RunAsync(loaded.Settings, selected, io.Error, ct) is var live and not ExitCodes.Success)
            {
                return live;
            }

            await store.MigrateAsync(ct);

            var mode = parse.GetValue(dryRun) ? CycleMode.DryRun : parse.GetValue(reconcile) ? CycleMode.Reconcile : CycleMode.Incremental;
            var reports = new List<CycleReport>();
            foreach (var target in selected)
            {
                reports.Add(await engine.RunCycleAsync(target, mode, ct));
            }

            if (parse.GetValue(json))
            {
                io.Out.WriteLine(ReportRenderer.ToJson(reports));
            }
            else
            {
                foreach (var report in reports)
                {
                    if (mode == CycleMode.DryRun)
                    {
                        io.Out.WriteLine($"dry run of connection {report.Connection}: nothing was written; a run on the same data makes these decisions");
                        io.Out.WriteLine($"  would: {SyncEngine.Summarize(report)}");
                        io.Out.Write(ReportRenderer.Plan(report.Changes, report.MarketingSystem, report.CrmSystem, limit: 50));
                    }
                    else if (report.Changes.Count > 0)
                    {
                        io.Out.Write(ReportRenderer.ChangesTable(report.Changes, 50));
                    }

                    foreach (var notice in report.QuarantineNotices.Take(20))
                    {
                        io.Out.WriteLine($"quarantined {notice.System} {ConsoleText.Escape(notice.RecordId)}: {ConsoleText.Reason(notice.Reason)}");
                    }

                    io.Out.WriteLine(report.Skipped
                        ? $"{report.Connection}: SKIPPED: {report.Error}"
                        : $"{report.Connection}: {(report.Succeeded ? "ok" : "FAILED: " + ConsoleText.Reason(report.Error))} {SyncEngine.Summarize(report)}");
                }
            }

            return !reports.TrueForAll(r => r.Succeeded) ? ExitCodes.RuntimeFailure
                : reports.Exists(r => r.Skipped) ? ExitCodes.CycleSkipped
                : ExitCodes.Success;
        });
        return command;
    }
}
