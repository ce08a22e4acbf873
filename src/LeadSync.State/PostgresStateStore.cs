using System.Data.Common;
using Dapper;
using LeadSync.State.Internal;
using Npgsql;

namespace LeadSync.State;

/// <summary>
/// The state store for several workers sharing one state: PostgreSQL, migrated under an advisory lock, with the
/// cycle lock as a session-level advisory lock that PostgreSQL itself releases if the holder's connection dies.
/// </summary>
public sealed class PostgresStateStore : SqlStateStore, IAsyncDisposable, IDisposable
{
    private static readonly long MigrationLockKey = SqlDialect.LockKey("migrate", "schema");

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresStateStore(string connectionString, TimeProvider timeProvider)
        : base(SqlDialect.Postgres)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _time = timeProvider;
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
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

    /// <remarks>
    /// <paramref name="lease"/> is not needed here: the lock lives exactly as long as the dedicated session, and
    /// PostgreSQL drops it when that session ends, crash included.
    /// </remarks>
    public override async Task<IAsyncDisposable?> TryAcquireCycleLockAsync(string connection, TimeSpan lease, CancellationToken cancellationToken)
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

    /// <summary>The backend session holding the connection's advisory lock (pg_locks splits the 64-bit key in two halves).</summary>
    public override async Task<string?> DescribeCycleLockHolderAsync(string connection, CancellationToken cancellationToken)
    {
        var key = SqlDialect.LockKey("cycle", connection);
        await using var db = await _dataSource.OpenConnectionAsync(cancellationToken);
        var holder = await db.QuerySingleOrDefaultAsync<(int Pid, string? Application, string? Client, DateTime? Since)?>(new CommandDefinition(
            """
            SELECT a.pid, a.application_name, host(a.client_addr), a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.classid::bigint = @High AND l.objid::bigint = @Low
            LIMIT 1
            """,
            new { High = (long)(uint)(key >> 32), Low = (long)(uint)key },
            cancellationToken: cancellationToken));
        return holder is { } h
            ? FormattableString.Invariant(
                $"PostgreSQL session pid {h.Pid} ({(string.IsNullOrEmpty(h.Application) ? "no application name" : h.Application)}, from {h.Client ?? "a local socket"}) connected since {SqlDialect.ReadTime(h.Since):O}")
            : null;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
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
