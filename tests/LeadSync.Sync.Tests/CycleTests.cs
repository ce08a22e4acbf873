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
        f.Marketing.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(
            EngineFakes.Pages<MarketingContact>([EngineFakes.Contact("101", "ada@example.com", Modified)]));
        f.Crm.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs([EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddMinutes(-1))]);

        var report = await f.Engine.RunCycleAsync(f.Connection, CycleMode.Incremental, CancellationToken.None);

        Assert.True(report.Succeeded, report.Error);
        await f.Store.Received(1).SetWatermarkAsync("test", SystemKind.HubSpot, new ChangeCursor(Modified, "101"), Arg.Any<CancellationToken>());
        await f.Store.Received().SaveLeadsAsync("test", Arg.Is<IReadOnlyCollection<LeadRecord>>(r => r.Any(x => x.HubSpotId == "101" && x.SalesforceId == "00Q1")), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task RunCycleAsync_WriteCallFails_WatermarksNotAdvancedAndCycleReportsFailure()
    {
        using var f = new EngineFakes();
        f.Marketing.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(
            EngineFakes.Pages<MarketingContact>([EngineFakes.Contact("101", "ada@example.com", Modified)]));
        f.Crm.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs([EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddMinutes(-1))]);
        f.Crm.UpdateLeadsAsync(default!, default).ThrowsAsyncForAnyArgs(
            new ExternalApiException(SystemKind.Salesforce, ApiErrorKind.Transient, 503, "SERVER_UNAVAILABLE", "down"));

        var report = await f.Engine.RunCycleAsync(f.Connection, CycleMode.Incremental, CancellationToken.None);

        Assert.False(report.Succeeded);
        Assert.Contains("SERVER_UNAVAILABLE", report.Error, StringComparison.Ordinal);
        await f.Store.DidNotReceiveWithAnyArgs().SetWatermarkAsync(default!, default, default!, default);
        await f.Store.DidNotReceiveWithAnyArgs().SaveLeadsAsync(default!, default!, default);
        await f.Store.Received(1).RecordCycleAsync(Arg.Is<CycleRecord>(c => !c.Succeeded), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task RunCycleAsync_TwoOpenLeadsShareContactEmail_QuarantinedNothingWritten()
    {
        using var f = new EngineFakes();
        f.Marketing.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(
            EngineFakes.Pages<MarketingContact>([EngineFakes.Contact("101", "ada@example.com", Modified)]));
        f.Crm.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs(
        [
            EngineFakes.Lead("00Q1", "ada@example.com", Modified),
            EngineFakes.Lead("00Q2", "ADA@example.com ", Modified),
        ]);

        var report = await f.Engine.RunCycleAsync(f.Connection, CycleMode.Incremental, CancellationToken.None);

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(1, report.Quarantined);
        await f.Store.Received(1).QuarantineAsync(
            Arg.Is<QuarantineItem>(q => q.RecordId == "101" && q.System == SystemKind.HubSpot && q.Reason.Contains("ambiguous") && q.Reason.Contains("00Q1") && q.Reason.Contains("00Q2")),
            Arg.Any<CancellationToken>());
        await f.Crm.DidNotReceiveWithAnyArgs().UpdateLeadsAsync(default!, default);
        await f.Marketing.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
    }

    [Fact]
    public async Task RunCycleAsync_DryRun_NoWritesNoStateChanges()
    {
        using var f = new EngineFakes();
        f.Marketing.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(
            EngineFakes.Pages<MarketingContact>([EngineFakes.Contact("101", "ada@example.com", Modified)]));
        f.Crm.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs([EngineFakes.Lead("00Q1", "ada@example.com", Modified)]);

        var report = await f.Engine.RunCycleAsync(f.Connection, CycleMode.DryRun, CancellationToken.None);

        Assert.True(report.Succeeded, report.Error);
        Assert.NotEmpty(report.Changes);
        await f.Crm.DidNotReceiveWithAnyArgs().UpdateLeadsAsync(default!, default);
        await f.Marketing.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        await f.Store.DidNotReceiveWithAnyArgs().SetWatermarkAsync(default!, default, default!, default);
        await f.Store.DidNotReceiveWithAnyArgs().SaveLeadsAsync(default!, default!, default);
        await f.Store.DidNotReceiveWithAnyArgs().TryAcquireCycleLockAsync(default!, default, default);
    }

    [Fact]
    public async Task RunCycleAsync_SalesforceWriteFailsPerRecord_QuarantinedAndHubSpotEditNotRememberedAsSettled()
    {
        using var f = new EngineFakes();
        var record = new LeadRecord(
            "test", "hs-101", "101", "00Q1",
            new Dictionary<string, string?> { ["jobtitle"] = "Engineer", [BatchProcessor.ModifiedMarker] = Modified.AddDays(-1).ToString("O") },
            new Dictionary<string, string?> { ["Title"] = "Engineer", [BatchProcessor.ModifiedMarker] = Modified.AddDays(-1).ToString("O") },
            10, "D", false, 0, null, Modified.AddDays(-1));
        f.Store.FindLeadsAsync(default!, default!, default!, default).ReturnsForAnyArgs([record]);
        f.Marketing.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(
            EngineFakes.Pages<MarketingContact>([EngineFakes.Contact("101", "ada@example.com", Modified, ("jobtitle", "CTO"))]));
        f.Crm.ReadByIdsAsync(default!, default!, default).ReturnsForAnyArgs([EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddDays(-1))]);
        f.Crm.UpdateLeadsAsync(default!, default).ReturnsForAnyArgs([new WriteOutcome("00Q1", false, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "no")]);

        var report = await f.Engine.RunCycleAsync(f.Connection, CycleMode.Incremental, CancellationToken.None);

        Assert.True(report.Succeeded, report.Error);
        await f.Store.Received(1).QuarantineAsync(
            Arg.Is<QuarantineItem>(q => q.RecordId == "00Q1" && q.Reason.Contains("FIELD_CUSTOM_VALIDATION_EXCEPTION")), Arg.Any<CancellationToken>());
        await f.Store.Received().SaveLeadsAsync(
            "test",
            Arg.Is<IReadOnlyCollection<LeadRecord>>(r => r.Single().LastSeenHubSpot["jobtitle"] == "Engineer"),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task RunCycleAsync_RetryRequestedForUnchangedRecord_DecidedAgain()
    {
        using var f = new EngineFakes();
        var settledAt = Modified.ToString("O");
        var record = new LeadRecord(
            "test", "hs-101", "101", "00Q1",
            new Dictionary<string, string?> { ["jobtitle"] = "Engineer", [BatchProcessor.ModifiedMarker] = settledAt },
            new Dictionary<string, string?> { ["Title"] = "Engineer", [BatchProcessor.ModifiedMarker] = settledAt },
            10, "D", false, 0, null, Modified);
        f.Store.FindLeadsAsync(default!, default!, default!, default).ReturnsForAnyArgs([record]);
        f.Store.GetRetryRequestsAsync(default!, default).ReturnsForAnyArgs(
            [new QuarantineItem(7, "test", SystemKind.Salesforce, "00Q1", "earlier failure", Modified, Modified, 1, true)]);
        f.Crm.ReadByIdsAsync(default!, default!, default).ReturnsForAnyArgs([EngineFakes.Lead("00Q1", "ada@example.com", Modified)]);
        f.Marketing.ReadByIdsAsync(default!, default!, default).ReturnsForAnyArgs([EngineFakes.Contact("101", "ada@example.com", Modified, ("jobtitle", "CTO"))]);

        var report = await f.Engine.RunCycleAsync(f.Connection, CycleMode.Incremental, CancellationToken.None);

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(1, report.LeadsScored);
        await f.Crm.Received().UpdateLeadsAsync(Arg.Is<IReadOnlyList<RecordUpdate>>(u => u.Single().Values["Title"] == "CTO"), Arg.Any<CancellationToken>());
        await f.Store.Received().ResolveQuarantineAsync("test", SystemKind.Salesforce, "00Q1", Arg.Any<CancellationToken>());
    }
}
