using System.Globalization;
using LeadSync.Domain.Planning;

namespace LeadSync.State.Tests;

/// <summary>The batch operations of the port: gathering a batch's state and settling it in one transaction.</summary>
public abstract partial class StateStoreContractTests
{
    // ---- Gathering ----

    [Fact]
    public async Task GetAssignmentsAsync_ManyLeads_ReturnsEveryCrossingOfThoseLeadsOnly()
    {
        var entries = Enumerable.Range(0, 700)
            .SelectMany(i => new[] { Assignment($"k{i:D4}", 1, "005A"), Assignment($"k{i:D4}", 2, "005B") })
            .ToList();
        await Store.BeginAssignmentsAsync(entries, Ct);
        await NewStore().BeginAssignmentsAsync([Assignment("k0001", 1, "005Z") with { Connection = $"{Conn}-other" }], Ct);
        var wanted = Enumerable.Range(0, 700).Where(i => i % 2 == 1).Select(i => $"k{i:D4}").Append("nobody").Append("k0001").ToList();

        var before = Store.Sql().RoundTrips;
        var found = await Store.GetAssignmentsAsync(Conn, wanted, Ct);

        Assert.Equal(700, found.Count);
        Assert.All(found, a => Assert.Equal(Conn, a.Connection));
        Assert.Equal(entries.Where(e => int.Parse(e.LeadKey[1..], CultureInfo.InvariantCulture) % 2 == 1), found);
        Assert.Equal(1, Store.Sql().RoundTrips - before); // 350 distinct keys: one chunk
        Assert.Empty(await Store.GetAssignmentsAsync(Conn, [], Ct));
        Assert.Empty(await Store.GetAssignmentsAsync(Conn, ["nobody"], Ct));
    }

    [Fact]
    public async Task GetAssignmentsAsync_MoreKeysThanOneChunk_FindsAll()
    {
        var entries = Enumerable.Range(0, 1200).Select(i => Assignment($"k{i:D4}", 1, "005A")).ToList();
        await Store.BeginAssignmentsAsync(entries, Ct);

        var found = await Store.GetAssignmentsAsync(Conn, [.. entries.Select(e => e.LeadKey)], Ct);

        Assert.Equal(entries, found);
    }

    [Fact]
    public async Task GetRoutingStateAsync_TicketsAndOpenLeads_OneRoundTrip()
    {
        await Store.TakeRoutingTicketAsync(Conn, "emea", Ct);
        await Store.TakeRoutingTicketAsync(Conn, "emea", Ct);
        await Store.TakeRoutingTicketAsync(Conn, "amer", Ct);
        await NewStore().TakeRoutingTicketAsync($"{Conn}-other", "emea", Ct);
        await Store.BeginAssignmentsAsync([Assignment("k1", 1, "005A"), Assignment("k2", 1, "005A"), Assignment("k3", 1, "005B")], Ct);

        var before = (Store.Sql().RoundTrips, Store.Sql().ConnectionsOpened);
        var state = await Store.GetRoutingStateAsync(Conn, Ct);

        Assert.Equal(new Dictionary<string, long> { ["emea"] = 2, ["amer"] = 1 }, state.Positions);
        Assert.Equal(new Dictionary<string, int> { ["005A"] = 2, ["005B"] = 1 }, state.OpenLeadsByOwner);
        Assert.Equal((before.RoundTrips + 1, before.ConnectionsOpened + 1), (Store.Sql().RoundTrips, Store.Sql().ConnectionsOpened));
        var empty = await Store.GetRoutingStateAsync($"{Conn}-nobody", Ct);
        Assert.Empty(empty.Positions);
        Assert.Empty(empty.OpenLeadsByOwner);
    }

    [Fact]
    public async Task BeginAssignmentsAsync_WithRoutingAdvances_MovesPositionsInTheSameTransaction()
    {
        await Store.TakeRoutingTicketAsync(Conn, "emea", Ct);

        var before = Store.Sql().ConnectionsOpened;
        var stored = await Store.BeginAssignmentsAsync(
            [Assignment("k1", 1, "005A"), Assignment("k2", 1, "005B")], new Dictionary<string, long> { ["emea"] = 2, ["amer"] = 1, ["apac"] = 0 }, Ct);

        Assert.Equal(["k1", "k2"], stored.Select(e => e.LeadKey));
        Assert.Equal(before + 1, Store.Sql().ConnectionsOpened);
        var state = await Store.GetRoutingStateAsync(Conn, Ct);
        Assert.Equal(new Dictionary<string, long> { ["emea"] = 3, ["amer"] = 1 }, state.Positions);
        Assert.Equal(new Dictionary<string, int> { ["005A"] = 1, ["005B"] = 1 }, state.OpenLeadsByOwner);
    }

