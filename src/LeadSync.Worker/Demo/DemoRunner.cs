using System.Diagnostics;
using System.Globalization;
using LeadSync.Sandbox;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Cli;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Demo;

/// <summary>What the demo prints at the end, in the stable form scripts read.</summary>
/// <param name="MarketingCalls">Calls to the marketing platform, labelled by product (<c>hubspot_calls=</c>, <c>marketo_calls=</c>).</param>
public sealed record DemoSummary(
    int Leads, int Scored, int StatusChanges, int StageChanges, int Assigned, int Quarantined, long MarketingCalls, long SalesforceCalls,
    MarketingPlatformKind Marketing = MarketingPlatformKind.HubSpot)
{
    /// <summary>Segment fields written over the demo's cycles (changed values only, both systems).</summary>
    public int SegmentsWritten { get; init; }

    public override string ToString() => FormattableString.Invariant(
        $"summary: leads={Leads} scored={Scored} status_changes={StatusChanges} stage_changes={StageChanges} assigned={Assigned} quarantined={Quarantined} segments_written={SegmentsWritten} {Marketing.ToString().ToLowerInvariant()}_calls={MarketingCalls} salesforce_calls={SalesforceCalls}");
}

/// <summary>
/// The whole loop on a laptop: starts the sandbox in-process, points a fully wired LeadSync at it (real HTTP through the
/// real connectors, SQLite state in a local file), runs the cycles with the world moving in between, and shows what happened.
/// </summary>
public sealed class DemoRunner(CommandIo io)
{
    public async Task<int> RunAsync(
        FileInfo? configFile, int leads, int cycles, int seed, string statePath, CancellationToken cancellationToken, MarketingPlatformKind marketing = MarketingPlatformKind.HubSpot)
    {
        io.Out.WriteLine($"starting the sandbox (seed {seed}, {leads} leads)…");

        // The demo's cycles follow each other within seconds: Account Engagement's read cache (up to a minute behind
        // writes) would hide the moving world from every cycle after the first, so the demo's fake serves fresh reads.
        // The cache lag itself is exercised by the sandbox's and the connector's tests.
        var sandboxOptions = new SandboxOptions { Port = 0, Seed = seed, LeadCount = leads, PardotReadCacheLag = TimeSpan.Zero };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions, ct: cancellationToken);

        DeleteState(statePath);
        var overrides = SandboxOverrides(sandbox, statePath, marketing);
        var loaded = LeadSyncHostFactory.LoadOrReport(configFile, io.Error, overrides);
        if (loaded is null)
        {
            return ExitCodes.InvalidInput;
        }

        using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
        var store = host.Services.GetRequiredService<IStateStore>();
        var engine = host.Services.GetRequiredService<SyncEngine>();
        var connection = host.Services.GetRequiredService<ConnectionRegistry>().All.First();
        if (await LiveConfigurationCheck.RunAsync(loaded.Settings, [connection], io.Error, cancellationToken) is var live and not ExitCodes.Success)
        {
            return live;
        }

        await store.MigrateAsync(cancellationToken);

        var marketingUrl = marketing switch
        {
            MarketingPlatformKind.Marketo => sandbox.MarketoBaseUrl.ToString(),
            MarketingPlatformKind.Pardot => $"{sandbox.PardotBaseUrl} (business unit {sandbox.PardotBusinessUnitId})",
            _ => sandbox.HubSpotBaseUrl.ToString(),
        };
        io.Out.WriteLine($"LeadSync → {marketing} {marketingUrl} and Salesforce {sandbox.SalesforceLoginUrl}; state in {statePath}");

        var changes = new Dictionary<string, LeadChange>(StringComparer.Ordinal);
        var latencies = new List<TimeSpan>();
        int scored = 0, statusChanges = 0, stageChanges = 0, assigned = 0, segmentsWritten = 0;
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            if (cycle > 1)
            {
                // Between cycles the world moves: prospects engage, reps work their leads.
                sandbox.Simulate(percent: 10, seed: seed + cycle);
            }

