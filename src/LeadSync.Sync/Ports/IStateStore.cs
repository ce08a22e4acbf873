namespace LeadSync.Sync.Ports;

/// <summary>
/// Everything LeadSync remembers between cycles, per connection. SQLite by default, PostgreSQL for scale.
/// Every method is scoped by <c>connection</c> (the name of a HubSpot-portal/Salesforce-org pair) so
/// connections never see each other's state. Implementations use parameterised SQL only.
/// </summary>
public interface IStateStore
{
    /// <summary>Creates or upgrades the schema (versioned). Safe to call on every start and from several processes.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Cheap round trip for readiness checks.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    // ---- Watermarks -------------------------------------------------------------------------
    Task<ChangeCursor?> GetWatermarkAsync(string connection, SystemKind system, CancellationToken cancellationToken);

    Task SetWatermarkAsync(string connection, SystemKind system, ChangeCursor cursor, CancellationToken cancellationToken);

    // ---- Leads: cross-reference and remembered values ------------------------------------------
    /// <summary>Lead records whose HubSpot id or Salesforce id is among the given ids.</summary>
    Task<IReadOnlyList<LeadRecord>> FindLeadsAsync(
        string connection, IReadOnlyCollection<string> hubSpotIds, IReadOnlyCollection<string> salesforceIds, CancellationToken cancellationToken);

    Task<LeadRecord?> GetLeadAsync(string connection, string leadKey, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the given lead records (by LeadKey) in one transaction.</summary>
    Task SaveLeadsAsync(string connection, IReadOnlyCollection<LeadRecord> leads, CancellationToken cancellationToken);

    /// <summary>Every lead record of the connection, streamed (for preview, reconciliation and the SLA check).</summary>
    IAsyncEnumerable<LeadRecord> StreamLeadsAsync(string connection, CancellationToken cancellationToken);

    // ---- Assignment ledger (exactly-once handoff) ----------------------------------------------
    /// <summary>
    /// Writes the ledger entry for (leadKey, crossing) if it does not exist yet and returns the stored entry
    /// (the existing one when a previous attempt already began it).
    /// </summary>
    Task<AssignmentEntry> BeginAssignmentAsync(AssignmentEntry entry, CancellationToken cancellationToken);

    /// <summary>Replaces the stored entry's mutable parts (steps done, completion, SLA fields).</summary>
    Task UpdateAssignmentAsync(AssignmentEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, string leadKey, CancellationToken cancellationToken);

    /// <summary>Entries not yet completed (a crash left them mid-way) or still inside their SLA follow-up.</summary>
    Task<IReadOnlyList<AssignmentEntry>> GetOpenAssignmentsAsync(string connection, CancellationToken cancellationToken);

    /// <summary>Open (handed-off, not released) leads per owner id, for LeastLoaded routing and capacity caps.</summary>
    Task<IReadOnlyDictionary<string, int>> CountOpenLeadsByOwnerAsync(string connection, CancellationToken cancellationToken);

    /// <summary>Atomically returns the team's current round-robin ticket and advances it by one (shared by all workers).</summary>
    Task<long> TakeRoutingTicketAsync(string connection, string team, CancellationToken cancellationToken);

    // ---- Audit --------------------------------------------------------------------------------
    Task AppendAuditAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string connection, string leadKey, int limit, CancellationToken cancellationToken);

    // ---- Quarantine ---------------------------------------------------------------------------
    /// <summary>Adds or refreshes (last seen, attempts + 1, reason) the quarantine item of (connection, system, recordId).</summary>
    Task QuarantineAsync(QuarantineItem item, CancellationToken cancellationToken);

    Task<IReadOnlyList<QuarantineItem>> ListQuarantineAsync(string connection, CancellationToken cancellationToken);

    /// <summary>Marks an item for retry in the next cycle. False when no such item exists.</summary>
    Task<bool> RequestRetryAsync(string connection, long quarantineId, CancellationToken cancellationToken);

    /// <summary>Items an admin asked to retry.</summary>
    Task<IReadOnlyList<QuarantineItem>> GetRetryRequestsAsync(string connection, CancellationToken cancellationToken);

    /// <summary>Removes the item once the record went through.</summary>
    Task ResolveQuarantineAsync(string connection, SystemKind system, string recordId, CancellationToken cancellationToken);

    // ---- Cycles and coordination --------------------------------------------------------------
    Task RecordCycleAsync(CycleRecord cycle, CancellationToken cancellationToken);

    Task<CycleRecord?> GetLastSuccessfulCycleAsync(string connection, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the connection's cycle lock so no two workers process one connection at once
    /// (PostgreSQL advisory lock; SQLite lease row). Null when another holder has it.
    /// </summary>
    Task<IAsyncDisposable?> TryAcquireCycleLockAsync(string connection, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Who holds the connection's cycle lock and since when, for the reason of a skipped cycle; null when unknown.</summary>
    Task<string?> DescribeCycleLockHolderAsync(string connection, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>
/// One person as LeadSync knows them: the cross-reference between the two systems and what LeadSync last saw and wrote.
/// <see cref="LastSeenHubSpot"/> / <see cref="LastSeenSalesforce"/> hold the mapped values as of the last settled cycle
/// (including LeadSync's own writes), which is how echoes are recognised and human edits detected.
/// </summary>
public sealed record LeadRecord(
    string Connection,
    string LeadKey,
    string? HubSpotId,
    string? SalesforceId,
    IReadOnlyDictionary<string, string?> LastSeenHubSpot,
    IReadOnlyDictionary<string, string?> LastSeenSalesforce,
    int? Score,
    string? Grade,
    bool InSales,
    int Crossings,
    DateTimeOffset? FirstSeenAboveThresholdAt,
    DateTimeOffset UpdatedAt);

/// <summary>The steps of one handoff, written before the API writes and completed after them.</summary>
[Flags]
public enum AssignmentSteps
{
    None = 0,
    SalesforceOwnerWritten = 1,
    TaskCreated = 2,
    HubSpotWritten = 4,
}

/// <summary>One crossing of the threshold by one lead: who it went to, why, and how far the write-back got.</summary>
public sealed record AssignmentEntry(
    string Connection,
    string LeadKey,
    int Crossing,
    string? SalesforceLeadId,
    string OwnerId,
    string? HubSpotOwnerId,
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
    AssignmentNote? Note = null);

/// <summary>The rep's Task as composed when the crossing began; a resumed handoff creates exactly this one.</summary>
public sealed record AssignmentNote(string Subject, string Priority, string Description);

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
    SystemKind System,
    string RecordId,
    string Reason,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    int Attempts,
    bool RetryRequested);

public sealed record CycleRecord(
    string Connection,
    string CycleId,
    string Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    bool Succeeded,
    string Summary);
