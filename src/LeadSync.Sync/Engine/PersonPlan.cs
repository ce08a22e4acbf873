using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Scoring;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>
/// Everything decided for one person in one cycle, before anything is written: the writes per system,
/// the handoff (if any) and the reasons. Built by <see cref="LeadDecider"/> (pure), applied by <see cref="BatchProcessor"/>.
/// </summary>
internal sealed class PersonPlan(Person person)
{
    public Person Person { get; } = person;

    public string LeadKey => Person.LeadKey;

    public int Score { get; set; }

    public string Grade { get; set; } = "D";

    public LeadScore ScoreDetail { get; set; }

    /// <summary>The canonical Lead Status after this cycle's decisions (null when unknown).</summary>
    public LeadStatus? Canonical { get; set; }

    /// <summary>Converted in Salesforce: LeadSync never writes to it again.</summary>
    public bool Untouchable { get; set; }

    public string? StatusBefore { get; set; }

    public string? StatusAfter { get; set; }

    public string? StageBefore { get; set; }

    public string? StageAfter { get; set; }

    /// <summary>Set when the person cannot be decided (a value no map covers, an ambiguous match): quarantined with this reason.</summary>
    public string? BlockedReason { get; set; }

    public SystemKind BlockedSystem { get; set; }

    public Dictionary<string, string?> HubSpotWrites { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string?> SalesforceWrites { get; } = new(StringComparer.Ordinal);

    /// <summary>A HubSpot-only contact handed to sales gets a Salesforce Lead created with these values.</summary>
    public Dictionary<string, string?>? SalesforceCreate { get; set; }

    /// <summary>HubSpot's lifecycle stage only moves forward: moving back is a clear now and this value in a second request.</summary>
    public string? StageAfterReset { get; set; }

    public bool NeedsOwnerContext { get; set; }

    public HandoffPlan? Handoff { get; set; }

    public bool Released { get; set; }

    public bool InSalesAfter { get; set; }

    public int CrossingsAfter { get; set; }

    public DateTimeOffset? FirstSeenAboveThresholdAt { get; set; }

    public List<string> Reasons { get; } = [];

    public bool HasWrites =>
        HubSpotWrites.Count > 0 || SalesforceWrites.Count > 0 || SalesforceCreate is not null || StageAfterReset is not null || Handoff is not null;
}

/// <summary>The handoff half of a plan: who gets the lead, why, and the note for the rep.</summary>
internal sealed class HandoffPlan
{
    public required int Crossing { get; init; }

    public required string OwnerId { get; set; }

    public string? HubSpotOwnerId { get; set; }

    public required string Team { get; init; }

    public required string Reason { get; init; }

    public string? RepEmail { get; init; }

    public required string TaskSubject { get; init; }

    public required string TaskPriority { get; init; }

    public required string TaskDescription { get; init; }

    public DateTimeOffset? SlaDueAt { get; init; }

    /// <summary>Who owns the rep's Task: the rep, or the integration user when a queue got the lead; null = no Task possible.</summary>
    public string? TaskOwnerId { get; set; }

    /// <summary>The ledger entry once begun (null in a dry run).</summary>
    public AssignmentEntry? Entry { get; set; }
}
