using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeadSync.Sandbox;

namespace LeadSync.Worker.Tests.Cli;

/// <summary>A connection with Marketo as the marketing platform, end to end through the real host against the sandbox.</summary>
public sealed partial class MarketoConnectionTests
{
    internal static string MarketoConfig(TempDir dir, SandboxServer sandbox, string extraMarketo = "") => dir.File("leadsync.json", $$"""
        {
          "LeadSync": {
            "MarketingPlatform": "Marketo",
            "Marketo": {
              "BaseUrl": "{{sandbox.MarketoBaseUrl.ToString().TrimEnd('/')}}",
              "ClientId": "{{sandbox.MarketoClientId}}",
              "ClientSecret": "{{sandbox.MarketoClientSecret}}",
              "StageField": "lifecycleStage",
              "ScoreField": "leadSyncScore",
              "GradeField": "fitGrade"{{extraMarketo}}
            },
            "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
            "State": { "Provider": "Sqlite", "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" }
          }
        }
        """);

    [Fact]
    public async Task Demo_MarketingMarketo_RunsTheLoopAndLabelsCallsByProduct()
    {
        using var dir = new TempDir();

        var (exit, output, error) = await CliRunner.RunAsync("demo", "--marketing", "marketo", "--leads", "150", "--cycles", "2", "--seed", "11", "--state", Path.Combine(dir.Path, "demo.db"));

        Assert.True(exit == 0, error + output);
        Assert.Contains("LeadSync → Marketo", output, StringComparison.Ordinal);
        var match = SummaryLine().Match(output.TrimEnd().Split('\n')[^1]);
        Assert.True(match.Success, output);
        Assert.True(int.Parse(match.Groups["leads"].Value, CultureInfo.InvariantCulture) >= 100, match.Value);
        Assert.True(int.Parse(match.Groups["assigned"].Value, CultureInfo.InvariantCulture) > 0, match.Value);
        Assert.True(int.Parse(match.Groups["marketo"].Value, CultureInfo.InvariantCulture) > 0, match.Value);
        Assert.DoesNotMatch(RawEmail(), output);
    }

    [Fact]
    public async Task SyncOnce_MarketoConnection_HandsOffInSalesforceAndWritesBackToMarketoButNeverOwnerOrSfdcFields()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 });
        using var dir = new TempDir();
        var config = MarketoConfig(dir, sandbox);
        var linkedBefore = sandbox.Marketo.ListLeads().ToDictionary(l => l.Id, l => l.Get("sfdcLeadId"));

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.True(exit == 0, error + output);
        Assert.Contains("default: ok", output, StringComparison.Ordinal);
        Assert.True(sandbox.Stats.MarketoWrites > 0);
        Assert.True(sandbox.Stats.SalesforceWrites > 0);
        Assert.Equal(0, sandbox.Stats.HubSpotCalls);
        var leads = sandbox.Marketo.ListLeads();
        Assert.Contains(leads, l => l.Get("leadStatus") == "Marketing Qualified" && l.Get("lifecycleStage") is "MQL" or "SQL");
        Assert.All(leads, l => Assert.Equal(linkedBefore[l.Id], l.Get("sfdcLeadId")));
        var apiChanges = leads.SelectMany(l => sandbox.Marketo.ActivitiesOf(l.Id)).Where(a => a.TypeId == 13 && a.Attributes.Any(kv => kv.Value == "Web service API")).ToList();
        Assert.NotEmpty(apiChanges);
        Assert.DoesNotContain(apiChanges, a => a.Changes!.Any(c => c.Name.StartsWith("sfdc", StringComparison.Ordinal)));
        Assert.Contains(sandbox.Salesforce.ListTasks(), _ => true);

        // Explain and quarantine work on the Marketo connection like on any other.
        var someone = leads.First(l => l.Get("sfdcLeadId") is not null && l.Email is { Length: > 0 }).Email!;
        var (explainExit, explained, explainError) = await CliRunner.RunAsync("explain", someone, "--config", config);
        Assert.True(explainExit == 0, explainError);
        Assert.Contains("score ", explained, StringComparison.Ordinal);
        Assert.Contains("Lead Status:", explained, StringComparison.Ordinal);
        Assert.DoesNotContain(someone, explained, StringComparison.OrdinalIgnoreCase);

        var (listExit, list, _) = await CliRunner.RunAsync("quarantine", "list", "--config", config);
        Assert.Equal(0, listExit);
        Assert.True(list.Contains("quarantine is empty", StringComparison.Ordinal) || list.Contains("quarantined record(s)", StringComparison.Ordinal), list);
    }

    [Fact]
    public async Task SyncOnce_DryRunOnMarketo_PrintsThePlanAndWritesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 });
        using var dir = new TempDir();
        var config = MarketoConfig(dir, sandbox);

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--dry-run", "--json", "--config", config);

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var report = json.RootElement[0];
        Assert.Equal("DryRun", report.GetProperty("mode").GetString());
        Assert.True(report.GetProperty("changes").GetArrayLength() > 0);
        Assert.Equal(0, sandbox.Stats.MarketoWrites);
        Assert.Equal(0, sandbox.Stats.SalesforceWrites);
        Assert.Equal(0, sandbox.Stats.TasksCreated);
    }

    [Fact]
    public async Task SyncOnce_MarketoTokensExpireAnd606Storm_StillCompletes()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 6, LeadCount = 80 });
        using var dir = new TempDir();
        var config = MarketoConfig(dir, sandbox, """, "RateLimitRetryDelay": "00:00:00.050", "RetryBaseDelay": "00:00:00.010" """);
        var (firstExit, _, firstError) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(firstExit == 0, firstError);

        sandbox.Simulate(percent: 30, seed: 3);
        sandbox.ExpireMarketoTokens();
        sandbox.InjectMarketoError("606", 3);
        sandbox.InjectMarketoError("615", 1);
        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.True(exit == 0, error + output);
        Assert.Contains("default: ok", output, StringComparison.Ordinal);
        Assert.True(sandbox.Stats.MarketoThrottled >= 4, $"{sandbox.Stats.MarketoThrottled} throttled");
    }

    [Fact]
    public async Task ValidateConfig_UnknownPlatformAndMissingMarketoSecrets_ListsEveryProblem()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.json", """
            { "LeadSync": { "Connections": [
              { "Name": "a", "MarketingPlatform": "Pardo" },
              { "Name": "b", "MarketingPlatform": "Marketo", "Marketo": { "BaseUrl": "https://284-RPR-133.mktorest.com/rest" } } ] } }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", bad);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Connections[0]:MarketingPlatform: 'Pardo' is not a marketing platform (allowed: HubSpot, Marketo, Pardot)", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Connections:1:Marketo:BaseUrl", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Connections:1:Marketo:ClientId", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Connections:1:Marketo:ClientSecret", error, StringComparison.Ordinal);
        Assert.DoesNotContain("LeadSync:Connections:1:HubSpot", error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^summary: leads=(?<leads>\d+) scored=\d+ status_changes=\d+ stage_changes=\d+ assigned=(?<assigned>\d+) quarantined=\d+ segments_written=\d+ marketo_calls=(?<marketo>\d+) salesforce_calls=\d+$")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"[a-z0-9._%+\-]{2,}@[a-z0-9.\-]+\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex RawEmail();
}
