using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeadSync.State.Tests;

/// <summary>The lead history (settled with the batch), audit search, cycles and retention: the same on both providers.</summary>
public abstract partial class StateStoreContractTests
{
    private IHistoryStore History => (IHistoryStore)Store;

    private static BatchSettlement WithHistory(string connection, IReadOnlyList<AuditEntry> audit, params HistoryEntry[] history) =>
        new(connection, [], [], audit, [], [], new Dictionary<string, long>()) { History = history };

    private HistoryEntry Handoff(string leadKey, DateTimeOffset crossedAt, DateTimeOffset ownerWrittenAt, string rep) =>
        new(Conn, leadKey, ownerWrittenAt, HistoryKinds.Handoff, SystemRole.Crm, To: rep, Crossing: 1, Rep: rep, Team: "emea",
            Rule: "territory EMEA", CrossedAt: crossedAt, FirstSeenAt: crossedAt.AddSeconds(40), OwnerWrittenAt: ownerWrittenAt, Source: "webinar", CycleId: "c1");

    [Fact]
    public async Task SettleAsync_WithHistory_StoresEveryFieldInTimeOrder()
    {
        var stage = new HistoryEntry(Conn, "k1", T0, HistoryKinds.Stage, SystemRole.Marketing, "lead", "marketingqualifiedlead", HistoryKinds.ByLeadSync, CycleId: "c1");
        var person = new HistoryEntry(Conn, "k1", T0.AddMinutes(-5), HistoryKinds.Status, SystemRole.Crm, null, "Working", HistoryKinds.ByPerson, Source: "ads", CycleId: "c1");
        var handoff = Handoff("k1", T0.AddMinutes(-5), T0, "005A");

        await Store.SettleAsync(WithHistory(Conn, [new AuditEntry(Conn, "c1", "k1", T0, "handoff", "x")], stage, person, handoff), Ct);

        var stored = await History.GetHistoryAsync(Conn, new HistoryQuery(), Ct);
        Assert.Equal([person, stage, handoff], stored.Select(e => e with { Id = 0 }));
        Assert.True(stored[1].Id < stored[2].Id, "events of one instant keep their order");
        Assert.Single(await Store.GetAuditAsync(Conn, "k1", 10, Ct));
        Assert.Empty(await History.GetHistoryAsync($"{Conn}-other", new HistoryQuery(), Ct));
    }

    [Fact]
    public async Task SettleAsync_DealOutcomes_KeepTheAmountExactly()
    {
        var converted = new HistoryEntry(Conn, "k1", T0, HistoryKinds.Converted, SystemRole.Crm, HistoryKinds.FirstLook, "006A", HistoryKinds.ByPerson,
            Rep: "005A", Rule: "Prospecting", Source: "Webinar", CycleId: "c1", Amount: 10_000m);
        var won = new HistoryEntry(Conn, "k1", T0.AddDays(20), HistoryKinds.Won, SystemRole.Crm, "Open", "006A", HistoryKinds.ByPerson,
            Rep: "005A", Rule: "Closed Won", Source: "Webinar", CycleId: "c2", Amount: 12_345.67m);
        var lost = new HistoryEntry(Conn, "k2", T0.AddDays(21), HistoryKinds.Lost, SystemRole.Crm, "Open", "006B", HistoryKinds.ByPerson, CycleId: "c2");

        await Store.SettleAsync(WithHistory(Conn, [], converted, won, lost), Ct);

        var stored = await History.GetHistoryAsync(Conn, new HistoryQuery(Kinds: [HistoryKinds.Converted, HistoryKinds.Won, HistoryKinds.Lost]), Ct);
        Assert.Equal([converted, won, lost], stored.Select(e => e with { Id = 0 }));
        Assert.Equal(12_345.67m, stored[1].Amount);
        Assert.Null(stored[2].Amount);
    }

