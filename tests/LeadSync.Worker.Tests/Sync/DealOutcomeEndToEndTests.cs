using System.Text.Json;
using System.Text.Json.Nodes;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Worker.Tests.SyncCycles;

/// <summary>Closing the loop to revenue through the real host: a handed-off lead converted in Salesforce, its deal won.</summary>
public sealed class DealOutcomeEndToEndTests
{
    [Fact]
    public async Task RunCycleAsync_HandedOffLeadConvertedAndDealWon_ContactBecomesCustomerAndReportSourcesCountsTheRevenue()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, await World.EngagementForAsync(h, person, 80));
        Assert.True((await h.CycleAsync()).Succeeded);
        Assert.True((await h.Store.GetLeadAsync(h.Connection.Name, person.LeadKey, CancellationToken.None))!.InSales, "the person was not handed off");

        // A rep converts the lead (contact + open opportunity): the marketing stage moves to opportunity, the lead is left alone.
        var (_, _, deal) = h.Sandbox.Salesforce.ConvertLead(person.CrmId!, amount: 9_000);
        var salesforceWrites = h.Sandbox.Stats.SalesforceWrites;
        Assert.True((await h.CycleAsync()).Succeeded);
        Assert.Equal("opportunity", World.Hs(h, person.MarketingId!, "lifecyclestage"));

        // Later the deal is won, with its final amount; the converted lead itself does not change.
        var leadStamp = World.Lead(h, person.CrmId!).SystemModstamp;
        h.Sandbox.Salesforce.SetOpportunityStage(deal.Id, "Closed Won", amount: 14_500);
        Assert.True((await h.CycleAsync()).Succeeded);

        Assert.Equal("customer", World.Hs(h, person.MarketingId!, "lifecyclestage"));
        Assert.Equal(leadStamp, World.Lead(h, person.CrmId!).SystemModstamp);
        Assert.Equal(salesforceWrites, h.Sandbox.Stats.SalesforceWrites);

        var history = await h.Host.Services.GetRequiredService<IHistoryStore>().GetHistoryAsync(h.Connection.Name, new HistoryQuery(), CancellationToken.None);
        var won = Assert.Single(history, e => e.Kind == HistoryKinds.Won);
        Assert.Equal((person.LeadKey, deal.Id, 14_500m), (won.LeadKey, won.To, won.Amount));
        Assert.Contains(history, e => e.Kind == HistoryKinds.Stage && e.LeadKey == person.LeadKey && e.To == "customer" && e.By == HistoryKinds.ByLeadSync);

        // The report, through the command line over the same state, and its numbers recomputed from the history.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LeadSyncCli.RunAsync(["report", "sources", "--format", "json", "--since", "30d", "--config", WriteConfig(h.Settings)], output, error);
        Assert.True(exit == 0, error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        var rows = json.RootElement.GetProperty("sections").GetProperty("by-source").EnumerateArray()
            .ToDictionary(r => r.GetProperty("source").GetString()!, r => r);

        // Over the report's period (a seeded lead's first values carry its old modification time).
        var since = json.RootElement.GetProperty("since").GetDateTimeOffset();
        var until = json.RootElement.GetProperty("until").GetDateTimeOffset();
        history = [.. history.Where(e => e.At >= since && e.At < until)];
        var sourceOf = history.GroupBy(e => e.LeadKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Source).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s)) ?? "(none)", StringComparer.Ordinal);
        var source = sourceOf[person.LeadKey];
        var row = rows[source];
        Assert.Equal(14_500m, row.GetProperty("won_revenue").GetDecimal());
        Assert.Equal(1, row.GetProperty("won").GetInt32());
        Assert.Equal(sourceOf.Count(kv => kv.Value == source), row.GetProperty("leads").GetInt32());
        Assert.Equal(history.Count(e => e.Kind == HistoryKinds.Handoff && sourceOf[e.LeadKey] == source), row.GetProperty("handoffs").GetInt32());
        Assert.Equal(
            history.Where(e => e.Kind == HistoryKinds.Converted && sourceOf[e.LeadKey] == source).Select(e => e.LeadKey).Distinct().Count(),
            row.GetProperty("converted").GetInt32());
        Assert.Equal(14_500m, rows["(all)"].GetProperty("won_revenue").GetDecimal());
        Assert.Equal(Math.Round(1.0 / row.GetProperty("leads").GetInt32(), 4), row.GetProperty("to_customer_rate").GetDouble());
    }

    /// <summary>The settings as a JSON file for <c>--config</c> ("A:B:C" keys become nested objects; null leaves a key out).</summary>
    private static string WriteConfig(IReadOnlyDictionary<string, string?> settings)
    {
        var root = new JsonObject();
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = node[part] as JsonObject ?? (JsonObject)(node[part] = new JsonObject());
            }

            node[parts[^1]] = value;
        }

        var path = Path.Combine(Path.GetTempPath(), $"leadsync_deals_config_{Guid.NewGuid():N}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }
}
