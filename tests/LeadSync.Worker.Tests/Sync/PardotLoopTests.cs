using System.Globalization;
using System.Text.RegularExpressions;
using LeadSync.Sandbox;
using LeadSync.Worker.Tests.Cli;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Worker.Tests.Sync;

/// <summary>Pardot (Account Engagement) as the marketing platform, through the real host against the sandbox.</summary>
public sealed partial class PardotLoopTests
{
    [Fact]
    public async Task Demo_MarketingPardot_RunsTheLoopAndLabelsPardotCalls()
    {
        using var dir = new TempDir();

        var (exit, output, error) = await CliRunner.RunAsync("demo", "--marketing", "pardot", "--leads", "120", "--cycles", "2", "--seed", "11", "--state", Path.Combine(dir.Path, "demo.db"));

        Assert.True(exit == 0, error + output);
        Assert.Contains("LeadSync → Pardot", output, StringComparison.Ordinal);
        var last = output.TrimEnd().Split('\n')[^1];
        var match = SummaryLine().Match(last);
        Assert.True(match.Success, last);
        Assert.True(int.Parse(match.Groups["leads"].Value, CultureInfo.InvariantCulture) >= 80, last);
        Assert.True(long.Parse(match.Groups["pardot"].Value, CultureInfo.InvariantCulture) > 0, last);
        Assert.True(int.Parse(match.Groups["quarantined"].Value, CultureInfo.InvariantCulture) > 0, last); // prospects sharing an email
        Assert.DoesNotMatch(RawEmail(), output);
    }

    /// <remarks>
    /// The sandbox's clock is frozen, so LeadSync's writes stay behind Account Engagement's read cache for the second
    /// run (a separate process-like host, with no memory of the first): every read it makes shows prospects as they
    /// were before the first run wrote them. Those stale reads must not be taken for people undoing LeadSync's writes.
    /// </remarks>
    [Fact]
    public async Task SyncOnce_TwiceWithinTheReadCacheLag_StaleReadsAreNotHumanChanges()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 }, time);
        using var dir = new TempDir();
        var config = PardotConfig(dir, sandbox);

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(exit == 0, error + output);
        Assert.Contains("default: ok", output, StringComparison.Ordinal);
        var afterFirst = sandbox.Stats;
        Assert.True(afterFirst.PardotWrites > 0, "the first run writes scores to Pardot");
        Assert.True(afterFirst.SalesforceWrites > 0, "the first run writes to Salesforce");
        var statuses = sandbox.Salesforce.ListLeads().ToDictionary(l => l.Id, l => l.Status, StringComparer.Ordinal);

        // The reads of the second run are stale: the written values are not visible yet.
        Assert.Contains(sandbox.Pardot.CurrentProspects(), p => !ReferenceEquals(p, sandbox.Pardot.Visible(p.Id)));

        var (again, output2, error2) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(again == 0, error2 + output2);
        var afterSecond = sandbox.Stats;
        Assert.Equal(afterFirst.SalesforceWrites, afterSecond.SalesforceWrites);
        Assert.Equal(afterFirst.PardotWrites, afterSecond.PardotWrites);
        Assert.Equal(statuses, sandbox.Salesforce.ListLeads().ToDictionary(l => l.Id, l => l.Status, StringComparer.Ordinal));

        // Once the cache has caught up, LeadSync's own writes come back as echoes: nothing to write either.
        time.Advance(TimeSpan.FromSeconds(61));
        var (third, output3, error3) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(third == 0, error3 + output3);
        Assert.Equal(afterFirst.SalesforceWrites, sandbox.Stats.SalesforceWrites);
        Assert.Equal(afterFirst.PardotWrites, sandbox.Stats.PardotWrites);
    }

    [Fact]
    public async Task SyncOnce_WrongBusinessUnit_FailsWithTheConfigurationProblem()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 20 });
        using var dir = new TempDir();
        var config = PardotConfig(dir, sandbox, businessUnit: "0Uv5g000000WRONGAA");

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.NotEqual(0, exit);
        Assert.Contains("201", error + output, StringComparison.Ordinal);
        Assert.Contains("Pardot:BusinessUnitId", error + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_PardotBusinessUnitIdMalformed_ReportedWithItsPath()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 5 });
        using var dir = new TempDir();
        var config = PardotConfig(dir, sandbox, businessUnit: "0Uv-too-short");

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Pardot:BusinessUnitId", error, StringComparison.Ordinal);
    }

    internal static string PardotConfig(TempDir dir, SandboxServer sandbox, string? businessUnit = null) => dir.File("leadsync-pardot.json", $$"""
        {
          "LeadSync": {
            "MarketingPlatform": "Pardot",
            "Pardot": {
              "BaseUrl": "{{sandbox.PardotBaseUrl.ToString().TrimEnd('/')}}",
              "BusinessUnitId": "{{businessUnit ?? sandbox.PardotBusinessUnitId}}",
              "StatusField": "Lead_Status__c",
              "ScoreField": "LeadSync_Score__c",
              "GradeField": "LeadSync_Grade__c",
              "CustomFields": [ "Lead_Status__c", "LeadSync_Score__c", "LeadSync_Grade__c" ],
              "MaxRetries": 1,
              "RetryBaseDelay": "00:00:00.010"
            },
            "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
            "State": { "Provider": "Sqlite", "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" }
          }
        }
        """);

    [GeneratedRegex(@"^summary: leads=(?<leads>\d+) scored=\d+ status_changes=\d+ stage_changes=\d+ assigned=\d+ quarantined=(?<quarantined>\d+) segments_written=\d+ pardot_calls=(?<pardot>\d+) salesforce_calls=\d+$")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"\b[a-z0-9._%+'-]{2,}@[a-z0-9.-]+\.[a-z]{2,}\b", RegexOptions.IgnoreCase)]
    private static partial Regex RawEmail();
}
