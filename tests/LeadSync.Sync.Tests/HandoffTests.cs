using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using NSubstitute;

namespace LeadSync.Sync.Tests;

/// <summary>Handoffs through the engine: the created CRM lead, round-robin inside one batch, and resuming what a crash left open.</summary>
public sealed class HandoffTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-5);

    [Fact]
    public async Task RunCycleAsync_MarketingOnlyPersonAtThreshold_CrmLeadCreatedAndLinked()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "edge")));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        await f.Crm.Received(1).CreateLeadsAsync(
            Arg.Is<IReadOnlyList<CrmLeadCreate>>(c => c.Single().Key == "hs-101" && c.Single().OwnerId == EngineFakes.AnnId && c.Single().MarketingId == "101" && c.Single().Score.Score == 71),
            Arg.Any<CancellationToken>());
        var created = Assert.Single(f.CrmLeads.Values);
        await f.Marketing.Received(1).UpdateAsync(
            Arg.Is<IReadOnlyList<MarketingUpdate>>(u => u.Single().Id == "101" && u.Single().CrmId == created.Id && !u.Single().LinkCreatedCrmLead && u.Single().Owner!.OwnerId == EngineFakes.AnnOwnerId),
            Arg.Any<CancellationToken>());
        Assert.Equal(created.Id, f.MarketingPeople["101"].CrmId);
        var task = Assert.Single(f.Tasks);
        Assert.Equal((created.Id, EngineFakes.AnnId, "hs-101#1"), (task.WhoId, task.OwnerId, task.IdempotencyKey));

        var record = f.Store.Lead("hs-101")!;
        Assert.Equal(("101", created.Id, true, 1), (record.MarketingId, record.CrmId, record.InSales, record.Crossings));
        var entry = Assert.Single(f.Store.Ledger);
        Assert.Equal(AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated | AssignmentSteps.MarketingWritten, entry.StepsDone);
        Assert.NotNull(entry.CompletedAt);
        Assert.Equal((1, 1), (report.Assigned, report.TasksCreated));
        // The created lead comes back in the CRM read of the same cycle: an echo, not a second person.
        Assert.Equal(1, report.LeadsRead);
        Assert.Equal(1, report.LeadsScored);
    }

    [Fact]
    public async Task RunCycleAsync_ThreeHandoffsToTwoRepTeamInOneBatch_RoundRobinAbaAndTeamAdvancedByThree()
    {
        using var f = new EngineFakes();
        foreach (var (marketingId, crmId, email) in new[] { ("101", "00Q1", "a@example.com"), ("102", "00Q2", "b@example.com"), ("103", "00Q3", "c@example.com") })
        {
            f.AddMarketing(EngineFakes.Contact(marketingId, email, Modified, ("tier", "hot")));
            f.AddCrm(EngineFakes.Lead(crmId, email, Modified.AddDays(-1)));
        }

        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Crm, new ChangeCursor(Modified.AddHours(-1), null));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(3, report.Assigned);
        Assert.Equal(
            [("hs-101", EngineFakes.AnnId), ("hs-102", EngineFakes.BobId), ("hs-103", EngineFakes.AnnId)],
            f.Store.Ledger.Select(e => (e.LeadKey, e.OwnerId)).Order().ToList());
        Assert.Equal([EngineFakes.AnnId, EngineFakes.BobId, EngineFakes.AnnId], new[] { "00Q1", "00Q2", "00Q3" }.Select(id => f.CrmLeads[id].OwnerId));
        // The positions move with the begun ledger entries (one store call, one transaction), before the writes; the
        // batch's settlement does not move them again.
        var begun = Assert.Single(f.Store.AdvancesBegun);
        Assert.Equal(3, begun["Sales"]);
        Assert.DoesNotContain(f.Store.Settlements, s => s.RoutingAdvances.Count > 0);
        Assert.Equal(3, f.Store.Position("Sales"));
    }

    [Fact]
    public async Task RunCycleAsync_OpenLedgerEntryWithNoStepsDone_CompletedAtCycleStartInOneSettlement()
    {
        using var f = new EngineFakes();
        var begun = EngineFakes.Now.AddHours(-1);
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", begun.AddMinutes(-1), ("tier", "hot")) with { CrmId = "00Q1" });
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", begun.AddMinutes(-1)) with { MarketingId = "101", Score = "90", Grade = "A" });
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Marketing, new ChangeCursor(begun, null));
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Crm, new ChangeCursor(begun, null));
        f.Store.Seed(new LeadRecord(
            EngineFakes.ConnectionName, "hs-101", "101", "00Q1", new Dictionary<string, string?>(), new Dictionary<string, string?>(),
            90, "A", false, 0, begun, begun));
        var entry = new AssignmentEntry(
            EngineFakes.ConnectionName, "hs-101", 1, "00Q1", EngineFakes.AnnId, EngineFakes.AnnOwnerId, "Sales", "round-robin",
            AssignmentSteps.None, null, begun, begun, null, null, 0, null, false,
            new AssignmentNote("Sales-ready lead: Ada Byron", "High", "why you", EngineFakes.AnnId));
        f.Store.Seed(entry);

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        await f.Crm.Received(1).UpdateAsync(
            Arg.Is<IReadOnlyList<CrmUpdate>>(u => u.Single().Id == "00Q1" && u.Single().Owner == new OwnerWrite(EngineFakes.AnnId) && u.Single().Status == "Marketing Qualified"),
            Arg.Any<CancellationToken>());
        await f.Crm.Received(1).CreateTasksAsync(
            Arg.Is<IReadOnlyList<CrmTask>>(t => t.Single().IdempotencyKey == entry.Key && t.Single().WhoId == "00Q1" && t.Single().OwnerId == EngineFakes.AnnId && t.Single().Subject == "Sales-ready lead: Ada Byron"),
            Arg.Any<CancellationToken>());
        await f.Marketing.Received(1).UpdateAsync(
            Arg.Is<IReadOnlyList<MarketingUpdate>>(u => u.Single().Id == "101" && u.Single().Owner == new OwnerWrite(EngineFakes.AnnOwnerId)),
            Arg.Any<CancellationToken>());

        // One settlement at cycle start, before any page is read, completes the entry.
        var firstSettle = f.Store.Timeline.IndexOf(nameof(IStateStore.SettleAsync));
        var firstPage = f.Store.Timeline.IndexOf(InMemoryStateStore.PageMarker);
        Assert.True(firstSettle >= 0 && (firstPage < 0 || firstSettle < firstPage));
        var settled = Assert.Single(f.Store.Settlements[0].Assignments);
        Assert.Equal(AssignmentSteps.CrmOwnerWritten | AssignmentSteps.TaskCreated | AssignmentSteps.MarketingWritten, settled.StepsDone);
        Assert.Equal(EngineFakes.Now, settled.CompletedAt);
        Assert.Equal(1, report.TasksCreated);
        Assert.Single(f.Tasks);
        Assert.Equal(EngineFakes.AnnId, f.CrmLeads["00Q1"].OwnerId);
        Assert.Equal(EngineFakes.AnnOwnerId, f.MarketingPeople["101"].OwnerId);
        Assert.Equal(settled, Assert.Single(f.Store.Ledger));
    }
}