            var watch = Stopwatch.StartNew();
            var report = await engine.RunCycleAsync(connection, CycleMode.Incremental, cancellationToken);
            io.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"cycle {cycle}/{cycles}: read {report.LeadsRead}, scored {report.LeadsScored}, status changes {report.StatusChanges}, stage changes {report.StageChanges}, segments written {report.SegmentsWritten}, assigned {report.Assigned}, quarantined {report.Quarantined} — {report.MarketingCalls} {report.MarketingSystem} + {report.CrmCalls} {report.CrmSystem} calls, {watch.ElapsedMilliseconds} ms{(report.Succeeded ? string.Empty : " — FAILED: " + report.Error)}"));
            if (!report.Succeeded)
            {
                await io.Error.WriteLineAsync($"error: cycle {cycle} failed: {report.Error}");
                return ExitCodes.RuntimeFailure;
            }

            scored += report.LeadsScored;
            statusChanges += report.StatusChanges;
            stageChanges += report.StageChanges;
            assigned += report.Assigned;
            segmentsWritten += report.SegmentsWritten;
            latencies.AddRange(report.HandoffLatencies);
            foreach (var change in report.Changes)
            {
                changes[change.LeadKey] = changes.TryGetValue(change.LeadKey, out var earlier)
                    ? change with
                    {
                        ScoreBefore = earlier.ScoreBefore,
                        StatusBefore = earlier.StatusBefore,
                        StageBefore = earlier.StageBefore,
                        AssignedTo = change.AssignedTo ?? earlier.AssignedTo,
                    }
                    : change;
            }
        }

        io.Out.WriteLine();
        io.Out.WriteLine($"leads that changed ({changes.Count}; assigned first, then by score):");
        io.Out.Write(ReportRenderer.ChangesTable(
            changes.Values.OrderByDescending(c => c.AssignedTo is not null).ThenByDescending(c => c.ScoreAfter),
            limit: 30));

        var quarantine = await store.ListQuarantineAsync(connection.Name, cancellationToken);
        foreach (var item in quarantine.Take(10))
        {
            io.Out.WriteLine($"quarantined {item.System} {item.RecordId}: {item.Reason}");
        }

        if (latencies.Count > 0)
        {
            var sorted = latencies.Order().ToList();
            io.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"handoff latency (first seen at 71+ → owner written in Salesforce): p50 {SyncEngine.Percentile(sorted, 0.50).TotalSeconds:F1} s, p95 {SyncEngine.Percentile(sorted, 0.95).TotalSeconds:F1} s over {latencies.Count} handoffs"));
        }

        var known = 0;
        await foreach (var _ in store.StreamLeadsAsync(connection.Name, cancellationToken))
        {
            known++;
        }

        var stats = sandbox.Stats;
        var marketingCalls = marketing switch
        {
            MarketingPlatformKind.Marketo => stats.MarketoCalls,
            MarketingPlatformKind.Pardot => stats.PardotCalls,
            _ => stats.HubSpotCalls,
        };
        io.Out.WriteLine(new DemoSummary(known, scored, statusChanges, stageChanges, assigned, quarantine.Count, marketingCalls, stats.SalesforceCalls, marketing) { SegmentsWritten = segmentsWritten }.ToString());
        return ExitCodes.Success;
    }

    /// <summary>The sandbox's endpoints and credentials, with <paramref name="marketing"/> as the connection's platform.</summary>
    public static Dictionary<string, string?> SandboxOverrides(SandboxServer sandbox, string statePath, MarketingPlatformKind marketing = MarketingPlatformKind.HubSpot)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var overrides = CommonOverrides(sandbox, statePath, marketing);
        if (marketing == MarketingPlatformKind.Pardot)
        {
            overrides["LeadSync:Pardot:BaseUrl"] = sandbox.PardotBaseUrl.ToString().TrimEnd('/');
            overrides["LeadSync:Pardot:BusinessUnitId"] = sandbox.PardotBusinessUnitId;
            overrides["LeadSync:Pardot:StatusField"] = "Lead_Status__c";
            overrides["LeadSync:Pardot:ScoreField"] = "LeadSync_Score__c";
            overrides["LeadSync:Pardot:GradeField"] = "LeadSync_Grade__c";
            overrides["LeadSync:Pardot:CustomFields:0"] = "Lead_Status__c";
            overrides["LeadSync:Pardot:CustomFields:1"] = "LeadSync_Score__c";
            overrides["LeadSync:Pardot:CustomFields:2"] = "LeadSync_Grade__c";
        }

        return overrides;
    }

    private static Dictionary<string, string?> CommonOverrides(SandboxServer sandbox, string statePath, MarketingPlatformKind marketing) => new(StringComparer.Ordinal)
    {
        [$"LeadSync:{MarketingPlatforms.SettingName}"] = marketing.ToString(),
        ["LeadSync:Marketo:BaseUrl"] = sandbox.MarketoBaseUrl.ToString().TrimEnd('/'),
        ["LeadSync:Marketo:ClientId"] = sandbox.MarketoClientId,
        ["LeadSync:Marketo:ClientSecret"] = sandbox.MarketoClientSecret,
        ["LeadSync:HubSpot:BaseUrl"] = sandbox.HubSpotBaseUrl.ToString().TrimEnd('/'),
        ["LeadSync:HubSpot:AccessToken"] = sandbox.Options.HubSpotAccessToken,
        ["LeadSync:Salesforce:LoginUrl"] = sandbox.SalesforceLoginUrl.ToString().TrimEnd('/'),
        ["LeadSync:Salesforce:ClientId"] = sandbox.Options.SalesforceClientId,
        ["LeadSync:Salesforce:ClientSecret"] = sandbox.Options.SalesforceClientSecret,
        ["LeadSync:State:Provider"] = "Sqlite",
        ["LeadSync:State:SqlitePath"] = statePath,
    };

    private static void DeleteState(string statePath)
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            if (File.Exists(statePath + suffix))
            {
                File.Delete(statePath + suffix);
            }
        }
    }

}
