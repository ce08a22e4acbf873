using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.State;

/// <summary>The history and report side of the SQL stores (<see cref="IHistoryStore"/>); the statements live in the core.</summary>
public abstract partial class SqlStateStore : IHistoryStore
{
    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string connection, HistoryQuery query, CancellationToken cancellationToken) =>
        _core.GetHistoryAsync(connection, query, cancellationToken);

    public Task<IReadOnlyList<CycleRecord>> GetCyclesAsync(string connection, DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        _core.GetCyclesAsync(connection, since, limit, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> SearchAuditAsync(string connection, AuditQuery query, CancellationToken cancellationToken) =>
        _core.SearchAuditAsync(connection, query, cancellationToken);

    public Task<PruneResult> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        _core.PruneAsync(olderThan, cancellationToken);
}
