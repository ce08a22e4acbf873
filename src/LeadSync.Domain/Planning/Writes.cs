namespace LeadSync.Domain.Planning;

/// <summary>Set the owner; a null <see cref="OwnerId"/> clears it.</summary>
public sealed record OwnerWrite(string? OwnerId);

/// <summary>
/// Set the lifecycle stage. Some platforms only move a stage forward on their own: when <see cref="MovesBack"/> is
/// true the connector uses whatever its vendor needs to move it back (HubSpot: clear, then set).
/// </summary>
public sealed record StageWrite(string Value, bool MovesBack);

/// <summary>The unified score and the fit grade, written where the connector's configuration says.</summary>
public sealed record ScoreWrite(int Score, string Grade);

/// <summary>
/// Which of LeadSync's own values the marketing platform has a field for (its connector's configured score and grade
/// fields). Vendor-neutral: the planner learns only whether to write, never where.
/// </summary>
public sealed record MarketingScoreFields(bool Score, bool Grade)
{
    public static MarketingScoreFields None { get; } = new(false, false);

    public bool Any => Score || Grade;
}

/// <summary>
/// What to change on one marketing record. <see cref="Fields"/> are mapped fields by the vendor names the admin
/// configured; the typed parts are translated by the connector. A null or empty field value clears the field.
/// </summary>
/// <param name="CrmId">Set the cross-reference to this CRM id.</param>
/// <param name="LinkCreatedCrmLead">Set the cross-reference to the id of the CRM lead this plan creates (known only once it exists).</param>
public sealed record MarketingUpdate(
    string Id,
    IReadOnlyDictionary<string, string?> Fields,
    string? LeadStatus = null,
    StageWrite? Stage = null,
    OwnerWrite? Owner = null,
    string? CrmId = null,
    bool LinkCreatedCrmLead = false,
    ScoreWrite? Score = null)
{
    public bool IsEmpty =>
        Fields.Count == 0 && LeadStatus is null && Stage is null && Owner is null && CrmId is null && !LinkCreatedCrmLead && Score is null;
}

/// <summary>What to change on one CRM lead (see <see cref="MarketingUpdate"/>).</summary>
public sealed record CrmUpdate(
    string Id,
    IReadOnlyDictionary<string, string?> Fields,
    string? Status = null,
    OwnerWrite? Owner = null,
    string? MarketingId = null,
    ScoreWrite? Score = null)
{
    public bool IsEmpty => Fields.Count == 0 && Status is null && Owner is null && MarketingId is null && Score is null;
}

/// <summary>
/// Create a CRM lead for a marketing-only person handed to sales. <see cref="Key"/> is LeadSync's own key for the
/// person: connectors create by it idempotently (an upsert on an external id), so a retried create never duplicates.
/// </summary>
public sealed record CrmLeadCreate(
    string Key,
    string? Email,
    string? FirstName,
    string LastName,
    string Company,
    string Status,
    string OwnerId,
    string? MarketingId,
    ScoreWrite Score,
    IReadOnlyDictionary<string, string?> Fields);

/// <summary>
/// The result of one input of a batched write, in the order of the inputs. <see cref="ErrorCode"/> is the API's own
/// code. <see cref="Created"/> tells an idempotent create that made the record from one that found it.
/// </summary>
public sealed record WriteOutcome(string? Id, bool Success, string? ErrorCode = null, string? Message = null, bool Created = false)
{
    /// <summary>
    /// Nobody knows whether the write landed: its answer was lost or unreadable, or the call failed for a reason that is
    /// not about the record (the retries ran out, the daily allowance). Not a failure of the record: whoever executes
    /// the plan reads the record back to find out, and a write that is still not confirmed is simply written again later.
    /// </summary>
    public bool IsUnknown { get; init; }

    public static WriteOutcome Ok(string id) => new(id, true);

    /// <summary>An outcome nobody knows (see <see cref="IsUnknown"/>), with the reason the answer is missing.</summary>
    public static WriteOutcome Unknown(string? id, string code, string message) => new(id, false, code, message) { IsUnknown = true };
}
