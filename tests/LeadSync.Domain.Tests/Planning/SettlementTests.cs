using System.Globalization;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Planning;
using static LeadSync.Domain.Tests.Planning.PlannerTestData;

namespace LeadSync.Domain.Tests.Planning;

public sealed class SettlementTests
{
    private static readonly DateTimeOffset SettledAt = Now.AddMinutes(1);

    private static (BatchSettlement Settlement, IReadOnlyList<SettledPerson> People) Settle(BatchPlan plan, params PersonOutcome[] outcomes) =>
        Settlement.Settle("test", "cycle-1", plan, outcomes, SettledAt);

    private static BatchPlan PlanBatch(params PersonSnapshot[] people) => Planner().Plan(Batch(people));

    private static AssignmentEntry Done(HandoffPlan handoff, AssignmentSteps steps = AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated | AssignmentSteps.MarketingWritten) =>
        handoff.Entry with { StepsDone = steps, OwnerWrittenAt = steps.HasFlag(AssignmentSteps.CrmOwnerWritten) ? SettledAt : null, CompletedAt = steps == (AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated | AssignmentSteps.MarketingWritten) ? SettledAt : null, TaskId = "00T1" };

    /// <summary>A hot person who changed their title in marketing since the last cycle (Director → VP), so the plan writes it to the CRM.</summary>
    private static (PersonSnapshot Person, LeadRecord Record) HotWithRecord()
    {
        var contact = Contact(Hot);
        var lead = Lead(title: "Director");
        var record = Record(Contact(Warm, stage: "subscriber", title: "Director"), lead, score: 60);
        return (Person(contact, lead, record), record);
    }

    [Fact]
    public void Settle_OutcomesNotOnePerPlan_Throws()
    {
        var plan = PlanBatch(Person(Contact(Warm), Lead()));

        Assert.Throws<ArgumentException>(() => Settlement.Settle("test", "c", plan, [], SettledAt));
    }

    [Fact]
    public void Settle_MarketingScoreWritten_RemembersTheWrittenScoreAndGrade()
    {
        var plan = new LeadPlanner(new ConnectionModel(Options()), new MarketingScoreFields(true, true)).Plan(Batch(Person(Contact(Warm) with { Score = "12", Grade = "D" }, Lead(score: "70", grade: "A"))));

        var (settlement, _) = Settle(plan, new PersonOutcome());
        var next = Assert.Single(settlement.Leads);

        Assert.Equal(("70", "A"), (next.LastSeenMarketing[SeenKeys.Score], next.LastSeenMarketing[SeenKeys.Grade]));
    }

    [Fact]
    public void Settle_NoMarketingScoreWrite_RemembersWhatThePlatformHolds()
    {
        var plan = PlanBatch(Person(Contact(Warm) with { Score = "12", Grade = "D" }, Lead(score: "70", grade: "A")));

        var (settlement, _) = Settle(plan, new PersonOutcome());
        var next = Assert.Single(settlement.Leads);

        Assert.Equal(("12", "D"), (next.LastSeenMarketing[SeenKeys.Score], next.LastSeenMarketing[SeenKeys.Grade]));
    }

    [Fact]
    public void Settle_HandoffConfirmed_RecordsWhatWasWrittenUnderSeenKeys()
    {
        var plan = PlanBatch(Person(Contact(Hot), Lead()));
        var handoff = plan.People[0].Handoff!;

        var (settlement, people) = Settle(plan, new PersonOutcome(Entry: Done(handoff)));
        var next = Assert.Single(settlement.Leads);

        Assert.Equal(Ana, next.LastSeenCrm[SeenKeys.Owner]);
        Assert.Equal("Marketing Qualified", next.LastSeenCrm[SeenKeys.Status]);
        Assert.Equal(Lead().ModifiedAt.ToString("O", CultureInfo.InvariantCulture), next.LastSeenCrm[SeenKeys.ModifiedAt]);
        Assert.Equal(HsAna, next.LastSeenMarketing[SeenKeys.Owner]);
        Assert.Equal("IN_PROGRESS", next.LastSeenMarketing[SeenKeys.Status]);
        Assert.Equal("salesqualifiedlead", next.LastSeenMarketing[SeenKeys.Stage]);
        Assert.Equal(Contact(Hot).ModifiedAt.ToString("O", CultureInfo.InvariantCulture), next.LastSeenMarketing[SeenKeys.ModifiedAt]);
        Assert.Equal(Vp, next.LastSeenMarketing["jobtitle"]);
        Assert.Equal(Vp, next.LastSeenCrm["Title"]);
        Assert.True(next.InSales);
        Assert.Equal(1, next.Crossings);
        Assert.Equal(71, next.Score);
        Assert.Equal("A", next.Grade);
        Assert.Equal(Now, next.FirstSeenAboveThresholdAt);
        Assert.Equal(("test", LeadKey, MarketingId, CrmId, SettledAt), (next.Connection, next.LeadKey, next.MarketingId, next.CrmId, next.UpdatedAt));
        Assert.Equal("test", Assert.Single(settlement.Assignments).Connection);
        Assert.True(people[0].Succeeded);
        Assert.True(people[0].Assigned);
        Assert.Same(next, people[0].Next);
    }

