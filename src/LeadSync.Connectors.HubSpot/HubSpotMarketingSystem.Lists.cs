using LeadSync.Connectors.HubSpot.Api;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.HubSpot;

/// <summary>
/// <see cref="IMarketingLists"/> over Lists v3: contact lists (object type 0-1) by name, and membership add/remove in
/// calls of at most <see cref="MembershipBatchSize"/> records. Only MANUAL and SNAPSHOT lists take members through the
/// API; a DYNAMIC list is found but reported as not accepting them, so the start-up check can say so.
/// </summary>
public sealed partial class HubSpotMarketingSystem
{
    /// <summary>
    /// The spec names no maximum per call; 1,000 keeps each request small, as HubSpot recommends for its batch endpoints.
    /// </summary>
    internal const int MembershipBatchSize = 1000;

    private const int MembershipPageSize = 250;

    public async Task<MarketingList?> FindListAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ListFetchResponse response;
        try
        {
            response = await SendAsync("list by name", (api, ct) => api.GetContactListByNameAsync(name, ct), HubSpotJsonContext.Default.ListFetchResponse, cancellationToken);
        }
        catch (ExternalApiException ex) when (ex.StatusCode == 404)
        {
            return null;
        }

        if (response.List is not { ListId: { } id } list)
        {
            return null;
        }

        var kind = list.ProcessingType ?? "UNKNOWN";
        return new MarketingList(id, list.Name ?? name, kind is "MANUAL" or "SNAPSHOT", kind, list.Size);
    }

    public Task<ListMembershipChange> AddMembersAsync(string listId, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken) =>
        ChangeMembersAsync("list add", listId, personIds, (api, ids, ct) => api.AddListMembershipsAsync(listId, ids, ct), cancellationToken);

    public Task<ListMembershipChange> RemoveMembersAsync(string listId, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken) =>
        ChangeMembersAsync("list remove", listId, personIds, (api, ids, ct) => api.RemoveListMembershipsAsync(listId, ids, ct), cancellationToken);

    public async Task<IReadOnlyList<string>> GetMemberIdsAsync(string listId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listId);
        var members = new List<string>();
        string? after = null;
        do
        {
            var cursor = after;
            var page = await SendAsync("list memberships", (api, ct) => api.GetListMembershipsAsync(listId, MembershipPageSize, cursor, ct), HubSpotJsonContext.Default.ListMembershipsResponse, cancellationToken);
            members.AddRange((page.Results ?? []).Select(m => m.RecordId).OfType<string>());
            after = page.Paging?.Next?.After;
        }
        while (!string.IsNullOrEmpty(after));

        return members;
    }

    private async Task<ListMembershipChange> ChangeMembersAsync(
        string operation,
        string listId,
        IReadOnlyCollection<string> personIds,
        Func<IHubSpotApi, List<string>, CancellationToken, Task<HttpResponseMessage>> call,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listId);
        ArgumentNullException.ThrowIfNull(personIds);
        var added = new List<string>();
        var removed = new List<string>();
        var missing = new List<string>();
        foreach (var chunk in personIds.Distinct(StringComparer.Ordinal).Chunk(MembershipBatchSize))
        {
            var ids = chunk.ToList();
            var response = await SendAsync(operation, (api, ct) => call(api, ids, ct), HubSpotJsonContext.Default.MembershipsUpdateResponse, cancellationToken);
            added.AddRange(response.RecordsIdsAdded ?? []);
            removed.AddRange(response.RecordIdsRemoved ?? []);
            missing.AddRange(response.RecordIdsMissing ?? []);
        }

        return new ListMembershipChange(added, removed, missing);
    }
}
