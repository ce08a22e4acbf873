using System.Net;

namespace LeadSync.Sandbox.Tests;

public sealed class SalesforceConversionTests
{
    [Fact]
    public async Task ConvertLead_MakesContactAndOpenOpportunity_LeadPointsAtBothAndIsReadOnly()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var lead = sb.Server.Salesforce.ListLeads().First(l => !l.IsConverted);

        var (converted, contact, deal) = sb.Server.Salesforce.ConvertLead(lead.Id, amount: 12_000);

        var (response, body) = await sb.SoqlAsync(
            $"SELECT Id, IsConverted, Status, ConvertedContactId, ConvertedOpportunityId, ConvertedDate FROM Lead WHERE Id = '{lead.Id}'");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = body["records"]![0]!;
        Assert.True((bool)row["IsConverted"]!);
        Assert.Equal("Closed - Converted", (string?)row["Status"]);
        Assert.Equal(contact.Id, (string?)row["ConvertedContactId"]);
        Assert.Equal(deal.Id, (string?)row["ConvertedOpportunityId"]);
        Assert.Equal("2026-11-20", (string?)row["ConvertedDate"]);
        Assert.StartsWith("003", contact.Id, StringComparison.Ordinal);
        Assert.Equal(lead.Email, contact.Email);

        var (_, opp) = await sb.SoqlAsync($"SELECT Id, StageName, IsClosed, IsWon, Amount, CloseDate, SystemModstamp FROM Opportunity WHERE Id IN ('{deal.Id}')");
        var o = opp["records"]![0]!;
        Assert.Equal("Opportunity", (string?)o["attributes"]!["type"]);
        Assert.Equal("Prospecting", (string?)o["StageName"]);
        Assert.False((bool)o["IsClosed"]!);
        Assert.False((bool)o["IsWon"]!);
        Assert.Equal(12_000d, (double)o["Amount"]!);
        Assert.Equal("2026-12-20", (string?)o["CloseDate"]);

        var (patch, results) = await sb.SalesforceSendAsync(HttpMethod.Patch, "/services/data/v60.0/composite/sobjects", new
        {
            allOrNone = false,
            records = new object[] { new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = converted.Id, ["Rating"] = "Hot" } },
        });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("CANNOT_UPDATE_CONVERTED_LEAD", (string?)results[0]!["errors"]![0]!["statusCode"]);
    }

    [Fact]
    public async Task SetOpportunityStage_ClosedWon_IsClosedWonWithAmountAndVisibleThroughSystemModstamp()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var lead = sb.Server.Salesforce.ListLeads().First(l => !l.IsConverted);
        var (_, _, deal) = sb.Server.Salesforce.ConvertLead(lead.Id, amount: 5_000);
        var before = sb.Time.GetUtcNow();
        sb.Time.Advance(TimeSpan.FromDays(20));

        sb.Server.Salesforce.SetOpportunityStage(deal.Id, "Closed Won", amount: 12_500);

        var since = before.AddSeconds(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var (response, body) = await sb.SoqlAsync($"SELECT Id, StageName, IsClosed, IsWon, Amount, CloseDate FROM Opportunity WHERE SystemModstamp > {since} ORDER BY SystemModstamp, Id");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var o = Assert.Single(body["records"]!.AsArray())!;
        Assert.Equal(deal.Id, (string?)o["Id"]);
        Assert.True((bool)o["IsClosed"]!);
        Assert.True((bool)o["IsWon"]!);
        Assert.Equal(12_500d, (double)o["Amount"]!);
        Assert.Equal("2026-12-10", (string?)o["CloseDate"]);

        var (_, byLead) = await sb.SoqlAsync($"SELECT Id FROM Lead WHERE ConvertedOpportunityId IN ('{deal.Id}')");
        Assert.Equal(lead.Id, (string?)byLead["records"]![0]!["Id"]);
    }

    [Fact]
    public async Task Describe_Opportunity_ListsStagesAndReadOnlyOutcomeFields()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();

        using var response = await sb.Salesforce.GetAsync("/services/data/v60.0/sobjects/Opportunity/describe");
        var body = await Sandbox.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("006", (string?)body["keyPrefix"]);
        var fields = body["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!, f => f!);
        Assert.Equal("currency", (string?)fields["Amount"]["type"]);
        Assert.False((bool)fields["IsWon"]["updateable"]!);
        Assert.Contains("Closed Won", fields["StageName"]["picklistValues"]!.AsArray().Select(p => (string?)p!["value"]));
        using var lead = await sb.Salesforce.GetAsync("/services/data/v60.0/sobjects/Lead/describe");
        var leadFields = (await Sandbox.ReadAsync(lead))["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!, f => f!);
        Assert.Equal("Opportunity", (string?)leadFields["ConvertedOpportunityId"]["referenceTo"]![0]);
        Assert.False((bool)leadFields["ConvertedOpportunityId"]["updateable"]!);
    }

    [Fact]
    public async Task Simulate_ConvertsWorkedLeadsAndClosesSomeDeals_WonOnesHaveAnAmount()
    {
        await using var sb = await Sandbox.StartAsync(o => o.Seed = 7);
        var store = sb.Server.Salesforce;
        var reps = store.ListUsers().Where(u => u.IsActive && u.Id != store.IntegrationUserId).ToList();
        foreach (var (lead, i) in store.ListLeads().Where(l => !l.IsConverted).Take(60).Select((l, i) => (l, i)))
            store.SetLeadFields(lead.Id, new Dictionary<string, object?> { ["OwnerId"] = reps[i % reps.Count].Id, ["Status"] = "Working - Engaged" });

        for (var cycle = 0; cycle < 12; cycle++)
        {
            sb.Time.Advance(TimeSpan.FromHours(1));
            sb.Server.Simulate(20, seed: 100 + cycle);
        }

        var deals = store.ListOpportunities();
        Assert.NotEmpty(deals);
        Assert.All(deals, d => Assert.Single(store.ListLeads(), l => l.GetString("ConvertedOpportunityId") == d.Id));
        var won = deals.Where(d => d.Get("IsWon") is true).ToList();
        Assert.NotEmpty(won);
        Assert.All(won, d => Assert.True(d.Get("Amount") is double amount && amount > 0));
        Assert.Contains(deals, d => d.Get("IsClosed") is true && d.Get("IsWon") is false);
        Assert.All(deals.Where(d => d.Get("IsClosed") is not true), d => Assert.False(d.Get("IsWon") is true));
    }
}
