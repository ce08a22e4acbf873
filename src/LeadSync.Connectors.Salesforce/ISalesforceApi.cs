using System.Text.Json.Nodes;
using Refit;

namespace LeadSync.Connectors.Salesforce;

/// <summary>
/// The REST resources the connector uses, as relative paths: the instance URL is only known after the token call,
/// so <see cref="SalesforceAuthHandler"/> points each request at it. Methods return the raw response because
/// Salesforce's error arrays, limit headers and free-form records are translated by the connector itself.
/// </summary>
public interface ISalesforceApi
{
    [Get("/services/data/{version}/query")]
    Task<HttpResponseMessage> QueryAsync(
        string version,
        [AliasAs("q")] string soql,
        [Header("Sforce-Query-Options")] string queryOptions,
        CancellationToken cancellationToken);

    [Get("/services/data/{version}/query/{locator}")]
    Task<HttpResponseMessage> QueryMoreAsync(
        string version,
        string locator,
        [Header("Sforce-Query-Options")] string queryOptions,
        CancellationToken cancellationToken);

    [Patch("/services/data/{version}/composite/sobjects")]
    [Headers("Sforce-Auto-Assign: FALSE")]
    Task<HttpResponseMessage> UpdateCollectionAsync(string version, [Body] JsonObject body, CancellationToken cancellationToken);

    /// <summary>sObject Collections upsert: each record is matched on the External ID field, created when nothing matches.</summary>
    [Patch("/services/data/{version}/composite/sobjects/Lead/{externalIdField}")]
    [Headers("Sforce-Auto-Assign: FALSE")]
    Task<HttpResponseMessage> UpsertLeadCollectionAsync(string version, string externalIdField, [Body] JsonObject body, CancellationToken cancellationToken);

    [Post("/services/data/{version}/composite/sobjects")]
    [Headers("Sforce-Auto-Assign: FALSE")]
    Task<HttpResponseMessage> CreateCollectionAsync(string version, [Body] JsonObject body, CancellationToken cancellationToken);

    [Get("/services/data/{version}/sobjects/Lead/describe")]
    Task<HttpResponseMessage> DescribeLeadAsync(string version, CancellationToken cancellationToken);

    [Get("/services/data/{version}/limits")]
    Task<HttpResponseMessage> LimitsAsync(string version, CancellationToken cancellationToken);
}