    [Fact]
    public void Settle_MappedFieldWritten_LastSeenHoldsTheWrittenValue()
    {
        var (person, _) = HotWithRecord();
        var plan = Planner().Plan(Batch(person) with { Owners = null });
        Assert.Equal(Vp, plan.People[0].CrmWrite!.Fields["Title"]);

        var (settlement, _) = Settle(plan, PersonOutcome.Confirmed);

        Assert.Equal(Vp, settlement.Leads[0].LastSeenCrm["Title"]);
    }

    [Fact]
    public void Settle_CrmFailure_KeepsThePreviousLastSeenOfBothSides()
    {
        var (person, record) = HotWithRecord();
        var plan = Planner().Plan(Batch(person) with { Owners = null });

        var (settlement, people) = Settle(plan, new PersonOutcome(new WriteFailure(SystemRole.Crm, "FIELD_CUSTOM_VALIDATION_EXCEPTION: Title is locked")));
        var next = settlement.Leads[0];

        Assert.Same(record.LastSeenMarketing, next.LastSeenMarketing);
        Assert.Same(record.LastSeenCrm, next.LastSeenCrm);
        Assert.False(people[0].Succeeded);
        var item = Assert.Single(settlement.Quarantine);
        Assert.Equal((SystemRole.Crm, CrmId), (item.System, item.RecordId));
        Assert.Contains("Title is locked", item.Reason, StringComparison.Ordinal);
        Assert.Empty(settlement.Resolved);
    }

    [Fact]
    public void Settle_CrmFailure_TheEditIsPlannedAgainNextCycle()
    {
        var (person, _) = HotWithRecord();
        var planner = Planner();
        var first = planner.Plan(Batch(person) with { Owners = null });
        var (settlement, _) = Settle(first, new PersonOutcome(new WriteFailure(SystemRole.Crm, "UNABLE_TO_LOCK_ROW")));

        var again = planner.Plan(Batch(person with { Record = settlement.Leads[0] }) with { Owners = null });

        Assert.Equal(Vp, again.People[0].CrmWrite!.Fields["Title"]);
    }

    [Fact]
    public void Settle_FailedHandoffOnCrm_KeepsThePreviousInSalesAndCrossings()
    {
        var contact = Contact(Hot);
        var lead = Lead();
        var record = Record(contact, lead, inSales: false, crossings: 2);
        var plan = PlanBatch(Person(contact, lead, record));
        Assert.Equal(3, plan.People[0].CrossingsAfter);

        var (settlement, people) = Settle(plan, new PersonOutcome(new WriteFailure(SystemRole.Crm, "INVALID_CROSS_REFERENCE_KEY"), Entry: plan.People[0].Handoff!.Entry));
        var next = settlement.Leads[0];

        Assert.False(next.InSales);
        Assert.Equal(2, next.Crossings);
        Assert.False(people[0].Assigned);
        Assert.Equal(AssignmentSteps.None, Assert.Single(settlement.Assignments).StepsDone);
    }

    [Fact]
    public void Settle_HandoffOwnerNotWrittenWithoutFailure_KeepsThePreviousInSalesAndCrossings()
    {
        var plan = PlanBatch(Person(Contact(Hot), Lead()));

        var (settlement, _) = Settle(plan, PersonOutcome.Confirmed);

        Assert.False(settlement.Leads[0].InSales);
        Assert.Equal(0, settlement.Leads[0].Crossings);
    }

