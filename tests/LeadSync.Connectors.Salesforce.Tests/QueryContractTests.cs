using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

public sealed class QueryContractTests
{
    private static readonly DateTimeOffset Since = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadChangedAsync_FirstPage_SendsExactSoqlBatchHeaderAndRendersInvariantStrings()
    {
        using var host = new SalesforceTestHost();
        const string Record = """
            {"attributes":{"type":"Lead","url":"/services/data/v60.0/sobjects/Lead/00Q5g00000AbCdEEAV"},
             "Id":"00Q5g00000AbCdEEAV","Email":"ada@example.com","Status":"Open - Not Contacted","IsConverted":false,
             "HasOptedOutOfEmail":true,"NumberOfEmployees":250,"Score__c":42.5,"Rating":null,
             "SystemModstamp":"2024-05-02T10:11:12.000+0000"}
            """;
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Json(200, QueryJson([Record])));

        var pages = new List<IReadOnlyList<CrmPerson>>();
        await foreach (var page in host.Crm.ReadChangedAsync(
            new ChangeCursor(Since, null), ["Email", "Status", "IsConverted", "HasOptedOutOfEmail", "NumberOfEmployees", "Score__c", "Rating", "id"], CancellationToken.None))
        {
            pages.Add(page);
        }

        var request = Assert.Single(host.Requests(host.Instance));
        Assert.Equal("GET", request.Method);
        Assert.Equal($"{Data}/query", request.Path);
        Assert.Equal(
            "SELECT Id, SystemModstamp, Email, FirstName, LastName, Company, Status, OwnerId, IsConverted, LeadSource, LastActivityDate, ConvertedOpportunityId, HubSpot_Contact_Id__c, Score__c, Fit_Grade__c, HasOptedOutOfEmail, NumberOfEmployees, Rating FROM Lead WHERE SystemModstamp >= 2024-05-01T00:00:00Z ORDER BY SystemModstamp, Id",
            QueryParam(request, "q"));
        Assert.Equal("batchSize=200", Header(request, "Sforce-Query-Options"));
        Assert.Equal("Bearer tok-1", Header(request, "Authorization"));

