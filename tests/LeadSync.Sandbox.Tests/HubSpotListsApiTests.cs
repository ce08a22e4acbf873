using System.Net;
using System.Net.Http.Json;
using LeadSync.Sandbox.HubSpot;

namespace LeadSync.Sandbox.Tests;

/// <summary>The fake's Lists v3 endpoints as hubspot-crm-lists-v3.json describes them.</summary>
public sealed class HubSpotListsApiTests
{
    private static string[] ContactIds(Sandbox sb, int count) =>
        [.. sb.Server.HubSpot.ListContacts().Where(c => !c.Archived).Take(count).Select(c => c.Id)];

    [Fact]
    public async Task GetByName_ExistingManualList_ListFetchResponseWithTypeAndSize()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Nurture - EMEA");

        var body = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync("/crm/v3/lists/object-type-id/0-1/name/" + Uri.EscapeDataString("Nurture - EMEA")));

        var fetched = body["list"]!;
        Assert.Equal(list.ListId, (string?)fetched["listId"]);
        Assert.Equal("Nurture - EMEA", (string?)fetched["name"]);
        Assert.Equal("0-1", (string?)fetched["objectTypeId"]);
        Assert.Equal("MANUAL", (string?)fetched["processingType"]);
        Assert.Equal("COMPLETE", (string?)fetched["processingStatus"]);
        Assert.Equal(1, (int?)fetched["listVersion"]);
        Assert.Equal(0, (long?)fetched["size"]);
    }

    [Fact]
    public async Task GetByName_UnknownNameOrOtherObjectType_404WithHubSpotErrorBody()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.HubSpot.Lists.CreateList("Nurture");

        using var unknown = await sb.HubSpot.GetAsync("/crm/v3/lists/object-type-id/0-1/name/Nope");
        using var otherType = await sb.HubSpot.GetAsync("/crm/v3/lists/object-type-id/0-2/name/Nurture");
        using var otherCase = await sb.HubSpot.GetAsync("/crm/v3/lists/object-type-id/0-1/name/nurture");

        foreach (var response in new[] { unknown, otherType, otherCase })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var body = await Sandbox.ReadAsync(response);
            Assert.Equal("OBJECT_NOT_FOUND", (string?)body["category"]);
            Assert.True(Guid.TryParse((string?)body["correlationId"], out _));
        }
    }

    [Fact]
    public async Task Add_NewExistingAndMissingRecords_ReportsEachAndIgnoresMembers()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Nurture");
        var ids = ContactIds(sb, 3);

        var first = await Sandbox.ReadAsync(await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/add", new[] { ids[0], ids[1] }));
        var second = await Sandbox.ReadAsync(await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/add", new[] { ids[1], ids[2], "999999999", "not-a-number" }));

        Assert.Equal([ids[0], ids[1]], first["recordsIdsAdded"]!.AsArray().Select(n => (string)n!));
        Assert.Empty(first["recordIdsMissing"]!.AsArray());
        Assert.Empty(first["recordIdsRemoved"]!.AsArray());
        Assert.Equal([ids[2]], second["recordsIdsAdded"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["999999999", "not-a-number"], second["recordIdsMissing"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(ids.Select(long.Parse).Order().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), sb.Server.HubSpot.Lists.MemberIds(list.ListId));
        Assert.Equal(3, sb.Server.HubSpot.Lists.Get(list.ListId)!.ListVersion);
        Assert.Equal(3, sb.Server.HubSpot.Lists.MembershipChanges);
    }

    [Fact]
    public async Task Remove_MembersAndNonMembers_RemovesOnlyMembers()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Nurture", HubSpotLists.Snapshot);
        var ids = ContactIds(sb, 3);
        sb.Server.HubSpot.Lists.AddByHand(list.ListId, ids[0]);
        sb.Server.HubSpot.Lists.AddByHand(list.ListId, ids[1]);

        var body = await Sandbox.ReadAsync(await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/remove", new[] { ids[0], ids[2] }));

        Assert.Equal([ids[0]], body["recordIdsRemoved"]!.AsArray().Select(n => (string)n!));
        Assert.Empty(body["recordsIdsAdded"]!.AsArray());
        Assert.Equal([ids[1]], sb.Server.HubSpot.Lists.MemberIds(list.ListId));
        Assert.Equal(1, sb.Server.HubSpot.Lists.MembershipChanges);
    }

    [Fact]
    public async Task AddOrRemove_DynamicList_400AndNothingChanges()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Active leads", HubSpotLists.Dynamic);
        var ids = ContactIds(sb, 1);

        using var add = await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/add", ids);
        using var remove = await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/remove", ids);

        foreach (var response in new[] { add, remove })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("MANUAL or SNAPSHOT", (string?)(await Sandbox.ReadAsync(response))["message"], StringComparison.Ordinal);
        }

        Assert.Empty(sb.Server.HubSpot.Lists.MemberIds(list.ListId));
    }

    [Fact]
    public async Task Add_UnknownListOrBodyNotAnArrayOfStrings_404And400()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Nurture");

        using var unknown = await sb.HubSpot.PutAsJsonAsync("/crm/v3/lists/424242/memberships/add", new[] { "1" });
        using var numbers = await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/add", new[] { 1, 2 });
        using var inputs = await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/add", new { inputs = new[] { "1" } });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, numbers.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, inputs.StatusCode);
    }

    [Fact]
    public async Task Memberships_PagedByRecordIdAscending_VisitsEveryMemberOnceWithJoinTimes()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Nurture");
        var ids = ContactIds(sb, 7);
        foreach (var id in ids)
        {
            sb.Server.HubSpot.Lists.AddByHand(list.ListId, id);
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var body = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync($"/crm/v3/lists/{list.ListId}/memberships?limit=3" + (after is null ? string.Empty : "&after=" + after)));
            Assert.Equal(7, (long?)body["total"]);
            foreach (var member in body["results"]!.AsArray())
            {
                seen.Add((string)member!["recordId"]!);
                Assert.True(DateTimeOffset.TryParse((string?)member["membershipTimestamp"], System.Globalization.CultureInfo.InvariantCulture, out _));
            }

            after = (string?)body["paging"]?["next"]?["after"];
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Select(long.Parse).Order().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), seen);
    }

    [Fact]
    public async Task Memberships_LimitOutOfRangeOrUnknownList_400And404()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Nurture");

        using var tooMany = await sb.HubSpot.GetAsync($"/crm/v3/lists/{list.ListId}/memberships?limit=251");
        using var unknown = await sb.HubSpot.GetAsync("/crm/v3/lists/999/memberships");

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task RemoveByHand_WhatTheApiSeesAfterwards()
    {
        await using var sb = await Sandbox.StartAsync();
        var list = sb.Server.HubSpot.Lists.CreateList("Nurture");
        var ids = ContactIds(sb, 2);
        await sb.HubSpot.PutAsJsonAsync($"/crm/v3/lists/{list.ListId}/memberships/add", ids);

        Assert.True(sb.Server.HubSpot.Lists.RemoveByHand(list.ListId, ids[0]));
        var body = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync($"/crm/v3/lists/{list.ListId}"));

        Assert.Equal(1, (long?)body["list"]!["size"]);
        Assert.Equal([ids[1]], sb.Server.HubSpot.Lists.MemberIds(list.ListId));
        Assert.Equal(2, sb.Server.HubSpot.Lists.MembershipChanges);
    }
}
