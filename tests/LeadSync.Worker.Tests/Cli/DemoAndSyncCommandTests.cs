using System.Text.Json;
using System.Text.RegularExpressions;
using LeadSync.Sandbox;

namespace LeadSync.Worker.Tests.Cli;

/// <summary>The commands a newcomer runs, end to end through the real host against the sandbox.</summary>
public sealed partial class DemoAndSyncCommandTests
{
    [Fact]
    public async Task Demo_SmallWorld_ScoresAssignsAndEndsWithTheSummaryLine()
    {
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "demo.db");

        var (exit, output, error) = await CliRunner.RunAsync("demo", "--leads", "150", "--cycles", "2", "--seed", "11", "--state", state);

        Assert.True(exit == 0, error);
        Assert.Contains("cycle 1/2:", output, StringComparison.Ordinal);
        Assert.Contains("cycle 2/2:", output, StringComparison.Ordinal);
        Assert.Contains("leads that changed", output, StringComparison.Ordinal);
        var last = output.TrimEnd().Split('\n')[^1];
        var match = SummaryLine().Match(last);
        Assert.True(match.Success, last);
        Assert.True(int.Parse(match.Groups["leads"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 100, last);
        Assert.True(int.Parse(match.Groups["assigned"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, last);
        Assert.True(File.Exists(state));
        Assert.DoesNotMatch(RawEmail(), output);
    }

    [Fact]
    public async Task SyncOnce_DryRunJson_PrintsThePlanAndWritesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 });
        using var dir = new TempDir();
        var config = SandboxConfig(dir, sandbox);

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--dry-run", "--json", "--config", config);

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var report = json.RootElement[0];
        Assert.Equal("DryRun", report.GetProperty("mode").GetString());
        Assert.True(report.GetProperty("changes").GetArrayLength() > 0);
        Assert.Equal(0, sandbox.Stats.HubSpotWrites);
        Assert.Equal(0, sandbox.Stats.SalesforceWrites);
        Assert.Equal(0, sandbox.Stats.TasksCreated);
        Assert.False(File.Exists(Path.Combine(dir.Path, "state.db")) && new FileInfo(Path.Combine(dir.Path, "state.db")).Length > 0 && HasWatermark(Path.Combine(dir.Path, "state.db")));
    }

    [Fact]
    public async Task SyncOnce_ThenExplainAndQuarantine_ShowWhatHappened()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 });
        using var dir = new TempDir();
        var config = SandboxConfig(dir, sandbox);

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(exit == 0, error);
        Assert.Contains("default: ok", output, StringComparison.Ordinal);
        Assert.True(sandbox.Stats.SalesforceWrites > 0);

        var someone = sandbox.HubSpot.ListContacts().First(c => c.Properties.TryGetValue("email", out var e) && !string.IsNullOrEmpty(e) && !e.Contains(' ', StringComparison.Ordinal)).Properties["email"];
        var (explainExit, explained, explainError) = await CliRunner.RunAsync("explain", someone, "--config", config);
        Assert.True(explainExit == 0, explainError);
        Assert.Contains("score ", explained, StringComparison.Ordinal);
        Assert.Contains("Lead Status:", explained, StringComparison.Ordinal);
        Assert.Contains("segments (LeadSync:Segments, first matching rule wins):", explained, StringComparison.Ordinal);
        Assert.Matches(@"\n  Region = \S.*segment Region = ", explained);
        Assert.Contains("audit (newest first", explained, StringComparison.Ordinal);
        Assert.DoesNotContain(someone, explained, StringComparison.OrdinalIgnoreCase);

        var (listExit, list, _) = await CliRunner.RunAsync("quarantine", "list", "--config", config);
        Assert.Equal(0, listExit);
        Assert.True(list.Contains("quarantine is empty", StringComparison.Ordinal) || list.Contains("quarantined record(s)", StringComparison.Ordinal), list);

        var (retryExit, _, retryError) = await CliRunner.RunAsync("quarantine", "retry", "999999", "--config", config);
        Assert.Equal(2, retryExit);
        Assert.Contains("no quarantined record with id 999999", retryError, StringComparison.Ordinal);
    }

    private static bool HasWatermark(string path)
    {
        using var store = new LeadSync.State.SqliteStateStore(path, TimeProvider.System);
        store.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        return store.GetWatermarkAsync("default", SystemRole.Marketing, CancellationToken.None).GetAwaiter().GetResult() is not null;
    }

    internal static string SandboxConfig(TempDir dir, SandboxServer sandbox) => dir.File("leadsync.json", $$"""
        {
          "LeadSync": {
            "HubSpot": { "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}", "AccessToken": "{{sandbox.HubSpotAccessToken}}" },
            "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
            "State": { "Provider": "Sqlite", "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" }
          }
        }
        """);

    [GeneratedRegex(@"^summary: leads=(?<leads>\d+) scored=\d+ status_changes=\d+ stage_changes=\d+ assigned=(?<assigned>\d+) quarantined=\d+ segments_written=\d+ hubspot_calls=\d+ salesforce_calls=\d+$")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"\b[a-z0-9._%+'-]{2,}@[a-z0-9.-]+\.[a-z]{2,}\b", RegexOptions.IgnoreCase)]
    private static partial Regex RawEmail();
}