        var lead = Assert.Single(Assert.Single(pages));
        Assert.Equal("00Q5g00000AbCdEEAV", lead.Id);
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 10, 11, 12, TimeSpan.Zero), lead.ModifiedAt);
        Assert.Equal("false", lead.Fields["IsConverted"]);
        Assert.Equal("true", lead.Fields["HasOptedOutOfEmail"]);
        Assert.Equal("250", lead.Fields["NumberOfEmployees"]);
        Assert.Equal("42.5", lead.Fields["Score__c"]);
        Assert.Null(lead.Fields["Rating"]);
        Assert.False(lead.Fields.ContainsKey("attributes"));
    }

    [Fact]
    public async Task ReadByIdsAsync_LeadRecord_FillsTypedValuesFromTheLeadFields()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Json(200, QueryJson(
        [
            """
            {"attributes":{"type":"Lead"},"Id":"00Q5g00000AbCdEEAV","SystemModstamp":"2024-05-02T10:11:12.000+0000","Email":"ada@example.com",
             "FirstName":"Ada","LastName":"Lovelace","Company":"Acme","Status":"Working - Contacted","OwnerId":"00G5g000001AbCdEAK",
             "IsConverted":true,"LeadSource":"Web","LastActivityDate":"2024-05-01","HubSpot_Contact_Id__c":"512","Score__c":42.5,"Fit_Grade__c":"B","Rating":"Hot"}
            """,
            """
            {"attributes":{"type":"Lead"},"Id":"00Q5g00000AbCdFEAV","SystemModstamp":"2024-05-02T10:11:13.000+0000","Email":null,
             "FirstName":null,"LastName":"Hopper","Company":"Navy","Status":"Open - Not Contacted","OwnerId":"0055g00000XYZabAAH",
             "IsConverted":false,"LeadSource":null,"LastActivityDate":null,"HubSpot_Contact_Id__c":null,"Score__c":null,"Fit_Grade__c":null,"Rating":null}
            """,
        ])));

        var leads = await host.Crm.ReadByIdsAsync(["00Q5g00000AbCdEEAV", "00Q5g00000AbCdFEAV"], ["Rating"], CancellationToken.None);

        var queued = leads[0];
        Assert.Equal(
            ("ada@example.com", "Ada", "Lovelace", "Acme", "Web", "Working - Contacted", "00G5g000001AbCdEAK", true, true, "512", "42.5", "B"),
            (queued.Email, queued.FirstName, queued.LastName, queued.Company, queued.Source, queued.Status, queued.OwnerId, queued.OwnerIsQueue,
             queued.IsConverted, queued.MarketingId, queued.Score, queued.Grade));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), queued.LastActivityAt);
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 10, 11, 12, TimeSpan.Zero), queued.ModifiedAt);
        Assert.Equal("Hot", queued.Fields["Rating"]);
        Assert.Equal("true", queued.Fields["IsConverted"]);
        Assert.Equal("42.5", queued.Fields["Score__c"]);
        var owned = leads[1];
        Assert.False(owned.OwnerIsQueue);
        Assert.False(owned.IsConverted);
        Assert.Null(owned.Email);
        Assert.Null(owned.Score);
        Assert.Null(owned.LastActivityAt);
        Assert.Null(owned.MarketingId);
    }

    [Fact]
    public async Task ReadByIdsAsync_CustomSchema_SelectsAndReadsItsFieldsWhateverTheCasing()
    {
        using var host = new SalesforceTestHost(schema: new SalesforceLeadSchema("mkto_id__c", "Lead_Score__c", "Grade__c", "Sync_Key__c"));
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Json(200, QueryJson(
        [
            """
            {"attributes":{"type":"Lead"},"Id":"00Q5g00000AbCdEEAV","SystemModstamp":"2024-05-02T10:11:12.000+0000",
             "Mkto_Id__c":"m-9","Lead_Score__c":77,"Grade__c":"A"}
            """,
        ])));

        var lead = Assert.Single(await host.Crm.ReadByIdsAsync(["00Q5g00000AbCdEEAV"], ["lead_score__c"], CancellationToken.None));

        Assert.EndsWith(
            "LastActivityDate, ConvertedOpportunityId, mkto_id__c, Lead_Score__c, Grade__c FROM Lead WHERE Id IN ('00Q5g00000AbCdEEAV')",
            QueryParam(Assert.Single(host.Requests(host.Instance)), "q"),
            StringComparison.Ordinal);
        Assert.Equal(("m-9", "77", "A"), (lead.MarketingId, lead.Score, lead.Grade));
    }

    [Fact]
    public async Task ReadChangedAsync_NextRecordsUrlAcrossThreePages_YieldsEachPageAndCallsLocators()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(200, QueryJson([LeadJson("00Q000000000001AAA", "2024-05-02T10:00:00.000+0000")], $"{Data}/query/01gRO0000016PIAYA2-200")));
        host.Instance.Given(Request.Create().WithPath($"{Data}/query/01gRO0000016PIAYA2-200").UsingGet())
            .RespondWith(Json(200, QueryJson([LeadJson("00Q000000000002AAA", "2024-05-02T11:00:00.000+0000")], $"{Data}/query/01gRO0000016PIAYA2-400")));
        host.Instance.Given(Request.Create().WithPath($"{Data}/query/01gRO0000016PIAYA2-400").UsingGet())
            .RespondWith(Json(200, QueryJson([LeadJson("00Q000000000003AAA", "2024-05-02T12:00:00.000+0000")])));

        var pages = new List<IReadOnlyList<CrmPerson>>();
        await foreach (var page in host.Crm.ReadChangedAsync(new ChangeCursor(Since, null), ["Email"], CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.Equal(3, pages.Count);
        Assert.Equal(["00Q000000000001AAA", "00Q000000000002AAA", "00Q000000000003AAA"], pages.Select(p => Assert.Single(p).Id));
        var requests = host.Requests(host.Instance);
        Assert.Equal([$"{Data}/query", $"{Data}/query/01gRO0000016PIAYA2-200", $"{Data}/query/01gRO0000016PIAYA2-400"], requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.Equal("batchSize=200", Header(r, "Sforce-Query-Options")));
        Assert.Equal(4, host.Crm.CallCount);
    }

    [Fact]
    public async Task ReadChangedAsync_RecordsAtCursorTimestamp_SkipsIdsUpToLastId()
    {
        using var host = new SalesforceTestHost();
        var at = new DateTimeOffset(2024, 5, 2, 10, 11, 12, 500, TimeSpan.Zero);
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Json(200, QueryJson(
        [
            LeadJson("00Q000000000009AAA", "2024-05-02T10:11:12.000+0000"),
            LeadJson("00Q000000000001AAA", "2024-05-02T10:11:12.500+0000"),
            LeadJson("00Q000000000002AAA", "2024-05-02T10:11:12.500+0000"),
            LeadJson("00Q000000000003AAA", "2024-05-02T10:11:12.500+0000"),
            LeadJson("00Q000000000001AAA", "2024-05-02T10:11:13.000+0000"),
        ])));

        var leads = new List<CrmPerson>();
        await foreach (var page in host.Crm.ReadChangedAsync(new ChangeCursor(at, "00Q000000000002AAA"), ["Email"], CancellationToken.None))
        {
            leads.AddRange(page);
        }

        Assert.Equal(
            [("00Q000000000003AAA", at), ("00Q000000000001AAA", at.AddMilliseconds(500))],
            leads.Select(l => (l.Id, l.ModifiedAt)));
        var q = QueryParam(Assert.Single(host.Requests(host.Instance)), "q");
        Assert.EndsWith("WHERE SystemModstamp >= 2024-05-02T10:11:12Z ORDER BY SystemModstamp, Id", q, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadByEmailsAsync_EmailWithQuote_IsEscapedAndCannotAlterQuery()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(200, QueryJson([LeadJson("00Q000000000001AAA", "2024-05-02T10:00:00.000+0000", "o'brien@example.com")])));

        var leads = await host.Crm.ReadByEmailsAsync(["o'brien@example.com", "x') OR Id != ('@example.org", "ada@example.com", "ADA@example.com"], ["Email"], CancellationToken.None);

        var q = QueryParam(Assert.Single(host.Requests(host.Instance)), "q");
        Assert.Equal(
            @"SELECT Id, SystemModstamp, Email, FirstName, LastName, Company, Status, OwnerId, IsConverted, LeadSource, LastActivityDate, ConvertedOpportunityId, HubSpot_Contact_Id__c, Score__c, Fit_Grade__c FROM Lead WHERE Email IN ('o\'brien@example.com', 'x\') OR Id != (\'@example.org', 'ada@example.com')",
            q);
        Assert.Equal("o'brien@example.com", Assert.Single(leads).Email);
    }

    [Fact]
    public async Task ReadByIdsAsync_450Ids_QueriesInChunksOf200()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Json(200, QueryJson([])));
        var ids = Enumerable.Range(0, 450).Select(i => $"00Q{i:D12}AAA").ToList();

        var leads = await host.Crm.ReadByIdsAsync(ids, ["Status"], CancellationToken.None);

        Assert.Empty(leads);
        var queries = host.Requests(host.Instance).Select(r => QueryParam(r, "q")!).ToList();
        Assert.Equal([200, 200, 50], queries.Select(q => q.Split("', '").Length));
        Assert.StartsWith("SELECT Id, SystemModstamp, Email, FirstName, LastName, Company, Status, OwnerId, IsConverted, LeadSource, LastActivityDate, ConvertedOpportunityId, HubSpot_Contact_Id__c, Score__c, Fit_Grade__c FROM Lead WHERE Id IN ('00Q000000000000AAA', '00Q000000000001AAA'", queries[0], StringComparison.Ordinal);
        Assert.All(host.Requests(host.Instance), r => Assert.True(r.Url.Length < 16_000));
    }

    [Fact]
    public async Task ReadByIdsAsync_IdThatIsNotSalesforceShaped_ThrowsWithoutCalling()
    {
        using var host = new SalesforceTestHost();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Crm.ReadByIdsAsync(["00Q' OR Name != '"], ["Status"], CancellationToken.None));

        Assert.Empty(host.Requests(host.Instance));
    }

    [Fact]
    public async Task ReadChangedAsync_FieldNameWithSoqlSyntax_Throws()
    {
        using var host = new SalesforceTestHost();

        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var page in host.Crm.ReadChangedAsync(ChangeCursor.Beginning, ["Email FROM User --"], CancellationToken.None))
            {
                Assert.Fail($"unexpected page of {page.Count}");
            }
        });
    }

    [Fact]
    public async Task GetUsersAsync_ActiveAndInactive_SendsSoqlAndMapsRecords()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(200, """
                {"totalSize":2,"done":true,"records":[
                 {"attributes":{"type":"User"},"Id":"0055g00000XYZabAAH","Name":"Rep One","Email":"rep1@example.com","IsActive":true},
                 {"attributes":{"type":"User"},"Id":"0055g00000XYZacAAH","Name":"Rep Two","Email":null,"IsActive":false}]}
                """));

        var users = await host.Crm.GetUsersAsync(CancellationToken.None);

        Assert.Equal("SELECT Id, Name, Email, IsActive FROM User", QueryParam(Assert.Single(host.Requests(host.Instance)), "q"));
        Assert.Equal([new CrmUser("0055g00000XYZabAAH", "Rep One", "rep1@example.com", true), new CrmUser("0055g00000XYZacAAH", "Rep Two", null, false)], users);
    }

    [Fact]
    public async Task GetLeadQueuesAsync_Queues_SendsSoqlAndMapsRecords()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(200, """
                {"totalSize":1,"done":true,"records":[{"attributes":{"type":"Group"},"Id":"00G5g000001AbCdEAK","Name":"Marketing Nurture","DeveloperName":"Marketing_Nurture"}]}
                """));

        var queues = await host.Crm.GetLeadQueuesAsync(CancellationToken.None);

        Assert.Equal("SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Queue'", QueryParam(Assert.Single(host.Requests(host.Instance)), "q"));
        Assert.Equal(new CrmQueue("00G5g000001AbCdEAK", "Marketing Nurture", "Marketing_Nurture"), Assert.Single(queues));
    }

    [Fact]
    public async Task GetFieldsAsync_Fields_MapsUpdateableAndActivePicklistValues()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/sobjects/Lead/describe").UsingGet()).RespondWith(Json(200, """
            {"name":"Lead","fields":[
             {"name":"Id","type":"id","updateable":false,"picklistValues":[]},
             {"name":"Status","type":"picklist","updateable":true,"picklistValues":[
               {"value":"Open - Not Contacted","active":true},{"value":"Old Value","active":false},{"value":"Nurturing","active":true}]}]}
            """));

        var fields = await host.Crm.GetFieldsAsync(CancellationToken.None);

        Assert.Equal(2, fields.Count);
        Assert.Equal(new FieldMetadata("Id", "id", false, []).Name, fields[0].Name);
        Assert.False(fields[0].Writable);
        Assert.True(fields[1].Writable);
        Assert.Equal(["Open - Not Contacted", "Nurturing"], fields[1].AllowedValues);
        Assert.All(fields, f => Assert.False(f.ExternalId));
    }

    [Fact]
    public async Task DescribeLeadAsync_ExternalIdAndUniqueFlags_AreReadAndGetFieldsCarriesExternalId()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/sobjects/Lead/describe").UsingGet()).RespondWith(Json(200, """
            {"name":"Lead","fields":[
             {"name":"LeadSync_Key__c","type":"string","updateable":true,"createable":true,"externalId":true,"unique":true,"picklistValues":[]},
             {"name":"Email","type":"email","updateable":true,"createable":true,"externalId":false,"unique":false,"picklistValues":[]}]}
            """));

        var described = await host.Salesforce.DescribeLeadAsync(CancellationToken.None);
        var fields = await host.Crm.GetFieldsAsync(CancellationToken.None);

        Assert.Equal(new SalesforceLeadField("LeadSync_Key__c", "string", true, true, true, true, []).Name, described[0].Name);
        Assert.True(described[0].ExternalId && described[0].Unique && described[0].Createable && described[0].Updateable);
        Assert.False(described[1].ExternalId || described[1].Unique);
        Assert.True(fields[0].ExternalId);
        Assert.False(fields[1].ExternalId);
    }
}
