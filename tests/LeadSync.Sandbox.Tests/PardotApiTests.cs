using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LeadSync.Sandbox.Tests;

/// <summary>The fake Account Engagement v5 against the facts sheet: headers, query envelope, writes, cache lag, limits.</summary>
public sealed class PardotApiTests
{
    private const string Prospects = "/api/v5/objects/prospects";

    private static async Task<(Sandbox Sandbox, HttpClient Pardot)> StartAsync(Action<SandboxOptions>? configure = null)
    {
        var sb = await Sandbox.StartAsync(configure);
        var token = await sb.SalesforceLoginAsync();
        var pardot = new HttpClient { BaseAddress = sb.Server.PardotBaseUrl };
        pardot.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        pardot.DefaultRequestHeaders.Add("Pardot-Business-Unit-Id", sb.Server.PardotBusinessUnitId);
        return (sb, pardot);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await Sandbox.ReadAsync(response));
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PatchAsync(HttpClient client, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await Sandbox.ReadAsync(response));
    }

    private static long FirstLinkedId(Sandbox sb) =>
        sb.Server.Pardot.CurrentProspects().First(p => p.GetString("salesforceId") is not null).Id;

    [Fact]
    public async Task Headers_MissingBusinessUnit_181_WrongBusinessUnit_201_MalformedBusinessUnit_182_BadToken_184()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        using var noBu = new HttpClient { BaseAddress = sb.Server.PardotBaseUrl };
        noBu.DefaultRequestHeaders.Authorization = pardot.DefaultRequestHeaders.Authorization;
        Assert.Equal(181, (int)(await GetAsync(noBu, $"{Prospects}?fields=id")).Body["code"]!);

        noBu.DefaultRequestHeaders.Add("Pardot-Business-Unit-Id", "0Uv5g000000OTHERAA");
        var wrong = await GetAsync(noBu, $"{Prospects}?fields=id");
        Assert.Equal((HttpStatusCode.BadRequest, 201), (wrong.Status, (int)wrong.Body["code"]!));

        noBu.DefaultRequestHeaders.Remove("Pardot-Business-Unit-Id");
        noBu.DefaultRequestHeaders.Add("Pardot-Business-Unit-Id", "0Uv123");
        Assert.Equal(182, (int)(await GetAsync(noBu, $"{Prospects}?fields=id")).Body["code"]!);

        sb.Server.ExpireSalesforceTokens();
        var expired = await GetAsync(pardot, $"{Prospects}?fields=id");
        Assert.Equal((HttpStatusCode.Unauthorized, 184), (expired.Status, (int)expired.Body["code"]!));
    }

    [Fact]
    public async Task SandboxStats_PardotCallsByKind_CountedAndServedUnderSandboxStats()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        var id = FirstLinkedId(sb);

        await GetAsync(pardot, $"{Prospects}?fields=id,email&limit=3");
        await GetAsync(pardot, $"{Prospects}?fields=id&limit=2");
        await GetAsync(pardot, $"{Prospects}/{id}?fields=id");
        await PatchAsync(pardot, $"{Prospects}/{id}?fields=id", """{"jobTitle":"CTO"}""");

        var stats = sb.Server.Stats;
        Assert.Equal((4L, 2L, 1L, 0L), (stats.PardotCalls, stats.PardotQueryCalls, stats.PardotWrites, stats.PardotThrottled));

        using var response = await sb.HubSpot.GetAsync("/_sandbox/stats");
        var body = await Sandbox.ReadAsync(response);
        Assert.Equal(4, (long)body["pardotCalls"]!);
        Assert.Equal(2, (long)body["pardotQueryCalls"]!);
        Assert.Equal(1, (long)body["pardotWrites"]!);
        Assert.Equal(0, (long)body["pardotThrottled"]!);
        Assert.Equal(0, (long)body["marketoCalls"]!);
        Assert.Equal(2, (long)body["endpoints"]!["GET /api/{v}/objects/prospects"]!["calls"]!);
        Assert.Equal(1, (long)body["endpoints"]!["PATCH /api/{v}/objects/prospects/{id}"]!["calls"]!);
    }

    [Fact]
    public async Task SandboxStats_DailyLimitMet_CountedAsThrottled()
    {
        var (sb, pardot) = await StartAsync(o => o.PardotDailyLimit = 1);
        await using var _ = sb;

        await GetAsync(pardot, $"{Prospects}?fields=id&limit=1");
        var refused = await GetAsync(pardot, $"{Prospects}?fields=id&limit=1");

        Assert.Equal(122, (int)refused.Body["code"]!);
        Assert.Equal((2L, 1L, 1L), (sb.Server.Stats.PardotCalls, sb.Server.Stats.PardotQueryCalls, sb.Server.Stats.PardotThrottled));
    }

    [Fact]
    public async Task Query_FieldsRequired_OnlyRequestedFieldsComeBack()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;

        Assert.Equal(36, (int)(await GetAsync(pardot, Prospects)).Body["code"]!);
        Assert.Equal(224, (int)(await GetAsync(pardot, $"{Prospects}?fields=id,nosuchfield")).Body["code"]!);
        var ok = await GetAsync(pardot, $"{Prospects}?fields=id,email&limit=3");

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var values = ok.Body["values"]!.AsArray();
        Assert.Equal(3, values.Count);
        Assert.All(values, v => Assert.Equal(["email", "id"], v!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)));
        Assert.NotNull((string?)ok.Body["nextPageToken"]);
    }

    [Fact]
    public async Task Query_NextPageToken_OnlyFieldsMayAccompanyIt_PagesCoverEveryProspectOnce()
    {
        var (sb, pardot) = await StartAsync(o => o.LeadCount = 30);
        await using var _ = sb;
        var ids = new List<long>();
        var (status, body) = await GetAsync(pardot, $"{Prospects}?fields=id,updatedAt&orderBy=updatedAt,id&limit=7");
        Assert.Equal(HttpStatusCode.OK, status);
        while (true)
        {
            ids.AddRange(body["values"]!.AsArray().Select(v => (long)v!["id"]!));
            if ((string?)body["nextPageToken"] is not { } token)
                break;
            var refused = await GetAsync(pardot, $"{Prospects}?fields=id&limit=7&nextPageToken={token}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            (status, body) = await GetAsync(pardot, $"{Prospects}?fields=id,updatedAt&nextPageToken={token}");
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Equal(sb.Server.Pardot.CurrentProspects().Count(p => !p.IsDeleted), ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(211, (int)(await GetAsync(pardot, $"{Prospects}?fields=id&nextPageToken=nonsense")).Body["code"]!);
    }

    [Fact]
    public async Task Query_TokenOlderThanFourHours_210()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        var token = (string)(await GetAsync(pardot, $"{Prospects}?fields=id&limit=1")).Body["nextPageToken"]!;

        sb.Time.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));

        Assert.Equal(210, (int)(await GetAsync(pardot, $"{Prospects}?fields=id&nextPageToken={token}")).Body["code"]!);
    }

    [Fact]
    public async Task Query_SequenceCap_LastPageHasNoTokenAndWarning203()
    {
        var (sb, pardot) = await StartAsync(o => { o.LeadCount = 30; o.PardotTokenSequenceCap = 10; });
        await using var _ = sb;
        using var first = await pardot.GetAsync($"{Prospects}?fields=id&limit=6");
        var token = (string)(await Sandbox.ReadAsync(first))["nextPageToken"]!;

        using var second = await pardot.GetAsync($"{Prospects}?fields=id&nextPageToken={token}");
        var body = await Sandbox.ReadAsync(second);

        Assert.Equal(4, body["values"]!.AsArray().Count);
        Assert.Null((string?)body["nextPageToken"]);
        Assert.StartsWith("203;", second.Headers.GetValues("Pardot-Warning").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_FiltersOnMoreThanThreeFields_209_UnencodedPlus_Refused()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;

        var many = await GetAsync(pardot, $"{Prospects}?fields=id&idGreaterThan=1&createdAtAfter=2020-01-01&updatedAtAfter=2020-01-01&lastActivityAtAfter=2020-01-01");
        Assert.Equal(209, (int)many.Body["code"]!);
        var plus = await GetAsync(pardot, $"{Prospects}?fields=id&updatedAtAfterOrEqualTo=2026-11-20T00:00:00+00:00");
        Assert.Equal(HttpStatusCode.BadRequest, plus.Status);
        var encoded = await GetAsync(pardot, $"{Prospects}?fields=id&updatedAtAfterOrEqualTo=2020-11-20T00:00:00%2B00:00");
        Assert.Equal(HttpStatusCode.OK, encoded.Status);
    }

    [Fact]
    public async Task Query_ByEmail_ReturnsEveryProspectSharingIt()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        var shared = sb.Server.Pardot.CurrentProspects().GroupBy(p => p.GetString("email")).First(g => g.Count() > 1);

        var body = (await GetAsync(pardot, $"{Prospects}?fields=id,email,salesforceId&email={Uri.EscapeDataString(shared.Key!)}")).Body;

        Assert.Equal(shared.Select(p => p.Id).Order(), body["values"]!.AsArray().Select(v => (long)v!["id"]!).Order());
        Assert.Single(body["values"]!.AsArray(), v => v!["salesforceId"] is not null);
    }

    [Fact]
    public async Task Update_ChangesOnlyTheGivenFields_ReadsSeeItOnlyAfterTheCacheLag()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        var id = FirstLinkedId(sb);
        var before = (await GetAsync(pardot, $"{Prospects}/{id}?fields=id,jobTitle,score,company")).Body;

        sb.Time.Advance(TimeSpan.FromSeconds(5));
        var patched = await PatchAsync(pardot, $"{Prospects}/{id}?fields=id,jobTitle,updatedAt", """{"jobTitle":"CTO","score":61}""");
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("CTO", (string?)patched.Body["jobTitle"]);
        Assert.EndsWith("-04:00", (string)patched.Body["updatedAt"]!, StringComparison.Ordinal);

        var stale = (await GetAsync(pardot, $"{Prospects}/{id}?fields=id,jobTitle,score,company")).Body;
        Assert.Equal((string?)before["jobTitle"], (string?)stale["jobTitle"]);

        sb.Time.Advance(TimeSpan.FromSeconds(60));
        var fresh = (await GetAsync(pardot, $"{Prospects}/{id}?fields=id,jobTitle,score,company")).Body;
        Assert.Equal("CTO", (string?)fresh["jobTitle"]);
        Assert.Equal(61, (int)fresh["score"]!);
        Assert.Equal((string?)before["company"], (string?)fresh["company"]);
    }

    [Theory]
    [InlineData("""{"grade":"A"}""", 180)]
    [InlineData("""{"salesforceId":"00Q000000000001AAA"}""", 180)]
    [InlineData("""{"assignedToId":5}""", 180)]
    [InlineData("""{"score":"sixty"}""", 154)]
    public async Task Update_ReadOnlyOrMistypedField_Refused(string json, int code)
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;

        var result = await PatchAsync(pardot, $"{Prospects}/{FirstLinkedId(sb)}?fields=id", json);

        Assert.Equal((HttpStatusCode.BadRequest, code), (result.Status, (int)result.Body["code"]!));
    }

    [Fact]
    public async Task Update_ProspectInRecycleBin_219_AndItIsGoneFromReads()
    {
        var (sb, pardot) = await StartAsync(o => o.PardotReadCacheLag = TimeSpan.Zero);
        await using var _ = sb;
        var id = FirstLinkedId(sb);
        sb.Server.Pardot.Delete(id);

        Assert.Equal(219, (int)(await PatchAsync(pardot, $"{Prospects}/{id}?fields=id", """{"jobTitle":"CTO"}""")).Body["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(pardot, $"{Prospects}/{id}?fields=id")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(pardot, $"{Prospects}/{id}?fields=id,isDeleted&deleted=true")).Status);
    }

    [Fact]
    public async Task UpsertLatestByEmail_UpdatesTheMostRecentlyUpdatedMatch_OrCreates()
    {
        var (sb, pardot) = await StartAsync(o => o.PardotReadCacheLag = TimeSpan.Zero);
        await using var _ = sb;
        var shared = sb.Server.Pardot.CurrentProspects().GroupBy(p => p.GetString("email")).First(g => g.Count() > 1);
        var latest = shared.OrderByDescending(p => p.GetTime("updatedAt")).First();

        using var update = await pardot.PostAsync($"{Prospects}/do/upsertLatestByEmail", new StringContent(
            new JsonObject { ["matchEmail"] = shared.Key, ["prospect"] = new JsonObject { ["jobTitle"] = "VP Sales" }, ["fields"] = new JsonArray("id", "jobTitle") }.ToJsonString(),
            Encoding.UTF8, "application/json"));
        var updated = await Sandbox.ReadAsync(update);
        Assert.Equal((HttpStatusCode.OK, latest.Id), (update.StatusCode, (long)updated["id"]!));

        using var create = await pardot.PostAsync($"{Prospects}/do/upsertLatestByEmail", new StringContent(
            """{"matchEmail":"new.person@example.org","prospect":{"firstName":"New"},"fields":["id","email"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal("new.person@example.org", (string?)(await Sandbox.ReadAsync(create))["email"]);
    }

    [Fact]
    public async Task VisitorActivities_QueryByProspect_TypesFromTheWorld()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        var prospectId = sb.Server.Pardot.Activities().GroupBy(a => (long)a.Get("prospectId")!).First(g => g.Count() > 2).Key;

        var body = (await GetAsync(pardot, $"/api/v5/objects/visitor-activities?fields=id,type,prospectId,emailId,createdAt&prospectId={prospectId}&orderBy=id&limit=1000")).Body;

        var values = body["values"]!.AsArray();
        Assert.NotEmpty(values);
        Assert.All(values, v => Assert.Equal(prospectId, (long)v!["prospectId"]!));
        Assert.All(values, v => Assert.InRange((int)v!["type"]!, 1, 38));
    }

    [Fact]
    public async Task ListMemberships_AddQueryOptOutDelete_DynamicListRefused()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        var lists = (await GetAsync(pardot, "/api/v5/objects/lists?fields=id,name,isDynamic")).Body["values"]!.AsArray();
        var staticList = (long)lists.First(l => !(bool)l!["isDynamic"]! && (string)l["name"]! == "Webinar Invitees")!["id"]!;
        var dynamicList = (long)lists.First(l => (bool)l!["isDynamic"]!)!["id"]!;
        var prospect = FirstLinkedId(sb);

        using var add = await pardot.PostAsync("/api/v5/objects/list-memberships?fields=id,listId,prospectId,optedOut", new StringContent(
            new JsonObject { ["listId"] = staticList, ["prospectId"] = prospect, ["optedOut"] = false }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        var membership = (long)(await Sandbox.ReadAsync(add))["id"]!;

        using var again = await pardot.PostAsync("/api/v5/objects/list-memberships?fields=id", new StringContent(
            new JsonObject { ["listId"] = staticList, ["prospectId"] = prospect }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(membership, (long)(await Sandbox.ReadAsync(again))["id"]!);

        using var toDynamic = await pardot.PostAsync("/api/v5/objects/list-memberships?fields=id", new StringContent(
            new JsonObject { ["listId"] = dynamicList, ["prospectId"] = prospect }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, toDynamic.StatusCode);

        Assert.True((bool)(await PatchAsync(pardot, $"/api/v5/objects/list-memberships/{membership}?fields=id,optedOut", """{"optedOut":true}""")).Body["optedOut"]!);
        var members = (await GetAsync(pardot, $"/api/v5/objects/list-memberships?fields=id,prospectId&listId={staticList}")).Body["values"]!.AsArray();
        Assert.Contains(members, m => (long)m!["prospectId"]! == prospect);

        using var delete = await pardot.DeleteAsync($"/api/v5/objects/list-memberships/{membership}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task DailyLimit_Exceeded_122()
    {
        var (sb, pardot) = await StartAsync(o => o.PardotDailyLimit = 2);
        await using var _ = sb;
        await GetAsync(pardot, $"{Prospects}?fields=id");
        await GetAsync(pardot, $"{Prospects}?fields=id");

        var refused = await GetAsync(pardot, $"{Prospects}?fields=id");

        Assert.Equal(122, (int)refused.Body["code"]!);
        sb.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(pardot, $"{Prospects}?fields=id")).Status);
    }

    [Fact]
    public async Task ConcurrencyLimit_SixthInFlight_66()
    {
        var (sb, pardot) = await StartAsync(o => { o.PardotMaxConcurrentRequests = 1; o.Faults = new FaultOptions { LatencyMs = 300 }; });
        await using var _ = sb;

        // Latency holds each request in flight, so two at once exceed a limit of one; which one loses is not asserted.
        var results = await Task.WhenAll(GetAsync(pardot, $"{Prospects}?fields=id"), GetAsync(pardot, $"{Prospects}?fields=id"));

        Assert.Contains(results, r => r.Status == HttpStatusCode.BadRequest && (int)r.Body["code"]! == 66);
    }

    [Fact]
    public async Task InjectedFault_Pardot503_ThenServedNormally()
    {
        var (sb, pardot) = await StartAsync();
        await using var _ = sb;
        sb.Server.InjectFault("pardot", 503, 1);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(pardot, $"{Prospects}?fields=id")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(pardot, $"{Prospects}?fields=id")).Status);
        Assert.Equal(2, sb.Server.Stats.PardotCalls);
    }

    [Fact]
    public async Task Seed_SameWorld_LinkedByCrmId_SomeUnlinked_SomeSharingAnEmail()
    {
        await using var sb = await Sandbox.StartAsync();
        var prospects = sb.Server.Pardot.CurrentProspects();
        var linked = prospects.Where(p => p.GetString("salesforceId") is not null).ToList();

        Assert.NotEmpty(linked);
        Assert.All(linked, p => Assert.Equal(p.GetString("email"), sb.Server.Salesforce.GetLead(p.GetString("salesforceId")!)!.Email, ignoreCase: true));
        Assert.Contains(prospects, p => p.GetString("salesforceId") is null);
        Assert.Contains(prospects.GroupBy(p => p.GetString("email")), g => g.Count() > 1);
        Assert.All(linked, p => Assert.NotNull(sb.Server.HubSpot.GetContact(p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }
}
