using System.Globalization;
using System.Text.Json;
using LeadSync.Connectors.Marketo.Api;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Marketo;

/// <summary>
/// <see cref="IMarketingLists"/> over Marketo static lists (facts §6): a list by name from <c>lists.json</c>, members
/// added (POST) and removed (DELETE) on <c>lists/{id}/leads.json</c> with a JSON body of at most 300 ids, each answered
/// added / removed / skipped (1004: lead not found), members read page by page. <c>lists.json</c> only returns static
/// lists, and every static list takes members through the API.
/// </summary>
public sealed partial class MarketoMarketingPlatform
{
    private const string LeadNotFound = "1004";

    public async Task<MarketingList?> FindListAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string? token = null;
        do
        {
            var cursor = token;
            var page = await SendAsync("static lists", (api, ct) => api.GetStaticListsAsync([name], BatchSize, cursor, ct), MarketoJsonContext.Default.StaticListEnvelope, cancellationToken);

            // The name filter is Marketo's; the exact match is checked here as well.
            if ((page.Result ?? []).FirstOrDefault(l => l.Id is not null && string.Equals(l.Name, name, StringComparison.Ordinal)) is { } list)
            {
                return new MarketingList(list.Id!.Value.ToString(CultureInfo.InvariantCulture), list.Name!, true, "static list", null);
            }

            token = (page.Result?.Count ?? 0) == 0 ? null : page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));

        return null;
    }

    public Task<ListMembershipChange> AddMembersAsync(string listId, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken) =>
        ChangeMembersAsync("add to list", listId, personIds, add: true, cancellationToken);

    public Task<ListMembershipChange> RemoveMembersAsync(string listId, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken) =>
        ChangeMembersAsync("remove from list", listId, personIds, add: false, cancellationToken);

    public async Task<IReadOnlyList<string>> GetMemberIdsAsync(string listId, CancellationToken cancellationToken)
    {
        var id = ListId(listId);
        var members = new List<string>();
        string? token = null;
        do
        {
            var cursor = token;
            var page = await SendAsync("list members", (api, ct) => api.GetListLeadsAsync(id, ["id"], BatchSize, cursor, ct), MarketoJsonContext.Default.LeadEnvelope, cancellationToken);
            foreach (var lead in page.Result ?? [])
            {
                if (lead.TryGetValue("id", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var leadId))
                {
                    members.Add(leadId.ToString(CultureInfo.InvariantCulture));
                }
            }

            // A page may be short while more follow; an empty page with a token ends the walk here (no progress).
            token = (page.Result?.Count ?? 0) == 0 ? null : page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));

        return members;
    }

    private async Task<ListMembershipChange> ChangeMembersAsync(string operation, string listId, IReadOnlyCollection<string> personIds, bool add, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        var id = ListId(listId);
        var added = new List<string>();
        var removed = new List<string>();
        var missing = new List<string>();
        var numeric = new List<long>();
        foreach (var person in personIds.Distinct(StringComparer.Ordinal))
        {
            if (long.TryParse(person, NumberStyles.None, CultureInfo.InvariantCulture, out var leadId))
            {
                numeric.Add(leadId);
            }
            else
            {
                missing.Add(person);
            }
        }

        foreach (var chunk in numeric.Chunk(BatchSize))
        {
            var request = new ListMembersRequest([.. chunk.Select(i => new ListMemberInput(i))]);
            var response = add
                ? await SendAsync(operation, (api, ct) => api.AddToListAsync(id, request, ct), MarketoJsonContext.Default.ListMembersEnvelope, cancellationToken)
                : await SendAsync(operation, (api, ct) => api.RemoveFromListAsync(id, chunk, request, ct), MarketoJsonContext.Default.ListMembersEnvelope, cancellationToken);
            foreach (var result in response.Result ?? [])
            {
                var text = result.Id?.ToString(CultureInfo.InvariantCulture);
                if (text is null)
                {
                    continue;
                }

                switch (result.Status)
                {
                    case "added":
                        added.Add(text);
                        break;
                    case "removed":
                        removed.Add(text);
                        break;
                    case "skipped" when result.Reasons?.Exists(r => r.Code == LeadNotFound) == true:
                        missing.Add(text);
                        break;
                }
            }
        }

        // An id sent twice (query and body) may be answered twice: each is reported once.
        return new ListMembershipChange([.. added.Distinct(StringComparer.Ordinal)], [.. removed.Distinct(StringComparer.Ordinal)], [.. missing.Distinct(StringComparer.Ordinal)]);
    }

    private static long ListId(string listId) =>
        long.TryParse(listId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException($"'{listId}' is not a Marketo static list id", nameof(listId));
}
