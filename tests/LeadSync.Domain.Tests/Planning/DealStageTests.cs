using LeadSync.Domain.Planning;
using static LeadSync.Domain.Tests.Planning.PlannerTestData;

namespace LeadSync.Domain.Tests.Planning;

/// <summary>What a converted lead's deal does to the marketing lifecycle stage, and what the history keeps of it.</summary>
public sealed class DealStageTests
{
    private const string DealId = "006000000000101AAA";

    internal static CrmOpportunity Deal(DealState state, decimal? amount = 12_000m) => new(
        DealId, CrmId, state switch { DealState.Won => "Closed Won", DealState.Lost => "Closed Lost", _ => "Negotiation/Review" },
        state != DealState.Open, state == DealState.Won, amount, new DateOnly(2026, 11, 24), Now.AddMinutes(-30));

    internal static CrmPerson Converted(CrmOpportunity? deal) =>
        Lead(status: "Closed - Converted", owner: Ana, converted: true) with { Opportunity = deal };

    [Fact]
    public void Plan_ConvertedLeadWithOpenDeal_MovesStageToOpportunityAndWritesNothingToTheCrm()
    {
        var plan = PlanOne(Person(Contact(Quiet, status: "OPEN_DEAL", stage: "salesqualifiedlead", owner: HsAna), Converted(Deal(DealState.Open))));

        Assert.Equal("opportunity", plan.MarketingWrite?.Stage?.Value);
        Assert.False(plan.MarketingWrite!.Stage!.MovesBack);
        Assert.Null(plan.CrmWrite);
        Assert.Null(plan.CrmCreate);
    }

    [Fact]
    public void Plan_ConvertedLeadWithWonDeal_MovesStageToCustomerWithTheDealAndAmountAsReason()
    {
        var plan = PlanOne(Person(Contact(Quiet, status: "OPEN_DEAL", stage: "opportunity", owner: HsAna), Converted(Deal(DealState.Won))));

        Assert.Equal("customer", plan.StageAfter);
        Assert.Equal("customer", plan.MarketingWrite?.Stage?.Value);
        Assert.Contains(plan.Reasons, r => r.StartsWith($"deal {DealId} won, 12,000 → Customer", StringComparison.Ordinal));
        Assert.Null(plan.CrmWrite);
    }

    [Fact]
    public void Plan_WonDealOfALeadStillAtLead_GoesStraightToCustomer()
    {
        var plan = PlanOne(Person(Contact(Quiet, status: "OPEN_DEAL", stage: "lead"), Converted(Deal(DealState.Won, amount: null))));

        Assert.Equal("customer", plan.MarketingWrite?.Stage?.Value);
        Assert.Contains(plan.Reasons, r => r.StartsWith($"deal {DealId} won → Customer: forward from Lead", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DealState.Open, "customer")]
    [InlineData(DealState.Open, "evangelist")]
    [InlineData(DealState.Won, "evangelist")]
    [InlineData(DealState.Lost, "opportunity")]
    public void Plan_DealNotAheadOfTheStage_NoStageWrite(DealState state, string stage)
    {
        var plan = PlanOne(Person(Contact(Quiet, status: "OPEN_DEAL", stage: stage), Converted(Deal(state))));

        Assert.Null(plan.MarketingWrite?.Stage);
    }

    [Fact]
    public void Plan_BackwardResetAllowedAndTheDealWon_HoldsTheCustomerStage()
    {
        var contact = Contact(Quiet, status: "OPEN_DEAL", stage: "customer");
        void Backward(ConnectionModelOptions o) => o.Lifecycle.AllowBackwardWithReset = true;

        var withoutDeal = PlanOne(Person(contact, Converted(null)), Backward);
        var withDeal = PlanOne(Person(contact, Converted(Deal(DealState.Won))), Backward);

        Assert.Equal(new StageWrite("opportunity", true), withoutDeal.MarketingWrite?.Stage); // the converted rule's own reset
        Assert.Null(withDeal.MarketingWrite?.Stage);
        Assert.Contains(withDeal.Reasons, r => r.Contains("a deal never moves it back", StringComparison.Ordinal));
    }

    [Fact]
    public void History_FirstSeenConvertedThenWon_RecordsConvertedOnceAndWonOnceWithTheAmount()
    {
        var contact = Contact(Quiet, status: "OPEN_DEAL", stage: "opportunity");
        var open = Converted(Deal(DealState.Open, amount: 9_000m));
        var unconverted = Lead(status: "Working - Engaged", owner: Ana);

        var atConversion = LeadHistory.Deal("test", "c1", LeadKey, Record(contact, unconverted), open, "Webinar", Now).ToList();
        var converted = Assert.Single(atConversion);
        Assert.Equal((HistoryKinds.Converted, DealId, 9_000m, Ana, "Webinar"), (converted.Kind, converted.To, converted.Amount, converted.Rep, converted.Source));

        var settledOpen = Record(contact, open) with { LastSeenCrm = new Dictionary<string, string?>(SeenCrm(open)) { [SeenKeys.Deal] = open.Opportunity!.SeenValue } };
        Assert.Empty(LeadHistory.Deal("test", "c2", LeadKey, settledOpen, open, "Webinar", Now));

        var won = Converted(Deal(DealState.Won, amount: 12_000m));
        var atWin = Assert.Single(LeadHistory.Deal("test", "c3", LeadKey, settledOpen, won, "Webinar", Now));
        Assert.Equal((HistoryKinds.Won, DealId, 12_000m, "Open", "Closed Won"), (atWin.Kind, atWin.To, atWin.Amount, atWin.From, atWin.Rule));
        Assert.Equal(Now.AddMinutes(-30), atWin.At);

        var settledWon = settledOpen with { LastSeenCrm = new Dictionary<string, string?>(SeenCrm(won)) { [SeenKeys.Deal] = won.Opportunity!.SeenValue } };
        Assert.Empty(LeadHistory.Deal("test", "c4", LeadKey, settledWon, won, "Webinar", Now));
    }

    [Fact]
    public void History_BacklogLeadAlreadyWonAtFirstLook_RecordsConvertedAsFirstLookAndTheWin()
    {
        var events = LeadHistory.Deal("test", "c1", LeadKey, null, Converted(Deal(DealState.Won)), null, Now).ToList();

        Assert.Equal([HistoryKinds.Converted, HistoryKinds.Won], events.Select(e => e.Kind));
        Assert.Equal(HistoryKinds.FirstLook, events[0].From);
        Assert.Equal(12_000m, events[1].Amount);
    }

    [Fact]
    public void Settle_ConvertedLeadWithDeal_RemembersTheDealStateSoTheOutcomeIsNotRecordedTwice()
    {
        var lead = Converted(Deal(DealState.Won));
        var contact = Contact(Quiet, status: "OPEN_DEAL", stage: "opportunity", owner: HsAna);
        var plan = PlanOne(Person(contact, lead, Record(contact, lead with { Opportunity = Deal(DealState.Open) })));

        var next = Settlement.NextRecord("test", plan, PersonOutcome.Confirmed, Now);

        Assert.Equal($"{DealId}|Won", next.LastSeenCrm[SeenKeys.Deal]);
    }
}
