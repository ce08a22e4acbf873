using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeadSync.Sandbox.HubSpot;

/// <summary>
/// The part of Lists v3 (hubspot-crm-lists-v3.json) a sync needs, under /crm/v3/lists: a list by id and by name, its
/// memberships in record-id order, and adding or removing records in one call — which only MANUAL and SNAPSHOT lists
/// allow. Answers in the spec's shapes (<c>ListFetchResponse</c>, <c>MembershipsUpdateResponse</c> with its
/// <c>recordsIdsAdded</c> spelling, <c>ApiCollectionResponseJoinTimeAndRecordId</c>) and HubSpot's error body.
/// </summary>
internal static class HubSpotListsApi
{
    private const int MembershipsDefaultLimit = 100;

    // The spec gives no maximum; HubSpot's documentation caps the memberships page at 250.
    private const int MembershipsMaxLimit = 250;

    /// <summary>Handles <paramref name="rest"/> (the segments after /crm/v3/lists); false when no endpoint here matches.</summary>
    public static async Task<bool> RouteAsync(HttpContext context, string method, string[] rest, HubSpotLists lists)
    {
        switch (rest.Length)
        {
            case 4 when rest[0] == "object-type-id" && rest[2] == "name" && HttpMethods.IsGet(method):
            {
                var objectType = rest[1];
                var name = rest[3];
                if (lists.FindByName(objectType, name) is { } named)
                    await WriteListAsync(context, named);
                else
                    await HubSpotApi.ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"List does not exist with name {name} for object type {objectType}.");
                return true;
            }

            case 1 when HttpMethods.IsGet(method):
                if (lists.Get(rest[0]) is { } byId)
                    await WriteListAsync(context, byId);
                else
                    await HubSpotApi.ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"List does not exist with ID {rest[0]}.");
                return true;

            case 2 when rest[1] == "memberships" && HttpMethods.IsGet(method):
                await MembershipsAsync(context, rest[0], lists);
                return true;

            case 3 when rest[1] == "memberships" && rest[2] is "add" or "remove" && HttpMethods.IsPut(method):
                await ChangeAsync(context, rest[0], rest[2] == "add", lists);
                return true;
        }

        return false;
    }

    private static async Task MembershipsAsync(HttpContext context, string listId, HubSpotLists lists)
    {
        if (lists.Get(listId) is null)
        {
            await HubSpotApi.ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"List does not exist with ID {listId}.");
            return;
        }

        var query = context.Request.Query;
        var limit = MembershipsDefaultLimit;
        if (query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MembershipsMaxLimit))
        {
            await HubSpotApi.ErrorAsync(context, 400, "VALIDATION_ERROR", $"limit must be between 1 and {MembershipsMaxLimit}.");
            return;
        }

        long after = 0;
        if (query.TryGetValue("after", out var a) && !string.IsNullOrEmpty(a) && !long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            await HubSpotApi.ErrorAsync(context, 400, "VALIDATION_ERROR", $"Invalid after offset '{a}'.");
            return;
        }

        var list = lists.Get(listId)!;
        var page = list.Members.Where(m => m.Key > after).OrderBy(m => m.Key).Take(limit + 1).ToList();
        var more = page.Count > limit;
        if (more)
            page.RemoveAt(page.Count - 1);

        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var (recordId, joined) in page)
            {
                w.WriteStartObject();
                w.WriteString("recordId", recordId.ToString(CultureInfo.InvariantCulture));
                w.WriteString("membershipTimestamp", HubSpotFormat.Iso(joined));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("total", list.Members.Count);
            if (more)
            {
                var next = page[^1].Key.ToString(CultureInfo.InvariantCulture);
                w.WriteStartObject("paging");
                w.WriteStartObject("next");
                w.WriteString("after", next);
                w.WriteString("link", $"{context.Request.Scheme}://{context.Request.Host}/crm/v3/lists/{listId}/memberships?after={next}&limit={limit}");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }

    private static async Task ChangeAsync(HttpContext context, string listId, bool add, HubSpotLists lists)
    {
        if (lists.Get(listId) is not { } list)
        {
            await HubSpotApi.ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"List does not exist with ID {listId}.");
            return;
        }

        using var doc = await JsonResponses.ReadBodyAsync(context);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            await HubSpotApi.ErrorAsync(context, 400, "VALIDATION_ERROR", "Invalid input JSON: the body must be an array of record ids (strings).");
            return;
        }

        if (!list.TakesManualMembers)
        {
            await HubSpotApi.ErrorAsync(context, 400, "VALIDATION_ERROR",
                $"List {listId} has processingType {list.ProcessingType}: records can only be added to or removed from lists with processingType MANUAL or SNAPSHOT.");
            return;
        }

        var ids = doc.RootElement.EnumerateArray().Select(e => e.GetString()!).ToList();
        var (added, removed, missing) = add ? lists.Apply(listId, ids, []) : lists.Apply(listId, [], ids);
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            WriteIds(w, "recordIdsMissing", missing);
            WriteIds(w, "recordIdsRemoved", removed);
            WriteIds(w, "recordsIdsAdded", added);
            w.WriteEndObject();
        });
    }

    private static void WriteIds(Utf8JsonWriter w, string name, List<string> ids)
    {
        w.WriteStartArray(name);
        foreach (var id in ids)
            w.WriteStringValue(id);
        w.WriteEndArray();
    }

    private static Task WriteListAsync(HttpContext context, SandboxList list) =>
        JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("list");
            w.WriteString("listId", list.ListId);
            w.WriteNumber("listVersion", list.ListVersion);
            w.WriteString("name", list.Name);
            w.WriteString("objectTypeId", list.ObjectTypeId);
            w.WriteString("processingStatus", "COMPLETE");
            w.WriteString("processingType", list.ProcessingType);
            w.WriteString("createdAt", HubSpotFormat.Iso(list.CreatedAt));
            w.WriteString("updatedAt", HubSpotFormat.Iso(list.UpdatedAt));
            w.WriteNumber("size", list.Members.Count);
            w.WriteEndObject();
            w.WriteEndObject();
        });
}
