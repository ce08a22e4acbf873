using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Tests;

/// <summary>What a cycle adds to the lead history, settled with the batch: transitions (by LeadSync or a person), crossings, handoffs.</summary>
public sealed class HistoryTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-7);

    [Fact]
    public async Task RunCycleAsync_NewPersonAtThreshold_HistoryHasFirstValuesCrossingWritesAndHandoffTimedFromTheChange()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "hot")));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        var history = f.Store.Settlements.SelectMany(s => s.History).ToList();
        Assert.All(history, h => Assert.Equal(("hs-101", EngineFakes.ConnectionName), (h.LeadKey, h.Connection)));

        // What the person's record held when LeadSync first saw it, at the record's own modification time.
        Assert.Contains(new HistoryEntry(EngineFakes.ConnectionName, "hs-101", Modified, HistoryKinds.Stage, SystemRole.Marketing, null, "lead", HistoryKinds.ByPerson, CycleId: history[0].CycleId), history);
        Assert.Contains(new HistoryEntry(EngineFakes.ConnectionName, "hs-101", Modified, HistoryKinds.Status, SystemRole.Marketing, null, "NEW", HistoryKinds.ByPerson, CycleId: history[0].CycleId), history);

        var crossed = Assert.Single(history, h => h.Kind == HistoryKinds.Crossed);
        Assert.Equal((Modified, Modified, EngineFakes.Now, "90", 1), (crossed.At, crossed.CrossedAt, crossed.FirstSeenAt, crossed.To, crossed.Crossing));

        // LeadSync's own writes: the marketing stage moved from what it was, the created CRM lead's status.
        var stageWrite = Assert.Single(history, h => h.Kind == HistoryKinds.Stage && h.By == HistoryKinds.ByLeadSync);
        Assert.Equal(("lead", EngineFakes.Now), (stageWrite.From, stageWrite.At));
        Assert.NotEqual("lead", stageWrite.To);
        var crmStatus = Assert.Single(history, h => h.Kind == HistoryKinds.Status && h.System == SystemRole.Crm);
        Assert.Equal((null, HistoryKinds.ByLeadSync), (crmStatus.From, crmStatus.By));
        Assert.Equal(f.CrmLeads.Values.Single().Status, crmStatus.To);

        // The handoff: latency counts from the person's change (7 minutes), not from when LeadSync noticed (0).
        var handoff = Assert.Single(history, h => h.Kind == HistoryKinds.Handoff);
        Assert.Equal((1, EngineFakes.AnnId, "Sales", Modified, EngineFakes.Now, EngineFakes.Now), (handoff.Crossing, handoff.Rep, handoff.Team, handoff.CrossedAt, handoff.FirstSeenAt, handoff.OwnerWrittenAt));
        Assert.False(string.IsNullOrEmpty(handoff.Rule));
        Assert.Equal(TimeSpan.FromMinutes(7), handoff.OwnerWrittenAt - handoff.CrossedAt);
        Assert.Equal(HistoryKinds.FirstLook, handoff.From);
    }

    [Fact]
    public async Task RunCycleAsync_KnownPersonCrossesLater_HandoffLatencyFromTheirChangeNotFromTheCycle()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "warm")));
        Assert.True((await f.RunAsync()).Succeeded);

        f.Time.Advance(TimeSpan.FromHours(1));
        var changedAt = f.Time.GetUtcNow();
        f.EditMarketing("101", c => c with { Fields = new Dictionary<string, string?>(c.Fields) { ["tier"] = "hot" } });
        f.Time.Advance(TimeSpan.FromMinutes(3));
        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        var history = f.Store.Settlements.SelectMany(s => s.History).ToList();
        var crossed = Assert.Single(history, h => h.Kind == HistoryKinds.Crossed);
        Assert.Equal((changedAt, (string?)null), (crossed.At, crossed.From));
        var handoff = Assert.Single(history, h => h.Kind == HistoryKinds.Handoff);
        Assert.Equal((changedAt, f.Time.GetUtcNow(), (string?)null), (handoff.CrossedAt, handoff.OwnerWrittenAt, handoff.From));
        Assert.Equal(TimeSpan.FromMinutes(3), handoff.OwnerWrittenAt - handoff.CrossedAt);
    }

    [Fact]
    public async Task RunCycleAsync_PersonEditsStatusAfterFirstCycle_OneTransitionByPersonAtTheEditTime()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "warm")));
        Assert.True((await f.RunAsync()).Succeeded);
        var first = f.Store.Settlements.SelectMany(s => s.History).Count();

        f.Time.Advance(TimeSpan.FromMinutes(10));
        f.EditMarketing("101", c => c with { LeadStatus = "ATTEMPTED_TO_CONTACT", Fields = new Dictionary<string, string?>(c.Fields) { ["hs_lead_status"] = "ATTEMPTED_TO_CONTACT" } });
        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        var added = f.Store.Settlements.SelectMany(s => s.History).Skip(first).ToList();
        var edit = Assert.Single(added, h => h.By == HistoryKinds.ByPerson);
        Assert.Equal((HistoryKinds.Status, SystemRole.Marketing, "NEW", "ATTEMPTED_TO_CONTACT", f.Time.GetUtcNow()), (edit.Kind, edit.System, edit.From, edit.To, edit.At));
        Assert.DoesNotContain(added, h => h.Kind == HistoryKinds.Stage && h.By == HistoryKinds.ByPerson);
        Assert.DoesNotContain(added, h => h.Kind is HistoryKinds.Crossed or HistoryKinds.Handoff);
    }

    [Fact]
    public async Task RunCycleAsync_SameContactSeenAgainUnchanged_AddsNoHistory()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "warm")));
        Assert.True((await f.RunAsync()).Succeeded);
        var first = f.Store.Settlements.SelectMany(s => s.History).Count();

        f.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.True((await f.RunAsync(CycleMode.Reconcile)).Succeeded);

        Assert.True(first > 0);
        Assert.Equal(first, f.Store.Settlements.SelectMany(s => s.History).Count());
    }

    [Fact]
    public async Task RunCycleAsync_HandoffResumedAfterCrash_HandoffEventInTheResumeSettlement()
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
        f.Store.Seed(new AssignmentEntry(
            EngineFakes.ConnectionName, "hs-101", 1, "00Q1", EngineFakes.AnnId, EngineFakes.AnnOwnerId, "Sales", "round-robin",
            AssignmentSteps.None, null, begun, begun, null, null, 0, null, false,
            new AssignmentNote("Sales-ready lead: Ada Byron", "High", "why you", EngineFakes.AnnId)));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        var handoff = Assert.Single(f.Store.Settlements[0].History);
        Assert.Equal(
            (HistoryKinds.Handoff, "hs-101", 1, EngineFakes.AnnId, "Sales", "round-robin", begun, EngineFakes.Now, (DateTimeOffset?)null),
            (handoff.Kind, handoff.LeadKey, handoff.Crossing, handoff.Rep, handoff.Team, handoff.Rule, handoff.FirstSeenAt, handoff.OwnerWrittenAt, handoff.CrossedAt));
    }
}
