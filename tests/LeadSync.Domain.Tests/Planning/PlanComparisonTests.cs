using LeadSync.Domain.Planning;
using static LeadSync.Domain.Tests.Planning.PlannerTestData;

namespace LeadSync.Domain.Tests.Planning;

public sealed class PlanComparisonTests
{
    private static PersonComparison Compare(PersonSnapshot person, Action<ConnectionModelOptions> proposed)
    {
        var current = PlanOne(person);
        var options = Options(proposed);
        var other = PlanOne(person, proposed);
        return PlanComparison.Compare(current, Options().Handoff.Threshold, other, options.Handoff.Threshold, "HubSpot", "Salesforce");
    }

    [Fact]
    public void Compare_SameRules_NothingDiffers()
    {
        var person = Person(Contact(Hot), Lead());

        var comparison = Compare(person, _ => { });

        Assert.False(comparison.Differs);
        Assert.Empty(comparison.Changes);
        Assert.True(comparison.SalesReadyNow);
        Assert.NotNull(comparison.CurrentReceiver);
        Assert.Equal(comparison.CurrentReceiver, comparison.ProposedReceiver);
    }

    [Fact]
    public void Compare_ThresholdRaisedAboveTheScore_NoHandoffAndTheOwnerAndStatusWritesGo()
    {
        var person = Person(Contact(Hot), Lead());

        var comparison = Compare(person, o => o.Handoff.Threshold = 75);

        Assert.Equal(71, comparison.CurrentScore);
        Assert.Equal(71, comparison.ProposedScore);
        Assert.True(comparison.SalesReadyNow);
        Assert.False(comparison.SalesReadyProposed);
        Assert.NotNull(comparison.CurrentReceiver);
        Assert.Null(comparison.ProposedReceiver);
        var owner = Assert.Single(comparison.Changes, c => c.System == "Salesforce" && c.What == "owner");
        Assert.NotNull(owner.Current);
        Assert.NotEqual(IntegrationUser, owner.Current);
        Assert.Equal(IntegrationUser, owner.Proposed);
        Assert.Contains(comparison.Changes, c => c.System == "Salesforce" && c.What == "status" && c.Proposed == "Open - Not Contacted");
    }

    [Fact]
    public void Compare_HubSpotStatusValueRenamed_TheValueWrittenDiffers()
    {
        var person = Person(Contact(Hot), Lead());

        var comparison = Compare(person, o => o.Lifecycle.StatusMap.HubSpot["Qualified"] = "SALES_READY");

        var status = Assert.Single(comparison.Changes);
        Assert.Equal(new ValueChange("HubSpot", "status", "IN_PROGRESS", "SALES_READY"), status);
        Assert.Equal(comparison.CurrentReceiver, comparison.ProposedReceiver);
    }
}
