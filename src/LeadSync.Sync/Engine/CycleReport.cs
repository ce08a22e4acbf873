namespace LeadSync.Sync.Engine;

public enum CycleMode
{
    /// <summary>Read what changed since the watermarks, decide, write, record.</summary>
    Incremental,

    /// <summary>Read and decide exactly like <see cref="Incremental"/> but write nothing anywhere (no API writes, no state change).</summary>
    DryRun,

    /// <summary>Compare everything from the beginning of time and repair drift; reports what it repaired.</summary>
    Reconcile,
}

/// <summary>What one lead looked like before and after a cycle, for people (tables) and machines (--json).</summary>
/// <param name="MarketingWrites">The marketing writes as "what: old → new" phrases.</param>
/// <param name="CrmWrites">The CRM writes (or the new lead's values) as "what: old → new" phrases.</param>
/// <param name="RepNote">The task the rep gets on a handoff (subject, then the why).</param>
public sealed record LeadChange(
    string LeadKey,
    string? MarketingId,
    string? CrmId,
    string? MaskedEmail,
    int? ScoreBefore,
    int ScoreAfter,
    string Grade,
    string? StatusBefore,
    string? StatusAfter,
    string? StageBefore,
    string? StageAfter,
    string? AssignedTo,
    IReadOnlyList<string> MarketingWrites,
    IReadOnlyList<string> CrmWrites,
    string Reason,
    string? RepNote = null);

public sealed record QuarantineNotice(SystemRole System, string RecordId, string Reason);

/// <summary>The outcome of one cycle of one connection.</summary>
public sealed record CycleReport(
    string Connection,
    string CycleId,
    CycleMode Mode,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    bool Succeeded,
    bool Skipped,
    string? Error,
    int LeadsRead,
    int LeadsScored,
    int StatusChanges,
    int StageChanges,
    int Assigned,
    int Released,
    int Quarantined,
    int MarketingRecordsWritten,
    int CrmRecordsWritten,
    int TasksCreated,
    string MarketingSystem,
    string CrmSystem,
    long MarketingCalls,
    long CrmCalls,
    IReadOnlyList<LeadChange> Changes,
    IReadOnlyList<QuarantineNotice> QuarantineNotices,
    IReadOnlyList<TimeSpan> HandoffLatencies)
{
    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>Segment fields written (changed values only) on both systems, by plans that settled.</summary>
    public int SegmentsWritten { get; init; }

    /// <summary>Store round trips the cycle made (gather, ledger, settle), for benchmarks; 0 when not counted.</summary>
    public long StoreRoundTrips { get; init; }
}
