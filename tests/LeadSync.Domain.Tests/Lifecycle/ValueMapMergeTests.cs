namespace LeadSync.Domain.Lifecycle.Tests;

public sealed class ValueMapMergeTests
{
    private const string Root = "LeadSync:Lifecycle";

    [Fact]
    public void WithDefaultMaps_OneStatusRenamed_KeepsEveryOtherDefaultValue()
    {
        var admin = new LifecycleOptions { StageRules = LifecycleOptions.CreateDefault().StageRules };
        admin.StatusMap.Salesforce["qualified"] = "Sales Accepted";

        var merged = admin.WithDefaultMaps(LifecycleOptions.CreateDefault());

        Assert.Equal("Sales Accepted", merged.StatusMap.Salesforce["Qualified"]);
        Assert.Equal(7, merged.StatusMap.Salesforce.Count);
        Assert.Equal("Open - Not Contacted", merged.StatusMap.Salesforce["New"]);
        Assert.Equal("IN_PROGRESS", merged.StatusMap.HubSpot["Qualified"]);
        Assert.Equal("New", merged.StatusMap.HubSpotAliases["OPEN"]);
        Assert.Equal("subscriber", merged.StageMap.HubSpot["Subscriber"]);
        Assert.Empty(LifecycleOptionsValidator.Validate(merged, Root, 71));
    }

    [Fact]
    public void WithDefaultMaps_AliasAdded_DefaultAliasesStay()
    {
        var admin = new LifecycleOptions();
        admin.StatusMap.SalesforceAliases["Recycled"] = "Nurturing";

        var merged = admin.WithDefaultMaps(LifecycleOptions.CreateDefault());

        Assert.Equal("Nurturing", merged.StatusMap.SalesforceAliases["Recycled"]);
        Assert.Equal("New", merged.StatusMap.HubSpotAliases["OPEN"]);
    }

    [Fact]
    public void WithDefaultMaps_Replace_TakesTheAdminsMapAloneAndValidationNamesWhatIsMissing()
    {
        var admin = new LifecycleOptions { StageRules = LifecycleOptions.CreateDefault().StageRules };
        admin.StatusMap.Replace = true;
        admin.StatusMap.Salesforce["New"] = "Open";

        var merged = admin.WithDefaultMaps(LifecycleOptions.CreateDefault());

        Assert.True(merged.StatusMap.Replace);
        Assert.Equal("Open", Assert.Single(merged.StatusMap.Salesforce).Value);
        Assert.Empty(merged.StatusMap.HubSpot);
        Assert.Empty(merged.StatusMap.HubSpotAliases);

        // The stage map was not replaced: still the defaults.
        Assert.Equal(8, merged.StageMap.HubSpot.Count);
        var problems = LifecycleOptionsValidator.Validate(merged, Root, 71);
        Assert.Contains(problems, p => p.Path == "LeadSync:Lifecycle:StatusMap:Salesforce:Nurturing");
        Assert.Contains(problems, p => p.Path == "LeadSync:Lifecycle:StatusMap:HubSpot:New");
    }

    [Fact]
    public void WithDefaultMaps_NothingGiven_EqualsTheDefaultsAndLeavesThemUntouched()
    {
        var defaults = LifecycleOptions.CreateDefault();
        var admin = new LifecycleOptions();
        admin.StatusMap.HubSpot["New"] = "FRESH";

        var merged = admin.WithDefaultMaps(defaults);
        var plain = new LifecycleOptions().WithDefaultMaps(defaults);

        Assert.Equal("NEW", defaults.StatusMap.HubSpot["New"]);
        Assert.Equal("FRESH", merged.StatusMap.HubSpot["New"]);
        Assert.Equal(defaults.StatusMap.Salesforce, plain.StatusMap.Salesforce);
        Assert.Equal(defaults.StageMap.HubSpot, plain.StageMap.HubSpot);
    }

    [Fact]
    public void WithDefaultMaps_StageRulesAndFlags_AreTheAdminsOwn()
    {
        var admin = new LifecycleOptions
        {
            AllowBackwardWithReset = true,
            StageRules = [new StageRule { Id = "only", MinScore = 90, Stage = LifecycleStage.MarketingQualifiedLead }],
        };

        var merged = admin.WithDefaultMaps(LifecycleOptions.CreateDefault());

        Assert.True(merged.AllowBackwardWithReset);
        Assert.Equal("only", Assert.Single(merged.StageRules).Id);
    }
}
