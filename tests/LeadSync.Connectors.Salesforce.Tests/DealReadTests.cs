using LeadSync.Domain.Planning;
using LeadSync.Sandbox;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

/// <summary>What converted leads became: their deals read by id with the leads, and deals changed since a cursor.</summary>
public sealed class DealReadTests
{
    private const string Opportunity = """
        {"attributes":{"type":"Opportunity"},"Id":"0065g00000DeAlAAAA","StageName":"Closed Won","IsClosed":true,"IsWon":true,
         "Amount":12000.5,"CloseDate":"2024-06-30","SystemModstamp":"2024-06-30T08:00:00.000+0000"}
        """;

    private const string ConvertedLead = """
        {"attributes":{"type":"Lead"},"Id":"00Q5g00000AbCdEEAV","SystemModstamp":"2024-05-02T10:11:12.000+0000","Email":"ada@example.com",
         "Status":"Closed - Converted","IsConverted":true,"ConvertedOpportunityId":"0065g00000DeAlAAAA","LeadSource":"Web"}
        """;

    [Fact]
    public async Task ReadByIdsAsync_ConvertedLead_ReadsItsOpportunityByIdInOneMoreQuery()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet().WithParam("q", new WildcardMatcher("* FROM Lead *")))
            .RespondWith(Json(200, QueryJson([ConvertedLead, LeadJson("00Q5g00000AbCdFEAV", "2024-05-02T10:11:13.000+0000", "bo@example.com")])));
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet().WithParam("q", new WildcardMatcher("* FROM Opportunity *")))
            .RespondWith(Json(200, QueryJson([Opportunity])));

        var leads = await host.Crm.ReadByIdsAsync(["00Q5g00000AbCdEEAV", "00Q5g00000AbCdFEAV"], [], CancellationToken.None);

        var queries = host.Requests(host.Instance).Select(r => QueryParam(r, "q")).ToList();
        Assert.Equal(2, queries.Count);
        Assert.Equal("SELECT Id, StageName, IsClosed, IsWon, Amount, CloseDate, SystemModstamp FROM Opportunity WHERE Id IN ('0065g00000DeAlAAAA')", queries[1]);
        Assert.Equal(
            new CrmOpportunity("0065g00000DeAlAAAA", "00Q5g00000AbCdEEAV", "Closed Won", true, true, 12000.5m, new DateOnly(2024, 6, 30),
                new DateTimeOffset(2024, 6, 30, 8, 0, 0, TimeSpan.Zero)),
            leads[0].Opportunity);
        Assert.Equal(DealState.Won, leads[0].Opportunity!.State);
        Assert.Null(leads[1].Opportunity);
    }

    [Fact]
    public async Task ReadByIdsAsync_NoConvertedLead_SendsNoOpportunityQuery()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(200, QueryJson([LeadJson("00Q5g00000AbCdFEAV", "2024-05-02T10:11:13.000+0000", "bo@example.com")])));

        var leads = await host.Crm.ReadByIdsAsync(["00Q5g00000AbCdFEAV"], [], CancellationToken.None);

        Assert.Single(leads);
        Assert.Single(host.Requests(host.Instance));
    }

    [Fact]
    public async Task ReadChangedDealsAsync_SendsCursorQueryThenLeadsByConvertedOpportunityId_AndSkipsDealsWithoutALead()
    {
        using var host = new SalesforceTestHost();
        const string Orphan = """
            {"attributes":{"type":"Opportunity"},"Id":"0065g00000NoLeAAAA","StageName":"Prospecting","IsClosed":false,"IsWon":false,
             "Amount":null,"CloseDate":"2024-07-30","SystemModstamp":"2024-06-30T09:00:00.000+0000"}
            """;
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet().WithParam("q", new WildcardMatcher("* FROM Opportunity *")))
            .RespondWith(Json(200, QueryJson([Opportunity, Orphan])));
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet().WithParam("q", new WildcardMatcher("* FROM Lead *")))
            .RespondWith(Json(200, QueryJson([ConvertedLead])));

        var pages = new List<CrmDealPage>();
        await foreach (var item in host.Crm.ReadChangedDealsAsync(new ChangeCursor(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), null), [], CancellationToken.None))
        {
            pages.Add(item);
        }

        var queries = host.Requests(host.Instance).Select(r => QueryParam(r, "q")).ToList();
        Assert.Equal(
            "SELECT Id, StageName, IsClosed, IsWon, Amount, CloseDate, SystemModstamp FROM Opportunity WHERE SystemModstamp >= 2024-06-01T00:00:00Z ORDER BY SystemModstamp, Id",
            queries[0]);
        Assert.EndsWith("FROM Lead WHERE ConvertedOpportunityId IN ('0065g00000DeAlAAAA', '0065g00000NoLeAAAA')", queries[1], StringComparison.Ordinal);
        Assert.Equal(2, queries.Count);
        var page = Assert.Single(pages);
        var lead = Assert.Single(page.Leads);
        Assert.Equal(("00Q5g00000AbCdEEAV", "0065g00000DeAlAAAA", 12000.5m), (lead.Id, lead.Opportunity!.Id, lead.Opportunity.Amount));
        Assert.Equal(new ChangeCursor(new DateTimeOffset(2024, 6, 30, 9, 0, 0, TimeSpan.Zero), "0065g00000NoLeAAAA"), page.Through);
    }

    [Fact]
    public async Task AgainstTheSandbox_DealWonWeeksAfterConversion_IsSeenFromTheDealCursor()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { LeadCount = 40, RepCount = 3 }, time);
        await using var services = new ServiceCollection()
            .AddSalesforceConnector("sandbox", new SalesforceOptions
            {
                LoginUrl = sandbox.SalesforceLoginUrl.ToString(),
                ClientId = sandbox.SalesforceClientId,
                ClientSecret = sandbox.SalesforceClientSecret,
                RetryBaseDelay = TimeSpan.FromMilliseconds(1),
                AttemptTimeout = TimeSpan.FromMinutes(1),
                TotalTimeout = TimeSpan.FromMinutes(3),
            })
            .BuildServiceProvider();
        var crm = services.GetRequiredKeyedService<ICrmSystem>("sandbox");
        var lead = sandbox.Salesforce.ListLeads().First(l => !l.IsConverted);
        var (_, _, deal) = sandbox.Salesforce.ConvertLead(lead.Id, amount: 12_000);

        var read = Assert.Single(await crm.ReadByIdsAsync([lead.Id], [], CancellationToken.None));
        Assert.Equal((deal.Id, DealState.Open, 12_000m), (read.Opportunity!.Id, read.Opportunity.State, read.Opportunity.Amount));
        var cursor = await LastAsync(crm.ReadChangedDealsAsync(ChangeCursor.Beginning, [], CancellationToken.None));
        Assert.Equal(deal.Id, cursor.Through.LastId);

        time.Advance(TimeSpan.FromDays(21));
        sandbox.Salesforce.SetOpportunityStage(deal.Id, "Closed Won", amount: 14_500);

        var later = await LastAsync(crm.ReadChangedDealsAsync(cursor.Through, [], CancellationToken.None));
        var won = Assert.Single(later.Leads);
        Assert.Equal(lead.Id, won.Id);
        Assert.Equal((DealState.Won, 14_500m, new DateOnly(2026, 12, 11)), (won.Opportunity!.State, won.Opportunity.Amount, won.Opportunity.CloseDate));
        Assert.Empty(await ListAsync(crm.ReadChangedDealsAsync(later.Through, [], CancellationToken.None)));
    }

    private static async Task<CrmDealPage> LastAsync(IAsyncEnumerable<CrmDealPage> pages) => (await ListAsync(pages))[^1];

    private static async Task<List<CrmDealPage>> ListAsync(IAsyncEnumerable<CrmDealPage> pages)
    {
        var all = new List<CrmDealPage>();
        await foreach (var page in pages)
        {
            all.Add(page);
        }

        return all;
    }
}
