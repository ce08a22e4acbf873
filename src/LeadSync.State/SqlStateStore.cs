using System.Data.Common;
using LeadSync.Domain.Planning;
using LeadSync.State.Internal;
using LeadSync.Sync.Ports;

namespace LeadSync.State;

/// <summary>
/// What the SQLite and PostgreSQL stores share: every query lives in <see cref="SqlStateCore"/> (one SQL text per
/// operation, with the dialect's few differences), so a store only supplies connections, its migration runner and its
/// cycle lock, which genuinely differ (a lease row vs. a session-level advisory lock).
/// </summary>
public abstract partial class SqlStateStore : IStateStore
{
    private readonly SqlStateCore _core;

    private protected SqlStateStore(SqlDialect dialect) => _core = new SqlStateCore(OpenAsync, dialect);

    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract Task<IAsyncDisposable?> TryAcquireCycleLockAsync(string connection, TimeSpan lease, CancellationToken cancellationToken);

    public abstract Task<string?> DescribeCycleLockHolderAsync(string connection, CancellationToken cancellationToken);

    private protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Database commands this instance's data operations sent so far: each SQL statement (a multi-row one counts once)
    /// and each commit. Migration and the cycle lock are not counted. For benchmarks and tests.
    /// </summary>
    public long RoundTrips => _core.RoundTrips;

    /// <summary>Connections this instance's data operations took from the pool so far (each is one operation).</summary>
    public long ConnectionsOpened => _core.ConnectionsOpened;

    public Task<bool> PingAsync(CancellationToken cancellationToken) => _core.PingAsync(cancellationToken);

    public Task<ChangeCursor?> GetWatermarkAsync(string connection, SystemRole system, CancellationToken cancellationToken) =>
        _core.GetWatermarkAsync(connection, system, cancellationToken);

    public Task SetWatermarkAsync(string connection, SystemRole system, ChangeCursor cursor, CancellationToken cancellationToken) =>
        _core.SetWatermarkAsync(connection, system, cursor, cancellationToken);

    public Task<IReadOnlyList<LeadRecord>> FindLeadsAsync(
        string connection, IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> crmIds, CancellationToken cancellationToken) =>
        _core.FindLeadsAsync(connection, marketingIds, crmIds, cancellationToken);

    public Task<LeadRecord?> GetLeadAsync(string connection, string leadKey, CancellationToken cancellationToken) =>
        _core.GetLeadAsync(connection, leadKey, cancellationToken);

    public Task SaveLeadsAsync(string connection, IReadOnlyCollection<LeadRecord> leads, CancellationToken cancellationToken) =>
        _core.SaveLeadsAsync(connection, leads, cancellationToken);

    public IAsyncEnumerable<LeadRecord> StreamLeadsAsync(string connection, CancellationToken cancellationToken) =>
        _core.StreamLeadsAsync(connection, cancellationToken);

    public Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(IReadOnlyList<AssignmentEntry> entries, CancellationToken cancellationToken) =>
        _core.BeginAssignmentsAsync(entries, new Dictionary<string, long>(), cancellationToken);

    public Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(
        IReadOnlyList<AssignmentEntry> entries, IReadOnlyDictionary<string, long> routingAdvances, CancellationToken cancellationToken) =>
        _core.BeginAssignmentsAsync(entries, routingAdvances, cancellationToken);

    public Task UpdateAssignmentAsync(AssignmentEntry entry, CancellationToken cancellationToken) =>
        _core.UpdateAssignmentAsync(entry, cancellationToken);

    public Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, string leadKey, CancellationToken cancellationToken) =>
        _core.GetAssignmentsAsync(connection, leadKey, cancellationToken);

    public Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(
        string connection, IReadOnlyCollection<string> leadKeys, CancellationToken cancellationToken) =>
        _core.GetAssignmentsAsync(connection, leadKeys, cancellationToken);

    public Task<IReadOnlyList<AssignmentEntry>> GetOpenAssignmentsAsync(string connection, CancellationToken cancellationToken) =>
        _core.GetOpenAssignmentsAsync(connection, cancellationToken);

    public Task<RoutingState> GetRoutingStateAsync(string connection, CancellationToken cancellationToken) =>
        _core.GetRoutingStateAsync(connection, cancellationToken);

    public Task<long> TakeRoutingTicketAsync(string connection, string team, CancellationToken cancellationToken) =>
        _core.TakeRoutingTicketAsync(connection, team, cancellationToken);

    public Task SettleAsync(BatchSettlement settlement, CancellationToken cancellationToken) =>
        _core.SettleAsync(settlement, cancellationToken);

    public Task AppendAuditAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken cancellationToken) =>
        _core.AppendAuditAsync(entries, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string connection, string leadKey, int limit, CancellationToken cancellationToken) =>
        _core.GetAuditAsync(connection, leadKey, limit, cancellationToken);

    public Task QuarantineAsync(QuarantineItem item, CancellationToken cancellationToken) =>
        _core.QuarantineAsync(item, cancellationToken);

    public Task<IReadOnlyList<QuarantineItem>> ListQuarantineAsync(string connection, CancellationToken cancellationToken) =>
        _core.ListQuarantineAsync(connection, cancellationToken);

    public Task<bool> RequestRetryAsync(string connection, long quarantineId, CancellationToken cancellationToken) =>
        _core.RequestRetryAsync(connection, quarantineId, cancellationToken);

    public Task<IReadOnlyList<QuarantineItem>> GetRetryRequestsAsync(string connection, CancellationToken cancellationToken) =>
        _core.GetRetryRequestsAsync(connection, cancellationToken);

    public Task ResolveQuarantineAsync(string connection, SystemRole system, string recordId, CancellationToken cancellationToken) =>
        _core.ResolveQuarantineAsync(connection, system, recordId, cancellationToken);

    public Task RecordCycleAsync(CycleRecord cycle, CancellationToken cancellationToken) =>
        _core.RecordCycleAsync(cycle, cancellationToken);

    public Task<CycleRecord?> GetLastSuccessfulCycleAsync(string connection, CancellationToken cancellationToken) =>
        _core.GetLastSuccessfulCycleAsync(connection, cancellationToken);
}
