using LeadSync.Domain.Configuration;

namespace LeadSync.Domain.Lifecycle.Tests;

public sealed class LifecycleOptionsValidatorTests
{
    private const string Root = "LeadSync:Lifecycle";

    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        Assert.Empty(LifecycleOptionsValidator.Validate(LifecycleOptions.CreateDefault(), Root, 71));
    }

    [Fact]
    public void CreateDefault_WithThreshold_MqlRuleUsesIt()
    {
        var options = LifecycleOptions.CreateDefault(80);

        Assert.Equal(80, Assert.Single(options.StageRules, r => r.Stage == LifecycleStage.MarketingQualifiedLead).MinScore);
        Assert.Empty(LifecycleOptionsValidator.Validate(options, Root, 80));
        Assert.NotEmpty(LifecycleOptionsValidator.Validate(LifecycleOptions.CreateDefault(), Root, 80));
    }

    [Fact]
    public void Validate_TwoCanonicalValuesToOneSystemValue_Reported()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.Salesforce["Engaged"] = "working - contacted";

        AssertHas(LifecycleOptionsValidator.Validate(options, Root, 71), "LeadSync:Lifecycle:StatusMap:Salesforce:Engaged", "could not tell them apart");
    }

    [Fact]
    public void Validate_UnknownCanonicalName_Reported()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.HubSpot["Working"] = "IN_PROGRESS_2";

        AssertHas(LifecycleOptionsValidator.Validate(options, Root, 71), "LeadSync:Lifecycle:StatusMap:HubSpot:Working", "unknown canonical name");
    }

    [Fact]
    public void Validate_CanonicalStatusWithoutSystemValue_Reported()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.Salesforce.Remove("Nurturing");
        options.StatusMap.HubSpot["Unqualified"] = " ";

        var problems = LifecycleOptionsValidator.Validate(options, Root, 71);

        AssertHas(problems, "LeadSync:Lifecycle:StatusMap:Salesforce:Nurturing", "no Salesforce value");
        AssertHas(problems, "LeadSync:Lifecycle:StatusMap:HubSpot:Unqualified", "empty");
    }

    [Fact]
    public void Validate_BadAliases_Reported()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.HubSpotAliases["OPEN"] = "Opened";
        options.StatusMap.HubSpotAliases["CONNECTED"] = "New";

        var problems = LifecycleOptionsValidator.Validate(options, Root, 71);

        AssertHas(problems, "LeadSync:Lifecycle:StatusMap:HubSpotAliases:OPEN", "unknown canonical value 'Opened'");
        AssertHas(problems, "LeadSync:Lifecycle:StatusMap:HubSpotAliases:CONNECTED", "conflicts");
    }

    [Fact]
    public void Validate_StageMapProblems_Reported()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StageMap.HubSpot["Prospect"] = "prospect";
        options.StageMap.HubSpot.Remove("Opportunity");
        options.StageMap.HubSpot["Evangelist"] = "customer";

        var problems = LifecycleOptionsValidator.Validate(options, Root, 71);

        AssertHas(problems, "LeadSync:Lifecycle:StageMap:HubSpot:Prospect", "unknown canonical name");
        AssertHas(problems, "LeadSync:Lifecycle:StageMap:HubSpot:Opportunity", "needs to write it");
        AssertHas(problems, "LeadSync:Lifecycle:StageMap:HubSpot:Evangelist", "both map to 'customer'");
    }

    [Fact]
    public void Validate_StageRuleProblems_EachReportedWithPath()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StageRules[2].MinScore = 60;
        options.StageRules.Add(new StageRule { Id = "converted-opportunity", Stage = (LifecycleStage)99, MinScore = 150, Statuses = [(LeadStatus)42] });
        options.StageRules.Add(new StageRule { Id = "everyone", Stage = LifecycleStage.Lead });
        options.StageRules.Add(new StageRule { Id = "after-everyone", MinScore = 10, Stage = LifecycleStage.Lead });
        options.StageRules.Add(new StageRule { Id = "", Stage = LifecycleStage.MarketingQualifiedLead });

        var problems = LifecycleOptionsValidator.Validate(options, Root, 71);

        AssertHas(problems, "LeadSync:Lifecycle:StageRules[2]:MinScore", "below the sales-ready threshold 71");
        AssertHas(problems, "LeadSync:Lifecycle:StageRules[3]:Id", "duplicate");
        AssertHas(problems, "LeadSync:Lifecycle:StageRules[3]:Stage", "unknown stage");
        AssertHas(problems, "LeadSync:Lifecycle:StageRules[3]:MinScore", "never be met");
        AssertHas(problems, "LeadSync:Lifecycle:StageRules[3]:Statuses[0]", "unknown status");
        AssertHas(problems, "LeadSync:Lifecycle:StageRules[5]", "can never match");
        AssertHas(problems, "LeadSync:Lifecycle:StageRules[6]:Id", "missing");
        AssertHas(problems, "LeadSync:Lifecycle:StageRules[6]:MinScore", "every lead MQL");
    }

    private static void AssertHas(IReadOnlyList<ConfigProblem> problems, string path, string text) =>
        Assert.True(
            problems.Any(p => p.Path == path && $"{p.Problem} {p.Allowed}".Contains(text, StringComparison.OrdinalIgnoreCase)),
            $"expected a problem at {path} containing '{text}', got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
}
