using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace LeadSync.Sync.Tests;

/// <summary>How batches are settled: per-record failures, failed calls, and the store round trips of each batch.</summary>
public sealed class SettlementTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-5);

    [Fact]
    public async Task RunCycleAsync_OneRecordRejected_ThatPersonQuarantinedOthersSettle()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddDays(-1)));
        f.AddMarketing(EngineFakes.Contact("102", "grace@example.com", Modified, ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q2", "grace@example.com", Modified.AddDays(-1)));
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Crm, new ChangeCursor(Modified.AddHours(-1), null));
        f.Crm.UpdateAsync(default!, default).ReturnsForAnyArgs(c => (IReadOnlyList<WriteOutcome>)(c.ArgAt<IReadOnlyList<CrmUpdate>>(0) ?? [])
            .Select(u => u.Id == "00Q1" ? new WriteOutcome(u.Id, false, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "rejected") : WriteOutcome.Ok(u.Id))
            .ToList());

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal((1, 1), (report.Quarantined, report.Assigned));
        var item = Assert.Single(f.Store.Quarantine);
        Assert.Equal((SystemRole.Crm, "00Q1"), (item.System, item.RecordId));
        Assert.Contains("FIELD_CUSTOM_VALIDATION_EXCEPTION", item.Reason, StringComparison.Ordinal);
        Assert.Single(f.Store.Settlements, s => s.Leads.Count > 0);

        // The rejected person is not taken for settled: not in sales, the crossing stays open for the next cycle.
        var failed = f.Store.Lead("hs-101")!;
        Assert.Equal((false, 0), (failed.InSales, failed.Crossings));
        Assert.Empty(failed.LastSeenMarketing);
        var open = f.Store.Ledger.Single(e => e.LeadKey == "hs-101");
        Assert.Null(open.CompletedAt);
        Assert.False(open.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten));
        await f.Marketing.DidNotReceive().UpdateAsync(Arg.Is<IReadOnlyList<MarketingUpdate>>(u => u.Any(x => x.Id == "101")), Arg.Any<CancellationToken>());

        var settled = f.Store.Lead("hs-102")!;
        Assert.Equal((true, 1), (settled.InSales, settled.Crossings));
        Assert.NotNull(f.Store.Ledger.Single(e => e.LeadKey == "hs-102").CompletedAt);
        Assert.Equal("IN_PROGRESS", f.MarketingPeople["102"].LeadStatus);
        Assert.NotNull(f.Store.Watermark(SystemRole.Marketing));
    }

    [Fact]
    public async Task RunCycleAsync_CallFailsAfterRetriesInSecondBatch_BothSettledNothingQuarantinedWatermarkBeforeTheUnconfirmed()
    {
        using var f = new EngineFakes { PageSize = 1 };
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified.AddMinutes(-1)));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddDays(-1)));
        f.AddMarketing(EngineFakes.Contact("102", "grace@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q2", "grace@example.com", Modified.AddDays(-1)));
        var before = new ChangeCursor(Modified.AddHours(-1), null);
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Marketing, before);
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Crm, before);
        f.Crm.UpdateAsync(Arg.Is<IReadOnlyList<CrmUpdate>>(u => u.Any(x => x.Id == "00Q2")), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ExternalApiException(SystemRole.Crm, "TestCrm", ApiErrorKind.Transient, 503, "SERVER_UNAVAILABLE", "down"));

        var report = await f.RunAsync();

        // The lost answer is settled by reading 00Q2 back: it does not hold the values, so nothing is recorded as
        // written and nothing is quarantined; the marketing watermark stays before 102, so the next cycle writes it again.
        Assert.True(report.Succeeded, report.Error);
        Assert.Empty(f.Store.Quarantine);
        Assert.Equal(["hs-101", "hs-102"], f.Store.Settlements.SelectMany(s => s.Leads).Select(l => l.LeadKey).Order(StringComparer.Ordinal));
        Assert.Empty(f.Store.Lead("hs-102")!.LastSeenMarketing);
        Assert.NotEmpty(f.Store.Lead("hs-101")!.LastSeenMarketing);
        var mark = f.Store.Watermark(SystemRole.Marketing);
        Assert.True(mark is null || mark.ModifiedAt < Modified || (mark.ModifiedAt == Modified && mark.LastId is null), $"marketing watermark {mark} is before contact 102");
        Assert.True(Assert.Single(f.Store.Cycles).Succeeded);
    }

    [Fact]
    public async Task RunCycleAsync_SeveralBatches_EachSettledInOneCallWithBoundedRoundTrips()
    {
        using var f = new EngineFakes { PageSize = 2 };
        // Five marketing people (three pages), two matched by email, three at the threshold; two CRM-only leads.
        f.AddMarketing(EngineFakes.Contact("101", "m1@example.com", Modified.AddMinutes(-5), ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q1", "m1@example.com", Modified.AddMinutes(-9)));
        f.AddMarketing(EngineFakes.Contact("102", "m2@example.com", Modified.AddMinutes(-4)));
        f.AddCrm(EngineFakes.Lead("00Q2", "m2@example.com", Modified.AddMinutes(-8)));
        f.AddMarketing(EngineFakes.Contact("103", "m3@example.com", Modified.AddMinutes(-3), ("tier", "hot")));
        f.AddMarketing(EngineFakes.Contact("104", "m4@example.com", Modified.AddMinutes(-2), ("tier", "warm")));
        f.AddMarketing(EngineFakes.Contact("105", "m5@example.com", Modified.AddMinutes(-1), ("tier", "edge")));
        f.AddCrm(EngineFakes.Lead("00Q6", "c6@example.com", Modified.AddMinutes(-20), ("Rating", "Hot")));
        f.AddCrm(EngineFakes.Lead("00Q7", "c7@example.com", Modified.AddMinutes(-19)));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(7, report.LeadsScored);
        Assert.Equal(4, report.Assigned);
        var pages = f.Store.CallsPerPage();
        Assert.True(pages.Count >= 5, $"{pages.Count} pages");
        foreach (var calls in pages)
        {
            Assert.InRange(calls.Count(c => c == nameof(IStateStore.FindLeadsAsync)), 1, 2);
            Assert.InRange(calls.Count(c => c == nameof(IStateStore.GetAssignmentsAsync)), 0, 1);
            Assert.InRange(calls.Count(c => c == nameof(IStateStore.BeginAssignmentsAsync)), 0, 1);
            // One settlement per batch, and one more for the round-robin positions of the handoffs it begins.
            Assert.InRange(calls.Count(c => c == nameof(IStateStore.SettleAsync)), 0, 1 + calls.Count(c => c == nameof(IStateStore.BeginAssignmentsAsync)));
        }

        // Three marketing pages and the CRM page with the CRM-only leads; the CRM pages of echoes settle nothing.
        Assert.Equal(4, f.Store.Settlements.Count(s => s.RoutingAdvances.Count == 0));
        Assert.Equal(1, f.Store.Calls(nameof(IStateStore.GetRoutingStateAsync)));
        foreach (var perRecord in new[]
        {
            nameof(IStateStore.GetLeadAsync), nameof(IStateStore.SaveLeadsAsync), nameof(IStateStore.UpdateAssignmentAsync),
            nameof(IStateStore.AppendAuditAsync), nameof(IStateStore.QuarantineAsync), nameof(IStateStore.ResolveQuarantineAsync),
            nameof(IStateStore.TakeRoutingTicketAsync),
        })
        {
            Assert.Equal(0, f.Store.Calls(perRecord));
        }

        Assert.Equal(4, f.Store.Position("Sales"));
    }
}
