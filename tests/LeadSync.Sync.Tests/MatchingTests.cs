using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using NSubstitute;

namespace LeadSync.Sync.Tests;

/// <summary>Matching the two sides in a cycle: by the stored link, the cross-reference, or the email, and never by a guess.</summary>
public sealed class MatchingTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-5);

    [Fact]
    public async Task RunCycleAsync_FirstCycleBothSides_MatchedByEmailAndByCrossReference()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q1", " Ada@Example.com", Modified.AddMinutes(-1)));
        // Linked by the marketing side's cross-reference although the emails differ.
        f.AddMarketing(EngineFakes.Contact("102", "grace@example.com", Modified) with { CrmId = "00Q2" });
        f.AddCrm(EngineFakes.Lead("00Q2", "g.hopper@example.com", Modified.AddMinutes(-1)));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(
            [("101", "00Q1"), ("102", "00Q2")],
            f.Store.Leads.Select(l => (l.MarketingId, l.CrmId)).Order().ToList());
        Assert.Equal(2, report.LeadsScored);
        Assert.Equal(0, report.Quarantined);
        // Both sides now carry the link.
        Assert.Equal("00Q1", f.MarketingPeople["101"].CrmId);
        Assert.Equal("101", f.CrmLeads["00Q1"].MarketingId);
        Assert.Equal("102", f.CrmLeads["00Q2"].MarketingId);
    }

    [Fact]
    public async Task RunCycleAsync_CrossReferenceOnlyOnCrmSide_CrmLeadJoinsTheMarketingPersonsRecord()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("103", "alan@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q3", "turing@example.com", Modified.AddMinutes(-1)) with { MarketingId = "103" });

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        var record = Assert.Single(f.Store.Leads);
        Assert.Equal(("hs-103", "103", "00Q3"), (record.LeadKey, record.MarketingId, record.CrmId));
        Assert.Equal("00Q3", f.MarketingPeople["103"].CrmId);
        Assert.Equal(0, report.Quarantined);
        // The marketing page cannot find the CRM lead (the port reads the CRM by id or email only), so it decides the
        // person alone first and the CRM page decides them again, linked: two looks at one person.
        Assert.Equal(2, report.LeadsScored);
    }

    [Fact]
    public async Task RunCycleAsync_HotPersonLinkedOnlyOnCrmSide_HandsOffThatLeadInsteadOfCreatingASecond()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("103", "alan@example.com", Modified, ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q3", "turing@example.com", Modified.AddMinutes(-1)) with { MarketingId = "103" });

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        await f.Crm.DidNotReceiveWithAnyArgs().CreateLeadsAsync(default!, default);
        Assert.Equal(0, report.Quarantined);
        var record = Assert.Single(f.Store.Leads);
        Assert.Equal(("103", "00Q3"), (record.MarketingId, record.CrmId));
        var entry = Assert.Single(f.Store.Ledger);
        Assert.Equal("00Q3", entry.CrmLeadId);
        Assert.Equal(1, report.LeadsScored);
    }

    [Fact]
    public async Task RunCycleAsync_PersonOnBothPages_DecidedOnce()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddMinutes(-1)));
        f.AddMarketing(EngineFakes.Contact("102", "grace@example.com", Modified, ("tier", "warm")));
        f.AddCrm(EngineFakes.Lead("00Q2", "grace@example.com", Modified.AddMinutes(-2)));
        f.AddMarketing(EngineFakes.Contact("104", "only.marketing@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q5", "only.crm@example.com", Modified.AddMinutes(-3)));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(4, report.LeadsScored);
        Assert.Equal(4, f.Store.Leads.Count());
        Assert.Equal(1, report.Assigned);
        Assert.Single(f.Store.Ledger);
        // Every person is settled once: at most one audit line and one reported change per person.
        Assert.Equal(f.Store.Audit.Count, f.Store.Audit.Select(a => a.LeadKey).Distinct().Count());
        Assert.Equal(report.Changes.Count, report.Changes.Select(c => c.LeadKey).Distinct().Count());
    }

    [Fact]
    public async Task RunCycleAsync_AmbiguousCrmEmailSeenFromMarketingSide_QuarantinedNeverGuessed()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddDays(-1)));
        f.AddCrm(EngineFakes.Lead("00Q2", "ada@example.com", Modified.AddDays(-1)));
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Crm, new ChangeCursor(Modified.AddHours(-1), null));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        var item = Assert.Single(f.Store.Quarantine);
        Assert.Equal((SystemRole.Marketing, "101"), (item.System, item.RecordId));
        AssertAmbiguousNothingWritten(f, report, item);
    }

    [Fact]
    public async Task RunCycleAsync_AmbiguousCrmEmailSeenFromCrmSide_QuarantinedNeverGuessed()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified.AddDays(-1), ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q2", "ADA@example.com", Modified.AddDays(-1)));
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Marketing, new ChangeCursor(Modified.AddHours(-1), null));
        f.Store.Seed(EngineFakes.ConnectionName, SystemRole.Crm, new ChangeCursor(Modified.AddHours(-1), null));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        var item = Assert.Single(f.Store.Quarantine);
        Assert.Equal((SystemRole.Crm, "00Q1"), (item.System, item.RecordId));
        AssertAmbiguousNothingWritten(f, report, item);
    }

    [Fact]
    public async Task RunCycleAsync_AmbiguousCrmEmailSeenFromBothSides_EveryRecordQuarantinedNoneLinked()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "hot")));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q2", "ada@example.com", Modified));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(
            [(SystemRole.Marketing, "101"), (SystemRole.Crm, "00Q1"), (SystemRole.Crm, "00Q2")],
            f.Store.Quarantine.Select(q => (q.System, q.RecordId)).ToList());
        Assert.Equal(3, report.Quarantined);
        Assert.All(f.Store.Quarantine, q => Assert.Contains("ambiguous", q.Reason, StringComparison.Ordinal));
        Assert.Empty(f.Store.Leads);
        await f.Crm.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        await f.Marketing.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
    }

    private static void AssertAmbiguousNothingWritten(EngineFakes f, CycleReport report, QuarantineItem item)
    {
        Assert.Equal(1, report.Quarantined);
        Assert.Contains("ambiguous", item.Reason, StringComparison.Ordinal);
        Assert.Contains("00Q1", item.Reason, StringComparison.Ordinal);
        Assert.Contains("00Q2", item.Reason, StringComparison.Ordinal);
        Assert.Equal(0, report.Assigned);
        Assert.Empty(f.Store.Leads);
        Assert.Empty(f.Store.Ledger);
        Assert.Equal(0, f.Crm.ReceivedCalls().Count(c => c.GetMethodInfo().Name is nameof(ICrmSystem.UpdateAsync) or nameof(ICrmSystem.CreateLeadsAsync) or nameof(ICrmSystem.CreateTasksAsync)));
        Assert.Equal(0, f.Marketing.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(IMarketingPlatform.UpdateAsync)));
    }

    [Fact]
    public async Task RunCycleAsync_EmailsMayRepeatAndTwoMarketingRecordsShareOne_BothQuarantinedNeitherLinked()
    {
        using var f = new EngineFakes();
        f.Marketing.EmailsMayRepeat.Returns(true);
        f.AddMarketing(EngineFakes.Contact("201", "ada@example.com", Modified, ("tier", "hot")));
        f.AddMarketing(EngineFakes.Contact("202", "ADA@example.com", Modified.AddMinutes(-30)));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddMinutes(-1)));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.DoesNotContain(f.Store.Leads, l => l.MarketingId is not null && l.CrmId is not null);
        Assert.Null(f.MarketingPeople["201"].CrmId);
        Assert.Null(f.CrmLeads["00Q1"].MarketingId);
        await f.Crm.DidNotReceiveWithAnyArgs().CreateLeadsAsync(default!, default);
        Assert.Equal(["00Q1", "201", "202"], f.Store.Quarantine.Select(q => q.RecordId).Order(StringComparer.Ordinal));
        Assert.All(f.Store.Quarantine, q => Assert.Contains("2 marketing records share this email (201, 202)", q.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunCycleAsync_EmailsMayRepeatButOneIsLinkedByCrmId_LinkedOneMatchedOtherQuarantined()
    {
        using var f = new EngineFakes();
        f.Marketing.EmailsMayRepeat.Returns(true);
        f.AddMarketing(EngineFakes.Contact("201", "ada@example.com", Modified) with { CrmId = "00Q1" });
        f.AddMarketing(EngineFakes.Contact("202", "ada@example.com", Modified));
        f.AddCrm(EngineFakes.Lead("00Q1", "ada@example.com", Modified.AddMinutes(-1)));

        var report = await f.RunAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Contains(f.Store.Leads, l => (l.MarketingId, l.CrmId) == ("201", "00Q1"));
        var item = Assert.Single(f.Store.Quarantine);
        Assert.Equal("202", item.RecordId);
    }
}
