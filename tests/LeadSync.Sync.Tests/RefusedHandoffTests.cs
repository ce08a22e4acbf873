using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using NSubstitute;

namespace LeadSync.Sync.Tests;

/// <summary>
/// A handoff the CRM refuses for a reason about the record (here an invalid email on the lead it creates) closes its
/// ledger entry as refused, with the reason in the audit and the quarantine; later cycles neither resume it nor try it
/// again until the record changes — and then it is a new crossing.
/// </summary>
public sealed class RefusedHandoffTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-5);

    private static EngineFakes WithCrmRefusingBadEmails()
    {
        var f = new EngineFakes();
        f.Crm.CreateLeadsAsync(default!, default).ReturnsForAnyArgs(c =>
        {
            var creates = c.ArgAt<IReadOnlyList<CrmLeadCreate>>(0);
            return (IReadOnlyList<WriteOutcome>)creates.Select(create => create.Email is { } email && email.EndsWith('@')
                ? new WriteOutcome(null, false, "INVALID_EMAIL_ADDRESS", $"Email: invalid email address: {email} (fields: Email)")
                : Create(f, create)).ToList();
        });
        return f;
    }

    /// <summary>What the fakes' own create does (an idempotent upsert by key), for the creates the CRM accepts.</summary>
    private static WriteOutcome Create(EngineFakes f, CrmLeadCreate create)
    {
        var existing = f.CrmLeads.Values.FirstOrDefault(l => l.Fields.GetValueOrDefault("LeadSync_Key__c") == create.Key);
        if (existing is not null)
        {
            return new WriteOutcome(existing.Id, true, Created: false);
        }

        var id = $"00Q{f.CrmLeads.Count + 500:D15}";
        f.AddCrm(new CrmPerson(id, create.Email, create.FirstName, create.LastName, create.Company, null, create.Status, create.OwnerId, false, false, create.MarketingId,
            create.Score.Score.ToString(System.Globalization.CultureInfo.InvariantCulture), create.Score.Grade, null,
            new Dictionary<string, string?>(create.Fields) { ["LeadSync_Key__c"] = create.Key }, f.Time.GetUtcNow()));
        return new WriteOutcome(id, true, Created: true);
    }

    [Fact]
    public async Task RunCycleAsync_CrmRefusesTheCreatedLead_EntryClosedAsRefusedWithTheReasonAndNotRetried()
    {
        using var f = WithCrmRefusingBadEmails();
        f.AddMarketing(EngineFakes.Contact("101", "ada@", Modified, ("tier", "hot")));

        var first = await f.RunAsync();

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(0, first.Assigned);
        var entry = Assert.Single(f.Store.Ledger);
        Assert.True(entry.Closed);
        Assert.Null(entry.CompletedAt);
        Assert.NotNull(entry.Refused);
        Assert.Contains("INVALID_EMAIL_ADDRESS", entry.Refused.Reason, StringComparison.Ordinal);
        Assert.Equal(Modified, entry.Refused.MarketingModifiedAt);
        Assert.Null(entry.Refused.CrmModifiedAt);
        var quarantined = Assert.Single(f.Store.Quarantine);
        Assert.Equal((SystemRole.Marketing, "101"), (quarantined.System, quarantined.RecordId));
        Assert.Contains("INVALID_EMAIL_ADDRESS", quarantined.Reason, StringComparison.Ordinal);
        Assert.Contains(f.Store.Audit, a => a.LeadKey == "hs-101" && a.Details.Contains("closed as refused by the CRM", StringComparison.Ordinal));
        Assert.False(f.Store.Lead("hs-101")!.InSales);
        Assert.Empty(f.Tasks);

        // Later cycles — an incremental one and a reconciliation that decides everyone — neither resume nor retry it.
        f.Time.Advance(TimeSpan.FromMinutes(10));
        var quiet = await f.RunAsync();
        var reconcile = await f.RunAsync(CycleMode.Reconcile);

        Assert.True(quiet.Succeeded, quiet.Error);
        Assert.True(reconcile.Succeeded, reconcile.Error);
        await f.Crm.Received(1).CreateLeadsAsync(Arg.Any<IReadOnlyList<CrmLeadCreate>>(), Arg.Any<CancellationToken>());
        Assert.Single(f.Store.Ledger);
        Assert.Equal((0, 0), (quiet.Quarantined, reconcile.Quarantined));
        Assert.Empty(f.Tasks);
    }

    [Fact]
    public async Task RunCycleAsync_RefusedRecordFixed_HandedOffAsTheNextCrossingAndReleasedFromQuarantine()
    {
        using var f = WithCrmRefusingBadEmails();
        f.AddMarketing(EngineFakes.Contact("101", "ada@", Modified, ("tier", "hot")));
        await f.RunAsync();

        f.Time.Advance(TimeSpan.FromMinutes(10));
        f.EditMarketing("101", c => c with { Email = "ada@example.com", Fields = new Dictionary<string, string?>(c.Fields) { ["email"] = "ada@example.com" } });
        var fixedCycle = await f.RunAsync();

        Assert.True(fixedCycle.Succeeded, fixedCycle.Error);
        Assert.Equal(1, fixedCycle.Assigned);
        Assert.Equal([(1, true, true), (2, false, false)], f.Store.Ledger.OrderBy(e => e.Crossing).Select(e => (e.Crossing, e.Closed, e.Refused is not null)));
        var task = Assert.Single(f.Tasks);
        Assert.Equal("hs-101#2", task.IdempotencyKey);
        Assert.True(f.Store.Lead("hs-101")!.InSales);
        Assert.Equal(2, f.Store.Lead("hs-101")!.Crossings);
        Assert.Empty(f.Store.Quarantine);
    }
}
