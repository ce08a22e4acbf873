using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LeadSync.Sandbox.Salesforce;

namespace LeadSync.Sandbox.Tests;

public sealed class SalesforceApiTests
{
    private const string Composite = "/services/data/v60.0/composite/sobjects";

    [Fact]
    public async Task Token_ClientCredentials_ReturnsInstanceUrlAndIdentity()
    {
        await using var sb = await Sandbox.StartAsync();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = sb.Server.SalesforceClientId,
            ["client_secret"] = sb.Server.SalesforceClientSecret,
        });
        using var response = await sb.Salesforce.PostAsync("/services/oauth2/token", form);
        var body = await Sandbox.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sb.Server.BaseUrl.ToString().TrimEnd('/'), (string?)body["instance_url"]);
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Matches("/id/00D[A-Za-z0-9]{15}/005[A-Za-z0-9]{15}$", (string)body["id"]!);
        Assert.Equal(Sandbox.Start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)body["issued_at"]);
    }

    [Fact]
    public async Task Token_BadSecret_Returns400InvalidClient()
    {
        await using var sb = await Sandbox.StartAsync();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = sb.Server.SalesforceClientId,
            ["client_secret"] = "nope",
        });
        using var response = await sb.Salesforce.PostAsync("/services/oauth2/token", form);
        var body = await Sandbox.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client", (string?)body["error"]);
        Assert.Equal("invalid client credentials", (string?)body["error_description"]);
    }

    [Theory]
    [InlineData("sandbox-client-id", HttpStatusCode.OK)]
    [InlineData("someone-else", HttpStatusCode.BadRequest)]
    public async Task Token_JwtBearer_AcceptsOnlyTheClientIdAsIssuer(string issuer, HttpStatusCode expected)
    {
        await using var sb = await Sandbox.StartAsync();
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var jwt = $"{B64("{\"alg\":\"RS256\"}")}.{B64($"{{\"iss\":\"{issuer}\",\"sub\":\"integration@leadsync.example\"}}")}.c2lnbmF0dXJl";
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["assertion"] = jwt,
        });
        using var response = await sb.Salesforce.PostAsync("/services/oauth2/token", form);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Rest_WithoutValidToken_Returns401InvalidSessionArray()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Salesforce.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "00Dfake!token");
        var (response, body) = await sb.SoqlAsync("SELECT Id FROM Lead");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("INVALID_SESSION_ID", (string?)body[0]!["errorCode"]);
        Assert.Equal("Session expired or invalid", (string?)body[0]!["message"]);
    }

    [Fact]
    public async Task Query_WhereOrderLimit_ReturnsTypedValuesAndAttributes()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var (response, body) = await sb.SoqlAsync(
            "SELECT Id, Email, IsConverted, Score__c, NumberOfEmployees, SystemModstamp, OwnerId FROM Lead " +
            "WHERE IsConverted = false AND SystemModstamp >= 2026-01-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC LIMIT 25");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"^api-usage=\d+/100000$", response.Headers.GetValues("Sforce-Limit-Info").Single());
        Assert.True((bool)body["done"]!);
        var records = body["records"]!.AsArray();
        Assert.Equal(25, records.Count);
        Assert.Equal(25, (int)body["totalSize"]!);
        var first = records[0]!;
        Assert.Equal("Lead", (string?)first["attributes"]!["type"]);
        Assert.Equal($"/services/data/v60.0/sobjects/Lead/{first["Id"]}", (string?)first["attributes"]!["url"]);
        Assert.Equal(JsonValueKind.False, first["IsConverted"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, first["Score__c"]!.GetValueKind());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$", (string)first["SystemModstamp"]!);
        var stamps = records.Select(r => (string)r!["SystemModstamp"]!).ToList();
        Assert.Equal(stamps.Order(StringComparer.Ordinal), stamps);
    }

    [Fact]
    public async Task Query_EscapedQuoteInString_FindsApostropheEmail()
    {
        await using var sb = await Sandbox.StartAsync(o => o.LeadCount = 1000);
        await sb.SalesforceLoginAsync();
        var lead = sb.Server.Salesforce.ListLeads().First(l => l.Email?.Contains('\'', StringComparison.Ordinal) == true);
        var escaped = lead.Email!.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        var (response, body) = await sb.SoqlAsync($"SELECT Id, Email FROM Lead WHERE Email IN ('{escaped}', 'x@example.com')");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(body["records"]!.AsArray(), r => (string?)r!["Id"] == lead.Id);
    }

    [Theory]
    [InlineData("SELECT Id FROM Lead WHERE Email = 'unterminated", "MALFORMED_QUERY")]
    [InlineData("SELECT Id Email FROM Lead", "MALFORMED_QUERY")]
    [InlineData("SELECT Id FROM Lead WHERE Status = 'A' AND Email = 'b' OR Rating = 'Hot'", "MALFORMED_QUERY")]
    [InlineData("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY")]
    [InlineData("SELECT Id FROM Lead LIMIT", "MALFORMED_QUERY")]
    [InlineData("SELECT Id, Shoe_Size__c FROM Lead", "INVALID_FIELD")]
    [InlineData("SELECT Id FROM Lead WHERE SystemModstamp > '2024-05-01T00:00:00Z'", "INVALID_FIELD")]
    [InlineData("SELECT Id FROM Lead WHERE Email = 42", "INVALID_FIELD")]
    [InlineData("SELECT Id FROM Opportunity__x", "INVALID_TYPE")]
    public async Task Query_BadSoql_Returns400WithErrorCode(string soql, string errorCode)
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var (response, body) = await sb.SoqlAsync(soql);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(errorCode, (string?)body[0]!["errorCode"]);
    }

    [Fact]
    public async Task Query_FifteenCharacterId_MatchesEighteenCharacterId()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var lead = sb.Server.Salesforce.ListLeads()[3];
        var (response, body) = await sb.SoqlAsync($"SELECT Id FROM Lead WHERE Id = '{lead.Id[..15]}'");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(lead.Id, (string?)body["records"]![0]!["Id"]);
    }

    [Fact]
    public async Task Query_ParenthesesNullAndOffsetDatetime_Parse()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var (response, body) = await sb.SoqlAsync(
            "SELECT Id FROM Lead WHERE (HubSpot_Contact_Id__c = null OR Status != 'Nurturing') AND CreatedDate < 2030-01-01T00:00:00.000+0000 AND Status NOT IN ('Closed - Converted')");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = sb.Server.Salesforce.ListLeads().Count(l => (l.HubSpotContactId is null || l.Status != "Nurturing") && l.Status != "Closed - Converted");
        Assert.Equal(expected, (int)body["totalSize"]!);
    }

    [Fact]
    public async Task Query_NextRecordsUrl_PagesThroughAllLeadsWithBatchSize()
    {
        await using var sb = await Sandbox.StartAsync(o => o.LeadCount = 1000);
        await sb.SalesforceLoginAsync();
        sb.Salesforce.DefaultRequestHeaders.Add("Sforce-Query-Options", "batchSize=200");
        var (_, body) = await sb.SoqlAsync("SELECT Id FROM Lead ORDER BY Id");
        var ids = new List<string>();
        var pages = 1;
        while (true)
        {
            ids.AddRange(body["records"]!.AsArray().Select(r => (string)r!["Id"]!));
            if ((bool)body["done"]!)
                break;
            var next = (string)body["nextRecordsUrl"]!;
            Assert.Matches(@"^/services/data/v6[01]\.0/query/01g[A-Za-z0-9]+-\d+$", next);
            var locator = next[(next.LastIndexOf('/') + 1)..];
            body = await Sandbox.ReadAsync(await sb.Salesforce.GetAsync("/services/data/v61.0/query/" + locator));
            pages++;
        }

        var total = sb.Server.Salesforce.LeadCount;
        Assert.Equal(total, ids.Distinct().Count());
        Assert.Equal((total + 199) / 200, pages);
    }

    [Fact]
    public async Task Query_UsersAndQueues_AreQueryable()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var (_, users) = await sb.SoqlAsync("SELECT Id, Name, Email, IsActive, UserType, TimeZoneSidKey FROM User WHERE IsActive = true");
        var (_, queues) = await sb.SoqlAsync("SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Queue' AND DeveloperName = 'Marketing_Nurture'");

        Assert.Equal(1 + 8 - 2, (int)users["totalSize"]!);
        Assert.Equal(sb.Server.Salesforce.MarketingQueueId, (string?)queues["records"]![0]!["Id"]);
        Assert.StartsWith("00G", sb.Server.Salesforce.MarketingQueueId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_Lead_ListsFieldsWithPicklistsAndUpdateability()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var body = await Sandbox.ReadAsync(await sb.Salesforce.GetAsync("/services/data/v60.0/sobjects/Lead/describe"));
        var fields = body["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!, f => f!);

        Assert.Equal("Lead", (string?)body["name"]);
        Assert.False((bool)fields["SystemModstamp"]["updateable"]!);
        Assert.True((bool)fields["Score__c"]["updateable"]!);
        var statuses = fields["Status"]["picklistValues"]!.AsArray();
        Assert.Contains(statuses, p => (string?)p!["value"] == "Marketing Qualified" && (bool)p["active"]!);
        Assert.Contains(statuses, p => (string?)p!["value"] == "Legacy - Imported" && !(bool)p["active"]!);
    }

    [Fact]
    public async Task CompositeUpdate_MixedRecords_ReturnsPerRecordResultsInOrder()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var leads = sb.Server.Salesforce.ListLeads();
        var open = leads.Where(l => !l.IsConverted).Take(6).ToList();
        var converted = leads.First(l => l.IsConverted);
        var inactive = sb.Server.Salesforce.ListUsers().First(u => !u.IsActive);
        var unknown = SalesforceIdsForTest.Unknown;
        sb.Time.Advance(TimeSpan.FromSeconds(30));
        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Patch, Composite, new
        {
            allOrNone = false,
            records = new object[]
            {
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = open[0].Id, ["Status"] = "Marketing Qualified", ["Score__c"] = 77 },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = unknown, ["Rating"] = "Hot" },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = converted.Id, ["Rating"] = "Hot" },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = open[1].Id, ["Status"] = "Hot Prospect" },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = open[2].Id, ["IsConverted"] = true },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = open[3].Id, ["OwnerId"] = "005000000000000AAA" },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = open[4].Id, ["OwnerId"] = inactive.Id },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = "not-an-id", ["Rating"] = "Hot" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = body.AsArray();
        Assert.Equal(8, results.Count);
        Assert.True((bool)results[0]!["success"]!);
        Assert.Equal(open[0].Id, (string?)results[0]!["id"]);
        string Code(int i) => (string)results[i]!["errors"]![0]!["statusCode"]!;
        Assert.Equal("ENTITY_IS_DELETED", Code(1));
        Assert.Equal("CANNOT_UPDATE_CONVERTED_LEAD", Code(2));
        Assert.Equal("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", Code(3));
        Assert.Equal("INVALID_FIELD_FOR_INSERT_UPDATE", Code(4));
        Assert.Equal("INVALID_CROSS_REFERENCE_KEY", Code(5));
        Assert.Equal("INACTIVE_OWNER_OR_USER", Code(6));
        Assert.Equal("MALFORMED_ID", Code(7));

        var updated = sb.Server.Salesforce.GetLead(open[0].Id)!;
        Assert.Equal("Marketing Qualified", updated.Status);
        Assert.Equal(77d, updated.Get("Score__c"));
        Assert.Equal(Sandbox.Start.AddSeconds(30), updated.SystemModstamp);
        Assert.Equal(open[0].OwnerId, updated.OwnerId);
        Assert.Equal(open[1].Status, sb.Server.Salesforce.GetLead(open[1].Id)!.Status);
    }

    [Fact]
    public async Task CompositeUpdate_AllOrNoneWithOneFailure_RollsBackEverything()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var open = sb.Server.Salesforce.ListLeads().Where(l => !l.IsConverted && l.Status != "Working - Engaged").Take(2).ToList();
        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Patch, Composite, new
        {
            allOrNone = true,
            records = new object[]
            {
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = open[0].Id, ["Status"] = "Working - Engaged" },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = open[1].Id, ["Fit_Grade__c"] = "Z" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ALL_OR_NONE_OPERATION_ROLLED_BACK", (string?)body[0]!["errors"]![0]!["statusCode"]);
        Assert.Equal("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", (string?)body[1]!["errors"]![0]!["statusCode"]);
        Assert.Equal(open[0].Status, sb.Server.Salesforce.GetLead(open[0].Id)!.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("TRUE")]
    [InlineData("FALSE")]
    public async Task CompositeUpdate_SforceAutoAssign_AbsentOrTrueResetsOwnerToQueue(string? header)
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var rep = sb.Server.Salesforce.ListUsers().First(u => u.IsActive && u.Id != sb.Server.Salesforce.IntegrationUserId);
        var lead = sb.Server.Salesforce.ListLeads().First(l => !l.IsConverted && l.OwnerId == sb.Server.Salesforce.MarketingQueueId);
        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Patch, Composite, new
        {
            records = new[] { new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = lead.Id, ["OwnerId"] = rep.Id } },
        }, header);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((bool)body[0]!["success"]!);
        var expected = header == "FALSE" ? rep.Id : sb.Server.Salesforce.MarketingQueueId;
        Assert.Equal(expected, sb.Server.Salesforce.GetLead(lead.Id)!.OwnerId);
    }

    [Fact]
    public async Task Composite_TooManyRecordsOrMissingType_Returns400()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var id = sb.Server.Salesforce.ListLeads()[0].Id;
        var (tooMany, tooManyBody) = await sb.SalesforceSendAsync(HttpMethod.Patch, Composite, new
        {
            records = Enumerable.Range(0, 201).Select(_ => new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = id }),
        });
        var (untyped, untypedBody) = await sb.SalesforceSendAsync(HttpMethod.Patch, Composite, new
        {
            records = new[] { new Dictionary<string, object> { ["id"] = id, ["Rating"] = "Hot" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("EXCEEDED_ID_LIMIT", (string?)tooManyBody[0]!["errorCode"]);
        Assert.Equal(HttpStatusCode.BadRequest, untyped.StatusCode);
        Assert.Equal("INVALID_TYPE", (string?)untypedBody[0]!["errorCode"]);
    }

    [Fact]
    public async Task CompositeCreate_LeadsAndTasks_CreatesWithRealIdsAndRequiredFields()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var lead = sb.Server.Salesforce.ListLeads().First(l => !l.IsConverted);
        var rep = sb.Server.Salesforce.ListUsers().First(u => u.IsActive && u.Id != sb.Server.Salesforce.IntegrationUserId);
        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Post, Composite, new
        {
            allOrNone = false,
            records = new object[]
            {
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["LastName"] = "Hopper", ["Company"] = "Navy", ["Email"] = "grace@example.org" },
                new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["LastName"] = "NoCompany" },
                new Dictionary<string, object>
                {
                    ["attributes"] = new { type = "Task" }, ["Subject"] = "MQL handoff", ["WhoId"] = lead.Id, ["OwnerId"] = rep.Id,
                    ["Priority"] = "High", ["ActivityDate"] = "2026-11-21", ["Description"] = "Score 82",
                },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("00Q", (string)body[0]!["id"]!, StringComparison.Ordinal);
        Assert.Equal(18, ((string)body[0]!["id"]!).Length);
        Assert.Equal("REQUIRED_FIELD_MISSING", (string?)body[1]!["errors"]![0]!["statusCode"]);
        Assert.StartsWith("00T", (string)body[2]!["id"]!, StringComparison.Ordinal);
        var task = Assert.Single(sb.Server.Salesforce.ListTasks());
        Assert.Equal(lead.Id, task.GetString("WhoId"));
        Assert.Equal(1, sb.Server.Stats.TasksCreated);
        Assert.Equal("Open - Not Contacted", sb.Server.Salesforce.GetLead((string)body[0]!["id"]!)!.Status);
    }

    [Fact]
    public async Task CreateTask_SingleRecordPost_Returns201()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var lead = sb.Server.Salesforce.ListLeads()[0];
        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Post, "/services/data/v60.0/sobjects/Task", new { Subject = "Call", WhoId = lead.Id });
        var (bad, badBody) = await sb.SalesforceSendAsync(HttpMethod.Post, "/services/data/v60.0/sobjects/Task", new { Subject = "Call", Priority = "Urgent!!" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True((bool)body["success"]!);
        Assert.StartsWith("00T", (string)body["id"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", (string?)badBody[0]!["errorCode"]);
    }

    [Fact]
    public async Task Limits_DailyAllowanceSpent_Returns403RequestLimitExceeded()
    {
        await using var sb = await Sandbox.StartAsync(o => o.SalesforceDailyApiRequests = 3);
        await sb.SalesforceLoginAsync();
        var limits = await Sandbox.ReadAsync(await sb.Salesforce.GetAsync("/services/data/v60.0/limits"));
        Assert.Equal(3, (int)limits["DailyApiRequests"]!["Max"]!);
        Assert.Equal(2, (int)limits["DailyApiRequests"]!["Remaining"]!);
        await sb.SoqlAsync("SELECT Id FROM User");
        await sb.SoqlAsync("SELECT Id FROM User");
        var (response, body) = await sb.SoqlAsync("SELECT Id FROM User");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", (string?)body[0]!["errorCode"]);
    }

    [Theory]
    [InlineData("/services/data/v60.0/sobjects/Nope/describe")]
    [InlineData("/services/data/v40.0/limits")]
    [InlineData("/services/data/v60.0/whatever")]
    public async Task UnknownPathOrOldVersion_Returns404NotFoundArray(string path)
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        using var response = await sb.Salesforce.GetAsync(path);
        var body = await Sandbox.ReadAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", (string?)body[0]!["errorCode"]);
    }

    [Fact]
    public async Task WriteThenQuery_ChangeVisibleAndModstampAdvancedToTheSecond()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var lead = sb.Server.Salesforce.ListLeads().First(l => !l.IsConverted);
        sb.Time.Advance(TimeSpan.FromMilliseconds(1750));
        await sb.SalesforceSendAsync(HttpMethod.Patch, Composite, new
        {
            records = new[] { new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["id"] = lead.Id, ["Rating"] = "Hot" } },
        });
        var (_, body) = await sb.SoqlAsync($"SELECT Id, Rating, SystemModstamp FROM Lead WHERE SystemModstamp >= {Sandbox.Start:yyyy-MM-ddTHH:mm:ss}Z");

        var record = Assert.Single(body["records"]!.AsArray());
        Assert.Equal("Hot", (string?)record!["Rating"]);
        Assert.Equal("2026-11-20T09:00:01.000+0000", (string?)record["SystemModstamp"]);
    }
}

internal static class SalesforceIdsForTest
{
    /// <summary>A well-formed Lead id (valid checksum) that the org does not have.</summary>
    public static string Unknown => SalesforceIds.To18("00QSb0000000000");
}
