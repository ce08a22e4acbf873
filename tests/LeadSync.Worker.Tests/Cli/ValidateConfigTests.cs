namespace LeadSync.Worker.Tests.Cli;

public sealed class ValidateConfigTests
{
    [Fact]
    public async Task ValidateConfig_ShippedDefaults_AreValid()
    {
        var (exit, output, error) = await CliRunner.RunAsync("validate-config");

        Assert.True(exit == 0, error);
        Assert.StartsWith("configuration OK: 1 connection(s) (default)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_SeveralMistakes_ListsEveryProblemWithItsPath()
    {
        using var dir = new TempDir();
        var config = dir.File("bad.json", """
            {
              // An admin's bad day: every one of these must be reported, not just the first.
              "LeadSync": {
                "Handoff": { "Threshold": 150, "IntegrationUserEmail": "integration@leadsync.example" },
                "HubSpot": { "BaseUrl": "http://api.hubapi.com", "AccessToken": "" },
                "Schedule": { "SyncCron": "every two minutes" },
                "Routing": {
                  "Rules": [
                    { "Id": "r1", "Team": "Nowhere", "Conditions": [ { "Field": "HubSpot.country", "Operator": "Equals", "Values": [ "Germany" ] } ] },
                    { "Id": "r1", "Team": "Nowhere", "Conditions": [] }
                  ]
                }
              }
            }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Handoff:Threshold", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:HubSpot:BaseUrl", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:HubSpot:AccessToken", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Schedule:SyncCron", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Routing:Rules[1]", error, StringComparison.Ordinal);
        var problems = error.Split('\n').Count(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal));
        Assert.True(problems >= 5, error);
        Assert.Contains("(allowed:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidConfiguration_RefusesToStart()
    {
        using var dir = new TempDir();
        var config = dir.File("bad.json", """{ "LeadSync": { "Handoff": { "Threshold": -1 } } }""");

        var (exit, _, error) = await CliRunner.RunAsync("run", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Handoff:Threshold", error, StringComparison.Ordinal);
    }
}
