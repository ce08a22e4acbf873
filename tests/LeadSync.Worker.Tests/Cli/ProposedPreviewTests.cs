using System.Text.Json;
using LeadSync.Sandbox;

namespace LeadSync.Worker.Tests.Cli;

/// <summary>Issue 18: <c>preview --proposed</c> and <c>validate-config --diff</c> through the real command line.</summary>
public sealed class ProposedPreviewTests
{
    /// <summary>
    /// Every email open a strong signal, every lead fit points, and every handoff to one team of two reps who exist in
    /// the sandbox (the shipped routing names reps the sandbox does not have: today's handoffs go to the fallback queue).
    /// </summary>
    private static string Proposal(SandboxServer sandbox)
    {
        var reps = sandbox.Salesforce.ListUsers()
            .Where(u => u.Get("IsActive") is true && u.Id != sandbox.Salesforce.IntegrationUserId && u.Email is not null)
            .Take(2).Select(u => u.Email!).ToList();
        Assert.Equal(2, reps.Count);
        return $$"""
            {
              "LeadSync": {
                "Scoring": {
                  "Signals": [ { "Signal": "EmailOpen", "CountProperty": "hs_email_open" } ],
                  "BehaviourRules": [ { "Id": "opens", "Signal": "EmailOpen", "PointsPerOccurrence": 50, "Cap": 100 } ],
                  "FitRules": [ { "Id": "anyone", "Field": "HubSpot.email", "Operator": "Contains", "Value": "@", "Points": 100 } ],
                  "BehaviourMax": 100, "FitMax": 100, "BehaviourWeight": 0.5, "FitWeight": 0.5
                },
                "Routing": {
                  "FallbackTeam": "Inside",
                  "Rules": [ { "Id": "everyone", "Team": "Inside", "Conditions": [ { "Field": "HubSpot.email", "Operator": "Contains", "Values": [ "@" ] } ] } ],
                  "Teams": [ { "Name": "Inside", "Strategy": "RoundRobin", "Reps": [ { "Email": "{{reps[0]}}" }, { "Email": "{{reps[1]}}" } ] } ]
                }
              }
            }
            """;
    }

    [Fact]
    public async Task PreviewProposed_ScoringAndRoutingChanged_TotalsFirstThenMoversAndTheSameAsJson()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 9, LeadCount = 120 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        var (syncExit, _, syncError) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(syncExit == 0, syncError);
        var proposal = dir.File("proposed.json", Proposal(sandbox));
        var hubSpotWrites = sandbox.Stats.HubSpotWrites;
        var salesforceWrites = sandbox.Stats.SalesforceWrites;
        var tasks = sandbox.Stats.TasksCreated;

        var (exit, output, error) = await CliRunner.RunAsync("preview", "--proposed", proposal, "--config", config, "--top", "5");
        var (jsonExit, jsonOutput, jsonError) = await CliRunner.RunAsync("preview", "--proposed", proposal, "--config", config, "--top", "5", "--json");

        Assert.True(exit == 0, error);
        Assert.True(jsonExit == 0, jsonError);
        Assert.StartsWith("preview of proposed.json against the current rules: ", output, StringComparison.Ordinal);
        var totalsAt = output.IndexOf("totals (current → proposed):", StringComparison.Ordinal);
        var moversAt = output.IndexOf("largest movers (top 5):", StringComparison.Ordinal);
        Assert.True(totalsAt > 0 && moversAt > totalsAt, output);
        foreach (var line in new[] { "would cross up to sales", "would drop below threshold", "Salesforce status changes", "HubSpot status changes", "HubSpot stage changes", "Salesforce field writes", "HubSpot field writes", "handoffs", "leads with another receiver" })
        {
            Assert.Contains(line, output[totalsAt..moversAt], StringComparison.Ordinal);
        }

