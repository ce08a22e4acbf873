using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

public enum CycleMode
{
    /// <summary>Read what changed since the watermarks, decide, write, record.</summary>
    Incremental,

    /// <summary>Read and decide like <see cref="Incremental"/> but write nothing anywhere (no API writes, no state change).</summary>
    DryRun,

    /// <summary>Compare everything from the beginning of time and repair drift; reports what it repaired.</summary>
    Reconcile,
}

/// <summary>What one lead looked like before and after a cycle, for people (demo table) and machines (--json).</summary>
public sealed record LeadChange(
    string LeadKey,
    string? HubSpotId,
    string? SalesforceId,
    string? MaskedEmail,
    int? ScoreBefore,
    int ScoreAfter,
    string Grade,
    string? StatusBefore,
    string? StatusAfter,
    string? StageBefore,
    string? StageAfter,
    string? AssignedTo,
    IReadOnlyDictionary<string, string?> HubSpotWrites,
    IReadOnlyDictionary<string, string?> SalesforceWrites,
    string Reason);

public sealed record QuarantineNotice(SystemKind System, string RecordId, string Reason);

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
    int HubSpotRecordsWritten,
    int SalesforceRecordsWritten,
    int TasksCreated,
    long HubSpotCalls,
    long SalesforceCalls,
    IReadOnlyList<LeadChange> Changes,
    IReadOnlyList<QuarantineNotice> QuarantineNotices,
    IReadOnlyList<TimeSpan> HandoffLatencies)
{
    public TimeSpan Duration => FinishedAt - StartedAt;
}
