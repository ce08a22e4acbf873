using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Lifecycle.Tests;

public sealed class StagePolicyTests
{
    private readonly StagePolicy _policy = StagePolicy.Create(LifecycleOptions.CreateDefault());

    [Fact]
    public void Decide_SalesReadyGoodFitLead_MovesForwardToMql()
    {
        var decision = _policy.Decide(new StageInput(LifecycleStage.Lead, 71, FitGrade.C, LeadStatus.New, OwnedBySales: false));

        Assert.Equal(LifecycleStage.MarketingQualifiedLead, decision.Target);
        Assert.False(decision.RequiresReset);
        Assert.Equal("sales-ready-mql", decision.RuleId);
    }

    [Theory]
    [InlineData(70, FitGrade.A)]
    [InlineData(90, FitGrade.D)]
    public void Decide_BelowThresholdOrPoorFit_NoRuleNoChange(int score, FitGrade grade)
    {
        var decision = _policy.Decide(new StageInput(LifecycleStage.Lead, score, grade, LeadStatus.New, OwnedBySales: false));

        Assert.Null(decision.Target);
        Assert.Contains("no stage rule matched", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LeadStatus.Contacted)]
    [InlineData(LeadStatus.Engaged)]
    [InlineData(LeadStatus.Qualified)]
    public void Decide_OwnedBySalesAndWorking_SalesQualified(LeadStatus status)
    {
        var decision = _policy.Decide(new StageInput(LifecycleStage.MarketingQualifiedLead, 80, FitGrade.B, status, OwnedBySales: true));

        Assert.Equal(LifecycleStage.SalesQualifiedLead, decision.Target);
    }

    [Fact]
    public void Decide_RulesInOrder_FirstMatchWins()
    {
        // Converted matches the first rule even though the lead would also qualify as MQL.
        var decision = _policy.Decide(new StageInput(LifecycleStage.Lead, 95, FitGrade.A, LeadStatus.Converted, OwnedBySales: true));

        Assert.Equal(LifecycleStage.Opportunity, decision.Target);
        Assert.Equal("converted-opportunity", decision.RuleId);
    }

    [Fact]
    public void Decide_NoCurrentStage_SetsTarget()
    {
        var decision = _policy.Decide(new StageInput(null, 75, FitGrade.A, null, OwnedBySales: false));

        Assert.Equal(LifecycleStage.MarketingQualifiedLead, decision.Target);
        Assert.False(decision.RequiresReset);
    }

    [Fact]
    public void Decide_AlreadyAtTarget_NoChange()
    {
        var decision = _policy.Decide(new StageInput(LifecycleStage.MarketingQualifiedLead, 75, FitGrade.A, LeadStatus.New, OwnedBySales: false));

        Assert.Null(decision.Target);
        Assert.Contains("already there", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LifecycleStage.SalesQualifiedLead)]
    [InlineData(LifecycleStage.Customer)]
    [InlineData(LifecycleStage.Other)]
    public void Decide_TargetBehindCurrent_NeverMovesBackward(LifecycleStage current)
    {
        var decision = _policy.Decide(new StageInput(current, 75, FitGrade.A, LeadStatus.New, OwnedBySales: false));

        Assert.Null(decision.Target);
        Assert.False(decision.RequiresReset);
        Assert.Contains("forward-only", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_BackwardAllowedWithReset_SaysResetRequired()
    {
        var options = LifecycleOptions.CreateDefault();
        options.AllowBackwardWithReset = true;
        var policy = StagePolicy.Create(options);

        var decision = policy.Decide(new StageInput(LifecycleStage.Customer, 75, FitGrade.A, LeadStatus.New, OwnedBySales: false));

        Assert.Equal(LifecycleStage.MarketingQualifiedLead, decision.Target);
        Assert.True(decision.RequiresReset);
        Assert.Contains("two requests", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ForwardWithResetAllowed_NoReset()
    {
        var options = LifecycleOptions.CreateDefault();
        options.AllowBackwardWithReset = true;

        var decision = StagePolicy.Create(options).Decide(new StageInput(LifecycleStage.Subscriber, 75, FitGrade.A, LeadStatus.New, OwnedBySales: false));

        Assert.Equal(LifecycleStage.MarketingQualifiedLead, decision.Target);
        Assert.False(decision.RequiresReset);
    }

    [Fact]
    public void Decide_OwnedByMarketingCondition_OnlyMatchesMarketingLeads()
    {
        var options = new LifecycleOptions
        {
            StageRules = [new StageRule { Id = "nurture-lead", OwnedBySales = false, Statuses = [LeadStatus.Nurturing], Stage = LifecycleStage.Lead }],
        };
        var policy = StagePolicy.Create(options);

        Assert.Equal(LifecycleStage.Lead, policy.Decide(new StageInput(LifecycleStage.Subscriber, 10, FitGrade.D, LeadStatus.Nurturing, false)).Target);
        Assert.Null(policy.Decide(new StageInput(LifecycleStage.Subscriber, 10, FitGrade.D, LeadStatus.Nurturing, true)).Target);
        Assert.Null(policy.Decide(new StageInput(LifecycleStage.Subscriber, 10, FitGrade.D, null, false)).Target);
    }

    [Fact]
    public void Create_LaterOptionChanges_DoNotAffectPolicy()
    {
        var options = LifecycleOptions.CreateDefault();
        var policy = StagePolicy.Create(options);
        options.StageRules.Clear();

        Assert.Equal(LifecycleStage.MarketingQualifiedLead, policy.Decide(new StageInput(LifecycleStage.Lead, 80, FitGrade.A, null, false)).Target);
    }
}
