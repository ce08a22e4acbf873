namespace LeadSync.Domain.Planning;

/// <summary>
/// The two roles LeadSync keeps in step. Which product plays a role (HubSpot, Marketo, Pardot as the marketing
/// platform; Salesforce as the CRM) is the connectors' business: the domain and the engine only know the role.
/// </summary>
public enum SystemRole
{
    Marketing,
    Crm,
}

/// <summary>What matching needs of a record on either side: its id, email, the link it stores and when it changed.</summary>
public interface IPersonRecord
{
    string Id { get; }

    string? Email { get; }

    /// <summary>The other system's id as stored on this record (the cross-reference), if any.</summary>
    string? CounterpartId { get; }

    DateTimeOffset ModifiedAt { get; }
}

/// <summary>
/// A person in the marketing platform, in the engine's terms. The connector fills the typed fields from its own
/// vendor's names and formats; <see cref="Fields"/> holds every value it read, by the vendor's field name, for the
/// rules an admin configured (scoring, mappings, routing), which name vendor fields on purpose.
/// </summary>
/// <param name="CrmId">The CRM record this person is linked to, as stored on the marketing side (the cross-reference).</param>
/// <param name="Score">
/// The unified score as last written to the platform, read from LeadSync's own score field (null when blank or when the
/// platform has none configured) — never the platform's own score (HubSpot's <c>hubspotscore</c>, Pardot's <c>score</c>),
/// which may be an input of the blend and stays in <see cref="Fields"/>.
/// </param>
/// <param name="Grade">The fit grade as last written to the platform, from LeadSync's own grade field.</param>
public sealed record MarketingPerson(
    string Id,
    string? Email,
    string? FirstName,
    string? LastName,
    string? Company,
    string? Source,
    string? LeadStatus,
    string? LifecycleStage,
    string? OwnerId,
    string? CrmId,
    IReadOnlyDictionary<string, string?> Fields,
    DateTimeOffset ModifiedAt,
    string? Score = null,
    string? Grade = null) : IPersonRecord
{
    string? IPersonRecord.CounterpartId => CrmId;
}

/// <summary>A lead in the CRM, in the engine's terms (see <see cref="MarketingPerson"/>).</summary>
/// <param name="OwnerIsQueue">The owner is a queue, not a person (the connector knows its id formats).</param>
/// <param name="IsConverted">Converted leads are read-only in the CRM: LeadSync never writes to them.</param>
/// <param name="MarketingId">The marketing record this lead is linked to, as stored on the CRM side.</param>
/// <param name="Score">The unified score as last written to the CRM (null when blank).</param>
/// <param name="Grade">The fit grade as last written to the CRM.</param>
/// <param name="Opportunity">For a converted lead, the deal it became (null when none was created or it was not read).</param>
public sealed record CrmPerson(
    string Id,
    string? Email,
    string? FirstName,
    string? LastName,
    string? Company,
    string? Source,
    string? Status,
    string? OwnerId,
    bool OwnerIsQueue,
    bool IsConverted,
    string? MarketingId,
    string? Score,
    string? Grade,
    DateTimeOffset? LastActivityAt,
    IReadOnlyDictionary<string, string?> Fields,
    DateTimeOffset ModifiedAt,
    CrmOpportunity? Opportunity = null) : IPersonRecord
{
    string? IPersonRecord.CounterpartId => MarketingId;
}

/// <summary>A CRM user that can own leads (reps, managers, the integration user).</summary>
public sealed record CrmUser(string Id, string Name, string? Email, bool IsActive);

/// <summary>A CRM queue that accepts leads.</summary>
public sealed record CrmQueue(string Id, string Name, string DeveloperName);

/// <summary>An owner in the marketing platform (reps are matched to CRM users by email).</summary>
public sealed record MarketingOwner(
    string Id,
    string? Email,
    string? FirstName,
    string? LastName,
    bool Archived,
    string Type);

/// <summary>A task for a rep in the CRM: the handoff note or an SLA escalation.</summary>
/// <param name="IdempotencyKey">Stable for one handoff step, so a retried create never makes a second task.</param>
public sealed record CrmTask(
    string WhoId,
    string OwnerId,
    string Subject,
    string Priority,
    string Status,
    DateOnly ActivityDate,
    string Description,
    string? IdempotencyKey = null);
