using System.Data.Common;
using Dapper;
using LeadSync.State.Internal;
using LeadSync.Sync.Ports;
using Npgsql;

namespace LeadSync.State;

/// <summary>
/// The state store for several workers sharing one state: PostgreSQL, migrated under an advisory lock, with the
/// cycle lock as a session-level advisory lock that PostgreSQL itself releases if the holder's connection dies.
/// </summary>
public sealed class PostgresStateStore : IStateStore, IAsyncDisposable, IDisposable
{
    private static readonly long MigrationLockKey = SqlDialect.LockKey("migrate", "schema");

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly SqlStateCore _core;

    public PostgresStateStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _time = timeProvider;
        _core = new SqlStateCore(OpenAsync, SqlDialect.Postgres);
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await _dataSource.OpenConnectionAsync(cancellationToken);

        // CREATE ... IF NOT EXISTS is not safe against a concurrent twin in PostgreSQL (catalog unique violations),
        // so every migrator queues on one advisory lock.
        await db.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_lock(@Key)", new { Key = MigrationLockKey }, cancellationToken: cancellationToken));
        try
        {
            await db.ExecuteAsync(new CommandDefinition(Migrations.PostgresBootstrap, cancellationToken: cancellationToken));
            var applied = (await db.QueryAsync<long>(new CommandDefinition(
                "SELECT version FROM schema_version", cancellationToken: cancellationToken))).ToHashSet();
            foreach (var migration in Migrations.Pending(Migrations.Postgres, applied))
            {
                await using var tx = await db.BeginTransactionAsync(cancellationToken);
                await db.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: cancellationToken));
                await db.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                    new { migration.Version, migration.Name, AppliedAt = _time.GetUtcNow() },
                    tx,
                    cancellationToken: cancellationToken));
                await tx.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await db.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key = MigrationLockKey });
        }
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken) => _core.PingAsync(cancellationToken);

    public Task<ChangeCursor?> GetWatermarkAsync(string connection, SystemKind system, CancellationToken cancellationToken) =>
        _core.GetWatermarkAsync(connection, system, cancellationToken);

    public Task SetWatermarkAsync(string connection, SystemKind system, ChangeCursor cursor, CancellationToken cancellationToken) =>
        _core.SetWatermarkAsync(connection, system, cursor, cancellationToken);

    public Task<IReadOnlyList<LeadRecord>> FindLeadsAsync(
        string connection, IReadOnlyCollection<string> hubSpotIds, IReadOnlyCollection<string> salesforceIds, CancellationToken cancellationToken) =>
        _core.FindLeadsAsync(connection, hubSpotIds, salesforceIds, cancellationToken);

    public Task<LeadRecord?> GetLeadAsync(string connection, string leadKey, CancellationToken cancellationToken) =>
        _core.GetLeadAsync(connection, leadKey, cancellationToken);

    public Task SaveLeadsAsync(string connection, IReadOnlyCollection<LeadRecord> leads, CancellationToken cancellationToken) =>
        _core.SaveLeadsAsync(connection, leads, cancellationToken);

    public IAsyncEnumerable<LeadRecord> StreamLeadsAsync(string connection, CancellationToken cancellationToken) =>
        _core.StreamLeadsAsync(connection, cancellationToken);

    public Task<AssignmentEntry> BeginAssignmentAsync(AssignmentEntry entry, CancellationToken cancellationToken) =>
        _core.BeginAssignmentAsync(entry, cancellationToken);

    public Task UpdateAssignmentAsync(AssignmentEntry entry, CancellationToken cancellationToken) =>
        _core.UpdateAssignmentAsync(entry, cancellationToken);

    public Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, string leadKey, CancellationToken cancellationToken) =>
        _core.GetAssignmentsAsync(connection, leadKey, cancellationToken);

    public Task<IReadOnlyList<AssignmentEntry>> GetOpenAssignmentsAsync(string connection, CancellationToken cancellationToken) =>
        _core.GetOpenAssignmentsAsync(connection, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> CountOpenLeadsByOwnerAsync(string connection, CancellationToken cancellationToken) =>
        _core.CountOpenLeadsByOwnerAsync(connection, cancellationToken);

    public Task<long> TakeRoutingTicketAsync(string connection, string team, CancellationToken cancellationToken) =>
        _core.TakeRoutingTicketAsync(connection, team, cancellationToken);

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

    public Task ResolveQuarantineAsync(string connection, SystemKind system, string recordId, CancellationToken cancellationToken) =>
        _core.ResolveQuarantineAsync(connection, system, recordId, cancellationToken);

    public Task RecordCycleAsync(CycleRecord cycle, CancellationToken cancellationToken) =>
        _core.RecordCycleAsync(cycle, cancellationToken);

    public Task<CycleRecord?> GetLastSuccessfulCycleAsync(string connection, CancellationToken cancellationToken) =>
        _core.GetLastSuccessfulCycleAsync(connection, cancellationToken);

    /// <remarks>
    /// <paramref name="lease"/> is not needed here: the lock lives exactly as long as the dedicated session, and
    /// PostgreSQL drops it when that session ends, crash included.
    /// </remarks>
    public async Task<IAsyncDisposable?> TryAcquireCycleLockAsync(string connection, TimeSpan lease, CancellationToken cancellationToken)
    {
        var key = SqlDialect.LockKey("cycle", connection);
        var db = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var taken = await db.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT pg_try_advisory_lock(@Key)", new { Key = key }, cancellationToken: cancellationToken));
            if (taken)
            {
                return new AdvisoryLock(db, key);
            }
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }

        await db.DisposeAsync();
        return null;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    private sealed class AdvisoryLock(NpgsqlConnection session, long key) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            try
            {
                await session.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key = key });
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                // The session is gone, and PostgreSQL released its locks with it: nothing left to undo.
            }
            finally
            {
                // Closing returns the connection to the pool, where Npgsql's reset (DISCARD ALL) also drops any advisory lock.
                await session.DisposeAsync();
            }
        }
    }
}
