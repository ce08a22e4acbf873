namespace LeadSync.Sync.Ports;

/// <summary>
/// What reports and the console read from the state: the lead history (written by <see cref="IStateStore.SettleAsync"/>
/// in the batch's transaction), cycles, and the audit searched by lead, time or text; and retention. The SQLite and
/// PostgreSQL stores implement it next to <see cref="IStateStore"/>.
/// </summary>
public interface IHistoryStore
{
    /// <summary>History events of a connection in time order (then insertion order), filtered by the query.</summary>
    Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string connection, HistoryQuery query, CancellationToken cancellationToken);

    /// <summary>Cycles of a connection started at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<CycleRecord>> GetCyclesAsync(string connection, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Audit entries of a connection, newest first, filtered by the query.</summary>
    Task<IReadOnlyList<AuditEntry>> SearchAuditAsync(string connection, AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes audit entries, finished cycles and history events older than <paramref name="olderThan"/>, in every connection.</summary>
    Task<PruneResult> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>Which history events to read; null filters match everything.</summary>
public sealed record HistoryQuery(
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    IReadOnlyCollection<string>? LeadKeys = null,
    IReadOnlyCollection<string>? Kinds = null,
    string? Rep = null,
    int Limit = 1_000_000);

/// <summary>Which audit entries to read; null filters match everything. <see cref="Text"/> matches inside the details.</summary>
public sealed record AuditQuery(
    IReadOnlyCollection<string>? LeadKeys = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Text = null,
    int Limit = 200);

/// <summary>Rows retention removed.</summary>
public sealed record PruneResult(long Audit, long Cycles, long History)
{
    public long Total => Audit + Cycles + History;
}