    [Fact]
    public async Task BeginAssignmentsAsync_NegativeAdvanceOrAdvanceWithoutHandoffs_RefusedAndNothingStored()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Store.BeginAssignmentsAsync([Assignment("k1", 1, "005A")], new Dictionary<string, long> { ["emea"] = -1 }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.BeginAssignmentsAsync([], new Dictionary<string, long> { ["emea"] = 1 }, Ct));

        Assert.Empty(await Store.GetAssignmentsAsync(Conn, "k1", Ct));
        Assert.Empty((await Store.GetRoutingStateAsync(Conn, Ct)).Positions);
    }

    [Fact]
    public async Task FindLeadsAsync_BothIdLists_OneRoundTrip()
    {
        await Store.SaveLeadsAsync(Conn, [Lead("k1", "m1", "c1"), Lead("k2", "m2", null), Lead("k3", null, "c3")], Ct);

        var before = Store.Sql().RoundTrips;
        var found = await Store.FindLeadsAsync(Conn, ["m1", "m2"], ["c1", "c3"], Ct);

        Assert.Equal(["k1", "k2", "k3"], found.Select(l => l.LeadKey));
        Assert.Equal(1, Store.Sql().RoundTrips - before);
        Assert.Equal(["k3"], (await Store.FindLeadsAsync(Conn, [], ["c3"], Ct)).Select(l => l.LeadKey));
    }

    // ---- Beginning handoffs ----

    [Fact]
    public async Task BeginAssignmentsAsync_MixOfNewAndBegun_ReturnsStoredEntriesInInputOrder()
    {
        var begun = await Store.BeginOneAsync(Assignment("k2", 1, "005A"), Ct);
        var input = new[]
        {
            Assignment("k3", 1, "005C"),
            Assignment("k2", 1, "005B") with { StartedAt = T0.AddMinutes(5) }, // already begun: the stored one comes back
            Assignment("k1", 1, "005D"),
            Assignment("k3", 1, "005E"), // repeated in the input: the first wins
            Assignment("k2", 2, "005F"),
        };

        var stored = await NewStore().BeginAssignmentsAsync(input, Ct);

        Assert.Equal([input[0], begun, input[2], input[0], input[4]], stored);
        Assert.Equal(4, (await Store.GetAssignmentsAsync(Conn, ["k1", "k2", "k3"], Ct)).Count);
        Assert.Empty(await Store.BeginAssignmentsAsync([], Ct));
    }

    [Fact]
    public async Task BeginAssignmentsAsync_ConcurrentWorkersWithOverlappingBatches_AllGetTheSameEntries()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker =>
        {
            var store = NewStore();

            // Different orders and overlaps, so lock ordering matters on PostgreSQL.
            var batch = Enumerable.Range(0, 40).Select(i => Assignment($"k{(i + (worker * 7)) % 50:D2}", 1, $"005{worker}"));
            return Task.Run(() => store.BeginAssignmentsAsync([.. worker % 2 == 0 ? batch : batch.Reverse()], Ct));
        }));

        var winners = results.SelectMany(r => r).GroupBy(e => e.LeadKey).ToList();
        Assert.All(winners, g => Assert.Single(g.Select(e => e.OwnerId).Distinct()));
        var stored = await Store.GetAssignmentsAsync(Conn, [.. winners.Select(g => g.Key)], Ct);
        Assert.Equal(winners.Count, stored.Count);
        Assert.All(stored, s => Assert.Equal(winners.Single(g => g.Key == s.LeadKey).First().OwnerId, s.OwnerId));
    }

    [Fact]
    public async Task BeginAssignmentsAsync_NoteWithTaskOwner_RoundTripsAndUpdatesKeepOrReplaceIt()
    {
        var note = new AssignmentNote("Sales-ready lead", "High", "Why: demo request.", "005INTEGRATION");
        var begun = await Store.BeginOneAsync(Assignment("k1", 1, "00G-queue") with { Note = note }, Ct);
        Assert.Equal(note, begun.Note);

        await Store.UpdateAssignmentAsync(begun with { Note = null, StepsDone = AssignmentSteps.CrmOwnerWritten }, Ct);
        Assert.Equal(note, Assert.Single(await Store.GetAssignmentsAsync(Conn, "k1", Ct)).Note);

        var withoutOwner = note with { TaskOwnerId = null, Subject = "Re-routed lead" };
        await Store.UpdateAssignmentAsync(begun with { Note = withoutOwner }, Ct);
        Assert.Equal(withoutOwner, Assert.Single(await Store.GetAssignmentsAsync(Conn, "k1", Ct)).Note);
    }

    // ---- Settling ----

    [Fact]
    public async Task SettleAsync_EveryPart_IsWritten()
    {
        await Store.SaveLeadsAsync(Conn, [Lead("k1", "m1", "c1")], Ct);
        var begun = await Store.BeginOneAsync(Assignment("k1", 1, "005A") with { Note = new AssignmentNote("s", "High", "d", "005A") }, Ct);
        await Store.QuarantineAsync(Quarantine("c-bad", "INVALID_EMAIL", T0), Ct);
        await Store.QuarantineAsync(Quarantine("c-fixed", "boom", T0), Ct);
        await Store.QuarantineAsync(Quarantine("m-fixed", "boom", T0) with { System = SystemRole.Marketing }, Ct);
        await Store.QuarantineAsync(Quarantine("m-untouched", "boom", T0) with { System = SystemRole.Marketing }, Ct);
        var bad = Assert.Single(await Store.ListQuarantineAsync(Conn, Ct), q => q.RecordId == "c-bad");
        await Store.RequestRetryAsync(Conn, bad.Id, Ct);
        await Store.TakeRoutingTicketAsync(Conn, "emea", Ct);

        var k1 = Lead("k1", "m1", "c1") with
        {
            LastSeenMarketing = new Dictionary<string, string?> { [SeenKeys.Owner] = "o-1", [SeenKeys.ModifiedAt] = "2026-11-20T09:15:00Z" },
            Score = 91,
            InSales = true,
            Crossings = 1,
            UpdatedAt = T0.AddMinutes(1),
        };
        var k2 = Lead("k2", "m2", null);
        var updated = begun with
        {
            StepsDone = AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated | AssignmentSteps.MarketingWritten,
            TaskId = "00T1",
            OwnerWrittenAt = T0.AddSeconds(1),
            CompletedAt = T0.AddSeconds(2),
            SlaDueAt = T0.AddHours(4),
            StartedAt = T0.AddDays(9), // not a mutable part: stays as begun
            Note = null,               // keeps the stored note
        };
        var inserted = Assignment("k2", 1, "005B") with { Note = new AssignmentNote("s2", "Normal", "d2") };
        var audit = new[]
        {
            new AuditEntry(Conn, "cycle-9", "k1", T0, "handoff", "to 005A"),
            new AuditEntry(Conn, "cycle-9", "k1", T0, "write", "score 91"),
        };
        var settlement = new BatchSettlement(
            Conn,
            [k1, k2],
            [updated, inserted],
            audit,
            [Quarantine("c-bad", "STILL_INVALID", T0.AddMinutes(1)), Quarantine("m-new", "DUPLICATE", T0.AddMinutes(1)) with { System = SystemRole.Marketing }],
            [new RecordRef(SystemRole.Crm, "c-fixed"), new RecordRef(SystemRole.Marketing, "m-fixed"), new RecordRef(SystemRole.Crm, "never-there")],
            new Dictionary<string, long> { ["emea"] = 3, ["amer"] = 2, ["apac"] = 0 });

        await NewStore().SettleAsync(settlement, Ct);

        AssertLead(k1, await Store.GetLeadAsync(Conn, "k1", Ct));
        AssertLead(k2, await Store.GetLeadAsync(Conn, "k2", Ct));
        Assert.Equal(
            [updated with { StartedAt = begun.StartedAt, Note = begun.Note }, inserted],
            await Store.GetAssignmentsAsync(Conn, ["k1", "k2"], Ct));
        Assert.Equal(["write", "handoff"], (await Store.GetAuditAsync(Conn, "k1", 10, Ct)).Select(a => a.Action));
        var quarantine = await Store.ListQuarantineAsync(Conn, Ct);
        Assert.Equal(["c-bad", "m-untouched", "m-new"], quarantine.Select(q => q.RecordId));
        var refreshed = quarantine[0];
        Assert.Equal((2, "STILL_INVALID", T0, T0.AddMinutes(1), false), (refreshed.Attempts, refreshed.Reason, refreshed.FirstSeenAt, refreshed.LastSeenAt, refreshed.RetryRequested));
        Assert.Equal((SystemRole.Marketing, 1), (quarantine[2].System, quarantine[2].Attempts));
        var routing = await Store.GetRoutingStateAsync(Conn, Ct);
        Assert.Equal(new Dictionary<string, long> { ["emea"] = 4, ["amer"] = 2 }, routing.Positions);
        Assert.Equal(4, await Store.TakeRoutingTicketAsync(Conn, "emea", Ct));
        Assert.Equal(new Dictionary<string, int> { ["005A"] = 1, ["005B"] = 1 }, routing.OpenLeadsByOwner);
    }

    [Fact]
    public async Task SettleAsync_OnePartFails_NothingOfTheBatchIsWritten()
    {
        await Store.SaveLeadsAsync(Conn, [Lead("k1", "m1", "c1")], Ct);
        var begun = await Store.BeginOneAsync(Assignment("k1", 1, "005A"), Ct);
        await Store.QuarantineAsync(Quarantine("c-old", "boom", T0), Ct);
        await Store.TakeRoutingTicketAsync(Conn, "emea", Ct);
        var quarantineBefore = await Store.ListQuarantineAsync(Conn, Ct);

        // The quarantine item has no record id (NOT NULL): it fails after the leads, ledger and audit statements ran.
        var settlement = new BatchSettlement(
            Conn,
            [Lead("k1", "m1", "c1") with { Score = 99 }, Lead("k2", "m2", null)],
            [begun with { StepsDone = AssignmentSteps.CrmOwnerWritten }, Assignment("k2", 1, "005B")],
            [new AuditEntry(Conn, "cycle-9", "k1", T0, "handoff", "x")],
            [Quarantine("c-new", "fine", T0), Quarantine(null!, "invalid", T0)],
            [new RecordRef(SystemRole.Crm, "c-old")],
            new Dictionary<string, long> { ["emea"] = 5, ["amer"] = 1 });

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.SettleAsync(settlement, Ct));

        AssertLead(Lead("k1", "m1", "c1"), await Store.GetLeadAsync(Conn, "k1", Ct));
        Assert.Null(await Store.GetLeadAsync(Conn, "k2", Ct));
        Assert.Equal([begun], await Store.GetAssignmentsAsync(Conn, ["k1", "k2"], Ct));
        Assert.Empty(await Store.GetAuditAsync(Conn, "k1", 10, Ct));
        Assert.Equal(quarantineBefore, await Store.ListQuarantineAsync(Conn, Ct));
        Assert.Equal(new Dictionary<string, long> { ["emea"] = 1 }, (await Store.GetRoutingStateAsync(Conn, Ct)).Positions);
    }

    [Fact]
    public async Task SettleAsync_Cancelled_NothingIsWritten()
    {
        using var cancellation = new CancellationTokenSource();
        var settlement = Settlement(Enumerable.Range(0, 50).Select(i => $"k{i:D3}").ToList());
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.SettleAsync(settlement, cancellation.Token));

        Assert.Empty(await Store.GetAssignmentsAsync(Conn, [.. settlement.Leads.Select(l => l.LeadKey)], Ct));
        Assert.Null(await Store.GetLeadAsync(Conn, "k000", Ct));
    }

    [Fact]
    public async Task SettleAsync_BatchOf200People_IsAHandfulOfStatementsOnOneConnection()
    {
        var keys = Enumerable.Range(0, 200).Select(i => $"k{i:D3}").ToList();
        await Store.BeginAssignmentsAsync([.. keys.Take(100).Select(k => Assignment(k, 1, "005A"))], Ct);
        var settlement = Settlement(keys);
        var store = Store.Sql();
        var before = (store.RoundTrips, store.ConnectionsOpened);

        await store.SettleAsync(settlement, Ct);

        // Leads, ledger, audit, quarantine, resolve, routing: one statement each, plus the commit.
        Assert.Equal((before.RoundTrips + 7, before.ConnectionsOpened + 1), (store.RoundTrips, store.ConnectionsOpened));
        Assert.Equal(200, (await Store.GetAssignmentsAsync(Conn, keys, Ct)).Count(a => a.StepsDone == AssignmentSteps.CrmOwnerWritten));
        Assert.Equal(200, (await Store.FindLeadsAsync(Conn, [.. keys.Select(k => $"m-{k}")], [], Ct)).Count);
        Assert.Equal(400, (await Store.ListQuarantineAsync(Conn, Ct)).Count);
        Assert.Equal(200, (await Store.GetRoutingStateAsync(Conn, Ct)).Positions["emea"]);
    }

    [Fact]
    public async Task SettleAsync_SameKeysTwiceInOneBatch_LastOneWins()
    {
        var settlement = new BatchSettlement(
            Conn,
            [Lead("k1", "m1", null) with { Score = 1 }, Lead("k1", "m1", null) with { Score = 2 }],
            [Assignment("k1", 1, "005A"), Assignment("k1", 1, "005B")],
            [],
            [Quarantine("c1", "first", T0), Quarantine("c1", "second", T0)],
            [],
            new Dictionary<string, long>());

        await Store.SettleAsync(settlement, Ct);

        Assert.Equal(2, (await Store.GetLeadAsync(Conn, "k1", Ct))!.Score);
        Assert.Equal("005B", Assert.Single(await Store.GetAssignmentsAsync(Conn, "k1", Ct)).OwnerId);
        var item = Assert.Single(await Store.ListQuarantineAsync(Conn, Ct));
        Assert.Equal(("second", 1), (item.Reason, item.Attempts));
    }

    [Fact]
    public async Task SettleAsync_RecordQuarantinedAndResolvedInOneBatch_StaysQuarantined()
    {
        await Store.QuarantineAsync(Quarantine("c1", "boom", T0), Ct);

        await Store.SettleAsync(
            new BatchSettlement(Conn, [], [], [], [Quarantine("c1", "boom again", T0.AddMinutes(1))], [new RecordRef(SystemRole.Crm, "c1")], new Dictionary<string, long>()),
            Ct);

        var item = Assert.Single(await Store.ListQuarantineAsync(Conn, Ct));
        Assert.Equal(("boom again", 2), (item.Reason, item.Attempts));
    }

    [Fact]
    public async Task SettleAsync_InvalidSettlements_AreRefusedBeforeAnythingIsWritten()
    {
        var store = Store.Sql();
        var before = store.ConnectionsOpened;

        await store.SettleAsync(new BatchSettlement(Conn, [], [], [], [], [], new Dictionary<string, long>()), Ct);
        await Assert.ThrowsAsync<ArgumentException>(() => store.SettleAsync(
            new BatchSettlement(Conn, [Lead("k1", "m1", null)], [Assignment("k1", 1, "005A") with { Connection = "elsewhere" }], [], [], [], new Dictionary<string, long>()),
            Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.SettleAsync(
            new BatchSettlement(Conn, [Lead("k1", "m1", null)], [], [], [], [], new Dictionary<string, long> { ["emea"] = -1 }),
            Ct));

        Assert.Equal(before, store.ConnectionsOpened);
        Assert.Null(await Store.GetLeadAsync(Conn, "k1", Ct));
    }

    [Fact]
    public async Task SettleAsync_InjectionAttempts_AreStoredLiterally()
    {
        const string Evil = "x'); DELETE FROM lead_record; --";
        await Store.SettleAsync(
            new BatchSettlement(
                Conn,
                [Lead(Evil, Evil, Evil)],
                [Assignment(Evil, 1, Evil)],
                [new AuditEntry(Conn, Evil, Evil, T0, Evil, Evil)],
                [Quarantine(Evil, Evil, T0)],
                [new RecordRef(SystemRole.Marketing, Evil)],
                new Dictionary<string, long> { [Evil] = 1 }),
            Ct);

        AssertLead(Lead(Evil, Evil, Evil), await Store.GetLeadAsync(Conn, Evil, Ct));
        Assert.Equal(Evil, Assert.Single(await Store.GetAssignmentsAsync(Conn, [Evil], Ct)).OwnerId);
        Assert.Equal(Evil, Assert.Single(await Store.ListQuarantineAsync(Conn, Ct)).RecordId);
        Assert.Equal(1, (await Store.GetRoutingStateAsync(Conn, Ct)).Positions[Evil]);
    }

    /// <summary>A full batch: every person's record, a ledger entry (update or insert), audit, a quarantine item per role and a resolve per role.</summary>
    private BatchSettlement Settlement(IReadOnlyList<string> keys) => new(
        Conn,
        [.. keys.Select(k => Lead(k, $"m-{k}", $"c-{k}") with { Score = 80, InSales = true, Crossings = 1 })],
        [.. keys.Select(k => Assignment(k, 1, "005A") with { StepsDone = AssignmentSteps.CrmOwnerWritten, OwnerWrittenAt = T0 })],
        [.. keys.Select(k => new AuditEntry(Conn, "cycle-1", k, T0, "handoff", $"{k} to 005A"))],
        [.. keys.SelectMany(k => new[] { Quarantine($"c-{k}", "x", T0), Quarantine($"m-{k}", "x", T0) with { System = SystemRole.Marketing } })],
        [.. keys.SelectMany(k => new[] { new RecordRef(SystemRole.Crm, $"gone-{k}"), new RecordRef(SystemRole.Marketing, $"gone-{k}") })],
        new Dictionary<string, long> { ["emea"] = keys.Count });
}
