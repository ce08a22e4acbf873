using Refit;

namespace LeadSync.Connectors.Pardot.Api;

/// <summary>
/// The Account Engagement v5 endpoints LeadSync uses. Methods return the raw response so the connector, not Refit,
/// decides how errors and unreadable bodies are reported. Query parameters are built by the connector (the filter
/// names are <c>&lt;field&gt;&lt;Op&gt;</c> and a next page may carry nothing but <c>fields</c> and the token).
/// </summary>
internal interface IPardotApi
{
    [Get("/api/v5/objects/prospects")]
    Task<HttpResponseMessage> QueryProspectsAsync([Query] IDictionary<string, string> query, CancellationToken cancellationToken);

    [Get("/api/v5/objects/prospects/{id}")]
    Task<HttpResponseMessage> ReadProspectAsync(string id, [Query] IDictionary<string, string> query, CancellationToken cancellationToken);

    [Patch("/api/v5/objects/prospects/{id}")]
    Task<HttpResponseMessage> UpdateProspectAsync(string id, [Query] IDictionary<string, string> query, [Body] HttpContent body, CancellationToken cancellationToken);

    [Get("/api/v5/objects/visitor-activities")]
    Task<HttpResponseMessage> QueryVisitorActivitiesAsync([Query] IDictionary<string, string> query, CancellationToken cancellationToken);
}
