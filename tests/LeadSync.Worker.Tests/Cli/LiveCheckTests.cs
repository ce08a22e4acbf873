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

    [Fact]
    public async Task ValidateConfigLive_NurtureListsMissingOrDynamic_EachReportedWithItsPath()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 3, LeadCount = 20 });
        sandbox.HubSpot.Lists.CreateList("Nurture - EMEA");
        sandbox.HubSpot.Lists.CreateList("Active leads", LeadSync.Sandbox.HubSpot.HubSpotLists.Dynamic);
        using var dir = new TempDir();
        var config = dir.File("nurture.json", $$"""
            {
              "LeadSync": {
                "HubSpot": { "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}", "AccessToken": "{{sandbox.HubSpotAccessToken}}" },
                "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
                "State": { "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" },
                "Nurture": {
                  "Tracks": [
                    { "Name": "emea", "Segments": { "Region": "EMEA" }, "Lists": { "HubSpot": "Nurture - EMEA" } },
                    { "Name": "na", "Segments": { "Region": "NA" }, "Reasons": [ "New", "BelowThreshold" ], "Lists": { "HubSpot": "Nurture - NA" } },
                    { "Name": "everyone", "Lists": { "HubSpot": "Active leads", "Marketo": "Nurture" } }
                  ]
                }
              }
            }
            """);

        var (offline, _, offlineError) = await CliRunner.RunAsync("validate-config", "--config", config);
        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--live", "--config", config);

        Assert.True(offline == 0, offlineError);
        Assert.Equal(2, exit);
        Assert.DoesNotContain("LeadSync:Nurture:Tracks[0]", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Nurture:Tracks[1]:Lists:HubSpot: HubSpot has no list named 'Nurture - NA'", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Nurture:Tracks[2]:Lists:HubSpot: HubSpot list 'Active leads' is DYNAMIC", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_NurtureTrackOnAnUnknownSegmentValue_OfflineProblemWithItsPath()
    {
        using var dir = new TempDir();
        var config = dir.File("nurture.json", """
            {
              "LeadSync": {
                "Nurture": { "Tracks": [ { "Name": "mars", "Segments": { "Region": "Mars" }, "Lists": { "HubSpot": "Nurture - Mars" } } ] }
              }
            }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Nurture:Tracks[0]:Segments:Region: 'Mars' is not a value dimension Region sets", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfigLive_NurtureOnMarketo_StaticListsLookedUpByName()
    {
        // The Marketo fake seeds the static lists "Nurture - Early Stage" and "Webinar Invitees".
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 3, LeadCount = 20 });
        using var dir = new TempDir();
        var config = dir.File("marketo-nurture.json", $$"""
            {
              "LeadSync": {
                "MarketingPlatform": "Marketo",
                "Marketo": {
                  "BaseUrl": "{{sandbox.MarketoBaseUrl.ToString().TrimEnd('/')}}",
                  "ClientId": "{{sandbox.MarketoClientId}}",
                  "ClientSecret": "{{sandbox.MarketoClientSecret}}",
                  "StageField": "lifecycleStage",
                  "ScoreField": "leadSyncScore",
                  "GradeField": "fitGrade"
                },
                "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
                "State": { "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" },
                "Nurture": {
                  "Tracks": [
                    { "Name": "early", "Lists": { "Marketo": "Nurture - Early Stage", "HubSpot": "Not checked on a Marketo connection" } },
                    { "Name": "late", "Segments": { "Region": "EMEA" }, "Lists": { "Marketo": "Nurture - Late Stage" } }
                  ]
                }
              }
            }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--live", "--config", config);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("LeadSync:Nurture:Tracks[0]", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Nurture:Tracks[1]:Lists:Marketo: Marketo has no list named 'Nurture - Late Stage'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LeadSync_Key2__c", "Lead has no field LeadSync_Key2__c")]
    [InlineData("HubSpot_Contact_Id__c", "is not marked External ID")]
    public async Task ValidateConfigLive_KeyFieldNotAUniqueExternalId_IsAProblemAtItsPath(string keyField, string expected)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 3, LeadCount = 20 });
        using var dir = new TempDir();
        var config = dir.File("key.json", $$"""
            {
              "LeadSync": {
                "HubSpot": { "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}", "AccessToken": "{{sandbox.HubSpotAccessToken}}" },
                "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}", "ExternalKeyField": "{{keyField}}" },
                "State": { "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" }
              }
            }
            """);

        var (offline, _, offlineError) = await CliRunner.RunAsync("validate-config", "--config", config);
        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--live", "--config", config);

        Assert.True(offline == 0, offlineError);
        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Salesforce:ExternalKeyField", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(0, sandbox.Stats.HubSpotWrites + sandbox.Stats.SalesforceWrites);
    }

    [Fact]
    public async Task ValidateConfig_KeyFieldNotACustomFieldName_IsRefusedOffline()
    {
        using var dir = new TempDir();
        var config = dir.File("key.json", $$"""
            {
              "LeadSync": {
                "HubSpot": { "AccessToken": "x" },
                "Salesforce": { "LoginUrl": "https://acme.my.salesforce.com", "ClientId": "id", "ClientSecret": "secret", "ExternalKeyField": "Email" },
                "State": { "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" }
              }
            }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Salesforce:ExternalKeyField", error, StringComparison.Ordinal);
        Assert.Contains("not a custom field's API name", error, StringComparison.Ordinal);
    }
}
