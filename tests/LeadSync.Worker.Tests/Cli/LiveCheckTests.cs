using LeadSync.Sandbox;

namespace LeadSync.Worker.Tests.Cli;

/// <summary>An admin's typo in a field name is a start-up error, checked against the live systems' metadata.</summary>
public sealed class LiveCheckTests
{
    [Fact]
    public async Task ValidateConfigLive_TyposInFieldNames_ListsEachAgainstLiveMetadata()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 3, LeadCount = 20 });
        using var dir = new TempDir();
        var config = dir.File("typos.json", $$"""
            {
              "LeadSync": {
                "HubSpot": { "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}", "AccessToken": "{{sandbox.HubSpotAccessToken}}" },
                "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
                "State": { "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" },
                "Sync": { "ScoreField": "Score_c" },
                "Mappings": { "Fields": [ { "HubSpotProperty": "jobtitel", "SalesforceField": "Title", "Direction": "TwoWay" } ] }
              }
            }
            """);

        var (offline, _, offlineError) = await CliRunner.RunAsync("validate-config", "--config", config);
        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--live", "--config", config);

        Assert.True(offline == 0, offlineError);
        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Mappings:Fields[0]:HubSpotProperty", error, StringComparison.Ordinal);
        Assert.Contains("jobtitel", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Sync:ScoreField", error, StringComparison.Ordinal);
        Assert.Contains("Score_c", error, StringComparison.Ordinal);
        Assert.Equal(0, sandbox.Stats.HubSpotWrites + sandbox.Stats.SalesforceWrites);
    }

    [Fact]
    public async Task ValidateConfigLive_ShippedRulesAgainstSandbox_AgreeWithTheSystems()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 3, LeadCount = 20 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--live", "--config", config);

        Assert.True(exit == 0, error);
        Assert.Contains("rules agree with the live systems", output, StringComparison.Ordinal);
    }
}