    [Fact]
    public void Settle_HandoffOwnerWrittenTaskPending_InSalesButNotAssigned()
    {
        var plan = PlanBatch(Person(Contact(Hot), Lead()));
        var entry = Done(plan.People[0].Handoff!, AssignmentSteps.CrmOwnerWritten);

        var (settlement, people) = Settle(plan, new PersonOutcome(Entry: entry));

        Assert.True(settlement.Leads[0].InSales);
        Assert.Equal(1, settlement.Leads[0].Crossings);
        Assert.False(people[0].Assigned);
        Assert.Equal(entry with { Connection = "test" }, settlement.Assignments[0]);
    }

    [Fact]
    public void Settle_MarketingFailure_KeepsThePreviousLastSeenOfBothSides()
    {
        var (person, record) = HotWithRecord();
        var plan = Planner().Plan(Batch(person) with { Owners = null });

        var (settlement, _) = Settle(plan, new PersonOutcome(new WriteFailure(SystemRole.Marketing, "PROPERTY_DOESNT_EXIST")));

        Assert.Same(record.LastSeenMarketing, settlement.Leads[0].LastSeenMarketing);
        Assert.Same(record.LastSeenCrm, settlement.Leads[0].LastSeenCrm);
        Assert.Equal((SystemRole.Marketing, MarketingId), (settlement.Quarantine[0].System, settlement.Quarantine[0].RecordId));
    }

    [Fact]
    public void Settle_MarketingFailure_TheCrmEditIsPlannedAgainNextCycle()
    {
        // A rep changed the title in the CRM; writing it to marketing failed. The next cycle must still carry it over.
        var contact = Contact(Warm);
        var seenLead = Lead(score: "70", grade: "A");
        var lead = Lead(score: "70", grade: "A", title: "Chief Revenue Officer");
        var person = Person(contact, lead, Record(contact, seenLead));
        var planner = Planner();
        var first = planner.Plan(Batch(person));
        Assert.Equal("Chief Revenue Officer", first.People[0].MarketingWrite!.Fields["jobtitle"]);

        var (settlement, _) = Settle(first, new PersonOutcome(new WriteFailure(SystemRole.Marketing, "RATE_LIMITED")));
        var again = planner.Plan(Batch(person with { Record = settlement.Leads[0] }));

        Assert.Equal("Chief Revenue Officer", again.People[0].MarketingWrite?.Fields.GetValueOrDefault("jobtitle"));
    }

    [Fact]
    public void Settle_Blocked_QuarantineItemAndNoLeadRecord()
    {
        var plan = PlanBatch(Person(Contact(Warm), Lead(status: "Working")));

        var (settlement, people) = Settle(plan, PersonOutcome.Confirmed);

        Assert.Empty(settlement.Leads);
        Assert.Empty(settlement.Audit);
        Assert.Empty(settlement.Resolved);
        var item = Assert.Single(settlement.Quarantine);
        Assert.Equal(new QuarantineItem(0, "test", SystemRole.Crm, CrmId, plan.People[0].Blocked!.Reason, SettledAt, SettledAt, 1, false), item);
        Assert.Null(people[0].Next);
        Assert.False(people[0].Succeeded);
    }

    [Fact]
    public void Settle_Success_ResolvesBothRecords()
    {
        var plan = PlanBatch(Person(Contact(Warm), Lead(score: "12")));

        var (settlement, _) = Settle(plan, PersonOutcome.Confirmed);

        Assert.Equal([new RecordRef(SystemRole.Marketing, MarketingId), new RecordRef(SystemRole.Crm, CrmId)], settlement.Resolved);
        Assert.Empty(settlement.Quarantine);
    }

    [Fact]
    public void Settle_AlsoQuarantineTheCrmLead_QuarantinedAndOnlyMarketingResolved()
    {
        var plan = PlanBatch(Person(Contact(Warm), Lead(score: "12")));
        var also = new Blocked(SystemRole.Crm, CrmId, "task could not be created");

        var (settlement, _) = Settle(plan, new PersonOutcome(AlsoQuarantine: also));

        Assert.Equal([new RecordRef(SystemRole.Marketing, MarketingId)], settlement.Resolved);
        Assert.Equal("task could not be created", Assert.Single(settlement.Quarantine).Reason);
    }

