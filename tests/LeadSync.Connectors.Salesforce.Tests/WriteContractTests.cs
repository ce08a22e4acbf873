using System.Text.Json.Nodes;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

public sealed class WriteContractTests
{
    private const string Collections = $"{Data}/composite/sobjects";

    [Fact]
    public async Task UpdateAsync_MixedResults_SendsCompositePatchAndMapsOutcomesInOrder()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(Json(200, """
            [{"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]},
             {"success":false,"errors":[{"statusCode":"CANNOT_UPDATE_CONVERTED_LEAD","message":"cannot reference converted lead","fields":[]}]},
             {"id":"00Q5g00000AbCdGEAV","success":false,"errors":[{"statusCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","message":"Status: bad value for restricted picklist field: Hot Lead","fields":["Status"]}]}]
            """));

        var outcomes = await host.Crm.UpdateAsync(
        [
            new CrmUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["Status"] = "Working - Contacted", ["Score__c"] = "57", ["Rating"] = "" }),
            new CrmUpdate("00Q5g00000AbCdFEAV", new Dictionary<string, string?> { ["OwnerId"] = "0055g00000XYZabAAH" }),
            new CrmUpdate("00Q5g00000AbCdGEAV", new Dictionary<string, string?> { ["Status"] = "Hot Lead", ["Title"] = null }),
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
    public async Task UpdateAsync_450Updates_SendsChunksOf200_200_50()
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
            .Select(i => new CrmUpdate($"00Q{i:D12}AAA", new Dictionary<string, string?> { ["Score__c"] = "71" }))
            .ToList();

        var outcomes = await host.Crm.UpdateAsync(updates, CancellationToken.None);

