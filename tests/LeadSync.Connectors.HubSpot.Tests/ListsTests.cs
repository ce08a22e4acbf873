using System.Net.Http.Headers;
using System.Text.Json;
using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Sandbox;
using LeadSync.Sandbox.HubSpot;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Connectors.HubSpot.Tests;

/// <summary>The Lists v3 port: request shapes against a scripted server, and the whole round trip against the sandbox.</summary>
public sealed class ListsTests
{
    private static readonly SpecValidator Lists = SpecValidator.Load("hubspot-crm-lists-v3.json");

    private const string ManualList = """{"list":{"listId":"12","listVersion":3,"name":"Nurture - EMEA","objectTypeId":"0-1","processingStatus":"COMPLETE","processingType":"MANUAL","size":40}}""";

    [Fact]
    public async Task FindListAsync_ByName_AsksForTheContactListByName()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(ManualList));
        var system = fake.Connect();

        var list = await system.FindListAsync("Nurture - EMEA", CancellationToken.None);

        Assert.Equal(new MarketingList("12", "Nurture - EMEA", true, "MANUAL", 40), list);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("GET", request.Method);
        // WireMock reports the path decoded; the sandbox round trip below covers the escaping over real HTTP.
        Assert.Equal("/crm/v3/lists/object-type-id/0-1/name/Nurture - EMEA", request.Path);
        Assert.Empty(Lists.Validate(ManualList, "ListFetchResponse"));
    }

    [Fact]
    public async Task FindListAsync_NotFound_Null()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json("""{"status":"error","message":"List does not exist","correlationId":"6c4c1a7e-0b0b-4b8e-9d39-8a3c2f1e2a11","category":"OBJECT_NOT_FOUND"}""", 404));
        var system = fake.Connect();

        Assert.Null(await system.FindListAsync("Nope", CancellationToken.None));
    }

    [Fact]
    public async Task FindListAsync_DynamicList_FoundButTakesNoManualMembers()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(ManualList.Replace("\"MANUAL\"", "\"DYNAMIC\"", StringComparison.Ordinal)));
        var system = fake.Connect();

        var list = await system.FindListAsync("Nurture - EMEA", CancellationToken.None);

        Assert.False(list!.AcceptsManualMembers);
        Assert.Equal("DYNAMIC", list.Kind);
    }

    [Fact]
    public async Task AddMembersAsync_MoreThanOneBatch_PutsArraysOfAtMost1000DistinctIdsAndMergesTheAnswers()
    {
        using var fake = new FakeHubSpot(request =>
        {
            var ids = JsonSerializer.Deserialize<List<string>>(request.Body)!;
            return Reply.Json(JsonSerializer.Serialize(new Dictionary<string, List<string>>
            {
                ["recordIdsMissing"] = [.. ids.Where(i => i == "7")],
                ["recordIdsRemoved"] = [],
                ["recordsIdsAdded"] = [.. ids.Where(i => i != "7")],
            }));
        });
        var system = fake.Connect();
        var ids = Enumerable.Range(1, 2300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("5").ToList();

        var change = await system.AddMembersAsync("12", ids, CancellationToken.None);

        Assert.Equal([1000, 1000, 300], fake.Requests.Select(r => JsonSerializer.Deserialize<List<string>>(r.Body)!.Count));
        Assert.All(fake.Requests, r => Assert.Equal(("PUT", "/crm/v3/lists/12/memberships/add"), (r.Method, r.Path)));
        Assert.Equal(2299, change.Added.Count);
        Assert.Equal(["7"], change.Missing);
        Assert.Empty(change.Removed);
    }

    [Fact]
    public async Task RemoveMembersAsync_DynamicListRefused_RejectedErrorWithHubSpotMessage()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json("""{"status":"error","message":"List 12 has processingType DYNAMIC","correlationId":"6c4c1a7e-0b0b-4b8e-9d39-8a3c2f1e2a11","category":"VALIDATION_ERROR"}""", 400));
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => system.RemoveMembersAsync("12", ["1"], CancellationToken.None));

        Assert.Equal(ApiErrorKind.Rejected, ex.Kind);
        Assert.Equal("PUT", fake.Requests[0].Method);
        Assert.Equal("/crm/v3/lists/12/memberships/remove", fake.Requests[0].Path);
        Assert.Contains("DYNAMIC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMembersAsync_NoIds_NoCall()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json("{}"));
        var system = fake.Connect();

        var change = await system.AddMembersAsync("12", [], CancellationToken.None);

        Assert.Empty(change.Added);
        Assert.Empty(change.Missing);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task GetMemberIdsAsync_TwoPages_FollowsAfterWithTheSpecsLimit()
    {
        using var fake = new FakeHubSpot(request => Reply.Json(request.Query.Contains("after=3", StringComparison.Ordinal)
            ? """{"results":[{"recordId":"9","membershipTimestamp":"2026-11-20T09:00:00Z"}],"total":3}"""
            : """{"results":[{"recordId":"1","membershipTimestamp":"2026-11-20T09:00:00Z"},{"recordId":"3","membershipTimestamp":"2026-11-20T09:00:00Z"}],"total":3,"paging":{"next":{"after":"3"}}}"""));
        var system = fake.Connect();

        var members = await system.GetMemberIdsAsync("12", CancellationToken.None);

        Assert.Equal(["1", "3", "9"], members);
        Assert.Equal(2, fake.Requests.Count);
        Assert.All(fake.Requests, r => Assert.Equal("/crm/v3/lists/12/memberships", r.Path));
        Assert.Contains("limit=250", fake.Requests[0].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoundTrip_AgainstTheSandbox_FindAddRemoveAndReadMembersAndAHandRemoval()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { LeadCount = 40, Seed = 16 });
        var created = sandbox.HubSpot.Lists.CreateList("Nurture - EMEA");
        sandbox.HubSpot.Lists.CreateList("Active", HubSpotLists.Dynamic);
        var slashed = sandbox.HubSpot.Lists.CreateList("Recycled / EMEA & more?");
        var ids = sandbox.HubSpot.ListContacts().Where(c => !c.Archived).Take(5).Select(c => c.Id).ToList();
        await using var provider = BuildAgainst(sandbox);
        IMarketingLists lists = (HubSpotMarketingSystem)provider.GetRequiredKeyedService<IMarketingPlatform>(FakeHubSpot.Connection);

        var found = await lists.FindListAsync("Nurture - EMEA", CancellationToken.None);
        var dynamic = await lists.FindListAsync("Active", CancellationToken.None);
        var none = await lists.FindListAsync("nurture - emea", CancellationToken.None);
        var odd = await lists.FindListAsync("Recycled / EMEA & more?", CancellationToken.None);
        var added = await lists.AddMembersAsync(created.ListId, [.. ids, "999999999"], CancellationToken.None);
        var again = await lists.AddMembersAsync(created.ListId, ids, CancellationToken.None);
        var removed = await lists.RemoveMembersAsync(created.ListId, [ids[0]], CancellationToken.None);
        sandbox.HubSpot.Lists.RemoveByHand(created.ListId, ids[1]);
        var members = await lists.GetMemberIdsAsync(created.ListId, CancellationToken.None);

        Assert.Equal(new MarketingList(created.ListId, "Nurture - EMEA", true, "MANUAL", 0), found);
        Assert.False(dynamic!.AcceptsManualMembers);
        Assert.Null(none);
        Assert.Equal(slashed.ListId, odd?.Id);
        Assert.Equal(ids.Order(), added.Added.Order());
        Assert.Equal(["999999999"], added.Missing);
        Assert.Empty(again.Added);
        Assert.Equal([ids[0]], removed.Removed);
        Assert.Equal(ids.Skip(2).Order(), members.Order());
        var refused = await Assert.ThrowsAsync<ExternalApiException>(() => lists.AddMembersAsync(dynamic.Id, ids, CancellationToken.None));
        Assert.Equal(ApiErrorKind.Rejected, refused.Kind);
    }

    [Fact]
    public async Task SandboxAnswers_MatchTheListsSpec()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { LeadCount = 10, Seed = 16 });
        var list = sandbox.HubSpot.Lists.CreateList("Nurture");
        var id = sandbox.HubSpot.ListContacts().First(c => !c.Archived).Id;
        sandbox.HubSpot.Lists.AddByHand(list.ListId, id);
        using var http = new HttpClient { BaseAddress = sandbox.HubSpotBaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sandbox.HubSpotAccessToken);

        var byName = await http.GetStringAsync("/crm/v3/lists/object-type-id/0-1/name/Nurture");
        var byId = await http.GetStringAsync($"/crm/v3/lists/{list.ListId}");
        var members = await http.GetStringAsync($"/crm/v3/lists/{list.ListId}/memberships?limit=1");
        using var put = await http.PutAsync($"/crm/v3/lists/{list.ListId}/memberships/remove", new StringContent($"[\"{id}\"]", System.Text.Encoding.UTF8, "application/json"));
        var removed = await put.Content.ReadAsStringAsync();

        Assert.Empty(Lists.Validate(byName, "ListFetchResponse"));
        Assert.Empty(Lists.Validate(byId, "ListFetchResponse"));
        Assert.Empty(Lists.Validate(members, "ApiCollectionResponseJoinTimeAndRecordId"));
        Assert.Empty(Lists.Validate(removed, "MembershipsUpdateResponse"));
    }

    private static ServiceProvider BuildAgainst(SandboxServer sandbox)
    {
        var options = FakeHubSpot.FastOptions(sandbox.HubSpotBaseUrl.ToString().TrimEnd('/'));
        options.AccessToken = sandbox.HubSpotAccessToken;
        var services = new ServiceCollection();
        services.AddHubSpotConnector(FakeHubSpot.Connection, options);
        return services.BuildServiceProvider();
    }
}
