using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;

namespace LeadSync.Domain.Tests.Handoff;

public sealed class RecyclePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly RecyclePolicy Policy = new(new HandoffOptions());

    [Theory]
    [InlineData(LeadStatus.Unqualified)]
    [InlineData(LeadStatus.Nurturing)]
    public void Evaluate_SalesSetRecycleStatus_ReturnsToMarketingQueueKeepingStatus(LeadStatus status)
    {
        var decision = Policy.Evaluate(new RecycleInput(true, false, status, Now, Now, Now));

        Assert.True(decision.Recycle);
        Assert.Equal("Marketing_Nurture", decision.TargetQueueDeveloperName);
        Assert.Null(decision.Status);
        Assert.Contains(status.ToString(), decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_InactiveThirtyDays_RecyclesAsNurturing()
    {
        var decision = Policy.Evaluate(new RecycleInput(true, false, LeadStatus.Contacted, Now.AddDays(-30), Now.AddDays(-40), Now));

        Assert.True(decision.Recycle);
        Assert.Equal(LeadStatus.Nurturing, decision.Status);
        Assert.Equal("Marketing_Nurture", decision.TargetQueueDeveloperName);
        Assert.Contains("30 days", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_InactiveTwentyNineDays_StaysWithSales()
    {
        var decision = Policy.Evaluate(new RecycleInput(true, false, LeadStatus.Contacted, Now.AddDays(-29), Now.AddDays(-40), Now));

        Assert.False(decision.Recycle);
        Assert.Null(decision.TargetQueueDeveloperName);
    }

    [Fact]
    public void Evaluate_NoActivitySinceRecentHandoff_CountsFromHandoff()
    {
        var decision = Policy.Evaluate(new RecycleInput(true, false, LeadStatus.Qualified, Now.AddDays(-100), Now.AddDays(-5), Now));

        Assert.False(decision.Recycle);
    }

    [Fact]
    public void Evaluate_Converted_NeverRecycles()
    {
        var decision = Policy.Evaluate(new RecycleInput(true, true, LeadStatus.Unqualified, Now.AddDays(-300), Now.AddDays(-300), Now));

        Assert.False(decision.Recycle);
        Assert.Contains("Converted", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NotInSales_NothingToRecycle()
    {
        Assert.False(Policy.Evaluate(new RecycleInput(false, false, LeadStatus.Nurturing, null, null, Now)).Recycle);
    }

    [Fact]
    public void Evaluate_CustomStatusesAndDays_AreHonoured()
    {
        var policy = new RecyclePolicy(new HandoffOptions
        {
            MarketingQueueDeveloperName = "Nurture_Q",
            Recycle = new RecycleOptions { InactiveDays = 10, Statuses = [LeadStatus.Unqualified] },
        });

        Assert.False(policy.Evaluate(new RecycleInput(true, false, LeadStatus.Nurturing, Now.AddDays(-9), null, Now)).Recycle);
        var cold = policy.Evaluate(new RecycleInput(true, false, LeadStatus.Nurturing, Now.AddDays(-10), null, Now));
        Assert.True(cold.Recycle);
        Assert.Equal("Nurture_Q", cold.TargetQueueDeveloperName);
    }
}
