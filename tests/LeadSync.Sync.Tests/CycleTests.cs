using System.Globalization;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace LeadSync.Sync.Tests;

public sealed class CycleTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-5);

    [Fact]
    public async Task RunCycleAsync_WritesSettle_WatermarksAdvanceToLastRecordRead()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddMinutes(-1)));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(new ChangeCursor(Modified, "101"), f.Store.Watermark(SystemRole.Marketing));
        // The CRM lead was read again after LeadSync wrote it (modified "now"): the watermark stops at the read's horizon.
        Assert.Equal(new ChangeCursor(EngineFakes.Now.AddSeconds(-5), null), f.Store.Watermark(SystemRole.Crm));
        Assert.Equal(2, f.Store.Calls(nameof(IStateStore.SetWatermarkAsync)));
        var record = Assert.Single(f.Store.Leads);
        Assert.Equal(("101", "00Q1"), (record.MarketingId, record.CrmId));
        Assert.Contains(f.Store.Settlements, s => s.Leads.Any(l => l.MarketingId == "101" && l.CrmId == "00Q1"));
    }

    [Fact]
    public async Task RunCycleAsync_WriteCallFailsAfterRetries_ReadBackNotConfirmedNotQuarantinedNotRecordedAsWritten()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddMinutes(-1)));
        f.Crm.UpdateAsync(default!, default).ThrowsAsyncForAnyArgs(
            new ExternalApiException(SystemRole.Crm, "TestCrm", ApiErrorKind.Transient, 503, "SERVER_UNAVAILABLE", "down"));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Empty(f.Store.Quarantine);
        Assert.Equal(0, report.Quarantined);
        var record = f.Store.Lead("hs-101")!;
        Assert.Empty(record.LastSeenMarketing);
        Assert.Empty(record.LastSeenCrm);
        var mark = f.Store.Watermark(SystemRole.Marketing);
        Assert.True(mark is null || mark.ModifiedAt < Modified || (mark.ModifiedAt == Modified && mark.LastId is null), $"marketing watermark {mark} is before contact 101");
    }

    [Fact]
    public async Task RunCycleAsync_TwoOpenLeadsShareContactEmail_QuarantinedNothingWritten()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddDays(-1)));
        f.AddCrm(EngineFakes.Lead("00Q2", "ADA@example.com ", Modified.AddDays(-1)));
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Crm, new ChangeCursor(Modified.AddHours(-1), null));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(1, report.Quarantined);
        var item = Assert.Single(f.Store.Quarantine);
        Assert.Equal((SystemRole.Marketing, "101"), (item.System, item.RecordId));
        Assert.Contains("ambiguous", item.Reason, StringComparison.Ordinal);
        Assert.Contains("00Q1", item.Reason, StringComparison.Ordinal);
        Assert.Contains("00Q2", item.Reason, StringComparison.Ordinal);
        await f.Crm.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        await f.Crm.DidNotReceiveWithAnyArgs().CreateLeadsAsync(default!, default);
        await f.Marketing.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
    }

    [Fact]
    public async Task RunCycleAsync_DryRun_NoWritesNoStateChanges()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified));

        var report = await f.RunAsync(CycleMode.DryRun);

        Assert.True(report.Succeeded, report.Error);
        Assert.NotEmpty(report.Changes);
        await f.Crm.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        await f.Marketing.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        Assert.Equal(0, f.Store.Calls(nameof(IStateStore.SetWatermarkAsync)));
        Assert.Equal(0, f.Store.Calls(nameof(IStateStore.SettleAsync)));
        Assert.Equal(0, f.Store.Calls(nameof(IStateStore.TryAcquireCycleLockAsync)));
        Assert.Equal(0, f.Store.Calls(nameof(IStateStore.RecordCycleAsync)));
        Assert.Empty(f.Store.Leads);
    }

    [Fact]
    public async Task RunCycleAsync_CrmWriteFailsPerRecord_QuarantinedAndMarketingEditNotRememberedAsSettled()
    {
        using var f = new EngineFakes();
        f.Store.Seed(Settled("hs-101", "101", "00Q1", Modified.AddDays(-1)));
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("jobtitle", "CTO")) with { CrmId = "00Q1" });
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddDays(-1)) with { MarketingId = "101", Score = "0", Grade = "D" });
        f.Crm.UpdateAsync(default!, default).ReturnsForAnyArgs([new WriteOutcome("00Q1", false, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "no")]);

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        await f.Crm.Received(1).UpdateAsync(Arg.Is<IReadOnlyList<CrmUpdate>>(u => u.Single().Fields["Title"] == "CTO"), Arg.Any<CancellationToken>());
        var item = Assert.Single(f.Store.Quarantine);
        Assert.Equal("00Q1", item.RecordId);
        Assert.Contains("FIELD_CUSTOM_VALIDATION_EXCEPTION", item.Reason, StringComparison.Ordinal);
        Assert.Equal("Engineer", f.Store.Lead("hs-101")!.LastSeenMarketing["jobtitle"]);
    }

    [Fact]
    public async Task RunCycleAsync_RetryRequestedForUnchangedRecord_DecidedAgain()
    {
        using var f = new EngineFakes();
        f.Store.Seed(Settled("hs-101", "101", "00Q1", Modified));
        f.Store.Seed(new QuarantineItem(0, EngineFakes.ConnectionName, SystemRole.Crm, "00Q1", "earlier failure", Modified, Modified, 1, true));
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("jobtitle", "CTO")) with { CrmId = "00Q1" });
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified) with { MarketingId = "101", Score = "0", Grade = "D" });

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(1, report.LeadsScored);
        await f.Crm.Received(1).UpdateAsync(Arg.Is<IReadOnlyList<CrmUpdate>>(u => u.Single().Fields["Title"] == "CTO"), Arg.Any<CancellationToken>());
        Assert.Empty(f.Store.Quarantine);
    }

    /// <summary>A person LeadSync settled at <paramref name="at"/> with title Engineer on both sides.</summary>
    private static LeadRecord Settled(string key, string marketingId, string crmId, DateTimeOffset at)
    {
        var marker = at.ToString("O", CultureInfo.InvariantCulture);
        return new LeadRecord(
            EngineFakes.ConnectionName, key, marketingId, crmId,
            new Dictionary<string, string?> { ["jobtitle"] = "Engineer", [SeenKeys.ModifiedAt] = marker },
            new Dictionary<string, string?> { ["Title"] = "Engineer", [SeenKeys.ModifiedAt] = marker },
            0, "D", false, 0, null, at);
    }
}
