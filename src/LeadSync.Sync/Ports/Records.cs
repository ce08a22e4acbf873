namespace LeadSync.Sync.Ports;

/// <summary>The two systems LeadSync keeps in step.</summary>
public enum SystemKind
{
    HubSpot,
    Salesforce,
}

/// <summary>
/// Position in a system's change stream: the next read returns records modified at or after
/// <see cref="ModifiedAt"/> (minus the engine's overlap window); <see cref="LastId"/> breaks ties
/// when many records share one timestamp.
/// </summary>
public sealed record ChangeCursor(DateTimeOffset ModifiedAt, string? LastId)
{
    public static ChangeCursor Beginning { get; } = new(DateTimeOffset.UnixEpoch, null);
}

/// <summary>A HubSpot contact as the domain sees it: every property value is a string (or null when absent).</summary>
public sealed record MarketingContact(
    string Id,
    IReadOnlyDictionary<string, string?> Properties,
    DateTimeOffset ModifiedAt,
    bool Archived = false)
{
    public string? Email => Properties.TryGetValue("email", out var email) ? email : null;
}

/// <summary>A Salesforce Lead as the domain sees it: field values rendered as invariant strings ("true"/"false", "42").</summary>
public sealed record CrmLead(
    string Id,
    IReadOnlyDictionary<string, string?> Fields,
    DateTimeOffset ModifiedAt)
{
    public string? Email => Get("Email");
    public string? OwnerId => Get("OwnerId");
    public string? Status => Get("Status");
    public bool IsConverted => string.Equals(Get("IsConverted"), "true", StringComparison.OrdinalIgnoreCase);

    private string? Get(string field) => Fields.TryGetValue(field, out var value) ? value : null;
}

/// <summary>Set these values on one existing record. A null or empty value clears the field.</summary>
public sealed record RecordUpdate(string Id, IReadOnlyDictionary<string, string?> Values);

/// <summary>Create one record. <see cref="ClientKey"/> lets the caller tie the outcome back to its own lead.</summary>
public sealed record RecordCreate(string ClientKey, IReadOnlyDictionary<string, string?> Values);

/// <summary>
/// The result of one input of a batched write, in the order of the inputs.
/// <see cref="ErrorCode"/> is the API's own code (HubSpot category, Salesforce statusCode).
/// </summary>
public sealed record WriteOutcome(string? Id, bool Success, string? ErrorCode = null, string? Message = null)
{
    public static WriteOutcome Ok(string id) => new(id, true);
}

/// <summary>A Salesforce Task for a rep: the handoff note or an SLA escalation.</summary>
public sealed record CrmTask(
    string WhoId,
    string OwnerId,
    string Subject,
    string Priority,
    string Status,
    DateOnly ActivityDate,
    string Description);

public sealed record CrmUser(string Id, string Name, string? Email, bool IsActive);

public sealed record CrmQueue(string Id, string Name, string DeveloperName);

public sealed record MarketingOwner(
    string Id,
    string? Email,
    string? FirstName,
    string? LastName,
    bool Archived,
    string Type);

/// <summary>Metadata of one HubSpot property or Salesforce Lead field, for checking mappings at start.</summary>
public sealed record FieldMetadata(
    string Name,
    string Type,
    bool Writable,
    IReadOnlyList<string> AllowedValues);

/// <summary>An org's or portal's daily API allowance as last observed.</summary>
public sealed record ApiQuota(long Max, long Remaining)
{
    public double UsedShare => Max <= 0 ? 0 : (double)(Max - Remaining) / Max;
}
