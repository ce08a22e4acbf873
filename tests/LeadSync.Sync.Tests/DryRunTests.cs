using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using NSubstitute;

namespace LeadSync.Sync.Tests;

/// <summary>
/// Dry run = run: two fake worlds built from the same seed, one previewed, the other run, give the same handoffs, the
/// same writes and the same counts — on a first cycle and on an incremental one — and the preview writes nothing.
/// </summary>
public sealed class DryRunTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-30);

    [Fact]
    public async Task RunCycleAsync_DryRunOnFirstCycle_SameDecisionsAsRun()
    {
        using var preview = Seeded();
        using var real = Seeded();

        var dry = await preview.RunAsync(CycleMode.DryRun);
        var run = await real.RunAsync(CycleMode.Incremental);

        AssertSame(dry, run, real);
        Assert.Equal(4, run.Assigned);
        await AssertNothingWrittenAsync(preview);
    }

    [Fact]
    public async Task RunCycleAsync_DryRunOnIncrementalCycle_SameDecisionsAsRun()
    {
        using var preview = Seeded();
        using var real = Seeded();
        foreach (var world in new[] { preview, real })
        {
            var first = await world.RunAsync(CycleMode.Incremental);
            Assert.True(first.Succeeded, first.Error);
            world.Time.Advance(TimeSpan.FromMinutes(10));
            Change(world);
            world.Store.ClearTimeline();
            world.Crm.ClearReceivedCalls();
            world.Marketing.ClearReceivedCalls();
        }

        var ledgerBefore = real.Store.Ledger.Count();
        var dry = await preview.RunAsync(CycleMode.DryRun);
        var run = await real.RunAsync(CycleMode.Incremental);

        AssertSame(dry, run, real, skipLedgerEntries: ledgerBefore);
        Assert.Equal(4, run.Assigned);
        Assert.True(run.StatusChanges > 0 && run.StageChanges > 0, SyncEngine.Summarize(run));
        await AssertNothingWrittenAsync(preview);
    }

    /// <summary>Seven people: matched by email and by cross-reference, marketing-only and CRM-only, some at the threshold.</summary>
    private static EngineFakes Seeded()
    {
        var f = new EngineFakes { PageSize = 3 };
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified.AddMinutes(1), ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified));
        f.AddMarketing(EngineFakes.Contact("102", "grace@example.com", Modified.AddMinutes(2), ("tier", "warm")));
        f.AddCrm(EngineFakes.Lead("00Q2", "grace@example.com", Modified));
        f.AddMarketing(EngineFakes.Contact("103", "alan@example.com", Modified.AddMinutes(3), ("tier", "edge")));
        f.AddMarketing(EngineFakes.Contact("104", "edsger@example.com", Modified.AddMinutes(4)));
        f.AddMarketing(EngineFakes.Contact("106", "barbara@example.com", Modified.AddMinutes(5), ("tier", "hot")) with { CrmId = "00Q7" });
        f.AddCrm(EngineFakes.Lead("00Q7", "b.liskov@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q5", "donald@example.com", Modified.AddMinutes(6), ("Rating", "Hot")));
        f.AddCrm(EngineFakes.Lead("00Q6", "ken@example.com", Modified.AddMinutes(7)));
        return f;
    }

    /// <summary>Edits by people between the cycles, the same in both worlds.</summary>
    private static void Change(EngineFakes f)
    {
        f.EditMarketing("102", p => p with { Fields = With(p.Fields, "tier", "hot") });
        f.EditMarketing("104", p => p with { Fields = With(p.Fields, "tier", "edge") });
        f.EditCrm("00Q6", l => l with { Fields = With(l.Fields, "Rating", "Hot") });
        f.EditCrm("00Q1", l => l with { Status = "Working - Contacted" });
        f.AddMarketing(EngineFakes.Contact("107", "niklaus@example.com", f.Time.GetUtcNow(), ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q8", "niklaus@example.com", f.Time.GetUtcNow()));
    }

    private static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> fields, string key, string value) =>
        new(fields, StringComparer.Ordinal) { [key] = value };

    private static void AssertSame(CycleReport dry, CycleReport run, EngineFakes real, int skipLedgerEntries = 0)
    {
        Assert.True(dry.Succeeded, dry.Error);
        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(
            (run.LeadsRead, run.LeadsScored, run.StatusChanges, run.StageChanges, run.Assigned, run.Quarantined),
            (dry.LeadsRead, dry.LeadsScored, dry.StatusChanges, dry.StageChanges, dry.Assigned, dry.Quarantined));

        // Same handoffs: same lead, same owner — and the run's owners are the ones its ledger recorded.
        var dryHandoffs = Handoffs(dry);
        var runHandoffs = Handoffs(run);
        Assert.NotEmpty(runHandoffs);
        Assert.Equal(runHandoffs, dryHandoffs);
        Assert.Equal(
            runHandoffs,
            real.Store.Ledger.Skip(skipLedgerEntries).Select(e => (e.LeadKey, e.OwnerId)).Order().ToList());

        // Same writes, lead by lead (a created lead's id is known only to the run).
        Assert.Equal(run.Changes.Select(Render).ToList(), dry.Changes.Select(Render).ToList());
        Assert.Equal(
            run.Changes.Where(c => !Creates(c)).Select(c => c.CrmId).ToList(),
            dry.Changes.Where(c => !Creates(c)).Select(c => c.CrmId).ToList());
    }

    private static async Task AssertNothingWrittenAsync(EngineFakes preview)
    {
        await preview.Crm.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        await preview.Crm.DidNotReceiveWithAnyArgs().CreateLeadsAsync(default!, default);
        await preview.Crm.DidNotReceiveWithAnyArgs().CreateTasksAsync(default!, default);
        await preview.Marketing.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        foreach (var write in new[]
        {
            nameof(IStateStore.SettleAsync), nameof(IStateStore.SetWatermarkAsync), nameof(IStateStore.BeginAssignmentsAsync),
            nameof(IStateStore.SaveLeadsAsync), nameof(IStateStore.UpdateAssignmentAsync), nameof(IStateStore.RecordCycleAsync),
            nameof(IStateStore.QuarantineAsync), nameof(IStateStore.TryAcquireCycleLockAsync),
        })
        {
            Assert.Equal(0, preview.Store.Calls(write));
        }
    }

    private static List<(string LeadKey, string OwnerId)> Handoffs(CycleReport report) =>
        report.Changes
            .Where(c => c.AssignedTo is not null)
            .Select(c => (c.LeadKey, OwnerOf(c) ?? "(none)"))
            .Order()
            .ToList();

    /// <summary>The owner a change writes to the CRM: "owner: old → new" on an update, "new lead, owner id" on a create.</summary>
    private static string? OwnerOf(LeadChange change)
    {
        foreach (var write in change.CrmWrites)
        {
            if (write.StartsWith("new lead, owner ", StringComparison.Ordinal))
            {
                return write["new lead, owner ".Length..];
            }

            if (write.StartsWith("owner: ", StringComparison.Ordinal))
            {
                return write[(write.IndexOf('→', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        return null;
    }

    private static bool Creates(LeadChange change) => change.CrmWrites.Count > 0 && change.CrmWrites[0].StartsWith("new lead", StringComparison.Ordinal);

    private static string Render(LeadChange c) => string.Join(
        " | ",
        c.LeadKey, c.MarketingId, c.MaskedEmail, c.ScoreBefore, c.ScoreAfter, c.Grade, c.StatusBefore, c.StatusAfter, c.StageBefore, c.StageAfter,
        c.AssignedTo, string.Join(", ", c.MarketingWrites), string.Join(", ", c.CrmWrites), c.Reason, c.RepNote);
}
