using LeadSync.Sync.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Worker.Tests.SyncCycles;

/// <summary>
/// A dry run is the plan of the run it previews, not an estimate: through the real composition against the sandbox,
/// `sync --once --dry-run` followed by `sync --once` on unchanged data makes the same handoffs (same lead, same rep),
/// the same field writes and the same counts — on a first sync and on an incremental cycle. Time is fixed so decay
/// cannot move a score between the two.
/// </summary>
public sealed class DryRunEqualityTests
{
    [Theory(Timeout = 300_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunCycleAsync_DryRunThenRunOnFirstSync_SameHandoffsWritesAndCounts(bool postgres)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await SyncHarness.StartAsync(leads: 1000, postgres: postgres, extra: s => s.AddSingleton<TimeProvider>(clock));
        var before = h.Sandbox.Stats;

        var dry = await h.CycleAsync(CycleMode.DryRun);
        var afterDry = h.Sandbox.Stats;
        var run = await h.CycleAsync();

        Assert.True(dry.Succeeded, dry.Error);
        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(before.HubSpotWrites, afterDry.HubSpotWrites);
        Assert.Equal(before.SalesforceWrites, afterDry.SalesforceWrites);
        Assert.True(run.Assigned > 10, $"a first sync of 1,000 people hands some to sales (got {run.Assigned})");
        AssertSameDecisions(dry, run);
    }

    [Fact(Timeout = 300_000)]
    public async Task RunCycleAsync_DryRunThenRunOnIncrementalCycle_SameHandoffsWritesAndCounts()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await SyncHarness.StartAsync(leads: 1000, extra: s => s.AddSingleton<TimeProvider>(clock));
        await h.SettleAsync();
        clock.Advance(TimeSpan.FromMinutes(10));
        h.Sandbox.Simulate(percent: 15, seed: 7);

        var dry = await h.CycleAsync(CycleMode.DryRun);
        var run = await h.CycleAsync();

        Assert.True(dry.Succeeded, dry.Error);
        Assert.True(run.Succeeded, run.Error);
        Assert.True(run.LeadsScored > 0, "the simulated changes are read");
        AssertSameDecisions(dry, run);
    }

    private static void AssertSameDecisions(CycleReport dry, CycleReport run)
    {
        Assert.Equal(
            (run.LeadsRead, run.LeadsScored, run.StatusChanges, run.StageChanges, run.Assigned, run.Released, run.Quarantined),
            (dry.LeadsRead, dry.LeadsScored, dry.StatusChanges, dry.StageChanges, dry.Assigned, dry.Released, dry.Quarantined));

        // Same lead, same rep.
        Assert.Equal(Handoffs(run), Handoffs(dry));

        // Same writes per lead, in each system (a created lead's id is known only in the run; its values are the same).
        Assert.Equal(Writes(run), Writes(dry));
        Assert.Equal(
            run.QuarantineNotices.Select(q => $"{q.System} {q.RecordId}").Order(StringComparer.Ordinal),
            dry.QuarantineNotices.Select(q => $"{q.System} {q.RecordId}").Order(StringComparer.Ordinal));
    }

    private static List<string> Handoffs(CycleReport report) =>
        report.Changes.Where(c => c.AssignedTo is not null).Select(c => $"{c.LeadKey} → {c.AssignedTo}").Order(StringComparer.Ordinal).ToList();

    private static List<string> Writes(CycleReport report) =>
        report.Changes
            .Select(c => $"{c.LeadKey}: {c.ScoreAfter} {c.Grade} | {string.Join("; ", c.MarketingWrites)} | {string.Join("; ", c.CrmWrites)} | {c.RepNote}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
