using System.Text.Json.Nodes;
using LeadSync.Sync.Ports;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

public sealed class WriteContractTests
{
    private const string Collections = $"{Data}/composite/sobjects";

    [Fact]
    public async Task UpdateLeadsAsync_MixedResults_SendsCompositePatchAndMapsOutcomesInOrder()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(Json(200, """
            [{"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]},
             {"success":false,"errors":[{"statusCode":"CANNOT_UPDATE_CONVERTED_LEAD","message":"cannot reference converted lead","fields":[]}]},
             {"id":"00Q5g00000AbCdGEAV","success":false,"errors":[{"statusCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","message":"Status: bad value for restricted picklist field: Hot Lead","fields":["Status"]}]}]
            """));

        var outcomes = await host.Crm.UpdateLeadsAsync(
        [
            new RecordUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["Status"] = "Working - Contacted", ["Score__c"] = "57", ["Rating"] = "" }),
            new RecordUpdate("00Q5g00000AbCdFEAV", new Dictionary<string, string?> { ["OwnerId"] = "0055g00000XYZabAAH" }),
            new RecordUpdate("00Q5g00000AbCdGEAV", new Dictionary<string, string?> { ["Status"] = "Hot Lead", ["Title"] = null }),
        ], CancellationToken.None);

        var request = Assert.Single(host.Requests(host.Instance));
        Assert.Equal("PATCH", request.Method);
        Assert.Equal(Collections, request.Path);
        Assert.Equal("FALSE", Header(request, "Sforce-Auto-Assign"));
        Assert.StartsWith("application/json", Header(request, "Content-Type"), StringComparison.Ordinal);
        var expected = JsonNode.Parse("""
            {"allOrNone":false,"records":[
             {"attributes":{"type":"Lead"},"id":"00Q5g00000AbCdEEAV","Status":"Working - Contacted","Score__c":"57","Rating":null},
             {"attributes":{"type":"Lead"},"id":"00Q5g00000AbCdFEAV","OwnerId":"0055g00000XYZabAAH"},
             {"attributes":{"type":"Lead"},"id":"00Q5g00000AbCdGEAV","Status":"Hot Lead","Title":null}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body!)), request.Body);

        Assert.Equal(
        [
            new WriteOutcome("00Q5g00000AbCdEEAV", true),
            new WriteOutcome("00Q5g00000AbCdFEAV", false, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead"),
            new WriteOutcome("00Q5g00000AbCdGEAV", false, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Status: bad value for restricted picklist field: Hot Lead (fields: Status)"),
        ], outcomes);
    }

    [Fact]
    public async Task UpdateLeadsAsync_450Updates_SendsChunksOf200_200_50()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(WireMock.ResponseBuilders.Response.Create()
            .WithCallback(request =>
            {
                var count = JsonNode.Parse(request.Body!)!["records"]!.AsArray().Count;
                var results = string.Join(",", Enumerable.Repeat("""{"success":true,"errors":[]}""", count));
                return new WireMock.ResponseMessage { StatusCode = 200, BodyData = new WireMock.Util.BodyData { BodyAsString = $"[{results}]", DetectedBodyType = WireMock.Types.BodyType.String } };
            }));
        var updates = Enumerable.Range(0, 450)
            .Select(i => new RecordUpdate($"00Q{i:D12}AAA", new Dictionary<string, string?> { ["Score__c"] = "71" }))
            .ToList();

        var outcomes = await host.Crm.UpdateLeadsAsync(updates, CancellationToken.None);

        var sizes = host.Requests(host.Instance).Select(r => JsonNode.Parse(r.Body!)!["records"]!.AsArray().Count).ToList();
        Assert.Equal([200, 200, 50], sizes);
        Assert.Equal(450, outcomes.Count);
        Assert.True(outcomes.All(o => o.Success));
        Assert.Equal(updates.Select(u => u.Id), outcomes.Select(o => o.Id));
    }

    [Fact]
    public async Task UpdateLeadsAsync_AfterDescribe_SendsBooleansAndNumbersTyped()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/sobjects/Lead/describe").UsingGet()).RespondWith(Json(200, """
            {"fields":[{"name":"HasOptedOutOfEmail","type":"boolean","updateable":true,"picklistValues":[]},
                       {"name":"Score__c","type":"double","updateable":true,"picklistValues":[]}]}
            """));
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(Json(200, """[{"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]}]"""));
        await host.Crm.DescribeLeadAsync(CancellationToken.None);

        await host.Crm.UpdateLeadsAsync(
            [new RecordUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["HasOptedOutOfEmail"] = "true", ["Score__c"] = "71.5", ["Rating"] = "Hot" })],
            CancellationToken.None);

        var body = host.Requests(host.Instance).Last().Body!;
        var expected = JsonNode.Parse("""
            {"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"id":"00Q5g00000AbCdEEAV","HasOptedOutOfEmail":true,"Score__c":71.5,"Rating":"Hot"}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(body)), body);
    }

    [Fact]
    public async Task CreateLeadsAsync_Creates_PostsLeadRecordsAndReturnsNewIds()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPost()).RespondWith(Json(200, """
            [{"id":"00Q5g00000NeWaAEAV","success":true,"errors":[]},
             {"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]}]
            """));

        var outcomes = await host.Crm.CreateLeadsAsync(
        [
            new RecordCreate("k1", new Dictionary<string, string?> { ["LastName"] = "Lovelace", ["Company"] = "Acme", ["Email"] = "ada@example.com" }),
            new RecordCreate("k2", new Dictionary<string, string?> { ["LastName"] = "Hopper" }),
        ], CancellationToken.None);

        var request = Assert.Single(host.Requests(host.Instance));
        Assert.Equal("POST", request.Method);
        Assert.Equal("FALSE", Header(request, "Sforce-Auto-Assign"));
        var expected = JsonNode.Parse("""
            {"allOrNone":false,"records":[
             {"attributes":{"type":"Lead"},"LastName":"Lovelace","Company":"Acme","Email":"ada@example.com"},
             {"attributes":{"type":"Lead"},"LastName":"Hopper"}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body!)), request.Body);
        Assert.Equal(WriteOutcome.Ok("00Q5g00000NeWaAEAV"), outcomes[0]);
        Assert.Equal(new WriteOutcome(null, false, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Company] (fields: Company)"), outcomes[1]);
    }

    [Fact]
    public async Task CreateTasksAsync_HandoffTask_PostsTaskRecord()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPost()).RespondWith(Json(200, """[{"id":"00T5g00000QwErTEAV","success":true,"errors":[]}]"""));

        var outcomes = await host.Crm.CreateTasksAsync(
            [new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "MQL handoff from HubSpot", "High", "Not Started", new DateOnly(2024, 5, 3), "Score 57; last form: Pricing")],
            CancellationToken.None);

        var request = Assert.Single(host.Requests(host.Instance));
        Assert.Equal("POST", request.Method);
        Assert.Equal(Collections, request.Path);
        var expected = JsonNode.Parse("""
            {"allOrNone":false,"records":[{"attributes":{"type":"Task"},"Subject":"MQL handoff from HubSpot","WhoId":"00Q5g00000AbCdEEAV",
             "OwnerId":"0055g00000XYZabAAH","Status":"Not Started","Priority":"High","ActivityDate":"2024-05-03","Description":"Score 57; last form: Pricing"}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body!)), request.Body);
        Assert.Equal(WriteOutcome.Ok("00T5g00000QwErTEAV"), Assert.Single(outcomes));
    }

    [Fact]
    public async Task UpdateLeadsAsync_ResultCountMismatch_ThrowsMalformedResponse()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(Json(200, "[]"));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.UpdateLeadsAsync(
            [new RecordUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["Status"] = "Nurturing" })], CancellationToken.None));

        Assert.Equal(ApiErrorKind.MalformedResponse, error.Kind);
    }
}
