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

    [Fact]
    public async Task ValidateConfig_UnknownSectionAndUnreadableValues_AreListedWithTheOtherProblems()
    {
        using var dir = new TempDir();
        var config = dir.File("typos.json", """
            {
              "LeadSync": {
                "Handof": { "Threshold": 80 },
                "Handoff": { "Threshold": 150 },
                "Sync": { "CycleLeaseMinutes": "lots" },
                "Routing": { "Teams": [ { "Name": "North America", "Reps": [ { "Email": "a.rep@example.com", "OutOfOffice": [ { "From": "someday", "To": "2026-01-02" } ] } ] } ] }
              }
            }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("configuration has ", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Handof: unknown section 'Handof' (allowed: Connections, Handoff,", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Sync:CycleLeaseMinutes: 'lots' cannot be read (allowed: a whole number)", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Routing:Teams[0]:Reps[0]:OutOfOffice[0]:From: 'someday' cannot be read (allowed: a date such as 2026-12-24)", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Handoff:Threshold: threshold 150 is outside the score scale", error, StringComparison.Ordinal);

        // The one team replaces the shipped five: rules naming the others now point nowhere.
        Assert.Contains("- LeadSync:Routing:Rules[0]:Team: unknown team 'Enterprise' (allowed: one of: North America)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_UnknownSectionAlone_IsAnError()
    {
        using var dir = new TempDir();
        var config = dir.File("typo.json", """{ "LeadSync": { "Handof": { "Threshold": 80 } } }""");

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("configuration has 1 problem:", error, StringComparison.Ordinal);
        Assert.Contains("LeadSync:Handof: unknown section 'Handof'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_Print_ShowsTheLayeredConfigurationWithSecretsMasked()
    {
        using var dir = new TempDir();
        var config = dir.File("prod.json", """
            {
              "LeadSync": {
                "HubSpot": { "AccessToken": "pat-na1-0123-secret-token" },
                "Salesforce": { "ClientSecret": "sf-client-secret-value" },
                "State": { "Provider": "Postgres", "ConnectionString": "Host=db;Username=leadsync;Password=hunter2-db-password;Database=leadsync" },
                "Routing": {
                  "FallbackTeam": "Solo",
                  "Rules": [ { "Id": "everyone", "Team": "Solo", "Conditions": [ { "Field": "HubSpot.country", "Operator": "Missing" } ] } ],
                  "Teams": [ { "Name": "Solo", "Reps": [ { "Email": "only.rep@example.com" } ] } ]
                }
              }
            }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--config", config, "--print");

        Assert.True(exit == 0, error);
        foreach (var secret in new[] { "pat-na1-0123-secret-token", "sf-client-secret-value", "hunter2-db-password", "sandbox-client-secret", "sandbox-hubspot-token" })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }

        var json = output[..(output.LastIndexOf('}') + 1)];
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var leadSync = document.RootElement.GetProperty("LeadSync");
        Assert.Equal("********", leadSync.GetProperty("HubSpot").GetProperty("AccessToken").GetString());
        Assert.Equal("********", leadSync.GetProperty("Salesforce").GetProperty("ClientSecret").GetString());
        Assert.Equal("Host=db;Username=leadsync;Password=********;Database=leadsync", leadSync.GetProperty("State").GetProperty("ConnectionString").GetString());

        // The shipped example's routing is replaced, not merged by position: one team, one rep, one rule.
        var team = Assert.Single(leadSync.GetProperty("Routing").GetProperty("Teams").EnumerateArray());
        Assert.Equal("only.rep@example.com", Assert.Single(team.GetProperty("Reps").EnumerateArray()).GetProperty("Email").GetString());
        Assert.Single(leadSync.GetProperty("Routing").GetProperty("Rules").EnumerateArray());

        // What the file does not set still comes from appsettings.json.
        Assert.Equal(71, leadSync.GetProperty("Handoff").GetProperty("Threshold").GetInt32());
        Assert.Contains("configuration OK: 1 connection(s) (default), state Postgres", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigFileWithOneTeamOfOneRep_BindsExactlyThatTeam()
    {
        using var dir = new TempDir();
        var config = dir.File("one-team.json", """
            { "LeadSync": { "Routing": { "Teams": [ { "Name": "North America", "Strategy": "RoundRobin", "Reps": [ { "Email": "only.rep@example.com" } ] } ] } } }
            """);

        var settings = Configuration.LeadSyncSettings.Bind(Configuration.ConfigurationLoader.Load(config));

        var teams = settings.Connections.Single().Model.Routing.Teams;
        var team = Assert.Single(teams);
        Assert.Equal("only.rep@example.com", Assert.Single(team.Reps).Email);
    }

    [Fact]
    public void Merge_LaterLayerList_ReplacesTheEarlierListButKeepsOtherKeys()
    {
        var shipped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["LeadSync:Routing:Teams:0:Name"] = "A",
            ["LeadSync:Routing:Teams:0:Reps:0:Email"] = "a1@example.com",
            ["LeadSync:Routing:Teams:0:Reps:1:Email"] = "a2@example.com",
            ["LeadSync:Routing:Teams:1:Name"] = "B",
            ["LeadSync:Routing:FallbackTeam"] = "A",
            ["LeadSync:Handoff:Threshold"] = "71",
        };
        var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["LeadSync:Routing:Teams:0:Name"] = "C",
            ["LeadSync:Routing:Teams:0:Reps:0:Email"] = "c1@example.com",
            ["LeadSync:Handoff:Threshold"] = "80",
        };

        var merged = Configuration.ConfigurationLoader.Merge([shipped, environment]);

        Assert.Equal(
            new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["LeadSync:Routing:Teams:0:Name"] = "C",
                ["LeadSync:Routing:Teams:0:Reps:0:Email"] = "c1@example.com",
                ["LeadSync:Routing:FallbackTeam"] = "A",
                ["LeadSync:Handoff:Threshold"] = "80",
            },
            merged);
    }
}

