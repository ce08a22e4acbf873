using Refit;

namespace LeadSync.Connectors.HubSpot.Api;

/// <summary>
/// The HubSpot endpoints LeadSync uses. Methods return the raw response so the connector, not Refit,
/// decides how errors and unreadable bodies are reported (as <c>ExternalApiException</c>).
/// </summary>
internal interface IHubSpotApi
{
    [Post("/crm/v3/objects/contacts/search")]
    Task<HttpResponseMessage> SearchContactsAsync([Body] SearchRequest request, CancellationToken cancellationToken);

    [Post("/crm/v3/objects/contacts/batch/read?archived=false")]
    Task<HttpResponseMessage> BatchReadContactsAsync([Body] BatchReadRequest request, CancellationToken cancellationToken);

    [Post("/crm/v3/objects/contacts/batch/update")]
    Task<HttpResponseMessage> BatchUpdateContactsAsync([Body] BatchUpdateRequest request, CancellationToken cancellationToken);

    /// <param name="archived">"true" or "false": Refit would render a bool as "False".</param>
    [Get("/crm/v3/owners")]
    Task<HttpResponseMessage> GetOwnersAsync(int limit, string? after, string archived, CancellationToken cancellationToken);

    [Get("/crm/v3/properties/contacts")]
    Task<HttpResponseMessage> GetContactPropertiesAsync(CancellationToken cancellationToken);

    /// <summary>Lists v3: a contact list (object type 0-1) by its exact name; 404 when there is none.</summary>
    [Get("/crm/v3/lists/object-type-id/0-1/name/{listName}")]
    Task<HttpResponseMessage> GetContactListByNameAsync(string listName, CancellationToken cancellationToken);

    [Put("/crm/v3/lists/{listId}/memberships/add")]
    Task<HttpResponseMessage> AddListMembershipsAsync(string listId, [Body] List<string> recordIds, CancellationToken cancellationToken);

    [Put("/crm/v3/lists/{listId}/memberships/remove")]
    Task<HttpResponseMessage> RemoveListMembershipsAsync(string listId, [Body] List<string> recordIds, CancellationToken cancellationToken);

    [Get("/crm/v3/lists/{listId}/memberships")]
    Task<HttpResponseMessage> GetListMembershipsAsync(string listId, int limit, string? after, CancellationToken cancellationToken);
}