    [Fact]
    public void Settle_RoutingAdvances_PassedThrough()
    {
        var second = Person(Contact(Hot, id: "102", crmId: "00Q000000000102AAA"), Lead(id: "00Q000000000102AAA", marketingId: "102"), key: "hs-102");
        var third = Person(Contact(Hot, id: "103", crmId: "00Q000000000103AAA", country: "France"), Lead(id: "00Q000000000103AAA", marketingId: "103", country: "France"), key: "hs-103");
        var plan = PlanBatch(Person(Contact(Hot), Lead()), second, third);

        var (settlement, _) = Settle(plan, PersonOutcome.Confirmed, PersonOutcome.Confirmed, PersonOutcome.Confirmed);

        Assert.Same(plan.RoutingAdvances, settlement.RoutingAdvances);
        Assert.Equal(new Dictionary<string, long> { ["NA"] = 2, ["EMEA"] = 1 }, settlement.RoutingAdvances);
    }

    [Fact]
    public void Settle_CreatedCrmLead_RemembersItsIdAndWhatWasCreated()
    {
        var plan = PlanBatch(Person(Contact(Hot, crmId: null), null));
        var entry = Done(plan.People[0].Handoff!) with { CrmLeadId = "00Qnew" };

        var (settlement, _) = Settle(plan, new PersonOutcome(CreatedCrmId: "00Qnew", Entry: entry));
        var next = settlement.Leads[0];

        Assert.Equal("00Qnew", next.CrmId);
        Assert.Equal(Ana, next.LastSeenCrm[SeenKeys.Owner]);
        Assert.Equal("Marketing Qualified", next.LastSeenCrm[SeenKeys.Status]);
        Assert.Equal(SettledAt.ToString("O", CultureInfo.InvariantCulture), next.LastSeenCrm[SeenKeys.ModifiedAt]);
        Assert.Equal("Technology", next.LastSeenCrm["Industry"]);
        Assert.True(next.InSales);
        Assert.Equal([new RecordRef(SystemRole.Marketing, MarketingId)], settlement.Resolved);
    }

    [Fact]
    public void Settle_MarketingOnlyNothingCreated_NoCrmLastSeen()
    {
        var plan = Planner(o => o.Sync.CreateSalesforceLeadOnHandoff = false).Plan(Batch(Person(Contact(Hot, crmId: null), null)));

        var (settlement, _) = Settle(plan, PersonOutcome.Confirmed);

        Assert.Empty(settlement.Leads[0].LastSeenCrm);
        Assert.Null(settlement.Leads[0].CrmId);
    }