    [Fact]
    public async Task GetHistoryAsync_Filters_MatchSinceUntilKindsLeadsAndRep()
    {
        await Store.SettleAsync(
            WithHistory(
                Conn,
                [],
                Handoff("k1", T0.AddHours(-2), T0.AddHours(-1), "005A"),
                Handoff("k2", T0, T0.AddMinutes(1), "005B"),
                new HistoryEntry(Conn, "k2", T0.AddMinutes(2), HistoryKinds.SlaMet, SystemRole.Crm, Rep: "005B", Team: "emea", Crossing: 1, CycleId: "f1"),
                new HistoryEntry(Conn, "k3", T0.AddMinutes(3), HistoryKinds.Stage, SystemRole.Marketing, "lead", "customer", HistoryKinds.ByPerson, CycleId: "c2")),
            Ct);

        Assert.Equal(["k2", "k2", "k3"], (await History.GetHistoryAsync(Conn, new HistoryQuery(Since: T0), Ct)).Select(e => e.LeadKey));
        Assert.Equal(["k1"], (await History.GetHistoryAsync(Conn, new HistoryQuery(Until: T0), Ct)).Select(e => e.LeadKey));
        Assert.Equal([HistoryKinds.Handoff, HistoryKinds.Handoff], (await History.GetHistoryAsync(Conn, new HistoryQuery(Kinds: [HistoryKinds.Handoff]), Ct)).Select(e => e.Kind));
        Assert.Equal(["k2", "k2"], (await History.GetHistoryAsync(Conn, new HistoryQuery(Rep: "005B"), Ct)).Select(e => e.LeadKey));
        Assert.Equal(["k1", "k3"], (await History.GetHistoryAsync(Conn, new HistoryQuery(LeadKeys: ["k1", "k3"]), Ct)).Select(e => e.LeadKey));
        Assert.Empty(await History.GetHistoryAsync(Conn, new HistoryQuery(LeadKeys: []), Ct));
    }

    [Fact]
    public async Task SettleAsync_HistoryOfAnotherConnection_IsRefusedAndNothingIsStored()
    {
        var foreign = new HistoryEntry($"{Conn}-x", "k1", T0, HistoryKinds.Stage, SystemRole.Marketing, null, "lead", HistoryKinds.ByPerson);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.SettleAsync(
            WithHistory(Conn, [new AuditEntry(Conn, "c1", "k1", T0, "sync", "x")], foreign), Ct));

