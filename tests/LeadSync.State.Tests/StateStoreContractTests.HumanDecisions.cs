using LeadSync.Domain.Planning;

namespace LeadSync.State.Tests;

/// <summary>
/// Schema v4: a person's disqualification on the lead record and the CRM's refusal on a ledger entry, kept exactly
/// (times to the microsecond) on SQLite and PostgreSQL, and a v3 database upgrading in place.
/// </summary>
public abstract partial class StateStoreContractTests
{
    private static readonly Disqualification SalesSaidNo = new(T0.AddDays(-2), 83, "Closed - Not Converted");

    private static readonly HandoffRefusal CrmRefused = new(
        "CRM update failed: STRING_TOO_LONG Company: data value too large (max length=255) (fields: Company)",
        T0.AddMinutes(-5),
        T0.AddMinutes(-7).AddTicks(4560),
        T0.AddMinutes(-8));

    [Fact]
    public async Task SaveLeadsAsync_Disqualification_RoundTripsAndIsClearedByARecordWithout()
    {
        var lead = Lead("k1", "hs1", "00Q1") with { Disqualified = SalesSaidNo };
        await Store.SaveLeadsAsync(Conn, [lead, Lead("k2", "hs2", null)], Ct);

        AssertLead(lead, await NewStore().GetLeadAsync(Conn, "k1", Ct));
        Assert.Null((await Store.GetLeadAsync(Conn, "k2", Ct))!.Disqualified);
        Assert.Equal(SalesSaidNo, Assert.Single(await Store.FindLeadsAsync(Conn, ["hs1"], [], Ct)).Disqualified);

        await Store.SettleAsync(new BatchSettlement(Conn, [lead with { Disqualified = null, InSales = true }], [], [], [], [], new Dictionary<string, long>()), Ct);

        Assert.Null((await Store.GetLeadAsync(Conn, "k1", Ct))!.Disqualified);
    }

    [Fact]
    public async Task SettleAsync_RefusedEntry_KeptWithItsReasonClosedAndNotOpen()
    {
        await Store.BeginOneAsync(Assignment("k1", 1, "005A"), Ct);
        await Store.BeginOneAsync(Assignment("k2", 1, "005A"), Ct);
        var refused = Assignment("k1", 1, "005A") with { Closed = true, Refused = CrmRefused };

        await Store.SettleAsync(new BatchSettlement(Conn, [], [refused], [], [], [], new Dictionary<string, long>()), Ct);

        Assert.Equal(refused, Assert.Single(await NewStore().GetAssignmentsAsync(Conn, "k1", Ct)));
        Assert.Equal(["k2"], (await Store.GetOpenAssignmentsAsync(Conn, Ct)).Select(e => e.LeadKey));
        Assert.Equal(new Dictionary<string, int> { ["005A"] = 1 }, (await Store.GetRoutingStateAsync(Conn, Ct)).OpenLeadsByOwner);

        // The next crossing after the refused one is a new row; the refused one stays as it was.
        await Store.BeginOneAsync(Assignment("k1", 2, "005B"), Ct);
        var ledger = await Store.GetAssignmentsAsync(Conn, ["k1"], Ct);
        Assert.Equal([(1, true, true), (2, false, false)], ledger.Select(e => (e.Crossing, e.Closed, e.Refused is not null)));
    }

    [Fact]
    public async Task UpdateAssignmentAsync_Refusal_WrittenAndClearable()
    {
        await Store.BeginOneAsync(Assignment("k1", 1, "005A"), Ct);

        await Store.UpdateAssignmentAsync(Assignment("k1", 1, "005A") with { Closed = true, Refused = CrmRefused with { CrmModifiedAt = null } }, Ct);
        Assert.Equal(CrmRefused with { CrmModifiedAt = null }, Assert.Single(await Store.GetAssignmentsAsync(Conn, "k1", Ct)).Refused);

        await Store.UpdateAssignmentAsync(Assignment("k1", 1, "005A"), Ct);
        Assert.Null(Assert.Single(await Store.GetAssignmentsAsync(Conn, "k1", Ct)).Refused);
    }

    [Fact]
    public async Task MigrateAsync_V3DatabaseWithData_UpgradesToV4WithoutDecisionsThenKeepsThem()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        await fresh.UpgradeTo(3);
        var t = fresh.Time;
        await fresh.Execute(
            """
            INSERT INTO lead_record (connection, lead_key, marketing_id, crm_id, last_seen_marketing, last_seen_crm,
                                     score, grade, in_sales, crossings, first_seen_above_threshold_at, updated_at)
            VALUES ('c', 'k1', 'hs-1', '00Q1', '{"_status":"UNQUALIFIED"}', '{"_status":"Closed - Not Converted"}', 83, 'A', @False, 1, NULL, @At)
            """,
            new { At = t(T0), False = false });
        await fresh.Execute(
            """
            INSERT INTO assignment (connection, lead_key, crossing, crm_lead_id, owner_id, marketing_owner_id, team, reason,
                                    steps_done, task_id, first_seen_at, started_at, owner_written_at, completed_at, escalations,
                                    sla_due_at, closed, task_subject, task_priority, task_description, task_owner_id)
            VALUES ('c', 'k1', 1, '00Q1', '005A', '77', 'emea', 'territory EMEA', 7, '00T1', @At, @At, @At, @At, 0, NULL, @True,
                    'Sales-ready lead', 'High', 'Why: demo request (+25).', '005A')
            """,
            new { At = t(T0), True = true });

        var store = Track(fresh.NewInstance());
        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);

        Assert.Equal(MigrationCount, await fresh.Scalar("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(1, await fresh.Scalar("SELECT COUNT(*) FROM schema_version WHERE version = 4 AND name = '0004_human_decisions'"));
        var lead = await store.GetLeadAsync("c", "k1", Ct);
        Assert.NotNull(lead);
        Assert.Equal(("hs-1", "00Q1", 83, false, 1), (lead.MarketingId, lead.CrmId, lead.Score, lead.InSales, lead.Crossings));
        Assert.Null(lead.Disqualified);
        var entry = Assert.Single(await store.GetAssignmentsAsync("c", "k1", Ct));
        Assert.Equal(("005A", true, "Sales-ready lead"), (entry.OwnerId, entry.Closed, entry.Note?.Subject));
        Assert.Null(entry.Refused);

        await store.SaveLeadsAsync("c", [lead with { Disqualified = SalesSaidNo }], Ct);
        Assert.Equal(SalesSaidNo, (await store.GetLeadAsync("c", "k1", Ct))!.Disqualified);
    }
}
