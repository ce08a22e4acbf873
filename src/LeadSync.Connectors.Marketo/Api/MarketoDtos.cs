using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LeadSync.Connectors.Marketo.Api;

// Wire shapes of the Marketo REST API, named after the Swagger definitions they follow (ResponseOf*, Activity,
// LeadChange, SyncLeadRequest, Error). Internal: the rest of LeadSync only sees the port records.

/// <summary>Error: <c>code</c> is a string in the spec (Warning codes are integers, and not read here).</summary>
internal sealed record MarketoError(string? Code, string? Message);

/// <summary>A per-record reason (1xxx codes) of a skipped record.</summary>
internal sealed record MarketoReason(string? Code, string? Message);

/// <summary>What every response carries; the data calls add <c>result</c>.</summary>
internal interface IEnvelope
{
    string? RequestId { get; }

    bool Success { get; }

    List<MarketoError>? Errors { get; }
}

/// <summary>ResponseOfVoid (paging token).</summary>
internal sealed record TokenEnvelope(string? RequestId, bool Success, List<MarketoError>? Errors, string? NextPageToken) : IEnvelope;

/// <summary>ResponseOfActivity and ResponseOfLeadChange: one shape, <c>fields</c> only on lead changes.</summary>
internal sealed record ActivityEnvelope(
    string? RequestId, bool Success, List<MarketoError>? Errors, List<ActivityRecord>? Result, string? NextPageToken, bool? MoreResult) : IEnvelope;

/// <summary>Activity / LeadChange. <c>id</c> may be absent (Activity Service) and exceed int32; <c>marketoGUID</c> is the unique id.</summary>
internal sealed record ActivityRecord(
    long? Id,
    string? MarketoGuid,
    long LeadId,
    string? ActivityDate,
    int ActivityTypeId,
    string? PrimaryAttributeValue,
    List<ActivityAttribute>? Attributes);

internal sealed record ActivityAttribute(string? Name, JsonElement Value);

/// <summary>ResponseOfLead: lead records are open objects (any field the request named, absent = null).</summary>
internal sealed record LeadEnvelope(
    string? RequestId, bool Success, List<MarketoError>? Errors, List<Dictionary<string, JsonElement>>? Result, string? NextPageToken, bool? MoreResult) : IEnvelope;

/// <summary>SyncLeadRequest. Inputs are open objects typed by the field's data type (id and integers as numbers).</summary>
internal sealed record SyncLeadRequest(string Action, string LookupField, List<JsonObject> Input);

/// <summary>ResponseOfLead for Sync Leads: per input, in input order, <c>{id?, status, reasons?}</c>.</summary>
internal sealed record SyncEnvelope(string? RequestId, bool Success, List<MarketoError>? Errors, List<SyncResult>? Result) : IEnvelope;

/// <summary>The spec declares a single <c>reason</c>; real responses carry <c>reasons[]</c>: both are read.</summary>
internal sealed record SyncResult(long? Id, string? Status, List<MarketoReason>? Reasons, MarketoReason? Reason);

/// <summary>ResponseOfLeadAttribute2 (describe2).</summary>
internal sealed record DescribeEnvelope(string? RequestId, bool Success, List<MarketoError>? Errors, List<LeadObjectDescription>? Result) : IEnvelope;

internal sealed record LeadObjectDescription(string? Name, List<List<string>>? SearchableFields, List<LeadFieldDescription>? Fields);

internal sealed record LeadFieldDescription(string? Name, string? DisplayName, string? DataType, int? Length, bool? Updateable, bool? CrmManaged);

/// <summary>ResponseOfIdentity: all four fields required by the identity spec.</summary>
internal sealed record IdentityResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("scope")] string? Scope);

/// <summary>The identity endpoint's OAuth-style refusal (<c>invalid_client</c>, <c>unauthorized</c>).</summary>
internal sealed record IdentityError(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription);

/// <summary>Just enough of any envelope to classify it in the HTTP pipeline.</summary>
internal sealed record EnvelopeProbe(bool Success, List<MarketoError>? Errors);


/// <summary>ResponseOfStaticList (static lists by name).</summary>
internal sealed record StaticListEnvelope(string? RequestId, bool Success, List<MarketoError>? Errors, List<StaticListRecord>? Result, string? NextPageToken) : IEnvelope;

internal sealed record StaticListRecord(long? Id, string? Name, string? ProgramName, string? WorkspaceName);

/// <summary>ListOperationInputWrapper: the leads to add to or remove from a static list.</summary>
internal sealed record ListMembersRequest(List<ListMemberInput> Input);

internal sealed record ListMemberInput(long Id);

/// <summary>ResponseOfLeadIntoList... : a per-lead status (added, removed, skipped with reasons).</summary>
internal sealed record ListMembersEnvelope(string? RequestId, bool Success, List<MarketoError>? Errors, List<ListMemberResult>? Result) : IEnvelope;

internal sealed record ListMemberResult(long? Id, string? Status, List<MarketoReason>? Reasons);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenEnvelope))]
[JsonSerializable(typeof(StaticListEnvelope))]
[JsonSerializable(typeof(ListMembersRequest))]
[JsonSerializable(typeof(ListMembersEnvelope))]
[JsonSerializable(typeof(ActivityEnvelope))]
[JsonSerializable(typeof(LeadEnvelope))]
[JsonSerializable(typeof(SyncLeadRequest))]
[JsonSerializable(typeof(SyncEnvelope))]
[JsonSerializable(typeof(DescribeEnvelope))]
[JsonSerializable(typeof(IdentityResponse))]
[JsonSerializable(typeof(IdentityError))]
[JsonSerializable(typeof(EnvelopeProbe))]
internal sealed partial class MarketoJsonContext : JsonSerializerContext;
