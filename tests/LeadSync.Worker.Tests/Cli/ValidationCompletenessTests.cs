namespace LeadSync.Worker.Tests.Cli;

/// <summary>
/// Issue 18: a wrong type, an unknown enum value or a bad key anywhere is one problem in the list (JSON path, what is
/// wrong, what is allowed), alongside every other problem of the same file.
/// </summary>
public sealed class ValidationCompletenessTests
{
    [Theory]
    [InlineData("HubSpot")]
    [InlineData("Marketo")]
    [InlineData("Pardot")]
    [InlineData("Salesforce")]
    [InlineData("Scoring")]
    [InlineData("Lifecycle")]
    [InlineData("Mappings")]
    [InlineData("Routing")]
    [InlineData("Sync")]
    [InlineData("State")]
    [InlineData("Schedule")]
    [InlineData("Health")]
    [InlineData("Telemetry")]
    [InlineData("Logging")]
    public async Task ValidateConfig_BadKeyInAnySection_IsOneProblemBesideTheOthers(string section)
    {
        using var dir = new TempDir();
        var config = dir.File("bad-key.json", $$"""
            { "LeadSync": { "{{section}}": { "Bogus": 1 }, "Handoff": { "Threshold": 150 } } }
            """);

        var (exit, output, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains($"- LeadSync:{section}:Bogus: unknown setting 'Bogus' (allowed: ", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Handoff:Threshold: threshold 150 is outside the score scale", error, StringComparison.Ordinal);
        Assert.DoesNotContain("binding", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ValidateConfig_WrongTypesAndUnknownEnumValuesEverywhere_AreEachListedWithPathAndWhatIsAllowed()
    {
        using var dir = new TempDir();
        var config = dir.File("bad-types.json", """
            {
              "LeadSync": {
                "MarketingPlatform": "Eloqua",
                "Handoff": { "Threshold": "high", "Sla": { "EscalationMode": "Shout" } },
                "Sync": { "CycleLeaseMinutes": { "Value": 5 } },
                "Telemetry": "on",
                "Scoring": { "FitRules": "none" },
                "Lifecycle": { "StageRules": [ { "Id": "x", "Stage": "Hot", "Statuses": [ "Qualifed" ] } ] },
                "Mappings": { "Fields": [ { "HubSpotProperty": "jobtitle", "SalesforceField": "Title", "Direction": "Sideways", "Transforms": [ "Shout" ] } ] },
                "Routing": { "Teams": [ { "Name": "North America", "Strategy": "Random", "Reps": [ { "Email": "a.rep@example.com", "Weight": 1.5, "WorkingHours": { "Days": [ "Funday" ] } } ] } ] }
              }
            }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        var expected = new[]
        {
            "- LeadSync:MarketingPlatform: 'Eloqua' is not a marketing platform (allowed: HubSpot, Marketo, Pardot)",
            "- LeadSync:Handoff:Threshold: 'high' cannot be read (allowed: a whole number)",
            "- LeadSync:Handoff:Sla:EscalationMode: 'Shout' cannot be read (allowed: one of ",
            "- LeadSync:Sync:CycleLeaseMinutes: a single value is expected here, not a section or list (allowed: a whole number)",
            "- LeadSync:Telemetry: 'on' is a single value, a section is expected here (allowed: ",
            "- LeadSync:Scoring:FitRules: 'none' is a single value, a list is expected here (allowed: a JSON list)",
            "- LeadSync:Lifecycle:StageRules[0]:Stage: 'Hot' cannot be read (allowed: one of Subscriber, ",
            "- LeadSync:Lifecycle:StageRules[0]:Statuses[0]: 'Qualifed' cannot be read (allowed: one of New, ",
            "- LeadSync:Mappings:Fields[0]:Direction: 'Sideways' cannot be read (allowed: one of ",
            "- LeadSync:Mappings:Fields[0]:Transforms[0]: 'Shout' cannot be read (allowed: one of ",
            "- LeadSync:Routing:Teams[0]:Strategy: 'Random' cannot be read (allowed: one of RoundRobin",
            "- LeadSync:Routing:Teams[0]:Reps[0]:Weight: '1.5' cannot be read (allowed: a whole number)",
            "- LeadSync:Routing:Teams[0]:Reps[0]:WorkingHours:Days[0]: 'Funday' cannot be read (allowed: one of Sunday, ",
        };
        foreach (var line in expected)
        {
            Assert.Contains(line, error, StringComparison.Ordinal);
        }

        // Each problem once, and nothing the binder says on its own.
        var problems = error.Split('\n').Where(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.Equal(problems.Count, problems.Distinct(StringComparer.Ordinal).Count());
        Assert.True(problems.Count >= expected.Length, error);
        Assert.DoesNotContain("binding", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("configuration cannot be read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_ConnectionsAsAnObject_IsAProblemNotAConnectionPerKey()
    {
        using var dir = new TempDir();
        var config = dir.File("connections-object.json", """
            { "LeadSync": { "Connections": { "eu": { "Name": "eu" } }, "Handoff": { "Threshold": 150 } } }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("- LeadSync:Connections:eu: 'eu' is not a list position (allowed: a JSON list of connections)", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Handoff:Threshold:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_BadKeysInsideAConnectionEntry_AreListedWithTheEntrysPath()
    {
        using var dir = new TempDir();
        var config = dir.File("connection-entry.json", """
            {
              "LeadSync": {
                "Connections": [
                  { "Name": "eu", "Handoff": { "Thresold": 80 }, "Lifecycle": { "StatusMap": { "Salesforce": { "Qualified": { "Value": "MQL" } } } } },
                  { "Name": "us", "Routing": { "Teams": [ { "Name": "T", "Strategy": 7 } ] } }
                ]
              }
            }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("- LeadSync:Connections[0]:Handoff:Thresold: unknown setting 'Thresold' (allowed: ", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Connections[0]:Lifecycle:StatusMap:Salesforce:Qualified: a single value is expected here, not a section or list (allowed: a String)", error, StringComparison.Ordinal);
        Assert.Contains("- LeadSync:Connections[1]:Routing:Teams[0]:Strategy: '7' cannot be read (allowed: one of RoundRobin", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_KeyTwiceInOneFile_IsAProblemWithThePath()
    {
        using var dir = new TempDir();
        var config = dir.File("twice.json", """
            { "LeadSync": { "Handoff": { "Threshold": 71, "threshold": 80 } } }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Handoff:threshold", error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("twice", error, StringComparison.Ordinal);
    }
}
