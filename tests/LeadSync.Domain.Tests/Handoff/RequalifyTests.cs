using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Planning;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Tests.Handoff;

/// <summary>A person's "no" (a hand-back status they set) and what ends it: new engagement or the cool-off.</summary>
public sealed class RequalifyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    private static readonly HandoffPolicy Policy = new(new HandoffOptions());

    private static HandoffInput Hot(int score, Disqualification? disqualified, DateTimeOffset now) =>
        new(score, FitGrade.A, InSales: false, LeadStatus.Unqualified, IsConverted: false, OwnerKind.MarketingQueue, OwnerChangedByPerson: false, disqualified, now);

    [Theory]
    [InlineData(80, 89, false)]
    [InlineData(80, 90, true)]
    [InlineData(80, 100, true)]
    [InlineData(40, 70, false)]
    [InlineData(40, 71, true)]
    [InlineData(95, 100, false)]
    public void Requalifies_ScoreAgainstTheScoreAtTheNo_TenPointsAboveItAndNeverBelowTheThreshold(int scoreThen, int scoreNow, bool expected)
    {
        var disqualified = new Disqualification(Now.AddDays(-1), scoreThen, "Closed - Not Converted");

        Assert.Equal(expected, Policy.Requalifies(disqualified, scoreNow, Now));
        Assert.Equal(expected ? HandoffAction.Handoff : HandoffAction.StayWithMarketing, Policy.Decide(Hot(scoreNow, disqualified, Now)).Action);
    }

    [Theory]
    [InlineData(89, 71, false)]
    [InlineData(90, 71, true)]
    [InlineData(90, 70, false)]
    [InlineData(400, 75, true)]
    public void Requalifies_CoolOff_AtTheThresholdOnceNinetyDaysHavePassed(int daysAgo, int score, bool expected)
    {
        var disqualified = new Disqualification(Now.AddDays(-daysAgo), 80, "Closed - Not Converted");

        Assert.Equal(expected, Policy.Requalifies(disqualified, score, Now));
    }

    [Fact]
    public void Requalifies_CoolOffZero_OnlyNewEngagementEndsIt()
    {
        var policy = new HandoffPolicy(new HandoffOptions { Requalify = new RequalifyOptions { CoolOffDays = 0, ScoreRise = 5 } });
        var disqualified = new Disqualification(Now.AddYears(-5), 80, "Nurturing");

        Assert.False(policy.Requalifies(disqualified, 84, Now));
        Assert.True(policy.Requalifies(disqualified, 85, Now));
        Assert.Null(policy.RequalifyAfter(disqualified));
        Assert.Equal("disqualified by sales on 2021-11-24 ('Nurturing', score 80); re-qualifies at score ≥ 85", policy.DescribeDisqualification(disqualified));
    }

    [Fact]
    public void Decide_DisqualifiedHotLead_StaysWithMarketingSayingWhenItRequalifies()
    {
        var disqualified = new Disqualification(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), 80, "Closed - Not Converted");

        var decision = Policy.Decide(Hot(85, disqualified, Now));

        Assert.Equal(HandoffAction.StayWithMarketing, decision.Action);
        Assert.Contains("disqualified by sales on 2026-11-20 ('Closed - Not Converted', score 80); re-qualifies at score ≥ 90 or after 2027-02-18 at score ≥ 71", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("its status stays as they set it", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_RequalifiedLead_HandedOffSayingItRequalified()
    {
        var disqualified = new Disqualification(Now.AddDays(-3), 80, "Closed - Not Converted");

        var decision = Policy.Decide(Hot(90, disqualified, Now));

        Assert.Equal(HandoffAction.Handoff, decision.Action);
        Assert.True(decision.AssignOwner);
        Assert.Contains("re-qualified after it was disqualified by sales", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_DisqualifiedButFitGradeTooLow_TheGradeStillDecidesFirst()
    {
        var policy = new HandoffPolicy(new HandoffOptions { MinimumGrade = FitGrade.B });
        var disqualified = new Disqualification(Now.AddDays(-3), 80, "Closed - Not Converted");

        var decision = policy.Decide(new HandoffInput(95, FitGrade.D, false, LeadStatus.Unqualified, false, OwnerKind.MarketingQueue, false, disqualified, Now));

        Assert.Equal(HandoffAction.StayWithMarketing, decision.Action);
        Assert.Contains("fit grade D is below the required B", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LeadStatus.Unqualified, true, false, true)]
    [InlineData(LeadStatus.Nurturing, true, false, true)]
    [InlineData(LeadStatus.Unqualified, false, true, true)]
    [InlineData(LeadStatus.Unqualified, false, false, false)]
    [InlineData(LeadStatus.Contacted, true, true, false)]
    [InlineData(LeadStatus.Qualified, false, true, false)]
    public void Disqualify_HandBackStatus_APersonsDecisionInSalesOrWhenItChangedSinceTheLastLook(LeadStatus status, bool inSales, bool changedByPerson, bool expected)
    {
        var disqualification = Policy.Disqualify(status, " Closed - Not Converted ", inSales, changedByPerson, null, 77, Now);

        Assert.Equal(expected ? new Disqualification(Now, 77, "Closed - Not Converted") : null, disqualification);
    }

    [Fact]
    public void Disqualify_RememberedAndStatusUnchanged_KeptAsItWas()
    {
        var remembered = new Disqualification(Now.AddDays(-10), 72, "Closed - Not Converted");

        Assert.Same(remembered, Policy.Disqualify(LeadStatus.Unqualified, "Closed - Not Converted", false, false, remembered, 80, Now));
        Assert.Same(remembered, Policy.Disqualify(LeadStatus.Contacted, "Working - Contacted", false, true, remembered, 80, Now));
    }

    [Fact]
    public void Disqualify_PersonSetsAnotherHandBackStatus_Renewed()
    {
        var remembered = new Disqualification(Now.AddDays(-10), 72, "Nurturing");

        Assert.Equal(new Disqualification(Now, 80, "Closed - Not Converted"), Policy.Disqualify(LeadStatus.Unqualified, "Closed - Not Converted", false, true, remembered, 80, Now));
    }

    [Fact]
    public void Disqualify_ConfiguredHandBackStatuses_OnlyThoseCount()
    {
        var policy = new HandoffPolicy(new HandoffOptions { Recycle = new RecycleOptions { Statuses = [LeadStatus.Unqualified] } });

        Assert.Null(policy.Disqualify(LeadStatus.Nurturing, "Nurturing", true, true, null, 80, Now));
        Assert.NotNull(policy.Disqualify(LeadStatus.Unqualified, "Closed - Not Converted", true, true, null, 80, Now));
    }

    [Fact]
    public void Validate_RequalifyOutOfRange_BothReportedWithPathsAndWhatIsAllowed()
    {
        var options = new HandoffOptions { IntegrationUserEmail = "integration@acme.example", Requalify = new RequalifyOptions { ScoreRise = 0, CoolOffDays = -1 } };

        var problems = HandoffOptionsValidator.Validate(options, "LeadSync:Handoff");

        Assert.Equal(["LeadSync:Handoff:Requalify:ScoreRise", "LeadSync:Handoff:Requalify:CoolOffDays"], problems.Select(p => p.Path));
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Allowed)));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(100, 3650)]
    [InlineData(10, 90)]
    public void Validate_RequalifyInRange_NoProblems(int rise, int days)
    {
        var options = new HandoffOptions { IntegrationUserEmail = "integration@acme.example", Requalify = new RequalifyOptions { ScoreRise = rise, CoolOffDays = days } };

        Assert.Empty(HandoffOptionsValidator.Validate(options));
    }
}
