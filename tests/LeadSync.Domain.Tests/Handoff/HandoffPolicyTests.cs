using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Tests.Handoff;

public sealed class HandoffPolicyTests
{
    private static readonly HandoffPolicy Policy = new(new HandoffOptions());

    private static HandoffInput Lead(
        int score,
        FitGrade? grade = FitGrade.B,
        bool inSales = false,
        LeadStatus? status = LeadStatus.New,
        bool converted = false,
        OwnerKind owner = OwnerKind.MarketingQueue,
        bool personChangedOwner = false) =>
        new(score, grade, inSales, status, converted, owner, personChangedOwner);

    [Theory]
    [InlineData(70, HandoffAction.StayWithMarketing)]
    [InlineData(71, HandoffAction.Handoff)]
    [InlineData(0, HandoffAction.StayWithMarketing)]
    [InlineData(100, HandoffAction.Handoff)]
    public void Decide_ScoreAroundThreshold_SeventyStaysSeventyOneHandsOff(int score, HandoffAction expected)
    {
        var decision = Policy.Decide(Lead(score));

        Assert.Equal(expected, decision.Action);
        Assert.Contains(score.ToString(System.Globalization.CultureInfo.InvariantCulture), decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HandoffFromMarketingQueue_AssignsOwner()
    {
        var decision = Policy.Decide(Lead(84, owner: OwnerKind.MarketingQueue));

        Assert.Equal(HandoffAction.Handoff, decision.Action);
        Assert.True(decision.AssignOwner);
    }

    [Theory]
    [InlineData(OwnerKind.None)]
    [InlineData(OwnerKind.IntegrationUser)]
    [InlineData(OwnerKind.MarketingQueue)]
    public void Decide_OwnedByLeadSyncOrNobody_AssignsOwner(OwnerKind owner)
    {
        Assert.True(Policy.Decide(Lead(90, owner: owner)).AssignOwner);
    }

    [Theory]
    [InlineData(FitGrade.A, HandoffAction.Handoff)]
    [InlineData(FitGrade.B, HandoffAction.Handoff)]
    [InlineData(FitGrade.C, HandoffAction.StayWithMarketing)]
    [InlineData(FitGrade.D, HandoffAction.StayWithMarketing)]
    public void Decide_GradeGateAtB_OnlyBOrBetterHandsOff(FitGrade grade, HandoffAction expected)
    {
        var policy = new HandoffPolicy(new HandoffOptions { MinimumGrade = FitGrade.B });

        var decision = policy.Decide(Lead(95, grade));

        Assert.Equal(expected, decision.Action);
        if (expected == HandoffAction.StayWithMarketing)
        {
            Assert.Contains("grade", decision.Reason, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Decide_GradeGateAndNoGrade_StaysWithMarketing()
    {
        var policy = new HandoffPolicy(new HandoffOptions { MinimumGrade = FitGrade.C });

        var decision = policy.Decide(Lead(95, grade: null));

        Assert.Equal(HandoffAction.StayWithMarketing, decision.Action);
        Assert.Contains("no fit grade", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoGradeGateAndNoGrade_HandsOff()
    {
        Assert.Equal(HandoffAction.Handoff, Policy.Decide(Lead(75, grade: null)).Action);
    }

    [Fact]
    public void Decide_Sequence71Then65Then72_MakesExactlyOneHandoff()
    {
        var inSales = false;
        var handoffs = 0;
        foreach (var score in new[] { 71, 65, 72 })
        {
            var decision = Policy.Decide(Lead(score, inSales: inSales, owner: inSales ? OwnerKind.Person : OwnerKind.MarketingQueue));
            if (decision.Action == HandoffAction.Handoff)
            {
                handoffs++;
                inSales = true;
            }
            else if (decision.Action == HandoffAction.Release)
            {
                inSales = false;
            }
        }

        Assert.Equal(1, handoffs);
        Assert.True(inSales);
    }

    [Fact]
    public void Decide_InSalesScoreBelowThresholdAboveRelease_StaysWithSalesAndSaysWhy()
    {
        var decision = Policy.Decide(Lead(65, inSales: true, owner: OwnerKind.Person));

        Assert.Equal(HandoffAction.StayWithSales, decision.Action);
        Assert.Contains("release level 50", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, HandoffAction.StayWithSales)]
    [InlineData(49, HandoffAction.Release)]
    public void Decide_InSalesAroundReleaseLevel_ReleasesOnlyBelow(int score, HandoffAction expected)
    {
        Assert.Equal(expected, Policy.Decide(Lead(score, inSales: true, owner: OwnerKind.Person)).Action);
    }

    [Fact]
    public void Decide_InSalesScoreDroppedButPersonChoseOwner_StaysWithSales()
    {
        var decision = Policy.Decide(Lead(20, inSales: true, owner: OwnerKind.Person, personChangedOwner: true));

        Assert.Equal(HandoffAction.StayWithSales, decision.Action);
        Assert.Contains("human decision", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LeadStatus.Unqualified)]
    [InlineData(LeadStatus.Nurturing)]
    public void Decide_SalesSetRecycleStatus_Releases(LeadStatus status)
    {
        var decision = Policy.Decide(Lead(95, inSales: true, status: status, owner: OwnerKind.Person, personChangedOwner: true));

        Assert.Equal(HandoffAction.Release, decision.Action);
        Assert.Contains(status.ToString(), decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, LeadStatus.Qualified, false)]
    [InlineData(false, LeadStatus.Converted, true)]
    [InlineData(true, null, false)]
    public void Decide_Converted_IsUntouchable(bool converted, LeadStatus? status, bool inSales)
    {
        var decision = Policy.Decide(Lead(99, status: status, converted: converted, inSales: inSales));

        Assert.Equal(HandoffAction.Untouchable, decision.Action);
        Assert.False(decision.AssignOwner);
    }

    [Fact]
    public void Decide_PersonAlreadyOwnsLead_HandsOffWithoutNewOwner()
    {
        var decision = Policy.Decide(Lead(88, owner: OwnerKind.Person));

        Assert.Equal(HandoffAction.Handoff, decision.Action);
        Assert.False(decision.AssignOwner);
        Assert.Contains("without a new owner", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_OtherQueueOwnsLead_HandsOffWithoutNewOwner()
    {
        var decision = Policy.Decide(Lead(88, owner: OwnerKind.OtherQueue));

        Assert.Equal(HandoffAction.Handoff, decision.Action);
        Assert.False(decision.AssignOwner);
    }

    [Fact]
    public void Decide_CustomThreshold_IsHonoured()
    {
        var policy = new HandoffPolicy(new HandoffOptions { Threshold = 80, ReleaseBelow = 60 });

        Assert.Equal(HandoffAction.StayWithMarketing, policy.Decide(Lead(79)).Action);
        Assert.Equal(HandoffAction.Handoff, policy.Decide(Lead(80)).Action);
        Assert.Equal(HandoffAction.Release, policy.Decide(Lead(59, inSales: true)).Action);
    }
}

public sealed class OwnerClassifierTests
{
    private const string Integration = "005000000000001AAA";
    private const string MarketingQueue = "00G000000000001AAA";

    [Theory]
    [InlineData(null, false, OwnerKind.None)]
    [InlineData("", false, OwnerKind.None)]
    [InlineData(" ", true, OwnerKind.None)]
    [InlineData("005000000000001AAA", false, OwnerKind.IntegrationUser)]
    [InlineData("005000000000001", false, OwnerKind.IntegrationUser)]
    [InlineData("00G000000000001", true, OwnerKind.MarketingQueue)]
    [InlineData("00G000000000001AAA", false, OwnerKind.MarketingQueue)]
    [InlineData("00G000000000002AAA", true, OwnerKind.OtherQueue)]
    [InlineData("005000000000009AAA", false, OwnerKind.Person)]
    public void Classify_OwnerId_Kind(string? ownerId, bool ownerIsQueue, OwnerKind expected)
    {
        Assert.Equal(expected, OwnerClassifier.Classify(ownerId, Integration, MarketingQueue, ownerIsQueue));
    }

    [Theory]
    [InlineData("00G000000000002AAA", false, OwnerKind.Person)]
    [InlineData("Q-42", true, OwnerKind.OtherQueue)]
    [InlineData("user-7", false, OwnerKind.Person)]
    public void Classify_QueueFlag_DecidesQueueOrPersonNotTheIdPrefix(string ownerId, bool ownerIsQueue, OwnerKind expected)
    {
        Assert.Equal(expected, OwnerClassifier.Classify(ownerId, Integration, MarketingQueue, ownerIsQueue));
    }

    [Fact]
    public void Classify_NoIntegrationUserOrQueueConfigured_PersonOrQueueByFlag()
    {
        Assert.Equal(OwnerKind.Person, OwnerClassifier.Classify("005000000000001AAA", null, null, ownerIsQueue: false));
        Assert.Equal(OwnerKind.OtherQueue, OwnerClassifier.Classify("00G000000000001AAA", null, null, ownerIsQueue: true));
    }

    [Theory]
    [InlineData("005000000000001AAA", "005000000000001", true)]
    [InlineData("005000000000001", "005000000000001AAA", true)]
    [InlineData(" 005000000000001AAA ", "005000000000001AAB", true)]
    [InlineData("005000000000001", "005000000000001", true)]
    [InlineData("005000000000001", "005000000000002", false)]
    [InlineData("005000000000001aaa", "005000000000001AAA", true)]
    [InlineData("00500000000000a", "00500000000000A", false)]
    [InlineData("short-1", "short-1", true)]
    [InlineData("short-1", "SHORT-1", false)]
    [InlineData(null, "005000000000001", false)]
    [InlineData("005000000000001", null, false)]
    [InlineData("", "", false)]
    public void SameId_FifteenOrEighteenCharacters_ComparesTheFirstFifteen(string? a, string? b, bool expected)
    {
        Assert.Equal(expected, OwnerClassifier.SameId(a, b));
    }
}
