namespace LeadSync.Sync.Ports;

/// <summary>
/// Everything LeadSync remembers between cycles, per connection. SQLite by default, PostgreSQL for scale.
/// Every method is scoped by <c>connection</c> (the name of a marketing-platform/CRM pair) so connections never see
/// each other's state. Implementations use parameterised SQL only.
/// </summary>
public interface IStateStore
{
    /// <summary>Creates or upgrades the schema (versioned). Safe to call on every start and from several processes.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Cheap round trip for readiness checks.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    // ---- Watermarks -------------------------------------------------------------------------
    Task<ChangeCursor?> GetWatermarkAsync(string connection, SystemRole system, CancellationToken cancellationToken);

    Task SetWatermarkAsync(string connection, SystemRole system, ChangeCursor cursor, CancellationToken cancellationToken);

    // ---- Leads: cross-reference and remembered values ------------------------------------------
    /// <summary>Lead records whose marketing id or CRM id is among the given ids (one round trip).</summary>
    Task<IReadOnlyList<LeadRecord>> FindLeadsAsync(
        string connection, IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> crmIds, CancellationToken cancellationToken);

    Task<LeadRecord?> GetLeadAsync(string connection, string leadKey, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the given lead records (by LeadKey) in one transaction.</summary>
    Task SaveLeadsAsync(string connection, IReadOnlyCollection<LeadRecord> leads, CancellationToken cancellationToken);

    /// <summary>Every lead record of the connection, streamed (for preview, reconciliation and the SLA check).</summary>
    IAsyncEnumerable<LeadRecord> StreamLeadsAsync(string connection, CancellationToken cancellationToken);

    // ---- Assignment ledger (exactly-once handoff) ----------------------------------------------
    /// <summary>
    /// Writes the ledger entries for (leadKey, crossing) that do not exist yet, in one transaction, and returns the
    /// stored entries in input order (the existing one where a previous attempt already began it).
    /// </summary>
    Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(IReadOnlyList<AssignmentEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Begins the entries as above and, in the same transaction, moves the teams' round-robin positions by what those
    /// handoffs used: a crash can never leave a begun crossing whose position the next handoff would take again.
    /// </summary>
    Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(
        IReadOnlyList<AssignmentEntry> entries, IReadOnlyDictionary<string, long> routingAdvances, CancellationToken cancellationToken);

    /// <summary>Replaces the stored entry's mutable parts (steps done, completion, SLA fields).</summary>
    Task UpdateAssignmentAsync(AssignmentEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, string leadKey, CancellationToken cancellationToken);

    /// <summary>Every ledger entry of the given leads (one round trip), for planning a batch.</summary>
    Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, IReadOnlyCollection<string> leadKeys, CancellationToken cancellationToken);

    /// <summary>Entries not yet completed (a crash left them mid-way) or still inside their SLA follow-up.</summary>
    Task<IReadOnlyList<AssignmentEntry>> GetOpenAssignmentsAsync(string connection, CancellationToken cancellationToken);

    /// <summary>Round-robin positions of every team and open leads per owner, in one round trip (read-only).</summary>
    Task<RoutingState> GetRoutingStateAsync(string connection, CancellationToken cancellationToken);

    /// <summary>Atomically returns the team's current round-robin ticket and advances it by one (shared by all workers).</summary>
    Task<long> TakeRoutingTicketAsync(string connection, string team, CancellationToken cancellationToken);

    // ---- One batch, settled at once ----------------------------------------------------------
    /// <summary>
    /// Settles a batch in one transaction: saves the lead records, updates the ledger entries, appends the audit,
    /// quarantines and resolves records, and advances each team's round-robin position by the given count.
    /// </summary>
    Task SettleAsync(BatchSettlement settlement, CancellationToken cancellationToken);

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
    Task ResolveQuarantineAsync(string connection, SystemRole system, string recordId, CancellationToken cancellationToken);

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

public sealed record CycleRecord(
    string Connection,
    string CycleId,
    string Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    bool Succeeded,
    string Summary);
