using Refit;

namespace LeadSync.Connectors.Marketo.Api;

/// <summary>
/// The Marketo Lead Database endpoints LeadSync uses (paths as in Adobe's swagger-mapi.json). Methods return the raw
/// response: Marketo reports errors inside HTTP 200 envelopes, which the connector, not Refit, interprets. List
/// parameters are sent as the spec declares them (<c>collectionFormat: multi</c>, repeated keys).
/// </summary>
internal interface IMarketoApi
{
    [Get("/rest/v1/activities/pagingtoken.json")]
    Task<HttpResponseMessage> GetPagingTokenAsync(string sinceDatetime, CancellationToken cancellationToken);

    [Get("/rest/v1/activities.json")]
    Task<HttpResponseMessage> GetActivitiesAsync(
        string nextPageToken,
        [Query(CollectionFormat.Multi)] IEnumerable<int> activityTypeIds,
        [Query(CollectionFormat.Multi)] IEnumerable<long>? leadIds,
        int? batchSize,
        CancellationToken cancellationToken);

    [Get("/rest/v1/activities/leadchanges.json")]
    Task<HttpResponseMessage> GetLeadChangesAsync(
        string nextPageToken,
        [Query(CollectionFormat.Multi)] IEnumerable<string> fields,
        int? batchSize,
        CancellationToken cancellationToken);

    [Get("/rest/v1/activities/types.json")]
    Task<HttpResponseMessage> GetActivityTypesAsync(CancellationToken cancellationToken);

    [Get("/rest/v1/leads.json")]
    Task<HttpResponseMessage> GetLeadsByFilterAsync(
        string filterType,
        [Query(CollectionFormat.Multi)] IEnumerable<string> filterValues,
        [Query(CollectionFormat.Multi)] IEnumerable<string> fields,
        int? batchSize,
        string? nextPageToken,
        CancellationToken cancellationToken);

    [Post("/rest/v1/leads.json")]
    Task<HttpResponseMessage> SyncLeadsAsync([Body] SyncLeadRequest request, CancellationToken cancellationToken);

    [Get("/rest/v1/leads/describe2.json")]
    Task<HttpResponseMessage> DescribeLeadsAsync(CancellationToken cancellationToken);

    [Get("/rest/v1/lists.json")]
    Task<HttpResponseMessage> GetStaticListsAsync([Query(CollectionFormat.Multi)] IEnumerable<string> name, int? batchSize, string? nextPageToken, CancellationToken cancellationToken);

    [Post("/rest/v1/lists/{listId}/leads.json")]
    Task<HttpResponseMessage> AddToListAsync(long listId, [Body] ListMembersRequest request, CancellationToken cancellationToken);

    /// <summary>The spec requires the ids both as <c>id</c> query parameters and in the body; both are sent.</summary>
    [Delete("/rest/v1/lists/{listId}/leads.json")]
    Task<HttpResponseMessage> RemoveFromListAsync(long listId, [Query(CollectionFormat.Multi)] IEnumerable<long> id, [Body] ListMembersRequest request, CancellationToken cancellationToken);

    [Get("/rest/v1/lists/{listId}/leads.json")]
    Task<HttpResponseMessage> GetListLeadsAsync(long listId, [Query(CollectionFormat.Multi)] IEnumerable<string> fields, int? batchSize, string? nextPageToken, CancellationToken cancellationToken);
}