    [Fact]
    public void Settle_Release_ClosesOpenEntries()
    {
        var contact = Contact(Quiet, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna, title: ColdTitle);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, title: ColdTitle);
        var open = Entry(1, Ana, HsAna) with { CompletedAt = Now.AddDays(-3) };
        var unfinished = Entry(1, Ana, HsAna) with { Crossing = 0 };
        var plan = PlanBatch(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1), [open, unfinished]));

        var (settlement, _) = Settle(plan, PersonOutcome.Confirmed);

        Assert.Equal(
            [open with { Connection = "test", Closed = true }, unfinished with { Connection = "test", Closed = true, CompletedAt = SettledAt }],
            settlement.Assignments);
        Assert.False(settlement.Leads[0].InSales);
        Assert.Equal("release", settlement.Audit[0].Action);
    }

    [Fact]
    public void Settle_ReleaseFailed_StaysInSalesAndClosesNothing()
    {
        var contact = Contact(Quiet, status: "IN_PROGRESS", stage: "salesqualifiedlead", owner: HsAna, title: ColdTitle);
        var lead = Lead(status: "Marketing Qualified", owner: Ana, title: ColdTitle);
        var plan = PlanBatch(Person(contact, lead, Record(contact, lead, inSales: true, crossings: 1), [Entry(1, Ana, HsAna)]));
        Assert.True(plan.People[0].Released);

        var (settlement, _) = Settle(plan, new PersonOutcome(new WriteFailure(SystemRole.Marketing, "CONTACT_LOCKED")));

        Assert.True(settlement.Leads[0].InSales);
        Assert.Empty(settlement.Assignments);
    }

    [Fact]
    public void Settle_Audit_OneEntryPerPersonWithWritesOrReasons()
    {
        var quiet = Person(Contact(Warm), Lead(score: "70", grade: "A"));
        var hot = Person(Contact(Hot, id: "102", crmId: "00Q000000000102AAA"), Lead(id: "00Q000000000102AAA", marketingId: "102"), key: "hs-102");
        var plan = PlanBatch(quiet, hot);

        var (settlement, _) = Settle(plan, PersonOutcome.Confirmed, new PersonOutcome(Entry: Done(plan.People[1].Handoff!)));

        var audit = Assert.Single(settlement.Audit);
        Assert.Equal(new AuditEntry("test", "cycle-1", "hs-102", SettledAt, "handoff", audit.Details), audit);
    }

    [Fact]
    public void AuditDetails_Handoff_MentionsScoreWritesAndHandoff()
    {
        var plan = PlanBatch(Person(Contact(Hot), Lead(score: "64", grade: "B")));

        var details = Settlement.AuditDetails(plan.People[0], PersonOutcome.Confirmed);

        Assert.StartsWith("score - → 71, grade A", details, StringComparison.Ordinal);
        Assert.Contains("marketing lead status: NEW → IN_PROGRESS", details, StringComparison.Ordinal);
        Assert.Contains("lifecycle stage: lead → salesqualifiedlead", details, StringComparison.Ordinal);
        Assert.Contains($"owner: ∅ → {HsAna}", details, StringComparison.Ordinal);
        Assert.Contains("CRM status: Open - Not Contacted → Marketing Qualified", details, StringComparison.Ordinal);
        Assert.Contains($"owner: {IntegrationUser} → {Ana}", details, StringComparison.Ordinal);
        Assert.Contains("score: 64 → 71, grade: B → A", details, StringComparison.Ordinal);
        Assert.Contains($"handoff crossing 1 to {Ana} (team NA)", details, StringComparison.Ordinal);
        Assert.Contains("reaches the handoff threshold 71", details, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", details, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditDetails_Failure_SaysFailedAndWhy()
    {
        var plan = PlanBatch(Person(Contact(Hot), Lead()));

        var details = Settlement.AuditDetails(plan.People[0], new PersonOutcome(new WriteFailure(SystemRole.Crm, "INSUFFICIENT_ACCESS on owner"), Notes: ["task not created"]));

        Assert.EndsWith("; task not created; FAILED: INSUFFICIENT_ACCESS on owner", details, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditDetails_CreatedLeadAndFieldValues_ListedWithEmailsMasked()
    {
        void EmailField(ConnectionModelOptions o) => o.Mappings.Fields =
        [
            new FieldMapping { HubSpotProperty = "email", SalesforceField = "Email", Direction = SyncDirection.ToCrm },
        ];
        var plan = Planner(EmailField).Plan(Batch(Person(Contact(Hot, crmId: null), null)));

        var details = Settlement.AuditDetails(plan.People[0], PersonOutcome.Confirmed);

        Assert.Contains($"CRM (new lead) owner → {Ana}, status → Marketing Qualified, score → 71 (A), Email → a***@acme.example", details, StringComparison.Ordinal);
        Assert.Contains("CRM link → the new lead", details, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@acme.example", details, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditDetails_MappedFieldWrite_OldAndNewValue()
    {
        var (person, record) = HotWithRecord();
        var plan = Planner().Plan(Batch(person) with { Owners = null });

        var details = Settlement.AuditDetails(plan.People[0], PersonOutcome.Confirmed);

        Assert.StartsWith("score 60 → 71", details, StringComparison.Ordinal);
        Assert.Contains($"Title: Director → {Vp}", details, StringComparison.Ordinal);
        Assert.Equal(60, record.Score);
    }

    [Fact]
    public void RecordId_SideMissing_FallsBackToTheOtherThenTheKey()
    {
        var both = PlanBatch(Person(Contact(Warm), Lead())).People[0];
        var marketingOnly = PlanBatch(Person(Contact(Warm, crmId: null), null)).People[0];
        var neither = both with { Snapshot = Person(null, null) };

        Assert.Equal(CrmId, Settlement.RecordId(both, SystemRole.Crm));
        Assert.Equal(MarketingId, Settlement.RecordId(both, SystemRole.Marketing));
        Assert.Equal(MarketingId, Settlement.RecordId(marketingOnly, SystemRole.Crm));
        Assert.Equal(LeadKey, Settlement.RecordId(neither, SystemRole.Crm));
    }
}
