using LeadSync.Sandbox;

namespace LeadSync.Worker.Tests.Cli;

public sealed class PreviewCommandTests
{
    [Fact]
    public async Task Preview_GenerousProposal_ReportsLeadsCrossingUp()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 9, LeadCount = 120 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        var (syncExit, _, syncError) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(syncExit == 0, syncError);

        // A proposal that counts every email open as a strong signal and gives every lead fit points.
        var proposal = dir.File("proposal.json", """
            {
              "LeadSync": {
                "Scoring": {
                  "Signals": [ { "Signal": "EmailOpen", "CountProperty": "hs_email_open" } ],
                  "BehaviourRules": [ { "Id": "opens", "Signal": "EmailOpen", "PointsPerOccurrence": 50, "Cap": 100 } ],
                  "FitRules": [ { "Id": "anyone", "Field": "HubSpot.email", "Operator": "Contains", "Value": "@", "Points": 100 } ],
                  "BehaviourMax": 100, "FitMax": 100, "BehaviourWeight": 0.5, "FitWeight": 0.5
                }
              }
            }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("preview", "--scoring", proposal, "--config", config);

        Assert.True(exit == 0, error);
        Assert.Contains("would cross up to sales:", output, StringComparison.Ordinal);
        var up = int.Parse(output.Split('\n').First(l => l.Contains("would cross up", StringComparison.Ordinal)).Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(up > 0, output);
    }

    [Fact]
    public async Task Preview_InvalidProposal_ExitsTwoWithProblems()
    {
        using var dir = new TempDir();
        var proposal = dir.File("proposal.json", """{ "BehaviourRules": [ { "Id": "x", "Signal": "Telepathy", "PointsPerOccurrence": 5, "Cap": 1 } ] }""");

        var (exit, _, error) = await CliRunner.RunAsync("preview", "--scoring", proposal);

        Assert.Equal(2, exit);
        Assert.Contains("proposal.json", error, StringComparison.Ordinal);
    }
}
