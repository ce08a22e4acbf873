using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LeadSync.Sandbox.Tests;

/// <summary>The fake Marketo instance, checked against the facts sheet (marketo-facts.md §0–§8) through plain HTTP.</summary>
public sealed class MarketoApiTests
{
    private static async Task<(Sandbox Sandbox, HttpClient Client)> StartAsync(Action<SandboxOptions>? configure = null)
    {
        var sb = await Sandbox.StartAsync(o =>
        {
            o.MarketoCallsPerTwentySeconds = 0;
            o.MarketoMaxConcurrent = 0;
            configure?.Invoke(o);
        });
        var client = new HttpClient { BaseAddress = sb.Server.MarketoBaseUrl };
        var token = await TokenAsync(sb, client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token["access_token"]!);
        return (sb, client);
    }

    private static async Task<JsonNode> TokenAsync(Sandbox sb, HttpClient client, string? secret = null)
    {
        using var response = await client.PostAsync(
            $"/identity/oauth/token?grant_type=client_credentials&client_id={sb.Server.MarketoClientId}&client_secret={secret ?? sb.Server.MarketoClientSecret}", null);
        return await Sandbox.ReadAsync(response);
    }

    private static async Task<JsonNode> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Sandbox.ReadAsync(response);
    }

    private static async Task<JsonNode> PostJsonAsync(HttpClient client, string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(url, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Sandbox.ReadAsync(response);
    }

    private static string? Code(JsonNode body) => (string?)body["errors"]?[0]?["code"];

    [Fact]
    public async Task Identity_SameTokenWithRemainingLifeThen602AfterExpiry()
    {
        var (sb, client) = await StartAsync();
        await using var _ = sb;
        using (client)
        {
            var first = await TokenAsync(sb, client);
            sb.Time.Advance(TimeSpan.FromSeconds(600));
            var again = await TokenAsync(sb, client);

            Assert.Equal((string)first["access_token"]!, (string)again["access_token"]!);
            Assert.Equal("bearer", (string?)again["token_type"]);
            Assert.True((long)again["expires_in"]! <= 3000, $"expires_in {again["expires_in"]}");

            sb.Time.Advance(TimeSpan.FromSeconds(3600));
            Assert.Equal("602", Code(await GetAsync(client, "/rest/v1/leads/describe2.json")));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "made-up");
            Assert.Equal("601", Code(await GetAsync(client, "/rest/v1/leads/describe2.json")));
        }
    }

    [Fact]
    public async Task Identity_BadSecret_Http401OAuthError()
    {
        var (sb, client) = await StartAsync();
        await using var _ = sb;
        using (client)
        using (var response = await client.PostAsync($"/identity/oauth/token?grant_type=client_credentials&client_id={sb.Server.MarketoClientId}&client_secret=nope", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_client", (string?)(await Sandbox.ReadAsync(response))["error"]);
        }
    }

    [Fact]
    public async Task World_SameSeedAsTheOtherFakes_SomeLinkedToSalesforceSomeNotSomeDuplicated()
    {
        var (sb, client) = await StartAsync(o => o.LeadCount = 400);
        await using var _ = sb;
        using (client)
        {
            var leads = sb.Server.Marketo.ListLeads();
            var linked = leads.Where(l => l.Get("sfdcLeadId") is not null).ToList();

            Assert.True(leads.Count >= sb.Server.HubSpot.Count, $"{leads.Count} Marketo leads for {sb.Server.HubSpot.Count} HubSpot contacts");
            Assert.NotEmpty(linked);
            Assert.Contains(leads, l => l.Get("sfdcLeadId") is null);
            Assert.All(linked, l => Assert.Equal("Lead", l.Get("sfdcType")));
            Assert.All(linked, l => Assert.NotNull(sb.Server.Salesforce.GetLead(l.Get("sfdcLeadId")!)));
            Assert.Contains(leads.GroupBy(l => l.Email, StringComparer.OrdinalIgnoreCase), g => g.Count() > 1);
            Assert.True(sb.Server.Marketo.ActivityCount > leads.Count);
        }
    }

    /// <summary>Follows one activity stream from 2020 to its end: (activities, pages, empty pages with more to come, the last token).</summary>
    private static async Task<(List<JsonNode> Items, int Pages, int EmptyWithMore, string LastToken)> StreamAsync(HttpClient client, string types)
    {
        var token = (string)(await GetAsync(client, "/rest/v1/activities/pagingtoken.json?sinceDatetime=2020-01-01T00:00:00Z"))["nextPageToken"]!;
        var items = new List<JsonNode>();
        int pages = 0, empty = 0;
        JsonNode page;
        do
        {
            page = await GetAsync(client, $"/rest/v1/activities.json?nextPageToken={Uri.EscapeDataString(token)}&{types}");
            Assert.True((bool)page["success"]!);
            var result = page["result"]!.AsArray();
            empty += result.Count == 0 && (bool)page["moreResult"]! ? 1 : 0;
            items.AddRange(result.Select(a => a!));
            token = (string)page["nextPageToken"]!;
            pages++;
        }
        while ((bool)page["moreResult"]!);

        return (items, pages, empty, token);
    }

    [Fact]
    public async Task Activities_PagingToken_EmptyPagesWithMoreResultAndTheLastTokenReturnsNothingNew()
    {
        var (sb, client) = await StartAsync(o => o.LeadCount = 300);
        await using var _ = sb;
        using (client)
        {
            // No lead has an Interesting Moment (46): every window comes back empty, and still with more to come.
            var none = await StreamAsync(client, "activityTypeIds=46");
            var webinars = await StreamAsync(client, "activityTypeIds=104&activityTypeIds=46");

            Assert.Empty(none.Items);
            Assert.Equal((int)Math.Ceiling(sb.Server.Marketo.ActivityCount / 1000.0), none.Pages);
            Assert.Equal(none.Pages - 1, none.EmptyWithMore);
            var expected = sb.Server.Marketo.ListLeads().Sum(l => sb.Server.Marketo.ActivitiesOf(l.Id).Count(a => a.TypeId == 104));
            Assert.Equal(expected, webinars.Items.Select(a => (long)a["id"]!).Distinct().Count());
            Assert.All(webinars.Items, a => Assert.Equal(104, (int)a["activityTypeId"]!));

            var again = await GetAsync(client, $"/rest/v1/activities.json?nextPageToken={Uri.EscapeDataString(webinars.LastToken)}&activityTypeIds=104");
            Assert.Empty(again["result"]!.AsArray());
            Assert.False((bool)again["moreResult"]!);
            Assert.False(string.IsNullOrEmpty((string?)again["nextPageToken"]));
        }
    }

    [Fact]
    public async Task SyncLeads_UpdateOnlyById_PerRecordResultsInOrderAndChangesReadBackAsLeadChanges()
    {
        var (sb, client) = await StartAsync();
        await using var _ = sb;
        using (client)
        {
            var lead = sb.Server.Marketo.ListLeads()[0];
            sb.Time.Advance(TimeSpan.FromMinutes(5));
            var since = (string)(await GetAsync(client, "/rest/v1/activities/pagingtoken.json?sinceDatetime=" + Uri.EscapeDataString(sb.Time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))))["nextPageToken"]!;
            var body = await PostJsonAsync(client, "/rest/v1/leads.json",
                $$"""{"action":"updateOnly","lookupField":"id","input":[{"id":{{lead.Id}},"leadStatus":"Working - Engaged","leadSyncScore":77},{"id":999999,"leadStatus":"New"},{"id":{{lead.Id}},"sfdcLeadId":"00Qx"},{"id":{{lead.Id}},"bogus":"x"}]}""");

            var results = body["result"]!.AsArray();
            Assert.Equal(["updated", "skipped", "skipped", "skipped"], results.Select(r => (string)r!["status"]!));
            Assert.Equal(["1004", "1018", "1006"], results.Skip(1).Select(r => (string)r!["reasons"]![0]!["code"]!));
            Assert.Equal(lead.Id, (int)results[0]!["id"]!);

            var changes = await GetAsync(client, $"/rest/v1/activities/leadchanges.json?nextPageToken={Uri.EscapeDataString(since)}&fields=leadStatus,leadSyncScore");
            var change = Assert.Single(changes["result"]!.AsArray(), a => (string?)a!["fields"]![0]!["name"] == "leadStatus");
            Assert.Equal(lead.Id, (int)change!["leadId"]!);
            Assert.Equal(13, (int)change["activityTypeId"]!);
            Assert.Equal("Working - Engaged", (string?)change["fields"]![0]!["newValue"]);
            Assert.Equal(2, changes["result"]!.AsArray().Count);

            var read = await GetAsync(client, $"/rest/v1/leads.json?filterType=id&filterValues={lead.Id}&fields=leadStatus,leadSyncScore,email");
            Assert.Equal(77, (int)read["result"]![0]!["leadSyncScore"]!);
        }
    }

    [Fact]
    public async Task Leads_ByFilter_ClosedSetOfFilterTypesDefaultFieldsAndCommaOrRepeatedValues()
    {
        var (sb, client) = await StartAsync();
        await using var _ = sb;
        using (client)
        {
            var leads = sb.Server.Marketo.ListLeads();
            var comma = await GetAsync(client, $"/rest/v1/leads.json?filterType=id&filterValues={leads[0].Id},{leads[1].Id}");
            var multi = await GetAsync(client, $"/rest/v1/leads.json?filterType=id&filterValues={leads[0].Id}&filterValues={leads[1].Id}");
            var byName = await GetAsync(client, "/rest/v1/leads.json?filterType=firstName&filterValues=Ada");
            var none = await GetAsync(client, "/rest/v1/leads.json?filterType=email&filterValues=nobody@nowhere.example");
            var bySfdc = await GetAsync(client, $"/rest/v1/leads.json?filterType=sfdcLeadId&filterValues={leads.First(l => l.Get("sfdcLeadId") is not null).Get("sfdcLeadId")}");

            Assert.Equal(2, comma["result"]!.AsArray().Count);
            Assert.Equal(comma["result"]!.ToJsonString(), multi["result"]!.ToJsonString());
            Assert.Subset(new HashSet<string> { "id", "email", "updatedAt", "createdAt", "firstName", "lastName" }, comma["result"]![0]!.AsObject().Select(p => p.Key).ToHashSet());
            Assert.Equal("1011", Code(byName));
            Assert.True((bool)none["success"]!);
            Assert.Empty(none["result"]!.AsArray());
            Assert.Single(bySfdc["result"]!.AsArray());
        }
    }

    [Fact]
    public async Task Limits_606After100CallsIn20Seconds_615Concurrency_607DailyQuota()
    {
        var (sb, client) = await StartAsync(o => (o.MarketoCallsPerTwentySeconds, o.MarketoDailyQuota) = (3, 5));
        await using var _ = sb;
        using (client)
        {
            var codes = new List<string?>();
            for (var i = 0; i < 4; i++)
                codes.Add(Code(await GetAsync(client, "/rest/v1/activities/types.json")));
            sb.Time.Advance(TimeSpan.FromSeconds(21));
            codes.Add(Code(await GetAsync(client, "/rest/v1/activities/types.json")));
            codes.Add(Code(await GetAsync(client, "/rest/v1/activities/types.json")));

            Assert.Equal([null, null, null, "606", null, "607"], codes);
            Assert.Equal(5, sb.Server.MarketoQuotaUsed);

            sb.Time.Advance(TimeSpan.FromDays(1));
            var token = await TokenAsync(sb, client); // the old one expired meanwhile (identity calls are not counted)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token["access_token"]!);
            Assert.Null(Code(await GetAsync(client, "/rest/v1/activities/types.json")));
        }
    }

    [Fact]
    public async Task Faults_InjectedCodesAnsweredAsEnvelopesAndNothingExecuted()
    {
        var (sb, client) = await StartAsync();
        await using var _ = sb;
        using (client)
        {
            var lead = sb.Server.Marketo.ListLeads()[0];
            sb.Server.InjectMarketoError("608", 1);
            var failed = await PostJsonAsync(client, "/rest/v1/leads.json", $$"""{"action":"updateOnly","lookupField":"id","input":[{"id":{{lead.Id}},"leadStatus":"Nurturing"}]}""");

            Assert.False((bool)failed["success"]!);
            Assert.Equal("608", Code(failed));
            Assert.NotEqual("Nurturing", sb.Server.Marketo.Get(lead.Id)!.Get("leadStatus"));
        }
    }

    [Fact]
    public async Task ListsAndPrograms_MembershipAndStatusProgression()
    {
        var (sb, client) = await StartAsync();
        await using var _ = sb;
        using (client)
        {
            var lists = await GetAsync(client, "/rest/v1/lists.json");
            var listId = (int)lists["result"]![0]!["id"]!;
            var program = sb.Server.Marketo.Programs()[0];
            var lead = sb.Server.Marketo.ListLeads()[0].Id;

            var added = await PostJsonAsync(client, $"/rest/v1/lists/{listId}/leads.json", $$"""{"input":[{"id":{{lead}}},{"id":999999}]}""");
            var member = await GetAsync(client, $"/rest/v1/lists/{listId}/leads/ismember.json?id={lead}");
            using var removed = await client.DeleteAsync($"/rest/v1/lists/{listId}/leads.json?id={lead}");
            var registered = await PostJsonAsync(client, $"/rest/v1/programs/{program.Id}/members/status.json", $$"""{"statusName":"Registered","input":[{"leadId":{{lead}}}]}""");
            var back = await PostJsonAsync(client, $"/rest/v1/programs/{program.Id}/members/status.json", $$"""{"statusName":"Invited","input":[{"leadId":{{lead}}}]}""");
            var unknown = await PostJsonAsync(client, $"/rest/v1/programs/{program.Id}/members/status.json", $$"""{"statusName":"Bogus","input":[{"leadId":{{lead}}}]}""");
            var members = await GetAsync(client, $"/rest/v1/leads/programs/{program.Id}.json");

            Assert.Equal(["added", "skipped"], added["result"]!.AsArray().Select(r => (string)r!["status"]!));
            Assert.Equal("memberof", (string?)member["result"]![0]!["status"]);
            Assert.Equal("removed", (string?)(await Sandbox.ReadAsync(removed))["result"]![0]!["status"]);
            Assert.Equal("created", (string?)registered["result"]![0]!["status"]);
            Assert.Equal("1037", (string?)back["result"]![0]!["reasons"]![0]!["code"]);
            Assert.Equal("1025", (string?)unknown["result"]![0]!["reasons"]![0]!["code"]);
            Assert.Equal("Registered", (string?)members["result"]![0]!["membership"]!["progressionStatus"]);
        }
    }

    [Fact]
    public async Task Describe2_MarksCrmManagedFieldsReadOnly()
    {
        var (sb, client) = await StartAsync();
        await using var _ = sb;
        using (client)
        {
            var body = await GetAsync(client, "/rest/v1/leads/describe2.json");
            var fields = body["result"]![0]!["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!);

            Assert.True((bool)fields["sfdcLeadId"]!["crmManaged"]!);
            Assert.False((bool)fields["sfdcLeadId"]!["updateable"]!);
            Assert.True((bool)fields["leadStatus"]!["updateable"]!);
        }
    }
}