        using var json = JsonDocument.Parse(jsonOutput);
        var totals = json.RootElement.GetProperty("totals");
        var crossUp = totals.GetProperty("crossUp").GetInt32();
        Assert.True(crossUp > 0, jsonOutput);
        var crossUpLine = output.Split('\n').Single(l => l.StartsWith("would cross up to sales ", StringComparison.Ordinal));
        Assert.Equal(crossUp.ToString(System.Globalization.CultureInfo.InvariantCulture), crossUpLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.True(totals.GetProperty("handoffsProposed").GetInt32() > totals.GetProperty("handoffsCurrent").GetInt32(), jsonOutput);

        // Who receives whom: the two reps of Inside, by email (reps are colleagues), round robin; nobody to the queue.
        var receivers = json.RootElement.GetProperty("receivers").EnumerateArray().ToList();
        var inside = receivers.Where(r => r.GetProperty("team").GetString() == "Inside").ToList();
        Assert.Equal(2, inside.Count);
        Assert.All(inside, r => Assert.True(r.GetProperty("proposed").GetInt32() > 0));
        Assert.True(Math.Abs(inside[0].GetProperty("proposed").GetInt32() - inside[1].GetProperty("proposed").GetInt32()) <= 1, jsonOutput);
        Assert.All(receivers.Where(r => r.GetProperty("team").GetString() != "Inside"), r => Assert.Equal(0, r.GetProperty("proposed").GetInt32()));
        Assert.Contains("who would receive leads", output, StringComparison.Ordinal);
        Assert.Contains(inside[0].GetProperty("rep").GetString()!, output, StringComparison.Ordinal);

        var movers = json.RootElement.GetProperty("movers").EnumerateArray().ToList();
        Assert.Equal(5, movers.Count);
        var deltas = movers.Select(m => Math.Abs(m.GetProperty("proposedScore").GetInt32() - m.GetProperty("currentScore").GetInt32())).ToList();
        Assert.Equal(deltas.OrderByDescending(d => d), deltas);
        Assert.Contains(movers[0].GetProperty("leadKey").GetString()!, output, StringComparison.Ordinal);

        // Reads only, and no lead's email in either output.
        Assert.Equal(hubSpotWrites, sandbox.Stats.HubSpotWrites);
        Assert.Equal(salesforceWrites, sandbox.Stats.SalesforceWrites);
        Assert.Equal(tasks, sandbox.Stats.TasksCreated);
        foreach (var contact in sandbox.HubSpot.ListContacts())
        {
            if (contact.Properties.TryGetValue("email", out var email) && email is { Length: > 3 })
            {
                Assert.DoesNotContain(email, output, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(email, jsonOutput, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task PreviewProposed_SameRulesAsNow_NothingDecidedDifferently()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 4, LeadCount = 60 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        var (syncExit, _, syncError) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(syncExit == 0, syncError);
        var proposal = dir.File("same.json", """{ "LeadSync": { "Handoff": { "Threshold": 71 } } }""");

        var (exit, output, error) = await CliRunner.RunAsync("preview", "--proposed", proposal, "--config", config, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("leads").GetInt32() > 0, output);
        Assert.Empty(json.RootElement.GetProperty("movers").EnumerateArray());
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(0, totals.GetProperty("crossUp").GetInt32());
        Assert.Equal(0, totals.GetProperty("receiverChanges").GetInt32());
        Assert.Equal(totals.GetProperty("handoffsCurrent").GetInt32(), totals.GetProperty("handoffsProposed").GetInt32());
    }

    [Fact]
    public async Task PreviewProposed_InvalidProposal_RefusedWithEveryProblem()
    {
        using var dir = new TempDir();
        var proposal = dir.File("bad-proposal.json", """
            {
              "LeadSync": {
                "Handoff": { "Threshold": 150 },
                "Scoring": { "Bogus": 1 },
                "Lifecycle": { "StatusMap": { "Replace": true, "Salesforce": { "New": "Open" } } },
                "Routing": { "Teams": [ { "Name": "X", "Strategy": "Random", "Reps": [ { "Email": "x@example.com" } ] } ] }
              }
            }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("preview", "--proposed", proposal);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("error: bad-proposal.json is refused", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Handoff:Threshold: threshold 150 is outside the score scale", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Scoring:Bogus: unknown setting 'Bogus'", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Lifecycle:StatusMap:Salesforce:Nurturing:", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Routing:Teams[0]:Strategy: 'Random' cannot be read", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Routing:Rules[0]:Team: unknown team 'Enterprise'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_NeitherOrBothFiles_RefusedInOneLine()
    {
        var (exit, _, error) = await CliRunner.RunAsync("preview");

        Assert.Equal(2, exit);
        Assert.Contains("give either --proposed FILE or --scoring FILE", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfigDiff_RulesChanged_ListsAddedRemovedChangedWithSecretsMasked()
    {
        using var dir = new TempDir();
        var current = dir.File("current.json", """
            { "LeadSync": { "HubSpot": { "AccessToken": "pat-current-secret-1" }, "Handoff": { "Threshold": 71 } } }
            """);
        var proposed = dir.File("proposed.json", """
            {
              "LeadSync": {
                "HubSpot": { "AccessToken": "pat-proposed-secret-2" },
                "Handoff": { "Threshold": 80 },
                "Lifecycle": { "StatusMap": { "Salesforce": { "Qualified": "Sales Accepted" }, "SalesforceAliases": { "Recycled": "Nurturing" } } },
                "Routing": { "Rules": [ { "Id": "all-apac", "Team": "APAC", "Conditions": [ { "Field": "HubSpot.email", "Operator": "Contains", "Values": [ "@" ] } ] } ] }
              }
            }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--diff", current, proposed);

        Assert.True(exit == 0, error);
        Assert.StartsWith("rule changes from current.json to proposed.json", output, StringComparison.Ordinal);
        Assert.Contains("  ~ LeadSync:Handoff:Threshold: '71' → '80'", output, StringComparison.Ordinal);
        Assert.Contains("  ~ LeadSync:HubSpot:AccessToken: '********' (secret changed)", output, StringComparison.Ordinal);
        Assert.Contains("  ~ LeadSync:Lifecycle:StatusMap:Salesforce:Qualified: 'Marketing Qualified' → 'Sales Accepted'", output, StringComparison.Ordinal);
        Assert.Contains("  + LeadSync:Lifecycle:StatusMap:SalesforceAliases:Recycled: 'Nurturing'", output, StringComparison.Ordinal);
        Assert.Contains("  ~ LeadSync:Routing:Rules[0]:Id: 'enterprise' → 'all-apac'", output, StringComparison.Ordinal);
        Assert.Contains("  - LeadSync:Routing:Rules[3]:Id: 'apac'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("pat-current-secret-1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("pat-proposed-secret-2", output, StringComparison.Ordinal);

        // Only what differs: the untouched defaults of the merged map are not listed.
        Assert.DoesNotContain("StatusMap:Salesforce:New", output, StringComparison.Ordinal);
        Assert.Contains("proposed.json: configuration OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfigDiff_InvalidProposal_ShowsTheChangesAndEveryProblem()
    {
        using var dir = new TempDir();
        var current = dir.File("current.json", """{ "LeadSync": { } }""");
        var proposed = dir.File("proposed.json", """{ "LeadSync": { "Handoff": { "Threshold": 150 }, "Sync": { "CycleLeaseMinutes": "lots" } } }""");

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--diff", current, proposed);

        Assert.Equal(2, exit);
        Assert.Contains("  ~ LeadSync:Handoff:Threshold: '71' → '150'", output, StringComparison.Ordinal);
        Assert.Contains("  + LeadSync:Sync:CycleLeaseMinutes: 'lots'", output, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Handoff:Threshold: threshold 150 is outside the score scale", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Sync:CycleLeaseMinutes: 'lots' cannot be read", error, StringComparison.Ordinal);
    }
}
