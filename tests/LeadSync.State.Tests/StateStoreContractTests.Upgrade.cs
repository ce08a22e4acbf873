using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.State.Tests;

/// <summary>A database written by the v2 store (vendor-named columns and systems) upgrades in place to v3.</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task MigrateAsync_V2DatabaseWithData_UpgradesInPlaceKeepingEveryRow()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        await fresh.UpgradeTo(2);
        await WriteV2RowsAsync(fresh);

        var store = Track(fresh.NewInstance());
        await store.MigrateAsync(Ct);

        Assert.Equal(MigrationCount, await fresh.Scalar("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(0, await fresh.Scalar("SELECT COUNT(*) FROM watermark WHERE system NOT IN ('Marketing', 'Crm')"));
        Assert.Equal(0, await fresh.Scalar("SELECT COUNT(*) FROM quarantine WHERE system NOT IN ('Marketing', 'Crm')"));

        // Watermarks: per role, values kept.
        Assert.Equal(new ChangeCursor(T0, "hs-42"), await store.GetWatermarkAsync("c", SystemRole.Marketing, Ct));
        Assert.Equal(new ChangeCursor(T0.AddMinutes(-3), null), await store.GetWatermarkAsync("c", SystemRole.Crm, Ct));

        // Lead records: ids linked as before, vendor fields kept, typed keys added where the vendor field was there.
        var linked = await store.GetLeadAsync("c", "k1", Ct);
        Assert.NotNull(linked);
        Assert.Equal(("hs-1", "00Q1", 83, "A", true, 2), (linked.MarketingId, linked.CrmId, linked.Score, linked.Grade, linked.InSales, linked.Crossings));
        Assert.Equal((T0.AddDays(-1), T0), (linked.FirstSeenAboveThresholdAt, linked.UpdatedAt));
        AssertMap(
            new Dictionary<string, string?>
            {
                ["hubspot_owner_id"] = "77", ["hs_lead_status"] = "IN_PROGRESS", ["lifecyclestage"] = "salesqualifiedlead", ["firstname"] = "Zoë \"Z\"",
                [SeenKeys.Owner] = "77", [SeenKeys.Status] = "IN_PROGRESS", [SeenKeys.Stage] = "salesqualifiedlead",
            },
            linked.LastSeenMarketing);
        AssertMap(
            new Dictionary<string, string?>
            {
                ["OwnerId"] = "005A", ["Status"] = "Working", ["Company"] = "Acme",
                [SeenKeys.Owner] = "005A", [SeenKeys.Status] = "Working",
            },
            linked.LastSeenCrm);

        var marketingOnly = await store.GetLeadAsync("c", "k2", Ct);
        Assert.NotNull(marketingOnly);
        Assert.Equal(("hs-2", (string?)null), (marketingOnly.MarketingId, marketingOnly.CrmId));
        AssertMap(new Dictionary<string, string?> { ["lifecyclestage"] = "lead", [SeenKeys.Stage] = "lead" }, marketingOnly.LastSeenMarketing);
        AssertMap(new Dictionary<string, string?>(), marketingOnly.LastSeenCrm);

        var crmOnly = await store.GetLeadAsync("c", "k3", Ct);
        Assert.NotNull(crmOnly);
        AssertMap(new Dictionary<string, string?> { ["OwnerId"] = null, [SeenKeys.Owner] = null }, crmOnly.LastSeenCrm);
        Assert.Equal(["k1", "k3"], (await store.FindLeadsAsync("c", ["hs-1"], ["00Q3"], Ct)).Select(l => l.LeadKey));

        // Ledger: id links, owners, steps flags (numeric values unchanged) and the note (no task owner before v3).
        var ledger = await store.GetAssignmentsAsync("c", ["k1", "k2"], Ct);
        Assert.Equal(
            [
                new AssignmentEntry(
                    "c", "k1", 1, "00Q1", "005A", "77", "emea", "territory EMEA, round robin",
                    AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated, "00T1",
                    T0.AddMinutes(-2), T0.AddMinutes(-1), T0.AddSeconds(-50), null, 1, T0.AddHours(4), false,
                    new AssignmentNote("Sales-ready lead: Ana", "High", "Why: demo request (+25).", null)),
                new AssignmentEntry(
                    "c", "k1", 2, "00Q1", "005B", null, "emea", "reassigned",
                    AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated | AssignmentSteps.MarketingWritten, "00T2",
                    T0.AddMinutes(-2), T0.AddMinutes(-1), T0.AddSeconds(-50), T0, 0, null, true),
            ],
            ledger);

        // Quarantine: same ids, roles, attempts and retry flags; resolvable by role.
        var quarantine = await store.ListQuarantineAsync("c", Ct);
        Assert.Equal(
            [("hs-bad", SystemRole.Marketing, 3, true, "INVALID_EMAIL"), ("00Q-bad", SystemRole.Crm, 1, false, "REQUIRED_FIELD_MISSING")],
            quarantine.Select(q => (q.RecordId, q.System, q.Attempts, q.RetryRequested, q.Reason)));
        Assert.True(quarantine[0].Id < quarantine[1].Id);
        Assert.Equal(quarantine[0], Assert.Single(await store.GetRetryRequestsAsync("c", Ct)));
        await store.ResolveQuarantineAsync("c", SystemRole.Crm, "00Q-bad", Ct);
        Assert.Equal("hs-bad", Assert.Single(await store.ListQuarantineAsync("c", Ct)).RecordId);

        // Routing, audit and cycles untouched; the store then writes as usual.
        var routing = await store.GetRoutingStateAsync("c", Ct);
        Assert.Equal(new Dictionary<string, long> { ["emea"] = 5 }, routing.Positions);
        Assert.Empty(routing.OpenLeadsByOwner); // k1's latest crossing is closed
        Assert.Equal(5, await store.TakeRoutingTicketAsync("c", "emea", Ct));
        Assert.Equal("to 005A", Assert.Single(await store.GetAuditAsync("c", "k1", 10, Ct)).Details);
        Assert.Equal("c1", (await store.GetLastSuccessfulCycleAsync("c", Ct))?.CycleId);
        await store.SettleAsync(
            new BatchSettlement("c", [linked with { Score = 90 }], [], [], [], [new RecordRef(SystemRole.Marketing, "hs-bad")], new Dictionary<string, long> { ["emea"] = 1 }),
            Ct);
        Assert.Equal(90, (await store.GetLeadAsync("c", "k1", Ct))?.Score);
        Assert.Empty(await store.ListQuarantineAsync("c", Ct));
    }

    [Fact]
    public async Task MigrateAsync_V2DatabaseWithoutData_UpgradesAndWorks()
    {
        var fresh = await factory.CreateFreshAsync(Time);
        await fresh.UpgradeTo(2);

        var store = Track(fresh.NewInstance());
        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);

        Assert.Equal(MigrationCount, await fresh.Scalar("SELECT COUNT(*) FROM schema_version"));
        await store.SaveLeadsAsync(Conn, [Lead("k1", "m1", "c1")], Ct);
        Assert.Single(await store.FindLeadsAsync(Conn, ["m1"], [], Ct));
    }

    /// <summary>Rows as the v2 store wrote them: vendor-named columns and system names, vendor fields only in last seen.</summary>
    private async Task WriteV2RowsAsync(FreshStore fresh)
    {
        var t = fresh.Time;
        await fresh.Execute(
            "INSERT INTO watermark (connection, system, modified_at, last_id) VALUES ('c', 'HubSpot', @A, 'hs-42'), ('c', 'Salesforce', @B, NULL)",
            new { A = t(T0), B = t(T0.AddMinutes(-3)) });
        await fresh.Execute(
            """
            INSERT INTO lead_record (connection, lead_key, hubspot_id, salesforce_id, last_seen_hubspot, last_seen_salesforce,
                                     score, grade, in_sales, crossings, first_seen_above_threshold_at, updated_at)
            VALUES (@Connection, @LeadKey, @HubSpotId, @SalesforceId, @LastSeenHubSpot, @LastSeenSalesforce,
                    @Score, @Grade, @InSales, @Crossings, @FirstSeen, @UpdatedAt)
            """,
            new object[]
            {
                new
                {
                    Connection = "c", LeadKey = "k1", HubSpotId = "hs-1", SalesforceId = "00Q1",
                    LastSeenHubSpot = """{"hubspot_owner_id":"77","hs_lead_status":"IN_PROGRESS","lifecyclestage":"salesqualifiedlead","firstname":"Zo\u00EB \"Z\""}""",
                    LastSeenSalesforce = """{"OwnerId":"005A","Status":"Working","Company":"Acme"}""",
                    Score = (int?)83, Grade = "A", InSales = true, Crossings = 2, FirstSeen = t(T0.AddDays(-1)), UpdatedAt = t(T0),
                },
                new
                {
                    Connection = "c", LeadKey = "k2", HubSpotId = "hs-2", SalesforceId = (string?)null,
                    LastSeenHubSpot = """{"lifecyclestage":"lead"}""", LastSeenSalesforce = "{}",
                    Score = (int?)null, Grade = (string?)null, InSales = false, Crossings = 0, FirstSeen = t(null), UpdatedAt = t(T0),
                },
                new
                {
                    Connection = "c", LeadKey = "k3", HubSpotId = (string?)null, SalesforceId = "00Q3",
                    LastSeenHubSpot = "{}", LastSeenSalesforce = """{"OwnerId":null}""",
                    Score = (int?)null, Grade = (string?)null, InSales = false, Crossings = 0, FirstSeen = t(null), UpdatedAt = t(T0),
                },
            });
        await fresh.Execute(
            """
            INSERT INTO assignment (connection, lead_key, crossing, salesforce_lead_id, owner_id, hubspot_owner_id, team, reason,
                                    steps_done, task_id, first_seen_at, started_at, owner_written_at, completed_at, escalations,
                                    sla_due_at, closed, task_subject, task_priority, task_description)
            VALUES ('c', 'k1', @Crossing, '00Q1', @OwnerId, @HubSpotOwnerId, 'emea', @Reason, @Steps, @TaskId, @FirstSeen, @Started,
                    @OwnerWritten, @Completed, @Escalations, @SlaDue, @Closed, @Subject, @Priority, @Description)
            """,
            new object[]
            {
                new
                {
                    Crossing = 1, OwnerId = "005A", HubSpotOwnerId = "77", Reason = "territory EMEA, round robin", Steps = 3, TaskId = "00T1",
                    FirstSeen = t(T0.AddMinutes(-2)), Started = t(T0.AddMinutes(-1)), OwnerWritten = t(T0.AddSeconds(-50)), Completed = t(null),
                    Escalations = 1, SlaDue = t(T0.AddHours(4)), Closed = false,
                    Subject = "Sales-ready lead: Ana", Priority = "High", Description = "Why: demo request (+25).",
                },
                new
                {
                    Crossing = 2, OwnerId = "005B", HubSpotOwnerId = (string?)null, Reason = "reassigned", Steps = 7, TaskId = "00T2",
                    FirstSeen = t(T0.AddMinutes(-2)), Started = t(T0.AddMinutes(-1)), OwnerWritten = t(T0.AddSeconds(-50)), Completed = t(T0),
                    Escalations = 0, SlaDue = t(null), Closed = true,
                    Subject = (string?)null, Priority = (string?)null, Description = (string?)null,
                },
            });
        await fresh.Execute(
            """
            INSERT INTO quarantine (connection, system, record_id, reason, first_seen_at, last_seen_at, attempts, retry_requested)
            VALUES ('c', 'HubSpot', 'hs-bad', 'INVALID_EMAIL', @At, @At, 3, @True), ('c', 'Salesforce', '00Q-bad', 'REQUIRED_FIELD_MISSING', @At, @At, 1, @False)
            """,
            new { At = t(T0), True = true, False = false });
        await fresh.Execute("INSERT INTO routing_ticket (connection, team, next_ticket) VALUES ('c', 'emea', 5)", null);
        await fresh.Execute(
            "INSERT INTO audit (connection, cycle_id, lead_key, at, action, details) VALUES ('c', 'c1', 'k1', @At, 'handoff', 'to 005A')",
            new { At = t(T0) });
        await fresh.Execute(
            "INSERT INTO cycle (connection, cycle_id, kind, started_at, finished_at, succeeded, summary) VALUES ('c', 'c1', 'incremental', @At, @At, @True, 'ok')",
            new { At = t(T0), True = true });
    }

    private static void AssertMap(IReadOnlyDictionary<string, string?> expected, IReadOnlyDictionary<string, string?> actual) =>
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
}
