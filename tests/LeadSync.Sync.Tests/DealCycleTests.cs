using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using NSubstitute;

namespace LeadSync.Sync.Tests;

/// <summary>Cycles after a handed-off lead is converted: its deal moves the marketing stage and the history keeps the outcome.</summary>
public sealed class DealCycleTests
{
    private static readonly DateTimeOffset Modified = EngineFakes.Now.AddMinutes(-7);

    [Fact]
    public async Task RunCycleAsync_LeadConvertedThenDealWonWeeksLater_StageOpportunityThenCustomerOutcomesRecordedOnce()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "hot")));
        Assert.True((await f.RunAsync()).Succeeded);
        var leadId = Assert.Single(f.CrmLeads.Keys);

        f.Time.Advance(TimeSpan.FromHours(2));
        var converted = f.Time.GetUtcNow();
        f.EditCrm(leadId, l => l with
        {
            IsConverted = true,
            Status = "Closed - Converted",
            Fields = new Dictionary<string, string?>(l.Fields) { ["IsConverted"] = "true" },
            Opportunity = new CrmOpportunity("006A00000000001AAA", leadId, "Prospecting", false, false, 8_000m, null, converted),
        });
        f.Crm.ClearReceivedCalls();
        Assert.True((await f.RunAsync()).Succeeded);

        Assert.Equal("opportunity", f.MarketingPeople["101"].LifecycleStage);
        await f.Crm.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);

        // Three weeks later the deal is won; the lead itself does not change (converted leads are read-only).
        f.Time.Advance(TimeSpan.FromDays(21));
        var wonAt = f.Time.GetUtcNow();
        f.CrmLeads[leadId] = f.CrmLeads[leadId] with
        {
            Opportunity = new CrmOpportunity("006A00000000001AAA", leadId, "Closed Won", true, true, 12_000m, DateOnly.FromDateTime(wonAt.UtcDateTime), wonAt),
        };
        f.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await f.RunAsync()).Succeeded);

        Assert.Equal("customer", f.MarketingPeople["101"].LifecycleStage);
        await f.Crm.DidNotReceiveWithAnyArgs().UpdateAsync(default!, default);
        var history = f.Store.Settlements.SelectMany(s => s.History).ToList();
        var convertedEvent = Assert.Single(history, h => h.Kind == HistoryKinds.Converted);
        Assert.Equal(("006A00000000001AAA", 8_000m), (convertedEvent.To, convertedEvent.Amount));
        var won = Assert.Single(history, h => h.Kind == HistoryKinds.Won);
        Assert.Equal(("006A00000000001AAA", 12_000m, wonAt, "Open"), (won.To, won.Amount, won.At, won.From));
        var stageToCustomer = Assert.Single(history, h => h.Kind == HistoryKinds.Stage && h.To == "customer");
        Assert.Equal(("opportunity", HistoryKinds.ByLeadSync), (stageToCustomer.From, stageToCustomer.By));

        // Nothing new: the deal stream's watermark moved past the win, and the outcome is not recorded again.
        f.Time.Advance(TimeSpan.FromHours(1));
        var events = f.Store.Settlements.Sum(s => s.History.Count);
        f.Crm.ClearReceivedCalls();
        Assert.True((await f.RunAsync()).Succeeded);
        Assert.Equal(events, f.Store.Settlements.Sum(s => s.History.Count));
        Assert.Contains(f.Crm.ReceivedCalls(), c => c.GetMethodInfo().Name == nameof(ICrmSystem.ReadChangedDealsAsync)
            && ((ChangeCursor)c.GetArguments()[0]!).LastId == "006A00000000001AAA");
    }

    [Fact]
    public async Task RunCycleAsync_DealLost_RecordsLostAndLeavesTheStage()
    {
        using var f = new EngineFakes();
        f.AddMarketing(EngineFakes.Contact("101", "ada@example.com", Modified, ("tier", "hot")));
        Assert.True((await f.RunAsync()).Succeeded);
        var leadId = Assert.Single(f.CrmLeads.Keys);
        f.Time.Advance(TimeSpan.FromHours(2));
        f.EditCrm(leadId, l => l with
        {
            IsConverted = true,
            Status = "Closed - Converted",
            Opportunity = new CrmOpportunity("006A00000000002AAA", leadId, "Prospecting", false, false, 3_000m, null, f.Time.GetUtcNow()),
        });
        Assert.True((await f.RunAsync()).Succeeded);

        f.Time.Advance(TimeSpan.FromDays(3));
        f.CrmLeads[leadId] = f.CrmLeads[leadId] with
        {
            Opportunity = new CrmOpportunity("006A00000000002AAA", leadId, "Closed Lost", true, false, 3_000m, null, f.Time.GetUtcNow()),
        };
        f.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await f.RunAsync()).Succeeded);

        Assert.Equal("opportunity", f.MarketingPeople["101"].LifecycleStage);
        Assert.Single(f.Store.Settlements.SelectMany(s => s.History), h => h.Kind == HistoryKinds.Lost);
        Assert.DoesNotContain(f.Store.Settlements.SelectMany(s => s.History), h => h.Kind == HistoryKinds.Won);
    }
}
