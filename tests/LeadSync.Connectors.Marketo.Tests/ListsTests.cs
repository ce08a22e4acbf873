using System.Globalization;
using System.Text.Json;
using LeadSync.Connectors.Marketo.Tests.Infrastructure;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Marketo.Tests;

/// <summary>Static list membership (facts §6), every request checked against Adobe's swagger-mapi.json.</summary>
public sealed class ListsTests
{
    private static Reply Members(Captured r, string added) =>
        Reply.Json($$"""{"requestId":"a#1","success":true,"result":[{{string.Join(",", JsonDocument.Parse(r.Body).RootElement.GetProperty("input").EnumerateArray().Select(i =>
            i.GetProperty("id").GetInt64() == 404
                ? """{"id":404,"status":"skipped","reasons":[{"code":"1004","message":"Lead not found"}]}"""
                : $$"""{"id":{{i.GetProperty("id").GetInt64()}},"status":"{{added}}"}"""))}}]}""");

    [Fact]
    public async Task FindListAsync_ByName_ExactMatchOfTheStaticLists()
    {
        using var fake = new FakeMarketo(r => r.Path == "/rest/v1/lists.json"
            ? Reply.Json("""{"requestId":"a#1","success":true,"result":[{"id":1001,"name":"Nurture - Early Stage (old)"},{"id":1002,"name":"Nurture - Early Stage","programName":"Nurture 2026"}]}""")
            : null);
        var system = fake.Connect();

        var list = await system.FindListAsync("Nurture - Early Stage", CancellationToken.None);

        Assert.Equal(new MarketingList("1002", "Nurture - Early Stage", true, "static list", null), list);
        var request = Assert.Single(fake.Rest);
        Assert.Equal(["Nurture - Early Stage"], request.All("name"));
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task FindListAsync_NoSuchList_Null()
    {
        using var fake = new FakeMarketo(r => r.Path == "/rest/v1/lists.json" ? Reply.Json("""{"requestId":"a#1","success":true,"result":[]}""") : null);
        var system = fake.Connect();

        Assert.Null(await system.FindListAsync("Nope", CancellationToken.None));
    }

    [Fact]
    public async Task AddMembersAsync_650Ids_PostsBodiesOfAtMost300AndReportsNotFoundAsMissing()
    {
        using var fake = new FakeMarketo(r => r.Path == "/rest/v1/lists/1002/leads.json" && r.Method == "POST" ? Members(r, "added") : null);
        var system = fake.Connect();
        var ids = Enumerable.Range(1, 650).Select(i => i.ToString(CultureInfo.InvariantCulture)).Append("not-a-lead").ToList();

        var change = await system.AddMembersAsync("1002", ids, CancellationToken.None);

        Assert.Equal([300, 300, 50], fake.Rest.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("input").GetArrayLength()));
        Assert.Equal(649, change.Added.Count);
        Assert.Equal(["not-a-lead", "404"], change.Missing);
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task RemoveMembersAsync_DeletesWithABody_RemovedAreReported()
    {
        using var fake = new FakeMarketo(r => r.Path == "/rest/v1/lists/1002/leads.json" && r.Method == "DELETE" ? Members(r, "removed") : null);
        var system = fake.Connect();

        var change = await system.RemoveMembersAsync("1002", ["7", "8"], CancellationToken.None);

        Assert.Equal(["7", "8"], change.Removed);
        Assert.Equal("DELETE", Assert.Single(fake.Rest).Method);
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task AddMembersAsync_ListNotFound_RejectedWithMarketosCode()
    {
        using var fake = new FakeMarketo(r => r.Path.StartsWith("/rest/v1/lists/", StringComparison.Ordinal)
            ? Reply.Json("""{"requestId":"a#1","success":false,"errors":[{"code":"1013","message":"Static list not found"}]}""")
            : null);
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => system.AddMembersAsync("9999", ["1"], CancellationToken.None));

        Assert.Equal("1013", ex.ErrorCode);
    }

    [Fact]
    public async Task GetMemberIdsAsync_TwoPages_FollowsTheNextPageToken()
    {
        using var fake = new FakeMarketo(r => r.Path == "/rest/v1/lists/1002/leads.json" && r.Method == "GET"
            ? Reply.Json(r.One("nextPageToken") == "P2"
                ? """{"requestId":"a#2","success":true,"result":[{"id":9}]}"""
                : """{"requestId":"a#1","success":true,"result":[{"id":1},{"id":3}],"nextPageToken":"P2","moreResult":true}""")
            : null);
        var system = fake.Connect();

        var members = await system.GetMemberIdsAsync("1002", CancellationToken.None);

        Assert.Equal(["1", "3", "9"], members);
        Assert.Equal(2, fake.Rest.Count);
        Spec.AssertAllValid(fake.Requests);
    }
}