public sealed class ValueMapLayeringTests
{
    [Fact]
    public void Bind_OneSalesforceStatusOverridden_KeepsTheOtherDefaults()
    {
        using var dir = new TempDir();
        var config = dir.File("one-status.json", """
            { "LeadSync": { "Lifecycle": { "StatusMap": { "Salesforce": { "Qualified": "Sales Accepted" } } } } }
            """);

        var settings = Configuration.LeadSyncSettings.Bind(Configuration.ConfigurationLoader.Load(config));

        var lifecycle = settings.Connections.Single().Model.Lifecycle;
        Assert.Equal("Sales Accepted", lifecycle.StatusMap.Salesforce["Qualified"]);
        Assert.Equal("Open - Not Contacted", lifecycle.StatusMap.Salesforce["New"]);
        Assert.Equal(7, lifecycle.StatusMap.Salesforce.Count);
        Assert.Equal("BAD_TIMING", lifecycle.StatusMap.HubSpot["Nurturing"]);
        Assert.Equal("marketingqualifiedlead", lifecycle.StageMap.HubSpot["MarketingQualifiedLead"]);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Bind_RulesSectionsGivenInPart_KeepTheDefaultsOfEveryKeyTheyDoNotName()
    {
        using var dir = new TempDir();
        var config = dir.File("partial.json", """
            {
              "LeadSync": {
                "Lifecycle": { "StatusMap": { "Salesforce": { "Qualified": "Sales Accepted" } } },
                "Scoring": { "FitWeight": 0.5, "BehaviourWeight": 0.5, "Decay": { "HalfLifeDays": 45 } },
                "Mappings": { "CrossReference": { "SalesforceField": "HS_Id__c" } }
              }
            }
            """);
        var defaults = Configuration.MarketingPlatforms.Defaults(Configuration.MarketingPlatformKind.HubSpot);

        var settings = Configuration.LeadSyncSettings.Bind(Configuration.ConfigurationLoader.Load(config));

        var model = settings.Connections.Single().Model;
        // Before, one status entry left no stage rule at all, and a partial scoring section no rule to score by.
        Assert.Equal(defaults.Lifecycle.StageRules.Select(r => r.Id), model.Lifecycle.StageRules.Select(r => r.Id));
        Assert.Equal(0.5, model.Scoring.FitWeight);
        Assert.Equal(45.0, model.Scoring.Decay.HalfLifeDays);
        Assert.Equal(defaults.Scoring.Decay.GraceDays, model.Scoring.Decay.GraceDays);
        Assert.Equal(defaults.Scoring.BehaviourRules.Select(r => r.Id), model.Scoring.BehaviourRules.Select(r => r.Id));
        Assert.Equal(defaults.Scoring.FitRules.Select(r => r.Id), model.Scoring.FitRules.Select(r => r.Id));
        Assert.Equal(defaults.Scoring.Signals.Count, model.Scoring.Signals.Count);
        Assert.Equal("HS_Id__c", model.Mappings.CrossReference.SalesforceField);
        Assert.Equal(defaults.Mappings.CrossReference.HubSpotProperty, model.Mappings.CrossReference.HubSpotProperty);
        Assert.Equal(defaults.Mappings.EffectiveFields.Count, model.Mappings.EffectiveFields.Count);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Bind_ThresholdRaisedAlone_DefaultMqlStageRuleFollowsIt()
    {
        using var dir = new TempDir();
        var config = dir.File("threshold.json", """
            { "LeadSync": { "Handoff": { "Threshold": 80 }, "Lifecycle": { "StatusMap": { "Salesforce": { "Qualified": "Sales Accepted" } } } } }
            """);

        var settings = Configuration.LeadSyncSettings.Bind(Configuration.ConfigurationLoader.Load(config));

        var rule = Assert.Single(settings.Connections.Single().Model.Lifecycle.StageRules, r => r.Id == "sales-ready-mql");
        Assert.Equal(80, rule.MinScore);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Bind_ListGivenInARulesSection_ReplacesTheDefaultList()
    {
        using var dir = new TempDir();
        var config = dir.File("rules.json", """
            { "LeadSync": { "Lifecycle": { "StageRules": [ { "Id": "only", "MinScore": 71, "Stage": "MarketingQualifiedLead" } ] } } }
            """);

        var settings = Configuration.LeadSyncSettings.Bind(Configuration.ConfigurationLoader.Load(config));

        Assert.Equal(["only"], settings.Connections.Single().Model.Lifecycle.StageRules.Select(r => r.Id));
    }

    [Fact]
    public async Task ValidateConfig_PrintWithOneStatusOverridden_ShowsTheMergedMaps()
    {
        using var dir = new TempDir();
        var config = dir.File("one-status.json", """
            { "LeadSync": { "Lifecycle": { "StatusMap": { "Salesforce": { "Qualified": "Sales Accepted" }, "HubSpotAliases": { "FRESH": "New" } } } } }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--config", config, "--print");

        Assert.True(exit == 0, error);
        using var document = System.Text.Json.JsonDocument.Parse(output[..(output.LastIndexOf('}') + 1)]);
        var statusMap = document.RootElement.GetProperty("LeadSync").GetProperty("Lifecycle").GetProperty("StatusMap");
        Assert.Equal("Sales Accepted", statusMap.GetProperty("Salesforce").GetProperty("Qualified").GetString());
        Assert.Equal("Closed - Converted", statusMap.GetProperty("Salesforce").GetProperty("Converted").GetString());
        Assert.Equal(7, statusMap.GetProperty("HubSpot").EnumerateObject().Count());
        Assert.Equal("New", statusMap.GetProperty("HubSpotAliases").GetProperty("OPEN").GetString());
        Assert.Equal("New", statusMap.GetProperty("HubSpotAliases").GetProperty("FRESH").GetString());
        Assert.Contains("configuration OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_ReplacedIncompleteMap_ListsEveryMissingValue()
    {
        using var dir = new TempDir();
        var config = dir.File("replace.json", """
            {
              "LeadSync": {
                "Lifecycle": {
                  "StatusMap": {
                    "Replace": true,
                    "Salesforce": { "New": "Open", "Contacted": "Working", "Engaged": "Engaged", "Qualified": "MQL", "Converted": "Converted", "Unqualified": "Dead", "Nurturing": "Later" }
                  }
                }
              }
            }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--config", config, "--print");

        Assert.Equal(2, exit);
        foreach (var status in new[] { "New", "Contacted", "Engaged", "Qualified", "Converted", "Unqualified", "Nurturing" })
        {
            Assert.Contains($"- LeadSync:Lifecycle:StatusMap:HubSpot:{status}:", error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("StatusMap:Salesforce:", error, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(output);
        var statusMap = document.RootElement.GetProperty("LeadSync").GetProperty("Lifecycle").GetProperty("StatusMap");
        Assert.True(statusMap.GetProperty("Replace").GetBoolean());
        Assert.False(statusMap.TryGetProperty("HubSpot", out _));
        Assert.False(statusMap.TryGetProperty("HubSpotAliases", out _));
    }

    [Fact]
    public void Bind_ConnectionEntryOverridingOneStageValue_MergesOverItsPlatformsDefaults()
    {
        using var dir = new TempDir();
        var config = dir.File("connections.json", """
            {
              "LeadSync": {
                "Connections": [
                  { "Name": "eu", "Lifecycle": { "StageMap": { "HubSpot": { "Other": "other_eu" } } } },
                  { "Name": "us" }
                ]
              }
            }
            """);

        var settings = Configuration.LeadSyncSettings.Bind(Configuration.ConfigurationLoader.Load(config));

        var eu = settings.Connections.Single(c => c.Name == "eu").Model.Lifecycle.StageMap.HubSpot;
        var us = settings.Connections.Single(c => c.Name == "us").Model.Lifecycle.StageMap.HubSpot;
        Assert.Equal("other_eu", eu["Other"]);
        Assert.Equal("lead", eu["Lead"]);
        Assert.Equal(8, eu.Count);
        Assert.Equal("other", us["Other"]);
    }
}
