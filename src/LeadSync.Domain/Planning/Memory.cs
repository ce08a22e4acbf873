namespace LeadSync.Domain.Planning;

/// <summary>
/// One person as LeadSync remembers them between cycles: the link between the two systems and what LeadSync last
/// saw and wrote. <see cref="LastSeenMarketing"/> / <see cref="LastSeenCrm"/> hold the values as of the last settled
/// cycle (LeadSync's own writes included), which is how echoes are recognised and a person's edit is detected. Besides
/// the vendor fields they keep the typed values under <see cref="SeenKeys"/>.
/// </summary>
public sealed record LeadRecord(
    string Connection,
    string LeadKey,
    string? MarketingId,
    string? CrmId,
    IReadOnlyDictionary<string, string?> LastSeenMarketing,
    IReadOnlyDictionary<string, string?> LastSeenCrm,
    int? Score,
    string? Grade,
    bool InSales,
    int Crossings,
    DateTimeOffset? FirstSeenAboveThresholdAt,
    DateTimeOffset UpdatedAt,
    Disqualification? Disqualified = null);

/// <summary>
/// A person said no: someone set a status with which sales hands a lead back (<c>Handoff:Recycle:Statuses</c>). LeadSync
/// keeps the status they chose and does not hand the lead off again until it re-qualifies by new engagement (its score
/// rises by <c>Handoff:Requalify:ScoreRise</c> over <see cref="Score"/>) or the cool-off (<c>Handoff:Requalify:CoolOffDays</c>) is over.
/// </summary>
/// <param name="At">When LeadSync first saw the status.</param>
/// <param name="Score">The unified score when it was seen.</param>
/// <param name="Status">The status value as the person set it (the CRM's value, or the marketing platform's when there is no CRM lead).</param>
public sealed record Disqualification(DateTimeOffset At, int Score, string Status);

/// <summary>Keys under which a lead record's last-seen values keep the typed values (vendor field names never start with '_').</summary>
public static class SeenKeys
{
    /// <summary>The modification time LeadSync settled (ISO 8601): a record not newer than this is an echo.</summary>
    public const string ModifiedAt = "_modifiedAt";

    public const string Owner = "_owner";

    public const string Status = "_status";

    public const string Stage = "_stage";

    /// <summary>The unified score the marketing platform holds in LeadSync's own field (as written or read).</summary>
    public const string Score = "_score";

    /// <summary>The fit grade the marketing platform holds in LeadSync's own field.</summary>
    public const string Grade = "_grade";

    /// <summary>The converted lead's deal as last settled (<see cref="CrmOpportunity.SeenValue"/>).</summary>
    public const string Deal = "_deal";
}

/// <summary>The steps of one handoff, written before the API writes and completed after them.</summary>
[Flags]
public enum AssignmentSteps
{
    None = 0,
    CrmOwnerWritten = 1,
    TaskCreated = 2,
    MarketingWritten = 4,
}

/// <summary>One crossing of the threshold by one lead: who it went to, why, and how far the write-back got.</summary>
public sealed record AssignmentEntry(
    string Connection,
    string LeadKey,
    int Crossing,
    string? CrmLeadId,
    string OwnerId,
    string? MarketingOwnerId,
    string Team,
    string Reason,
    AssignmentSteps StepsDone,
    string? TaskId,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset StartedAt,
    DateTimeOffset? OwnerWrittenAt,
    DateTimeOffset? CompletedAt,
    int Escalations,
    DateTimeOffset? SlaDueAt,
    bool Closed,
    AssignmentNote? Note = null,
    HandoffRefusal? Refused = null)
{
    /// <summary>Stable key of this crossing (for idempotent task creation).</summary>
    public string Key => FormattableString.Invariant($"{LeadKey}#{Crossing}");
}

/// <summary>
/// The CRM refused a handoff's write for a reason about the record (an invalid email, a value too long or out of range):
/// the entry is closed with it, and the lead is handed off again only once the record changes on either side.
/// </summary>
/// <param name="MarketingModifiedAt">The marketing record's modification time when it was refused (null: none).</param>
/// <param name="CrmModifiedAt">The CRM lead's modification time when it was refused (null: there was no CRM lead).</param>
public sealed record HandoffRefusal(string Reason, DateTimeOffset At, DateTimeOffset? MarketingModifiedAt, DateTimeOffset? CrmModifiedAt);

/// <summary>The rep's task as composed when the crossing began; a resumed handoff creates exactly this one.</summary>
/// <param name="TaskOwnerId">Who owns the task (the rep, or the integration user when a queue got the lead); null = no task possible.</param>
public sealed record AssignmentNote(string Subject, string Priority, string Description, string? TaskOwnerId = null);

public sealed record AuditEntry(
    string Connection,
    string CycleId,
    string LeadKey,
    DateTimeOffset At,
    string Action,
    string Details);

public sealed record QuarantineItem(
    long Id,
    string Connection,
    SystemRole System,
    string RecordId,
    string Reason,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    int Attempts,
    bool RetryRequested);

/// <summary>A record that went through: its quarantine item (if any) is resolved.</summary>
public sealed record RecordRef(SystemRole System, string RecordId);

/// <summary>
/// Everything a batch leaves behind, settled in one transaction: the next lead records, the ledger entries' new
/// state, the audit, what to quarantine and what to release from quarantine, and how far each team's round-robin
/// position moved.
/// </summary>
public sealed record BatchSettlement(
    string Connection,
    IReadOnlyList<LeadRecord> Leads,
    IReadOnlyList<AssignmentEntry> Assignments,
    IReadOnlyList<AuditEntry> Audit,
    IReadOnlyList<QuarantineItem> Quarantine,
    IReadOnlyList<RecordRef> Resolved,
    IReadOnlyDictionary<string, long> RoutingAdvances)
{
    /// <summary>The lead history this batch adds (transitions, crossings, handoffs, SLA outcomes), kept in the same transaction.</summary>
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];

    public bool IsEmpty =>
        Leads.Count == 0 && Assignments.Count == 0 && Audit.Count == 0 && Quarantine.Count == 0 && Resolved.Count == 0 && RoutingAdvances.Count == 0
        && History.Count == 0;
}

/// <summary>Round-robin positions per team and open (handed-off, not released) leads per CRM owner, as read before planning.</summary>
public sealed record RoutingState(IReadOnlyDictionary<string, long> Positions, IReadOnlyDictionary<string, int> OpenLeadsByOwner)
{
    public static RoutingState Empty { get; } = new(new Dictionary<string, long>(StringComparer.Ordinal), new Dictionary<string, int>(StringComparer.Ordinal));
}
