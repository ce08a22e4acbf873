using System.Text.Json.Serialization;

namespace LeadSync.Connectors.HubSpot.Api;

// Wire shapes of the HubSpot CRM v3 API, named after the OpenAPI components they follow.
// They stay internal: the rest of LeadSync only sees the port records.

/// <summary>PublicObjectSearchRequest. <c>After</c> is null (omitted) on the first page although the spec marks it required.</summary>
internal sealed record SearchRequest(
    IReadOnlyList<SearchFilterGroup> FilterGroups,
    IReadOnlyList<SearchSort> Sorts,
    IReadOnlyList<string> Properties,
    int Limit,
    string? After);

internal sealed record SearchFilterGroup(IReadOnlyList<SearchFilter> Filters);

internal sealed record SearchFilter(string PropertyName, string Operator, string? Value);

/// <summary>The spec types sorts as string[]; the documentation and every official client send objects, which HubSpot expects.</summary>
internal sealed record SearchSort(string PropertyName, string Direction);

/// <summary>BatchReadInputSimplePublicObjectId. <c>PropertiesWithHistory</c> is required by the spec: always sent empty.</summary>
internal sealed record BatchReadRequest(
    IReadOnlyList<ObjectIdInput> Inputs,
    IReadOnlyList<string> Properties,
    IReadOnlyList<string> PropertiesWithHistory,
    string? IdProperty);

internal sealed record ObjectIdInput(string Id);

/// <summary>BatchInputSimplePublicObjectBatchInput.</summary>
internal sealed record BatchUpdateRequest(IReadOnlyList<UpdateInput> Inputs);

internal sealed record UpdateInput(string Id, IReadOnlyDictionary<string, string> Properties);

internal sealed record SimplePublicObject(
    string? Id,
    Dictionary<string, string?>? Properties,
    string? CreatedAt,
    string? UpdatedAt,
    bool Archived);

internal sealed record NextPage(string? After, string? Link);

internal sealed record Paging(NextPage? Next);

internal sealed record SearchResponse(int Total, List<SimplePublicObject>? Results, Paging? Paging);

internal sealed record StandardError(
    string? Status,
    string? Category,
    string? Message,
    Dictionary<string, List<string>>? Context,
    string? Id);

/// <summary>BatchResponseSimplePublicObject(WithErrors): 200 and 207 share one shape, errors absent on 200.</summary>
internal sealed record BatchResponse(string? Status, List<SimplePublicObject>? Results, List<StandardError>? Errors, int? NumErrors);

/// <summary>The Error component plus the 429 extras (<c>policyName</c>, <c>errorType</c>) HubSpot sends.</summary>
internal sealed record ErrorBody(
    string? Status,
    string? Message,
    string? CorrelationId,
    string? Category,
    string? PolicyName,
    string? ErrorType);

internal sealed record PublicOwner(
    string? Id,
    string? Email,
    string? FirstName,
    string? LastName,
    string? Type,
    bool Archived);

internal sealed record OwnersResponse(List<PublicOwner>? Results, Paging? Paging);

internal sealed record PropertyOption(string? Label, string? Value, bool Hidden);

internal sealed record PropertyModificationMetadata(bool ReadOnlyValue);

internal sealed record PropertyDefinition(
    string? Name,
    string? Type,
    string? FieldType,
    bool? Calculated,
    PropertyModificationMetadata? ModificationMetadata,
    List<PropertyOption>? Options);

internal sealed record PropertiesResponse(List<PropertyDefinition>? Results);

/// <summary>Lists v3 <c>PublicObjectList</c>, the parts LeadSync reads.</summary>
internal sealed record ListDefinition(string? ListId, string? Name, string? ObjectTypeId, string? ProcessingType, long? Size);

internal sealed record ListFetchResponse(ListDefinition? List);

/// <summary>Lists v3 <c>MembershipsUpdateResponse</c>; the spec spells the added ids <c>recordsIdsAdded</c>.</summary>
internal sealed record MembershipsUpdateResponse(
    List<string>? RecordIdsMissing,
    List<string>? RecordIdsRemoved,
    [property: JsonPropertyName("recordsIdsAdded")] List<string>? RecordsIdsAdded);

internal sealed record ListMember(string? RecordId, string? MembershipTimestamp);

internal sealed record ListMembershipsResponse(List<ListMember>? Results, Paging? Paging, long? Total);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(BatchReadRequest))]
[JsonSerializable(typeof(BatchUpdateRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(OwnersResponse))]
[JsonSerializable(typeof(PropertiesResponse))]
[JsonSerializable(typeof(ListFetchResponse))]
[JsonSerializable(typeof(MembershipsUpdateResponse))]
[JsonSerializable(typeof(ListMembershipsResponse))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class HubSpotJsonContext : JsonSerializerContext;