        Assert.Empty(await Store.GetAuditAsync(Conn, "k1", 10, Ct));
        Assert.Empty(await History.GetHistoryAsync($"{Conn}-x", new HistoryQuery(), Ct));
    }

    [Fact]
    public async Task SearchAuditAsync_ByLeadTimeAndText_MatchesLiterally()
    {
        await Store.AppendAuditAsync(
            [
                new AuditEntry(Conn, "c1", "k1", T0, "handoff", "handoff crossing 1 to 005A (team emea): 100% fit"),
                new AuditEntry(Conn, "c1", "k2", T0.AddMinutes(1), "sync", "score 10 → 12, grade C"),
                new AuditEntry(Conn, "c2", "k1", T0.AddMinutes(2), "sla-met", "crossing 1: status is now 'Working'"),
            ],
            Ct);

        Assert.Equal(["sla-met", "handoff"], (await History.SearchAuditAsync(Conn, new AuditQuery(LeadKeys: ["k1"]), Ct)).Select(a => a.Action));
        Assert.Equal(["sla-met", "sync"], (await History.SearchAuditAsync(Conn, new AuditQuery(Since: T0.AddMinutes(1)), Ct)).Select(a => a.Action));
        Assert.Equal(["handoff"], (await History.SearchAuditAsync(Conn, new AuditQuery(Text: "005A"), Ct)).Select(a => a.Action));
        Assert.Equal(["handoff"], (await History.SearchAuditAsync(Conn, new AuditQuery(Text: "100%"), Ct)).Select(a => a.Action));
        Assert.Empty(await History.SearchAuditAsync(Conn, new AuditQuery(Text: "0_A"), Ct));
        Assert.Empty(await History.SearchAuditAsync(Conn, new AuditQuery(LeadKeys: []), Ct));
        Assert.Single(await History.SearchAuditAsync(Conn, new AuditQuery(Limit: 1), Ct));
    }

    [Fact]
    public async Task PruneAsync_OldRows_RemovesOldAuditFinishedCyclesAndHistoryOnly()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        var store = Track(fresh.NewInstance());
        await store.MigrateAsync(Ct);
        var old = T0.AddDays(-400);
        await store.SettleAsync(
            WithHistory(
                "c",
                [new AuditEntry("c", "c1", "k1", old, "sync", "old"), new AuditEntry("c", "c2", "k1", T0, "sync", "new")],
                new HistoryEntry("c", "k1", old, HistoryKinds.Stage, SystemRole.Marketing, null, "lead", HistoryKinds.ByPerson),
                new HistoryEntry("c", "k1", T0, HistoryKinds.Stage, SystemRole.Marketing, "lead", "customer", HistoryKinds.ByPerson)),
            Ct);
        await store.RecordCycleAsync(new CycleRecord("c", "old-done", "incremental", old, old.AddMinutes(1), true, "x"), Ct);
        await store.RecordCycleAsync(new CycleRecord("c", "old-running", "incremental", old, null, false, "x"), Ct);
        await store.RecordCycleAsync(new CycleRecord("c", "new", "incremental", T0, T0.AddMinutes(1), true, "x"), Ct);

        var pruned = await ((IHistoryStore)store).PruneAsync(T0.AddDays(-365), Ct);

        Assert.Equal(new PruneResult(1, 1, 1), pruned);
        Assert.Equal(["new"], (await store.GetAuditAsync("c", "k1", 10, Ct)).Select(a => a.Details));
        Assert.Equal(["customer"], (await ((IHistoryStore)store).GetHistoryAsync("c", new HistoryQuery(), Ct)).Select(h => h.To));
        Assert.Equal(["new", "old-running"], (await ((IHistoryStore)store).GetCyclesAsync("c", DateTimeOffset.UnixEpoch, 10, Ct)).Select(c => c.CycleId));
    }

    [Fact]
    public async Task RetentionService_RetentionDays_PrunesWhatIsOlderAndZeroKeepsEverything()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        var store = Track(fresh.NewInstance());
        await store.MigrateAsync(Ct);
        await store.AppendAuditAsync([new AuditEntry("c", "c1", "k1", T0.AddDays(-31), "sync", "old"), new AuditEntry("c", "c1", "k1", T0.AddDays(-29), "sync", "recent")], Ct);

        var keepAll = new StateRetentionService((IHistoryStore)store, new StateOptions { RetentionDays = 0 }, Time, NullLogger<StateRetentionService>.Instance);
        Assert.Equal(0, (await keepAll.PruneOnceAsync(Ct)).Total);
        var thirty = new StateRetentionService((IHistoryStore)store, new StateOptions { RetentionDays = 30 }, Time, NullLogger<StateRetentionService>.Instance);
        Assert.Equal(1, (await thirty.PruneOnceAsync(Ct)).Audit);

        Assert.Equal(["recent"], (await store.GetAuditAsync("c", "k1", 10, Ct)).Select(a => a.Details));
    }

    [Fact]
    public async Task MigrateAsync_V3DatabaseWithAudit_AddsHistoryAndKeepsRows()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        await fresh.UpgradeTo(3);
        await fresh.Execute(
            "INSERT INTO audit (connection, cycle_id, lead_key, at, action, details) VALUES ('c', 'c1', 'k1', @At, 'sync', 'kept')",
            new { At = fresh.Time(T0) });

        var store = Track(fresh.NewInstance());
        await store.MigrateAsync(Ct);

        Assert.Equal(MigrationCount, await fresh.Scalar("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(["kept"], (await store.GetAuditAsync("c", "k1", 10, Ct)).Select(a => a.Details));
        Assert.Equal(0, await fresh.Scalar("SELECT COUNT(*) FROM lead_history"));
    }
}
