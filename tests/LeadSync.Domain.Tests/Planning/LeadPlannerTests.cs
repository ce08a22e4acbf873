using LeadSync.Domain.Mapping;
using LeadSync.Domain.Planning;
using LeadSync.Domain.Routing;
using static LeadSync.Domain.Tests.Planning.PlannerTestData;

namespace LeadSync.Domain.Tests.Planning;

public sealed class LeadPlannerTests
{
    // --- the test data itself (so the scenarios below mean what they say) ---

    [Theory]
    [InlineData(1, 22, Vp, 71)]
    [InlineData(1, 15, Vp, 70)]
    [InlineData(0, 0, Vp, 50)]
    [InlineData(0, 0, ColdTitle, 33)]
    public void Plan_TestPeople_ScoreAsDocumented(int demos, int views, string title, int expected)
    {
        var plan = PlanOne(Person(Contact((demos, views), title: title), Lead(title: title)));

        Assert.Equal(expected, plan.Score);
    }

    // --- unchanged people ---

    [Fact]
    public void Plan_UnchangedPersonWithMarketing_NoWrite()
    {
        var contact = Contact(Warm, status: "NEW", stage: "lead");
        var lead = Lead(status: "Open - Not Contacted", score: "70", grade: "A");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, score: 70)));

        Assert.Null(plan.Blocked);
        Assert.Null(plan.MarketingWrite);
        Assert.Null(plan.CrmWrite);
        Assert.Null(plan.CrmCreate);
        Assert.Null(plan.Handoff);
        Assert.False(plan.HasWrites);
        Assert.Equal("sync", plan.Action);
    }

    [Fact]
    public void Plan_UnchangedPersonWithoutRecord_NoWrite()
    {
        var plan = PlanOne(Person(Contact(Warm), Lead(score: "70", grade: "A")));

        Assert.False(plan.HasWrites, Render(new BatchPlan([plan], new Dictionary<string, long>(), RoutingState.Empty)));
    }

    [Fact]
    public void Plan_UnchangedPersonInSales_NoWriteNoHandoff()
    {
        var contact = Contact(Hot, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, score: "71", grade: "A");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1, score: 71)));

        Assert.False(plan.HasWrites, string.Join("; ", plan.Reasons));
        Assert.True(plan.InSalesAfter);
        Assert.Equal(1, plan.CrossingsAfter);
    }

    [Fact]
    public void Plan_ScoreStoredAsDecimal_SameNumberNoScoreWrite()
    {
        var plan = PlanOne(Person(Contact(Warm), Lead(score: "70.0", grade: "A")));

        Assert.Null(plan.CrmWrite);
    }

    [Fact]
    public void Plan_ScoreOrGradeChanged_WritesScoreAndGradeToCrmOnly()
    {
        var plan = PlanOne(Person(Contact(Warm), Lead(score: "64", grade: "A")));

        Assert.Equal(new ScoreWrite(70, "A"), plan.CrmWrite!.Score);
        Assert.Null(plan.MarketingWrite);
        Assert.Equal(new ScoreWrite(70, "A"), PlanOne(Person(Contact(Warm), Lead(score: "70", grade: "B"))).CrmWrite!.Score);
    }

    [Fact]
    public void Plan_CrossReferencesMissing_WritesBothLinks()
    {
        var plan = PlanOne(Person(Contact(Warm, crmId: null), Lead(score: "70", grade: "A", marketingId: null)));

        Assert.Equal(CrmId, plan.MarketingWrite!.CrmId);
        Assert.Equal(MarketingId, plan.CrmWrite!.MarketingId);
        Assert.False(plan.MarketingWrite.LinkCreatedCrmLead);
    }

    // --- the 70/71 boundary ---

    [Fact]
    public void Plan_ScoreSeventy_StaysWithMarketing()
    {
        var plan = PlanOne(Person(Contact(Warm), Lead(score: "70", grade: "A")));

        Assert.Equal(70, plan.Score);
        Assert.Null(plan.Handoff);
        Assert.False(plan.InSalesAfter);
        Assert.Equal(0, plan.CrossingsAfter);
        Assert.Null(plan.FirstSeenAboveThresholdAt);

        // Below the threshold and not in sales, the handoff policy is not asked: nothing to say, nothing to audit.
        Assert.Empty(plan.Reasons);
    }

    [Fact]
    public void Plan_ScoreSeventyOne_HandsOff()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(score: "71", grade: "A")));

        Assert.Equal(71, plan.Score);
        Assert.NotNull(plan.Handoff);
        Assert.True(plan.InSalesAfter);
        Assert.Equal(1, plan.CrossingsAfter);
        Assert.Equal(Now, plan.FirstSeenAboveThresholdAt);
        Assert.Equal("handoff", plan.Action);
        Assert.Contains(plan.Reasons, r => r.Contains("reaches the handoff threshold 71", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 0, false)]
    [InlineData(1, 15, false)]
    [InlineData(1, 22, true)]
    [InlineData(2, 30, true)]
    public void Plan_ScoreAroundThreshold_HandsOffFromSeventyOne(int demos, int views, bool handsOff)
    {
        var plan = PlanOne(Person(Contact((demos, views)), Lead()));

        Assert.Equal(handsOff, plan.Handoff is not null);
        Assert.Equal(handsOff, plan.InSalesAfter);
        Assert.Equal(handsOff, plan.Score >= 71);
    }

    [Fact]
    public void Plan_ThresholdConfigured_UsesIt()
    {
        var plan = PlanOne(Person(Contact(Warm), Lead()), o => o.Handoff.Threshold = 70);

        Assert.NotNull(plan.Handoff);
    }

    [Fact]
    public void Plan_MinimumGradeNotMet_StaysWithMarketing()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead()), o => o.Handoff.MinimumGrade = Scoring.FitGrade.A);
        Assert.NotNull(plan.Handoff);

        // A manager title: fit 35 of 45 → 77.8% → grade B; with 2 demos and 30 views the score is still above 71.
        var managerPlan = PlanOne(Person(Contact((2, 30), title: "Sales Manager"), Lead(title: "Sales Manager")), o => o.Handoff.MinimumGrade = Scoring.FitGrade.A);

        Assert.True(managerPlan.Score >= 71, managerPlan.Score.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("B", managerPlan.Grade);
        Assert.Null(managerPlan.Handoff);
        Assert.False(managerPlan.InSalesAfter);
    }

    // --- a handoff ---

    [Fact]
    public void Plan_Handoff_PicksFirstRepOfTheRoutedTeam()
    {
        var batch = Planner().Plan(Batch(Person(Contact(Hot), Lead())));
        var handoff = batch.People[0].Handoff!;

        Assert.Equal(Ana, handoff.OwnerId);
        Assert.Equal(HsAna, handoff.MarketingOwnerId);
        Assert.Equal("NA", handoff.Team);
        Assert.Equal("ana@acme.example", handoff.RepEmail);
        Assert.Equal(1, handoff.Crossing);
        Assert.False(handoff.Resumed);
        Assert.Contains("Rule 'everyone-else' matched", handoff.Reason, StringComparison.Ordinal);
        Assert.Contains("round-robin, ticket 0", handoff.Reason, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, long> { ["NA"] = 1 }, batch.RoutingAdvances);
        Assert.Equal(1, batch.RoutingAfter.Positions["NA"]);
        Assert.Equal(1, batch.RoutingAfter.OpenLeadsByOwner[Ana]);
        Assert.Equal(1, batch.Handoffs);
    }

    [Fact]
    public void Plan_HandoffAtPositionOne_PicksSecondRep()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead()), routing: Positions(("NA", 1)));

        Assert.Equal(Ben, plan.Handoff!.OwnerId);
        Assert.Equal(HsBen, plan.Handoff.MarketingOwnerId);
    }

    [Fact]
    public void Plan_HandoffMatchingEmeaRule_RoutedToEmeaTeam()
    {
        var plan = PlanOne(Person(Contact(Hot, country: "Germany"), Lead(country: "Germany")));

        Assert.Equal(Cleo, plan.Handoff!.OwnerId);
        Assert.Equal("EMEA", plan.Handoff.Team);
        Assert.Contains("Rule 'emea' matched", plan.Handoff.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_HandoffRepInactive_SkipsToNextRepAndSaysWhy()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead()), owners: Owners(anaActive: false));

        Assert.Equal(Ben, plan.Handoff!.OwnerId);
        Assert.Contains("a***@acme.example (inactive Salesforce user)", plan.Handoff.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("ana@acme.example", plan.Handoff.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Handoff_WritesCrmOwnerAndStatus()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(score: "71", grade: "A")));

        Assert.Equal(new OwnerWrite(Ana), plan.CrmWrite!.Owner);
        Assert.Equal("Marketing Qualified", plan.CrmWrite.Status);
        Assert.Null(plan.CrmWrite.Score);
        Assert.Empty(plan.CrmWrite.Fields);
        Assert.Equal("Open - Not Contacted", plan.StatusBefore);
        Assert.Equal("Marketing Qualified", plan.StatusAfter);
    }

    [Fact]
    public void Plan_Handoff_WritesMarketingOwnerStatusAndStage()
    {
        var plan = PlanOne(Person(Contact(Hot, status: "NEW", stage: "lead"), Lead()));

        Assert.Equal(new OwnerWrite(HsAna), plan.MarketingWrite!.Owner);
        Assert.Equal("IN_PROGRESS", plan.MarketingWrite.LeadStatus);
        Assert.Equal(new StageWrite("salesqualifiedlead", false), plan.MarketingWrite.Stage);
        Assert.Equal("lead", plan.StageBefore);
        Assert.Equal("salesqualifiedlead", plan.StageAfter);
        Assert.Null(plan.MarketingWrite.CrmId);
        Assert.False(plan.MarketingWrite.LinkCreatedCrmLead);
    }

    [Fact]
    public void Plan_Handoff_ComposesTheRepsNote()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead()));
        var note = plan.Handoff!.Note;

        Assert.Equal("Sales-ready lead: Ada L. at Acme (score 71, grade A)", note.Subject);
        Assert.Equal("Normal", note.Priority);
        Assert.Equal(Ana, note.TaskOwnerId);
        Assert.Contains("score of 71 out of 100 and fit grade A", note.Description, StringComparison.Ordinal);
        Assert.Contains("What they did:", note.Description, StringComparison.Ordinal);
        Assert.Contains("requested a demo", note.Description, StringComparison.Ordinal);
        Assert.Contains("Why they fit:", note.Description, StringComparison.Ordinal);
        Assert.Contains("executive/VP title", note.Description, StringComparison.Ordinal);
        Assert.Contains("Lead source: Webinar", note.Description, StringComparison.Ordinal);
        Assert.Contains("Why you: " + plan.Handoff.Reason, note.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@acme.example", note.Description, StringComparison.Ordinal);
        Assert.Same(note, plan.Handoff.Entry.Note);
    }

    [Fact]
    public void Plan_HandoffAtTheHighPriorityScore_HighPriorityNote()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead()), o => o.Handoff.Note.HighPriorityAtOrAbove = 71);

        Assert.Equal("High", plan.Handoff!.Note.Priority);
    }

    [Fact]
    public void Plan_Handoff_SlaDueInTheRepsBusinessHours()
    {
        // Tuesday 15:00 UTC, 4 business hours, 9–17 Monday to Friday: 2 hours today, 2 tomorrow → Wednesday 11:00.
        var plan = PlanOne(Person(Contact(Hot), Lead()));

        var due = new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.Zero);
        Assert.Equal(due, plan.Handoff!.SlaDueAt);
        Assert.Equal(due, plan.Handoff.Entry.SlaDueAt);
    }

    [Fact]
    public void Plan_Handoff_LedgerEntryToBeginBeforeAnyWrite()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead()));
        var entry = plan.Handoff!.Entry;

        Assert.Equal(LeadKey, entry.LeadKey);
        Assert.Equal(1, entry.Crossing);
        Assert.Equal(CrmId, entry.CrmLeadId);
        Assert.Equal(Ana, entry.OwnerId);
        Assert.Equal(HsAna, entry.MarketingOwnerId);
        Assert.Equal("NA", entry.Team);
        Assert.Equal(plan.Handoff.Reason, entry.Reason);
        Assert.Equal(AssignmentSteps.None, entry.StepsDone);
        Assert.Equal(Now, entry.StartedAt);
        Assert.Equal(Now, entry.FirstSeenAt);
        Assert.Null(entry.CompletedAt);
        Assert.False(entry.Closed);
        Assert.Equal("hs-101#1", entry.Key);
    }

    [Fact]
    public void Plan_HandoffSecondCrossing_CrossingNumberFollowsTheRecord()
    {
        var contact = Contact(Hot);
        var lead = Lead();
        var record = Record(contact, lead, inSales: false, crossings: 2) with { FirstSeenAboveThresholdAt = Now.AddHours(-5) };

        var plan = PlanOne(Person(contact, lead, record, [Entry(1, Ben, closed: true), Entry(2, Ben, closed: true)]));

        Assert.Equal(3, plan.Handoff!.Crossing);
        Assert.Equal(3, plan.CrossingsAfter);
        Assert.False(plan.Handoff.Resumed);
        Assert.Equal(Now.AddHours(-5), plan.Handoff.Entry.FirstSeenAt);
        Assert.Equal(Now.AddHours(-5), plan.FirstSeenAboveThresholdAt);
    }

    [Fact]
    public void Plan_TwoHandoffsInOneBatch_RoutingPositionAndLoadsCarriedInsideTheBatch()
    {
        var first = Person(Contact(Hot), Lead());
        var second = Person(Contact(Hot, id: "102", crmId: "00Q000000000102AAA"), Lead(id: "00Q000000000102AAA", marketingId: "102"), key: "hs-102");

        var batch = Planner().Plan(Batch(first, second));

        Assert.Equal(Ana, batch.People[0].Handoff!.OwnerId);
        Assert.Equal(Ben, batch.People[1].Handoff!.OwnerId);
        Assert.Equal(2, batch.RoutingAdvances["NA"]);
        Assert.Equal(2, batch.RoutingAfter.Positions["NA"]);
        Assert.Equal(1, batch.RoutingAfter.OpenLeadsByOwner[Ana]);
        Assert.Equal(1, batch.RoutingAfter.OpenLeadsByOwner[Ben]);
    }

    [Fact]
    public void Plan_LeastLoadedTeam_LoadOfAnEarlierHandoffInTheBatchCounts()
    {
        void LeastLoaded(ConnectionModelOptions o) => o.Routing.Teams[0].Strategy = RoutingStrategy.LeastLoaded;
        var first = Person(Contact(Hot), Lead());
        var second = Person(Contact(Hot, id: "102", crmId: "00Q000000000102AAA"), Lead(id: "00Q000000000102AAA", marketingId: "102"), key: "hs-102");
        var routing = new RoutingState(new Dictionary<string, long>(), new Dictionary<string, int> { [Ana] = 3, [Ben] = 3 });

        var batch = Planner(LeastLoaded).Plan(Batch(first, second) with { Routing = routing });

        Assert.Equal(Ana, batch.People[0].Handoff!.OwnerId);
        Assert.Equal(Ben, batch.People[1].Handoff!.OwnerId);
        Assert.Equal(4, batch.RoutingAfter.OpenLeadsByOwner[Ana]);
        Assert.Equal(4, batch.RoutingAfter.OpenLeadsByOwner[Ben]);
    }

    [Fact]
    public void Plan_HandoffNoRepAvailable_FallbackQueueOwnsAndTheIntegrationUserGetsTheTask()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead()), owners: Owners(anaActive: false, benActive: false));

        Assert.Equal(OverflowQueue, plan.Handoff!.OwnerId);
        Assert.Equal("(queue)", plan.Handoff.Team);
        Assert.Null(plan.Handoff.MarketingOwnerId);
        Assert.Null(plan.Handoff.RepEmail);
        Assert.Equal(IntegrationUser, plan.Handoff.Note.TaskOwnerId);
        Assert.Equal(new OwnerWrite(OverflowQueue), plan.CrmWrite!.Owner);
        Assert.Null(plan.MarketingWrite!.Owner);
        Assert.Contains("Assigned to fallback queue Sales_Overflow", plan.Handoff.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_HandoffNoRepAndNoQueue_BlockedButThePositionIsUsed()
    {
        var batch = Planner().Plan(Batch(Person(Contact(Hot), Lead())) with { Owners = Owners(anaActive: false, benActive: false, withOverflowQueue: false) });
        var plan = batch.People[0];

        Assert.Equal(SystemRole.Crm, plan.Blocked!.System);
        Assert.Equal(CrmId, plan.Blocked.RecordId);
        Assert.StartsWith("no rep or queue available for this lead", plan.Blocked.Reason, StringComparison.Ordinal);
        Assert.Contains("Sales_Overflow does not exist", plan.Blocked.Reason, StringComparison.Ordinal);
        Assert.False(plan.HasWrites);
        Assert.False(plan.InSalesAfter);
        Assert.Equal(0, plan.CrossingsAfter);
        Assert.Equal(1, batch.RoutingAdvances["NA"]);
        Assert.Equal(1, batch.RoutingAfter.Positions["NA"]);
        Assert.Empty(batch.RoutingAfter.OpenLeadsByOwner);
    }

    [Fact]
    public void Plan_HandoffWithoutOwnerDirectory_NoRoutingNoHandoff()
    {
        var plan = Planner().Plan(Batch(Person(Contact(Hot), Lead())) with { Owners = null });

        Assert.Null(plan.People[0].Handoff);
        Assert.Empty(plan.RoutingAdvances);
    }

    // --- a marketing-only person ---

    [Fact]
    public void Plan_MarketingOnlyAtThreshold_CreatesTheCrmLeadAndLinksIt()
    {
        var plan = PlanOne(Person(Contact(Hot, crmId: null), null));

        var create = plan.CrmCreate!;
        Assert.Equal(LeadKey, create.Key);
        Assert.Equal("ada@acme.example", create.Email);
        Assert.Equal("Ada", create.FirstName);
        Assert.Equal("Lovelace", create.LastName);
        Assert.Equal("Acme", create.Company);
        Assert.Equal("Marketing Qualified", create.Status);
        Assert.Equal(Ana, create.OwnerId);
        Assert.Equal(MarketingId, create.MarketingId);
        Assert.Equal(new ScoreWrite(71, "A"), create.Score);
        Assert.Equal("Technology", create.Fields["Industry"]);
        Assert.Equal("1200", create.Fields["NumberOfEmployees"]);
        Assert.Equal(Vp, create.Fields["Title"]);
        Assert.Null(plan.CrmWrite);
        Assert.True(plan.MarketingWrite!.LinkCreatedCrmLead);
        Assert.Null(plan.MarketingWrite.CrmId);
        Assert.Equal(new OwnerWrite(HsAna), plan.MarketingWrite.Owner);
        Assert.Equal("IN_PROGRESS", plan.MarketingWrite.LeadStatus);
        Assert.Null(plan.Handoff!.Entry.CrmLeadId);
        Assert.Equal("Marketing Qualified", plan.StatusAfter);
    }

    [Fact]
    public void Plan_MarketingOnlyWithoutNameOrCompany_CreateSaysNotProvided()
    {
        var contact = Contact(Hot, crmId: null) with { LastName = null, Company = null, Email = "  ada@acme.example " };

        var create = PlanOne(Person(contact, null)).CrmCreate!;

        Assert.Equal("[not provided]", create.LastName);
        Assert.Equal("[not provided]", create.Company);
        Assert.Equal("ada@acme.example", create.Email);
    }

    [Fact]
    public void Plan_MarketingOnlyCreateWithToMarketingMapping_FieldNotCopiedToTheNewLead()
    {
        void Fields(ConnectionModelOptions o) => o.Mappings.Fields =
        [
            new FieldMapping { HubSpotProperty = "jobtitle", SalesforceField = "Title", Direction = SyncDirection.ToMarketing },
            new FieldMapping { HubSpotProperty = "company", SalesforceField = "Company", Direction = SyncDirection.None },
            new FieldMapping { HubSpotProperty = "country", SalesforceField = "Country", Direction = SyncDirection.ToCrm },
        ];

        var create = PlanOne(Person(Contact(Hot, crmId: null), null), Fields).CrmCreate!;

        Assert.Equal(["Country"], create.Fields.Keys);
    }

    [Fact]
    public void Plan_MarketingOnlyCreateLeadOff_NoCreateNoHandoff()
    {
        var batch = Planner(o => o.Sync.CreateSalesforceLeadOnHandoff = false).Plan(Batch(Person(Contact(Hot, crmId: null), null)));
        var plan = batch.People[0];

        Assert.Null(plan.CrmCreate);
        Assert.Null(plan.Handoff);
        Assert.Null(plan.CrmWrite);
        Assert.False(plan.InSalesAfter);
        Assert.Equal(0, plan.CrossingsAfter);
        Assert.Null(plan.MarketingWrite?.Owner);
        Assert.False(plan.MarketingWrite?.LinkCreatedCrmLead ?? false);
        Assert.Contains(plan.Reasons, r => r.Contains("CreateSalesforceLeadOnHandoff is off", StringComparison.Ordinal));
        Assert.Empty(batch.RoutingAdvances);
    }

    [Fact]
    public void Plan_MarketingOnlyBelowThreshold_NoCrmWrites()
    {
        var plan = PlanOne(Person(Contact(Warm, crmId: null), null));

        Assert.Null(plan.CrmCreate);
        Assert.Null(plan.CrmWrite);
        Assert.Null(plan.MarketingWrite);
    }

    [Fact]
    public void Plan_CrmOnlyPerson_ScoredFromCrmFieldsWithoutMarketingWrite()
    {
        var plan = PlanOne(Person(null, Lead(marketingId: null)));

        // The default rules read behaviour and most of the fit from the marketing record: none here.
        Assert.Equal(0, plan.Score);
        Assert.Equal("D", plan.Grade);
        Assert.Null(plan.MarketingWrite);
        Assert.Null(plan.Handoff);
        Assert.Equal(new CrmUpdate(CrmId, plan.CrmWrite!.Fields, Score: new ScoreWrite(0, "D")), plan.CrmWrite);
        Assert.Empty(plan.CrmWrite.Fields);
    }

    // --- resuming a crossing ---

    [Fact]
    public void Plan_LedgerEntryForTheNextCrossing_ResumesItWithTheSameRep()
    {
        var contact = Contact(Hot);
        var lead = Lead();
        var note = new AssignmentNote("earlier subject", "High", "earlier description", Ben);
        var begun = Entry(1, Ben, HsBen, note: note);

        var batch = Planner().Plan(Batch(Person(contact, lead, Record(contact, lead), [begun])));
        var handoff = batch.People[0].Handoff!;

        Assert.True(handoff.Resumed);
        Assert.Equal(Ben, handoff.OwnerId);
        Assert.Equal(HsBen, handoff.MarketingOwnerId);
        Assert.Equal(1, handoff.Crossing);
        Assert.Same(note, handoff.Note);
        Assert.Equal(begun, handoff.Entry);
        Assert.Equal(begun.SlaDueAt, handoff.SlaDueAt);
        Assert.Equal(new OwnerWrite(Ben), batch.People[0].CrmWrite!.Owner);
        Assert.Equal(new OwnerWrite(HsBen), batch.People[0].MarketingWrite!.Owner);
        Assert.Contains(batch.People[0].Reasons, r => r.Contains("crossing 1 was begun by an earlier attempt", StringComparison.Ordinal));
        Assert.Empty(batch.RoutingAdvances);
        Assert.Empty(batch.RoutingAfter.Positions);
        Assert.Empty(batch.RoutingAfter.OpenLeadsByOwner);
    }

    [Fact]
    public void Plan_ResumedEntryWithoutCrmLeadId_TakesTheLeadsId()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(), ledger: [Entry(1, Ben, crmLeadId: null)]));

        Assert.Equal(CrmId, plan.Handoff!.Entry.CrmLeadId);
    }

    [Fact]
    public void Plan_ResumedEntryWithoutNote_LegacyNoteForTheRep()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(), ledger: [Entry(1, Ben)]));

        Assert.Equal("Sales-ready lead handed to you by LeadSync", plan.Handoff!.Note.Subject);
        Assert.Contains("routed earlier", plan.Handoff.Note.Description, StringComparison.Ordinal);
        Assert.Equal(Ben, plan.Handoff.Note.TaskOwnerId);
    }

    [Fact]
    public void Plan_ResumedQueueEntryWithoutTaskOwner_IntegrationUserOwnsTheTask()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(), ledger: [Entry(1, OverflowQueue, team: "(queue)", note: new AssignmentNote("s", "Normal", "d"))]));

        Assert.Equal(IntegrationUser, plan.Handoff!.Note.TaskOwnerId);
        Assert.Equal("s", plan.Handoff.Note.Subject);
    }

    [Fact]
    public void Plan_ClosedOrOtherCrossingEntry_RoutedAfreshAfterEveryKnownCrossing()
    {
        var contact = Contact(Hot);
        var lead = Lead();
        var record = Record(contact, lead, crossings: 1);

        var batch = Planner().Plan(Batch(Person(contact, lead, record, [Entry(1, Ben), Entry(2, Ben, closed: true)])));

        // Crossing 2 is taken by the closed entry: a new one after it, so the ledger's (lead, crossing) key never collides.
        Assert.False(batch.People[0].Handoff!.Resumed);
        Assert.Equal(3, batch.People[0].Handoff!.Crossing);
        Assert.Equal(Ana, batch.People[0].Handoff!.OwnerId);
        Assert.Equal(1, batch.RoutingAdvances["NA"]);
    }

    // --- owners chosen by people ---

    [Fact]
    public void Plan_PersonOwnedCrmLeadAtThreshold_InSalesWithoutNewOwner()
    {
        var batch = Planner().Plan(Batch(Person(Contact(Hot), Lead(owner: SomeRep, score: "71", grade: "A"))));
        var plan = batch.People[0];

        Assert.Null(plan.Handoff);
        Assert.True(plan.InSalesAfter);
        Assert.Equal(1, plan.CrossingsAfter);
        Assert.Null(plan.CrmWrite?.Owner);
        Assert.Null(plan.CrmWrite?.Status);
        Assert.Null(plan.MarketingWrite?.Owner);
        Assert.Contains(plan.Reasons, r => r.Contains("A person already owns the lead", StringComparison.Ordinal));
        Assert.Empty(batch.RoutingAdvances);
    }

    [Fact]
    public void Plan_LeadInAQueueSomeoneChose_InSalesWithoutNewOwner()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(owner: OverflowQueue, ownerIsQueue: true)));

        Assert.Null(plan.Handoff);
        Assert.True(plan.InSalesAfter);
        Assert.Null(plan.CrmWrite?.Owner);
        Assert.Contains(plan.Reasons, r => r.Contains("sits in a queue someone chose", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_LeadInTheMarketingQueue_RoutedToARep()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(owner: MarketingQueue, ownerIsQueue: true)));

        Assert.Equal(Ana, plan.Handoff!.OwnerId);
    }

    [Fact]
    public void Plan_IntegrationUserAsFifteenCharacterId_StillLeadSyncsToAssign()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(owner: IntegrationUser[..15])));

        Assert.Equal(Ana, plan.Handoff!.OwnerId);
    }

    [Fact]
    public void Plan_OwnerChangedByAPersonAndScoreCold_KeepsTheOwner()
    {
        var contact = Contact(Quiet, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna, title: ColdTitle);
        var seen = Lead(status: "Marketing Qualified", owner: Ana, title: ColdTitle);
        var now = seen with { OwnerId = SomeRep };

        var plan = PlanOne(Person(contact, now, Record(contact, seen, inSales: true, crossings: 1), [Entry(1, Ana, HsAna)]));

        Assert.True(plan.Score < 50);
        Assert.False(plan.Released);
        Assert.True(plan.InSalesAfter);
        Assert.Null(plan.CrmWrite?.Owner);
        Assert.Null(plan.CrmWrite?.Status);
        Assert.Empty(plan.Closes);
        Assert.Contains(plan.Reasons, r => r.Contains("a person chose the current owner", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_OwnerAPersonChoseAlreadyRemembered_StillKeptAgainstTheLedger()
    {
        // The cycle after a rep took the lead over: the last look already saw the new owner, the ledger still names
        // the rep LeadSync assigned.
        var contact = Contact(Quiet, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna, title: ColdTitle);
        var lead = Lead(status: "Marketing Qualified", owner: SomeRep, title: ColdTitle);

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1), [Entry(1, Ana, HsAna)]));

        Assert.False(plan.Released);
        Assert.True(plan.InSalesAfter);
        Assert.Contains(plan.Reasons, r => r.Contains("a person chose the current owner", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_OwnerSeenAsFifteenCharacterId_NotTakenForAPersonsChange()
    {
        var contact = Contact(Quiet, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna, title: ColdTitle);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, title: ColdTitle);
        var record = Record(contact, lead, inSales: true, crossings: 1);
        var seenCrm = new Dictionary<string, string?>(record.LastSeenCrm) { [SeenKeys.Owner] = Ana[..15] };

        var plan = PlanOne(Person(contact, lead, record with { LastSeenCrm = seenCrm }, [Entry(1, Ana[..15], HsAna)]));

        Assert.True(plan.Released);
    }

    // --- release ---

    [Fact]
    public void Plan_InSalesScoreBelowReleaseLevel_ReleasedToTheMarketingQueue()
    {
        var contact = Contact(Quiet, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna, title: ColdTitle);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, title: ColdTitle);
        var open = Entry(1, Ana, HsAna) with { StepsDone = AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated | AssignmentSteps.MarketingWritten, CompletedAt = Now.AddDays(-3) };
        var old = Entry(0, Ben, closed: true);

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1), [old, open]));

        Assert.Equal(33, plan.Score);
        Assert.True(plan.Released);
        Assert.Equal("release", plan.Action);
        Assert.False(plan.InSalesAfter);
        Assert.Equal(1, plan.CrossingsAfter);
        Assert.Equal(new OwnerWrite(MarketingQueue), plan.CrmWrite!.Owner);
        Assert.Equal("Nurturing", plan.CrmWrite.Status);
        Assert.Equal(new OwnerWrite(null), plan.MarketingWrite!.Owner);
        Assert.Equal("BAD_TIMING", plan.MarketingWrite.LeadStatus);
        Assert.Equal([open], plan.Closes);
        Assert.Null(plan.Handoff);
        Assert.Contains(plan.Reasons, r => r.Contains("fell below the release level 50", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_InSalesBetweenReleaseLevelAndThreshold_StaysInSales()
    {
        var contact = Contact(Warm, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, score: "70", grade: "A");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1)));

        Assert.False(plan.Released);
        Assert.True(plan.InSalesAfter);
        Assert.False(plan.HasWrites);
        Assert.Contains(plan.Reasons, r => r.Contains("no flip-flopping", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_SalesSetsARecycleStatus_ReleasedEvenWhenHotKeepingTheStatus()
    {
        var contact = Contact(Hot, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna);
        var lead = Lead(status: "Closed - Not Converted", owner: Ana, score: "71", grade: "A");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead with { Status = "Marketing Qualified" }, inSales: true, crossings: 1)));

        Assert.True(plan.Released);
        Assert.Null(plan.CrmWrite!.Status);
        Assert.Equal(new OwnerWrite(MarketingQueue), plan.CrmWrite.Owner);
        Assert.Equal("UNQUALIFIED", plan.MarketingWrite!.LeadStatus);
        Assert.Equal(new OwnerWrite(null), plan.MarketingWrite.Owner);
        Assert.Equal(new Disqualification(Now, plan.Score, "Closed - Not Converted"), plan.DisqualifiedAfter);
        Assert.False(plan.InSalesAfter);
    }

    [Fact]
    public void Plan_ReleaseWithoutMarketingQueue_StatusOnly()
    {
        var contact = Contact(Quiet, status: "IN_PROGRESS", owner: HsAna, title: ColdTitle);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, title: ColdTitle);
        var owners = OwnerDirectory.Create([new CrmUser(Ana, "Ana", "ana@acme.example", true)], [], [], null, null, "Marketing_Nurture");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1)), owners: owners);

        Assert.True(plan.Released);
        Assert.Null(plan.CrmWrite!.Owner);
        Assert.Equal("Nurturing", plan.CrmWrite.Status);
    }

    // --- converted ---

    [Fact]
    public void Plan_ConvertedLead_UntouchableNoCrmWrite()
    {
        var batch = Planner().Plan(Batch(Person(Contact(Hot, crmId: null), Lead(status: "Closed - Converted", converted: true, marketingId: null))));
        var plan = batch.People[0];

        Assert.True(plan.Untouchable);
        Assert.Null(plan.CrmWrite);
        Assert.Null(plan.CrmCreate);
        Assert.Null(plan.Handoff);
        Assert.Empty(batch.RoutingAdvances);
        Assert.Equal("OPEN_DEAL", plan.MarketingWrite!.LeadStatus);
        Assert.Equal(new StageWrite("opportunity", false), plan.MarketingWrite.Stage);
    }

    [Fact]
    public void Plan_ConvertedFlagWithAnotherStatus_StillUntouchable()
    {
        var plan = PlanOne(Person(Contact(Hot), Lead(status: "Working - Engaged", converted: true, score: "12")));

        Assert.True(plan.Untouchable);
        Assert.Null(plan.CrmWrite);
        Assert.Null(plan.Handoff);
    }

    // --- values no map covers ---

    [Fact]
    public void Plan_UnmappedCrmStatus_Blocked()
    {
        var plan = PlanOne(Person(Contact(Warm), Lead(status: "Working")));

        Assert.Equal(new Blocked(SystemRole.Crm, CrmId, plan.Blocked!.Reason), plan.Blocked);
        Assert.Contains("'Working'", plan.Blocked.Reason, StringComparison.Ordinal);
        Assert.Contains("StatusMap", plan.Blocked.Reason, StringComparison.Ordinal);
        Assert.False(plan.HasWrites);
        Assert.Contains(plan.Blocked.Reason, plan.Reasons);
    }

    [Fact]
    public void Plan_UnmappedCrmStatusAtThreshold_BlockedAndNoRoutingPositionUsed()
    {
        var batch = Planner().Plan(Batch(Person(Contact(Hot), Lead(status: "Working"))));

        Assert.NotNull(batch.People[0].Blocked);
        Assert.Empty(batch.RoutingAdvances);
    }

    [Fact]
    public void Plan_UnmappedMarketingStatusBelowThreshold_ReasonOnlyNoStatusWrite()
    {
        var plan = PlanOne(Person(Contact(Warm, status: "SOMETHING_CUSTOM", crmId: null), null));

        Assert.Null(plan.Blocked);
        Assert.Null(plan.MarketingWrite?.LeadStatus);
        Assert.Contains(plan.Reasons, r => r.Contains("'SOMETHING_CUSTOM' is not in the value map; left as it is", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_UnmappedMarketingStatusAtThreshold_Blocked()
    {
        var batch = Planner().Plan(Batch(Person(Contact(Hot, status: "SOMETHING_CUSTOM", crmId: null), null)));
        var plan = batch.People[0];

        Assert.Equal(SystemRole.Marketing, plan.Blocked!.System);
        Assert.Equal(MarketingId, plan.Blocked.RecordId);
        Assert.Contains("'SOMETHING_CUSTOM'", plan.Blocked.Reason, StringComparison.Ordinal);
        Assert.Null(plan.CrmCreate);
        Assert.False(plan.HasWrites);
        Assert.Empty(batch.RoutingAdvances);
    }

    [Fact]
    public void Plan_UnmappedMarketingStatusWithMappedCrmStatus_CrmIsTheMaster()
    {
        var plan = PlanOne(Person(Contact(Warm, status: "SOMETHING_CUSTOM"), Lead(score: "70", grade: "A")));

        Assert.Null(plan.Blocked);
        Assert.Equal("NEW", plan.MarketingWrite!.LeadStatus);
    }

    [Fact]
    public void Plan_BlockedByMatching_NothingDecided()
    {
        var blocked = new Blocked(SystemRole.Crm, CrmId, "ambiguous match: 2 CRM leads share this email");
        var batch = Planner().Plan(Batch(Person(Contact(Hot), Lead()) with { Blocked = blocked }));
        var plan = batch.People[0];

        Assert.Same(blocked, plan.Blocked);
        Assert.False(plan.HasWrites);
        Assert.Equal(71, plan.Score);
        Assert.Empty(batch.RoutingAdvances);
    }

    // --- lifecycle stage ---

    [Fact]
    public void Plan_StageForward_WrittenWithoutMoveBack()
    {
        var plan = PlanOne(Person(Contact(Hot, stage: "subscriber", crmId: null), null), o => o.Sync.CreateSalesforceLeadOnHandoff = false);

        Assert.Equal(new StageWrite("marketingqualifiedlead", false), plan.MarketingWrite!.Stage);
        Assert.Equal("marketingqualifiedlead", plan.StageAfter);
    }

    [Fact]
    public void Plan_NoStageYet_SetsTheRulesStage()
    {
        var plan = PlanOne(Person(Contact(Hot, stage: null, crmId: null), null), o => o.Sync.CreateSalesforceLeadOnHandoff = false);

        Assert.Equal(new StageWrite("marketingqualifiedlead", false), plan.MarketingWrite!.Stage);
    }

    [Fact]
    public void Plan_StageBackwardAllowed_WrittenWithMoveBack()
    {
        var contact = Contact(Hot, status: "IN_PROGRESS", stage: "opportunity", owner: HsAna);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, score: "71", grade: "A");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1)), o => o.Lifecycle.AllowBackwardWithReset = true);

        Assert.Equal(new StageWrite("salesqualifiedlead", MovesBack: true), plan.MarketingWrite!.Stage);
        Assert.Contains(plan.Reasons, r => r.Contains("backward from Opportunity", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_StageBackwardNotAllowed_LeftAsItIs()
    {
        var contact = Contact(Hot, status: "IN_PROGRESS", stage: "opportunity", owner: HsAna);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, score: "71", grade: "A");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1)));

        Assert.Null(plan.MarketingWrite);
        Assert.Null(plan.StageAfter);
    }

    [Fact]
    public void Plan_UnknownStage_LeftAsItIsWithAReason()
    {
        var plan = PlanOne(Person(Contact(Hot, stage: "1234567"), Lead()));

        Assert.Null(plan.MarketingWrite!.Stage);
        Assert.Contains(plan.Reasons, r => r.Contains("'1234567' is not in LeadSync:Lifecycle:StageMap", StringComparison.Ordinal));
    }

    // --- mapped fields ---

    [Fact]
    public void Plan_MarketingEditedATwoWayField_WrittenToTheCrm()
    {
        var seenContact = Contact(Warm, title: "Director");
        var lead = Lead(score: "70", grade: "A", title: "Director");
        var contact = Contact(Warm, title: Vp);

        var plan = PlanOne(Person(contact, lead, Record(seenContact, lead)));

        Assert.Equal(new Dictionary<string, string?> { ["Title"] = Vp }, plan.CrmWrite!.Fields);
        Assert.Null(plan.MarketingWrite);
    }

    [Fact]
    public void Plan_CrmEditedATwoWayField_WrittenToMarketing()
    {
        var contact = Contact(Warm, title: Vp);
        var seenLead = Lead(score: "70", grade: "A", title: Vp);
        var lead = Lead(score: "70", grade: "A", title: "Chief Operating Officer");

        var plan = PlanOne(Person(contact, lead, Record(contact, seenLead)));

        Assert.Equal(new Dictionary<string, string?> { ["jobtitle"] = "Chief Operating Officer" }, plan.MarketingWrite!.Fields);
        Assert.Null(plan.CrmWrite);
    }

    [Fact]
    public void Plan_CrmEditedAToCrmField_NotWrittenToMarketing()
    {
        var contact = Contact(Warm);
        var seenLead = Lead(score: "70", grade: "A");
        var lead = seenLead with { Fields = new Dictionary<string, string?>(seenLead.Fields) { ["NumberOfEmployees"] = "40" } };

        var plan = PlanOne(Person(contact, lead, Record(contact, seenLead)));

        Assert.Null(plan.MarketingWrite);
        Assert.Null(plan.CrmWrite);
    }

    [Fact]
    public void Plan_BothEditedDefaultPolicy_CrmWins()
    {
        var seenContact = Contact(Warm, title: "Director");
        var seenLead = Lead(score: "70", grade: "A", title: "Director");
        var contact = Contact(Warm, title: Vp);
        var lead = Lead(score: "70", grade: "A", title: "Head of Sales");

        var plan = PlanOne(Person(contact, lead, Record(seenContact, seenLead)));

        Assert.Equal("Head of Sales", plan.MarketingWrite!.Fields["jobtitle"]);
        Assert.False(plan.CrmWrite?.Fields.ContainsKey("Title") ?? false);
        Assert.Contains(plan.Reasons, r => r.Contains("Policy PreferCrm: Salesforce wins", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ConflictPolicy.PreferMarketing, true)]
    [InlineData(ConflictPolicy.PreferCrm, false)]
    [InlineData(ConflictPolicy.MostRecent, true)]
    [InlineData(ConflictPolicy.CrmUnlessBlank, false)]
    public void Plan_BothEditedConfiguredPolicy_WinnerWritesTheOther(ConflictPolicy policy, bool marketingWins)
    {
        // The marketing record is the more recent one (an hour ago against two).
        void Title(ConnectionModelOptions o) => o.Mappings.Fields =
        [
            new FieldMapping { HubSpotProperty = "jobtitle", SalesforceField = "Title", Direction = SyncDirection.TwoWay, Conflict = policy },
        ];
        var seenContact = Contact(Warm, title: "Director");
        var seenLead = Lead(score: "70", grade: "A", title: "Director");
        var contact = Contact(Warm, title: Vp);
        var lead = Lead(score: "70", grade: "A", title: "Head of Sales");

        var plan = PlanOne(Person(contact, lead, Record(seenContact, seenLead)), Title);

        if (marketingWins)
        {
            Assert.Equal(Vp, plan.CrmWrite!.Fields["Title"]);
            Assert.Null(plan.MarketingWrite);
        }
        else
        {
            Assert.Equal("Head of Sales", plan.MarketingWrite!.Fields["jobtitle"]);
            Assert.Null(plan.CrmWrite);
        }

        Assert.Contains(plan.Reasons, r => r.Contains($"Policy {policy}", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_BothEditedToCrmMappingCrmWins_NothingWrittenAndSaysWhy()
    {
        void Industry(ConnectionModelOptions o) => o.Mappings.Fields =
        [
            new FieldMapping { HubSpotProperty = "industry", SalesforceField = "Industry", Direction = SyncDirection.ToCrm, Conflict = ConflictPolicy.PreferCrm },
        ];
        var seenContact = Contact(Warm);
        var seenLead = Lead(score: "70", grade: "A");
        var contact = seenContact with { Fields = new Dictionary<string, string?>(seenContact.Fields) { ["industry"] = "Finance" } };
        var lead = seenLead with { Fields = new Dictionary<string, string?>(seenLead.Fields) { ["Industry"] = "Retail" } };

        var plan = PlanOne(Person(contact, lead, Record(seenContact, seenLead)), Industry);

        Assert.Null(plan.MarketingWrite);
        Assert.Null(plan.CrmWrite);
        Assert.Contains(plan.Reasons, r => r.Contains("The mapping is ToCrm", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_ValueWithoutValueMapEntry_NotWrittenAndReported()
    {
        var seenContact = Contact(Warm);
        var seenLead = Lead(score: "70", grade: "A");
        var contact = seenContact with { Fields = new Dictionary<string, string?>(seenContact.Fields) { ["industry"] = "Basket Weaving" } };

        var plan = PlanOne(Person(contact, seenLead, Record(seenContact, seenLead)));

        Assert.False(plan.CrmWrite?.Fields.ContainsKey("Industry") ?? false);
        Assert.Contains(plan.Reasons, r => r.StartsWith("industry ↔ Industry: ", StringComparison.Ordinal) && r.Contains("'Basket Weaving'", StringComparison.Ordinal));
    }

    // --- who needs the owner directory ---

    [Fact]
    public void NeedsOwners_AtThresholdInSalesOrConverted_True()
    {
        var planner = Planner();
        var contact = Contact(Warm);
        var lead = Lead();

        Assert.False(planner.NeedsOwners([Person(contact, lead)], Now));
        Assert.True(planner.NeedsOwners([Person(contact, lead), Person(Contact(Hot), lead)], Now));
        Assert.True(planner.NeedsOwners([Person(contact, lead, Record(contact, lead, inSales: true))], Now));
        Assert.True(planner.NeedsOwners([Person(contact, Lead(converted: true))], Now));
        Assert.False(planner.NeedsOwners([Person(Contact(Hot), lead) with { Blocked = new Blocked(SystemRole.Crm, CrmId, "x") }], Now));
        Assert.False(planner.NeedsOwners([], Now));
    }

    [Fact]
    public void PlanOne_SamePersonAsABatchOfOne_SamePlan()
    {
        var person = Person(Contact(Hot), Lead());
        var planner = Planner();

        var alone = planner.PlanOne(person, Owners(), Positions(("NA", 1)), Now);
        var batch = planner.Plan(new BatchSnapshot([person], Owners(), Positions(("NA", 1)), Now));

        Assert.Equal(Render(batch with { People = [alone] }), Render(batch));
        Assert.Equal(Ben, alone.Handoff!.OwnerId);
    }

    [Fact]
    public void Plan_Snapshot_NotChangedByPlanning()
    {
        var routing = Positions(("NA", 4));
        var snapshot = new BatchSnapshot([Person(Contact(Hot), Lead())], Owners(), routing, Now);

        var plan = Planner().Plan(snapshot);

        Assert.Equal(4, routing.Positions["NA"]);
        Assert.Equal(5, plan.RoutingAfter.Positions["NA"]);
        Assert.Empty(routing.OpenLeadsByOwner);
    }
}