        var sizes = host.Requests(host.Instance).Select(r => JsonNode.Parse(r.Body!)!["records"]!.AsArray().Count).ToList();
        Assert.Equal([200, 200, 50], sizes);
        Assert.Equal(450, outcomes.Count);
        Assert.True(outcomes.All(o => o.Success));
        Assert.Equal(updates.Select(u => u.Id), outcomes.Select(o => o.Id));
    }

    [Fact]
    public async Task UpdateAsync_AfterDescribe_SendsBooleansAndNumbersTyped()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/sobjects/Lead/describe").UsingGet()).RespondWith(Json(200, """
            {"fields":[{"name":"HasOptedOutOfEmail","type":"boolean","updateable":true,"picklistValues":[]},
                       {"name":"Score__c","type":"double","updateable":true,"picklistValues":[]}]}
            """));
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(Json(200, """[{"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]}]"""));
        await host.Crm.GetFieldsAsync(CancellationToken.None);

        await host.Crm.UpdateAsync(
            [new CrmUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["HasOptedOutOfEmail"] = "true", ["Score__c"] = "71.5", ["Rating"] = "Hot" })],
            CancellationToken.None);

        var body = host.Requests(host.Instance).Last().Body!;
        var expected = JsonNode.Parse("""
            {"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"id":"00Q5g00000AbCdEEAV","HasOptedOutOfEmail":true,"Score__c":71.5,"Rating":"Hot"}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(body)), body);
    }

    [Fact]
    public async Task CreateLeadsAsync_Creates_UpsertsByExternalKeyAndReportsCreatedOrFound()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Collections}/Lead/LeadSync_Key__c").UsingPatch()).RespondWith(Json(200, """
            [{"id":"00Q5g00000NeWaAEAV","success":true,"errors":[],"created":true},
             {"id":"00Q5g00000OlDaAEAV","success":true,"errors":[],"created":false},
             {"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]}]
            """));

        var outcomes = await host.Crm.CreateLeadsAsync(
        [
            new CrmLeadCreate("hs-512", "ada@example.com", "Ada", "Lovelace", "Acme", "Marketing Qualified", "0055g00000XYZabAAH", "512",
                new ScoreWrite(82, "A"), new Dictionary<string, string?> { ["Title"] = "CTO", ["Id"] = "00Q5g00000IgNoREAV" }),
            new CrmLeadCreate("hs-513", null, null, "Hopper", "Navy", "Open - Not Contacted", "00G5g000001AbCdEAK", null,
                new ScoreWrite(40, "C"), new Dictionary<string, string?>()),
            new CrmLeadCreate("hs-514", null, null, "NoCompany", "", "Open - Not Contacted", "0055g00000XYZabAAH", null,
                new ScoreWrite(10, "D"), new Dictionary<string, string?>()),
        ], CancellationToken.None);

        var request = Assert.Single(host.Requests(host.Instance));
        Assert.Equal("PATCH", request.Method);
        Assert.Equal($"{Collections}/Lead/LeadSync_Key__c", request.Path);
        Assert.Equal("FALSE", Header(request, "Sforce-Auto-Assign"));
        var expected = JsonNode.Parse("""
            {"allOrNone":false,"records":[
             {"attributes":{"type":"Lead"},"Title":"CTO","Email":"ada@example.com","FirstName":"Ada","LastName":"Lovelace","Company":"Acme",
              "Status":"Marketing Qualified","OwnerId":"0055g00000XYZabAAH","HubSpot_Contact_Id__c":"512","Score__c":"82","Fit_Grade__c":"A","LeadSync_Key__c":"hs-512"},
             {"attributes":{"type":"Lead"},"LastName":"Hopper","Company":"Navy","Status":"Open - Not Contacted","OwnerId":"00G5g000001AbCdEAK",
              "Score__c":"40","Fit_Grade__c":"C","LeadSync_Key__c":"hs-513"},
             {"attributes":{"type":"Lead"},"LastName":"NoCompany","Company":null,"Status":"Open - Not Contacted","OwnerId":"0055g00000XYZabAAH",
              "Score__c":"10","Fit_Grade__c":"D","LeadSync_Key__c":"hs-514"}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body!)), request.Body);
        Assert.Equal(
        [
            new WriteOutcome("00Q5g00000NeWaAEAV", true, Created: true),
            new WriteOutcome("00Q5g00000OlDaAEAV", true, Created: false),
            new WriteOutcome(null, false, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Company] (fields: Company)"),
        ], outcomes);
    }

    [Fact]
    public async Task CreateLeadsAsync_CustomSchema_UsesItsFieldsAndExternalKeyPath()
    {
        using var host = new SalesforceTestHost(schema: new SalesforceLeadSchema("Mkto_Id__c", "Lead_Score__c", "Grade__c", "Sync_Key__c"));
        host.Instance.Given(Request.Create().WithPath($"{Collections}/Lead/Sync_Key__c").UsingPatch())
            .RespondWith(Json(200, """[{"id":"00Q5g00000NeWaAEAV","success":true,"errors":[],"created":true}]"""));

        await host.Crm.CreateLeadsAsync(
            [new CrmLeadCreate("k-1", null, null, "L", "C", "Open - Not Contacted", "0055g00000XYZabAAH", "m-1", new ScoreWrite(5, "B"), new Dictionary<string, string?>())],
            CancellationToken.None);

        var record = JsonNode.Parse(Assert.Single(host.Requests(host.Instance)).Body!)!["records"]![0]!;
        Assert.Equal("m-1", (string?)record["Mkto_Id__c"]);
        Assert.Equal("5", (string?)record["Lead_Score__c"]);
        Assert.Equal("B", (string?)record["Grade__c"]);
        Assert.Equal("k-1", (string?)record["Sync_Key__c"]);
        Assert.Equal(new CoreFieldNames("Status", null, "OwnerId", "Lead_Score__c", "Grade__c", "Mkto_Id__c"), host.Crm.CoreFields);
    }

    [Fact]
    public async Task CreateLeadsAsync_EmptyKey_ThrowsWithoutCalling()
    {
        using var host = new SalesforceTestHost();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Crm.CreateLeadsAsync(
            [new CrmLeadCreate(" ", null, null, "L", "C", "Open - Not Contacted", "0055g00000XYZabAAH", null, new ScoreWrite(1, "D"), new Dictionary<string, string?>())],
            CancellationToken.None));

        Assert.Empty(host.Requests(host.Instance));
    }

    [Fact]
    public async Task UpdateAsync_TypedIntents_WriteTheirFieldsAndEmptyUpdatesAreNotSent()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(Json(200, """
            [{"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]},{"id":"00Q5g00000AbCdGEAV","success":true,"errors":[]}]
            """));

        var outcomes = await host.Crm.UpdateAsync(
        [
            new CrmUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["Rating"] = "Hot", ["status"] = "Nurturing" },
                Status: "Marketing Qualified", Owner: new OwnerWrite("0055g00000XYZabAAH"), MarketingId: "512", Score: new ScoreWrite(71, "B")),
            new CrmUpdate("00Q5g00000AbCdFEAV", new Dictionary<string, string?>()),
            new CrmUpdate("00Q5g00000AbCdGEAV", new Dictionary<string, string?>(), Score: new ScoreWrite(-3, "")),
        ], CancellationToken.None);

        var request = Assert.Single(host.Requests(host.Instance));
        var expected = JsonNode.Parse("""
            {"allOrNone":false,"records":[
             {"attributes":{"type":"Lead"},"id":"00Q5g00000AbCdEEAV","Rating":"Hot","status":"Marketing Qualified","OwnerId":"0055g00000XYZabAAH",
              "HubSpot_Contact_Id__c":"512","Score__c":"71","Fit_Grade__c":"B"},
             {"attributes":{"type":"Lead"},"id":"00Q5g00000AbCdGEAV","Score__c":"-3","Fit_Grade__c":null}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body!)), request.Body);
        Assert.Equal("FALSE", Header(request, "Sforce-Auto-Assign"));
        Assert.Equal(
            [WriteOutcome.Ok("00Q5g00000AbCdEEAV"), WriteOutcome.Ok("00Q5g00000AbCdFEAV"), WriteOutcome.Ok("00Q5g00000AbCdGEAV")],
            outcomes);
    }

    [Fact]
    public async Task UpdateAsync_OnlyEmptyUpdates_MakesNoCall()
    {
        using var host = new SalesforceTestHost();

        var outcomes = await host.Crm.UpdateAsync([new CrmUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?>())], CancellationToken.None);

        Assert.Equal(WriteOutcome.Ok("00Q5g00000AbCdEEAV"), Assert.Single(outcomes));
        Assert.Empty(host.Requests(host.Instance));
        Assert.Empty(host.Requests(host.Login));
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
        Assert.Equal(new WriteOutcome("00T5g00000QwErTEAV", true, Created: true), Assert.Single(outcomes));
    }

    [Fact]
    public async Task CreateTasksAsync_KeyedTasks_LooksUpTheirLeadsTasksAndCreatesOnlyTheMissingOnes()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Json(200, """
            {"totalSize":3,"done":true,"records":[
             {"attributes":{"type":"Task"},"Id":"00T5g00000OlDaAEAV","WhoId":"00Q5g00000AbCdEEAV","Description":"Score 57\n\nLeadSync key: hs-1#1"},
             {"attributes":{"type":"Task"},"Id":"00T5g00000OlDbAEAV","WhoId":"00Q5g00000AbCdFEAV","Description":"Score 40\n\nLeadSync key: hs-2#10"},
             {"attributes":{"type":"Task"},"Id":"00T5g00000OlDcAEAV","WhoId":"00Q5g00000AbCdFEAV","Description":"Call me, LeadSync key: hs-2#1"}]}
            """));
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPost()).RespondWith(Json(200, """
            [{"id":"00T5g00000NeWaAEAV","success":true,"errors":[]},{"id":"00T5g00000NeWbAEAV","success":true,"errors":[]}]
            """));
        var date = new DateOnly(2024, 5, 3);

        var outcomes = await host.Crm.CreateTasksAsync(
        [
            new CrmTask("00Q5g00000AbCdE", "0055g00000XYZabAAH", "MQL handoff", "High", "Not Started", date, "Score 57", "hs-1#1"),
            new CrmTask("00Q5g00000AbCdFEAV", "0055g00000XYZabAAH", "MQL handoff", "High", "Not Started", date, "Score 40\n", "hs-2#1"),
            new CrmTask("00Q5g00000AbCdGEAV", "0055g00000XYZabAAH", "SLA", "Normal", "Not Started", date, "Follow up"),
        ], CancellationToken.None);

        var requests = host.Requests(host.Instance);
        Assert.Equal(2, requests.Count);
        Assert.Equal("SELECT Id, WhoId, Description FROM Task WHERE WhoId IN ('00Q5g00000AbCdE', '00Q5g00000AbCdFEAV')", QueryParam(requests[0], "q"));
        var records = JsonNode.Parse(requests[1].Body!)!["records"]!.AsArray();
        Assert.Equal(["00Q5g00000AbCdFEAV", "00Q5g00000AbCdGEAV"], records.Select(r => (string)r!["WhoId"]!));
        Assert.Equal("Score 40\n\nLeadSync key: hs-2#1", (string?)records[0]!["Description"]);
        Assert.Equal("Follow up", (string?)records[1]!["Description"]);
        Assert.Equal(
        [
            new WriteOutcome("00T5g00000OlDaAEAV", true, Created: false),
            new WriteOutcome("00T5g00000NeWaAEAV", true, Created: true),
            new WriteOutcome("00T5g00000NeWbAEAV", true, Created: true),
        ], outcomes);
    }

    [Fact]
    public async Task CreateTasksAsync_KeyedTaskLookupFails_ThrowsAndCreatesNothing()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(400, """[{"message":"invalid ID field","errorCode":"MALFORMED_QUERY"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.CreateTasksAsync(
            [new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "MQL handoff", "High", "Not Started", new DateOnly(2024, 5, 3), "Score 57", "hs-1#1")],
            CancellationToken.None));

        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.DoesNotContain(host.Requests(host.Instance), r => r.Method == "POST");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" hs-1#1")]
    [InlineData("hs-1\n#1")]
    public async Task CreateTasksAsync_UnusableKey_ThrowsWithoutCalling(string key)
    {
        using var host = new SalesforceTestHost();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Crm.CreateTasksAsync(
            [new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "MQL handoff", "High", "Not Started", new DateOnly(2024, 5, 3), "Score 57", key)],
            CancellationToken.None));

        Assert.Empty(host.Requests(host.Instance));
    }

    [Fact]
    public async Task UpdateAsync_ResultCountMismatch_ThrowsMalformedResponse()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Collections).UsingPatch()).RespondWith(Json(200, "[]"));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.UpdateAsync(
            [new CrmUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["Status"] = "Nurturing" })], CancellationToken.None));

        Assert.Equal(ApiErrorKind.MalformedResponse, error.Kind);
    }
}
