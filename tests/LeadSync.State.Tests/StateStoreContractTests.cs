using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.State.Tests;

/// <summary>The whole behavioural contract of <see cref="IStateStore"/>; run once per provider.</summary>
public abstract partial class StateStoreContractTests(IStoreFactory factory) : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 15, 0, 123, TimeSpan.Zero);

    private readonly List<IStateStore> _stores = [];

    protected CancellationToken Ct => CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>Each test works in its own connection, so tests share one database without seeing each other.</summary>
    protected string Conn { get; } = $"conn-{Guid.NewGuid():N}";

    protected IStateStore Store { get; private set; } = null!;

    protected IStoreFactory Factory => factory;

    protected abstract int MigrationCount { get; }

    public Task InitializeAsync()
    {
        Store = NewStore();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    protected IStateStore NewStore(TimeProvider? time = null) => Track(factory.Create(time ?? Time));

    protected IStateStore Track(IStateStore store)
    {
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    // ---- Migration ----

    [Fact]
    public async Task MigrateAsync_CalledTwice_IsIdempotentAndRecordsEachVersionOnce()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        var store = Track(fresh.NewInstance());

        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);

        Assert.Equal(MigrationCount, await fresh.Scalar("SELECT COUNT(*) FROM schema_version"));
        Assert.True(await store.PingAsync(Ct));
        await store.SetWatermarkAsync(Conn, SystemRole.Marketing, new ChangeCursor(T0, "1"), Ct);
        Assert.NotNull(await store.GetWatermarkAsync(Conn, SystemRole.Marketing, Ct));
    }

    [Fact]
    public async Task MigrateAsync_SeveralInstancesAtOnce_AllSucceedAndSchemaIsAppliedOnce()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        var stores = Enumerable.Range(0, 6).Select(_ => Track(fresh.NewInstance())).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));

        Assert.Equal(MigrationCount, await fresh.Scalar("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(0, await stores[0].TakeRoutingTicketAsync(Conn, "team", Ct));
        Assert.Equal(1, await stores[5].TakeRoutingTicketAsync(Conn, "team", Ct));
    }

    [Fact]
    public async Task MigrateAsync_DatabaseFromNewerVersion_RefusesToRun()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        var store = Track(fresh.NewInstance());
        await store.MigrateAsync(Ct);
        await fresh.Scalar("INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future', '2030-01-01T00:00:00.0000000Z')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync(Ct));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingAsync_MigratedStore_ReturnsTrue()
    {
        Assert.True(await Store.PingAsync(Ct));
    }

    // ---- Watermarks ----

    [Fact]
    public async Task GetWatermarkAsync_NeverSet_ReturnsNull()
    {
        Assert.Null(await Store.GetWatermarkAsync(Conn, SystemRole.Crm, Ct));
    }

    [Fact]
    public async Task SetWatermarkAsync_RoundTripsPerSystemAndOverwrites()
    {
        var offsetTime = new DateTimeOffset(2026, 11, 20, 11, 15, 0, 456, TimeSpan.FromHours(2));
        await Store.SetWatermarkAsync(Conn, SystemRole.Marketing, new ChangeCursor(offsetTime, "hs-9"), Ct);
        await Store.SetWatermarkAsync(Conn, SystemRole.Crm, new ChangeCursor(T0, null), Ct);

        var marketing = await Store.GetWatermarkAsync(Conn, SystemRole.Marketing, Ct);
        Assert.Equal(new ChangeCursor(offsetTime, "hs-9"), marketing);
        Assert.Equal(TimeSpan.Zero, marketing!.ModifiedAt.Offset);
        Assert.Equal(new ChangeCursor(T0, null), await Store.GetWatermarkAsync(Conn, SystemRole.Crm, Ct));

        await Store.SetWatermarkAsync(Conn, SystemRole.Marketing, new ChangeCursor(T0.AddHours(1), "hs-10"), Ct);
        Assert.Equal(new ChangeCursor(T0.AddHours(1), "hs-10"), await Store.GetWatermarkAsync(Conn, SystemRole.Marketing, Ct));
        Assert.Null(await Store.GetWatermarkAsync($"{Conn}-other", SystemRole.Marketing, Ct));
    }

    // ---- Leads ----

    [Fact]
    public async Task SaveLeadsAsync_ThenGetLeadAsync_RoundTripsEveryField()
    {
        var lead = Lead("k1", "hs1", "00Q1") with
        {
            LastSeenMarketing = new Dictionary<string, string?> { ["hs_lead_status"] = "IN_PROGRESS", ["hubspot_owner_id"] = null, ["firstname"] = "Zoë \"quoted\"" },
            Score = 83,
            Grade = "A",
            InSales = true,
            Crossings = 2,
            FirstSeenAboveThresholdAt = T0.AddMinutes(-5),
        };

        await Store.SaveLeadsAsync(Conn, [lead], Ct);
        var stored = await Store.GetLeadAsync(Conn, "k1", Ct);

        AssertLead(lead, stored);
        Assert.Null(await Store.GetLeadAsync(Conn, "missing", Ct));
        Assert.Null(await Store.GetLeadAsync($"{Conn}-other", "k1", Ct));
    }

    [Fact]
    public async Task SaveLeadsAsync_ExistingKey_ReplacesRecord()
    {
        await Store.SaveLeadsAsync(Conn, [Lead("k1", "hs1", null)], Ct);
        var replaced = Lead("k1", "hs1", "00Q9") with { Score = 12, InSales = false, UpdatedAt = T0.AddDays(1) };

        await Store.SaveLeadsAsync(Conn, [replaced], Ct);

        AssertLead(replaced, await Store.GetLeadAsync(Conn, "k1", Ct));
    }

    [Fact]
    public async Task FindLeadsAsync_ByEitherId_ReturnsEachMatchOnce()
    {
        await Store.SaveLeadsAsync(Conn, [Lead("k1", "hs1", "00Q1"), Lead("k2", "hs2", null), Lead("k3", null, "00Q3"), Lead("k4", "hs4", "00Q4")], Ct);
        await NewStore().SaveLeadsAsync($"{Conn}-other", [Lead("k1", "hs1", "00Q1") with { Connection = $"{Conn}-other" }], Ct);

        var found = await Store.FindLeadsAsync(Conn, ["hs1", "hs2", "nope"], ["00Q1", "00Q3"], Ct);

        Assert.Equal(["k1", "k2", "k3"], found.Select(l => l.LeadKey).Order(StringComparer.Ordinal));
        Assert.All(found, l => Assert.Equal(Conn, l.Connection));
        Assert.Empty(await Store.FindLeadsAsync(Conn, [], [], Ct));
    }

    [Fact]
    public async Task StreamLeadsAsync_ManyLeads_StreamsAllAndFindHandlesLargeIdLists()
    {
        var leads = Enumerable.Range(0, 1200).Select(i => Lead($"k{i:D5}", $"hs{i}", $"00Q{i}")).ToList();
        await Store.SaveLeadsAsync(Conn, leads, Ct);

        var streamed = new List<string>();
        await foreach (var lead in Store.StreamLeadsAsync(Conn, Ct))
        {
            streamed.Add(lead.LeadKey);
        }

        Assert.Equal(leads.Select(l => l.LeadKey), streamed);
        var found = await Store.FindLeadsAsync(Conn, leads.Select(l => l.MarketingId!).ToList(), [], Ct);
        Assert.Equal(1200, found.Count);
    }

    // ---- Assignment ledger ----

    [Fact]
    public async Task BeginAssignmentsAsync_SameCrossingTwice_ReturnsFirstEntry()
    {
        var first = Assignment("k1", 1, "005A");
        var stored = await Store.BeginOneAsync(first, Ct);
        var second = await NewStore().BeginOneAsync(first with { OwnerId = "005B", StartedAt = T0.AddMinutes(3) }, Ct);

        Assert.Equal(first, stored);
        Assert.Equal(first, second);
        Assert.Single(await Store.GetAssignmentsAsync(Conn, "k1", Ct));
    }

    [Fact]
    public async Task BeginAssignmentsAsync_ConcurrentWorkers_AllGetTheSameEntry()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
        {
            var store = NewStore();
            return Task.Run(() => store.BeginOneAsync(Assignment("k1", 1, $"005{i}"), Ct));
        }));

        Assert.Single(results.Select(r => r.OwnerId).Distinct());
        Assert.Single(await Store.GetAssignmentsAsync(Conn, "k1", Ct));
    }

    [Fact]
    public async Task BeginAssignmentsAsync_WithTaskNote_KeptThroughUpdatesThatCarryNone()
    {
        var note = new AssignmentNote("Sales-ready lead: Ana (score 82, grade A)", "High", "Why: requested a demo (+25), VP title (+15).\nLead source: Webinar.");
        var begun = await Store.BeginOneAsync(Assignment("k1", 1, "005A") with { Note = note }, Ct);
        await NewStore().UpdateAssignmentAsync(begun with { Note = null, StepsDone = AssignmentSteps.CrmOwnerWritten }, Ct);

        var stored = Assert.Single(await NewStore().GetAssignmentsAsync(Conn, "k1", Ct));
        Assert.Equal(note, begun.Note);
        Assert.Equal(note, stored.Note);
        Assert.Equal(AssignmentSteps.CrmOwnerWritten, stored.StepsDone);
    }

    [Fact]
    public async Task UpdateAssignmentAsync_ChangedSteps_AreStored()
    {
        var begun = await Store.BeginOneAsync(Assignment("k1", 1, "005A"), Ct);
        var updated = begun with
        {
            StepsDone = AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated,
            TaskId = "00T1",
            OwnerWrittenAt = T0.AddSeconds(2),
            CompletedAt = T0.AddSeconds(3),
            SlaDueAt = T0.AddHours(4),
            Escalations = 1,
        };

        await Store.UpdateAssignmentAsync(updated, Ct);

        Assert.Equal([updated], await Store.GetAssignmentsAsync(Conn, "k1", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.UpdateAssignmentAsync(Assignment("nobody", 1, "005A"), Ct));
    }

    [Fact]
    public async Task GetOpenAssignmentsAsync_MixedEntries_ReturnsUnfinishedAndSlaPending()
    {
        await Store.BeginOneAsync(Assignment("crashed", 1, "005A"), Ct);
        await Store.BeginOneAsync(Assignment("done", 1, "005A") with { CompletedAt = T0 }, Ct);
        await Store.BeginOneAsync(Assignment("sla", 1, "005A") with { CompletedAt = T0, SlaDueAt = T0.AddHours(4) }, Ct);
        await Store.BeginOneAsync(Assignment("closed", 1, "005A") with { CompletedAt = T0, SlaDueAt = T0.AddHours(4), Closed = true }, Ct);

        var open = await Store.GetOpenAssignmentsAsync(Conn, Ct);

        Assert.Equal(["crashed", "sla"], open.Select(a => a.LeadKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetRoutingStateAsync_SeveralCrossings_CountsLatestOpenCrossingPerLead()
    {
        await Store.BeginOneAsync(Assignment("k1", 1, "005A"), Ct);
        await Store.BeginOneAsync(Assignment("k1", 2, "005B"), Ct);
        await Store.BeginOneAsync(Assignment("k2", 1, "005A"), Ct);
        await Store.BeginOneAsync(Assignment("k3", 1, "005A") with { Closed = true }, Ct);
        await Store.BeginOneAsync(Assignment("k4", 1, "005C"), Ct);
        await Store.BeginOneAsync(Assignment("k4", 2, "005C") with { Closed = true }, Ct);

        var state = await Store.GetRoutingStateAsync(Conn, Ct);

        Assert.Equal(new Dictionary<string, int> { ["005A"] = 1, ["005B"] = 1 }, state.OpenLeadsByOwner);
        Assert.Empty(state.Positions);
    }

    [Fact]
    public async Task TakeRoutingTicketAsync_Sequential_CountsFromZeroPerTeam()
    {
        Assert.Equal(0, await Store.TakeRoutingTicketAsync(Conn, "emea", Ct));
        Assert.Equal(1, await Store.TakeRoutingTicketAsync(Conn, "emea", Ct));
        Assert.Equal(0, await Store.TakeRoutingTicketAsync(Conn, "amer", Ct));
        Assert.Equal(2, await NewStore().TakeRoutingTicketAsync(Conn, "emea", Ct));
        Assert.Equal(0, await Store.TakeRoutingTicketAsync($"{Conn}-other", "emea", Ct));
    }

    [Fact]
    public async Task TakeRoutingTicketAsync_ConcurrentTakers_HandOutEveryTicketOnce()
    {
        var stores = new[] { Store, NewStore() };
        var tickets = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var mine = new List<long>(250);
            for (var i = 0; i < 250; i++)
            {
                mine.Add(await stores[worker % 2].TakeRoutingTicketAsync(Conn, "team", Ct));
            }

            return mine;
        })));

        var all = tickets.SelectMany(t => t).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), all);
    }

    // ---- Audit ----

    [Fact]
    public async Task GetAuditAsync_SeveralEntries_ReturnsNewestFirstUpToLimit()
    {
        var entries = Enumerable.Range(0, 5).Select(i => new AuditEntry(Conn, "cycle-1", "k1", T0.AddMinutes(i), $"action-{i}", $"details {i}")).ToList();
        await Store.AppendAuditAsync([.. entries, new AuditEntry(Conn, "cycle-1", "k2", T0.AddHours(1), "other", "x")], Ct);
        await Store.AppendAuditAsync([new AuditEntry(Conn, "cycle-2", "k1", T0.AddMinutes(4), "same-time-later", "y")], Ct);

        var audit = await Store.GetAuditAsync(Conn, "k1", 3, Ct);

        Assert.Equal(["same-time-later", "action-4", "action-3"], audit.Select(a => a.Action));
        Assert.Equal(entries[4], audit[1]);
        Assert.Equal(6, (await Store.GetAuditAsync(Conn, "k1", 100, Ct)).Count);
        Assert.Empty(await Store.GetAuditAsync($"{Conn}-other", "k1", 100, Ct));
    }

    // ---- Quarantine ----

    [Fact]
    public async Task QuarantineAsync_SameRecordAgain_IncrementsAttemptsAndKeepsFirstSeen()
    {
        await Store.QuarantineAsync(Quarantine("003A", "INVALID_EMAIL", T0), Ct);
        await Store.QuarantineAsync(Quarantine("003A", "REQUIRED_FIELD_MISSING", T0.AddMinutes(10)), Ct);
        await Store.QuarantineAsync(Quarantine("003A", "other system", T0) with { System = SystemRole.Marketing }, Ct);

        var items = await Store.ListQuarantineAsync(Conn, Ct);

        Assert.Equal(2, items.Count);
        var crm = Assert.Single(items, i => i.System == SystemRole.Crm);
        Assert.Equal(2, crm.Attempts);
        Assert.Equal("REQUIRED_FIELD_MISSING", crm.Reason);
        Assert.Equal(T0, crm.FirstSeenAt);
        Assert.Equal(T0.AddMinutes(10), crm.LastSeenAt);
        Assert.False(crm.RetryRequested);
        Assert.Equal(1, Assert.Single(items, i => i.System == SystemRole.Marketing).Attempts);
    }

    [Fact]
    public async Task RequestRetryAsync_ThenFailsAgain_FlagSetThenCleared()
    {
        await Store.QuarantineAsync(Quarantine("003A", "boom", T0), Ct);
        var item = Assert.Single(await Store.ListQuarantineAsync(Conn, Ct));

        Assert.True(await Store.RequestRetryAsync(Conn, item.Id, Ct));
        Assert.False(await Store.RequestRetryAsync(Conn, item.Id + 100_000, Ct));
        Assert.False(await Store.RequestRetryAsync($"{Conn}-other", item.Id, Ct));
        var retry = Assert.Single(await Store.GetRetryRequestsAsync(Conn, Ct));
        Assert.Equal(item with { RetryRequested = true }, retry);

        await Store.QuarantineAsync(Quarantine("003A", "boom again", T0.AddMinutes(1)), Ct);
        Assert.Empty(await Store.GetRetryRequestsAsync(Conn, Ct));
        Assert.Equal(2, Assert.Single(await Store.ListQuarantineAsync(Conn, Ct)).Attempts);
    }

    [Fact]
    public async Task ResolveQuarantineAsync_ExistingItem_RemovesOnlyThatItem()
    {
        await Store.QuarantineAsync(Quarantine("003A", "boom", T0), Ct);
        await Store.QuarantineAsync(Quarantine("003B", "boom", T0), Ct);

        await Store.ResolveQuarantineAsync(Conn, SystemRole.Crm, "003A", Ct);
        await Store.ResolveQuarantineAsync(Conn, SystemRole.Crm, "never-there", Ct);

        Assert.Equal("003B", Assert.Single(await Store.ListQuarantineAsync(Conn, Ct)).RecordId);
    }

    // ---- Cycles ----

    [Fact]
    public async Task GetLastSuccessfulCycleAsync_MixedOutcomes_ReturnsLatestSuccess()
    {
        Assert.Null(await Store.GetLastSuccessfulCycleAsync(Conn, Ct));
        var first = new CycleRecord(Conn, "c1", "incremental", T0, null, false, "running");
        await Store.RecordCycleAsync(first, Ct);
        Assert.Null(await Store.GetLastSuccessfulCycleAsync(Conn, Ct));

        var finished = first with { FinishedAt = T0.AddSeconds(40), Succeeded = true, Summary = "12 read, 3 written" };
        await Store.RecordCycleAsync(finished, Ct);
        await Store.RecordCycleAsync(new CycleRecord(Conn, "c2", "incremental", T0.AddMinutes(5), T0.AddMinutes(6), false, "HubSpot 429"), Ct);

        Assert.Equal(finished, await Store.GetLastSuccessfulCycleAsync(Conn, Ct));
        Assert.Null(await Store.GetLastSuccessfulCycleAsync($"{Conn}-other", Ct));
    }

    // ---- Cycle lock ----

    [Fact]
    public async Task TryAcquireCycleLockAsync_HeldByAnotherInstance_ReturnsNullUntilReleased()
    {
        var other = NewStore();
        var held = await Store.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(5), Ct);
        Assert.NotNull(held);

        Assert.Null(await other.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(5), Ct));
        Assert.Null(await Store.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(5), Ct));
        await using (var unrelated = await other.TryAcquireCycleLockAsync($"{Conn}-other", TimeSpan.FromMinutes(5), Ct))
        {
            Assert.NotNull(unrelated);
        }

        await held.DisposeAsync();
        await held.DisposeAsync();

        var next = await other.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(5), Ct);
        Assert.NotNull(next);
        await next.DisposeAsync();
    }

    // ---- Parameterisation ----

    [Fact]
    public async Task Store_SqlInjectionAttempts_AreStoredLiterally()
    {
        var evilConnection = $"{Conn}'); DROP TABLE lead_record; --";
        const string EvilId = "1' OR '1'='1";
        var lead = Lead(EvilId, EvilId, "x\"; DELETE FROM audit; --") with { Connection = evilConnection };

        await Store.SaveLeadsAsync(evilConnection, [lead], Ct);
        await Store.QuarantineAsync(Quarantine(EvilId, "'; --", T0) with { Connection = evilConnection }, Ct);

        AssertLead(lead, await Store.GetLeadAsync(evilConnection, EvilId, Ct));
        Assert.Single(await Store.FindLeadsAsync(evilConnection, [EvilId], [], Ct));
        Assert.Empty(await Store.FindLeadsAsync(evilConnection, ["nope' OR '1'='1"], [], Ct));
        Assert.Equal(EvilId, Assert.Single(await Store.ListQuarantineAsync(evilConnection, Ct)).RecordId);
        Assert.Empty(await Store.ListQuarantineAsync(Conn, Ct));
        Assert.Null(await Store.GetLeadAsync(Conn, EvilId, Ct));
    }

    // ---- Helpers ----

    protected LeadRecord Lead(string key, string? marketingId, string? crmId) => new(
        Conn,
        key,
        marketingId,
        crmId,
        new Dictionary<string, string?> { ["lifecyclestage"] = "lead" },
        new Dictionary<string, string?> { ["Status"] = "Open - Not Contacted", ["OwnerId"] = "00G1" },
        40,
        "C",
        false,
        0,
        null,
        T0);

    protected AssignmentEntry Assignment(string leadKey, int crossing, string ownerId) => new(
        Conn, leadKey, crossing, "00Q1", ownerId, "hs-owner-7", "emea", "territory EMEA, round robin", AssignmentSteps.None,
        null, T0.AddMinutes(-1), T0, null, null, 0, null, false);

    protected QuarantineItem Quarantine(string recordId, string reason, DateTimeOffset at) =>
        new(0, Conn, SystemRole.Crm, recordId, reason, at, at, 1, false);

    protected static void AssertLead(LeadRecord expected, LeadRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.LastSeenMarketing.OrderBy(p => p.Key, StringComparer.Ordinal), actual.LastSeenMarketing.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.LastSeenCrm.OrderBy(p => p.Key, StringComparer.Ordinal), actual.LastSeenCrm.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(
            expected with { LastSeenMarketing = EmptyMap, LastSeenCrm = EmptyMap },
            actual with { LastSeenMarketing = EmptyMap, LastSeenCrm = EmptyMap });
    }

    private static readonly IReadOnlyDictionary<string, string?> EmptyMap = new Dictionary<string, string?>();
}
