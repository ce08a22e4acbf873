using System.Data.Common;
using Dapper;
using LeadSync.State.Internal;
using LeadSync.Sync.Ports;
using Microsoft.Data.Sqlite;

namespace LeadSync.State;

/// <summary>
/// The default state store: one SQLite file (WAL mode, owner-only permissions). Safe for several threads and
/// several processes on one machine; the cycle lock is a lease row that expires if its holder dies.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    private const int BusyTimeoutSeconds = 30;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SqlStateCore _core;
    private readonly string _holder = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _prepareGate = new(1, 1);
    private volatile bool _prepared;

    public SqliteStateStore(string path, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        _time = timeProvider;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
        _core = new SqlStateCore(OpenAsync, SqlDialect.Sqlite);
    }

    /// <summary>Absolute path of the database file.</summary>
    public string FilePath { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = (SqliteConnection)await OpenAsync(cancellationToken);

        // BEGIN IMMEDIATE takes the write lock up front, so concurrent migrators queue (busy timeout) instead of racing.
        await using var tx = db.BeginTransaction(deferred: false);
        await db.ExecuteAsync(new CommandDefinition(Migrations.SqliteBootstrap, transaction: tx, cancellationToken: cancellationToken));
        var applied = (await db.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_version", transaction: tx, cancellationToken: cancellationToken))).ToHashSet();
        foreach (var migration in Migrations.Pending(Migrations.Sqlite, applied))
        {
            await db.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: cancellationToken));
            await db.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = SqlDialect.Sqlite.Time(_time.GetUtcNow()) },
                tx,
                cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
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

    public async Task<IAsyncDisposable?> TryAcquireCycleLockAsync(string connection, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "The lease must be positive.");
        }

        var now = _time.GetUtcNow();
        var leaseId = Guid.NewGuid().ToString("N");
        await using var db = await OpenAsync(cancellationToken);

        // One statement, so atomic: insert the lease, or take over a row whose lease has run out; a live lease is left alone
        // (also when this same instance holds it, matching PostgreSQL where a second session cannot take the lock).
        var taken = await db.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO cycle_lock (connection, holder, lease_id, acquired_at, expires_at)
            VALUES (@Connection, @Holder, @LeaseId, @Now, @ExpiresAt)
            ON CONFLICT (connection) DO UPDATE SET
                holder = excluded.holder, lease_id = excluded.lease_id, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
            WHERE cycle_lock.expires_at <= excluded.acquired_at
            """,
            new
            {
                Connection = connection,
                Holder = _holder,
                LeaseId = leaseId,
                Now = SqlDialect.Sqlite.Time(now),
                ExpiresAt = SqlDialect.Sqlite.Time(now + lease),
            },
            cancellationToken: cancellationToken));
        return taken > 0 ? new Lease(this, connection, leaseId) : null;
    }

    /// <summary>Returns pooled connections so the file can be moved or deleted (tests, backups).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _prepareGate.Dispose();
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_prepared)
        {
            await PrepareAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per-connection settings: wait for a busy writer instead of failing; NORMAL is durable enough under WAL.
            await connection.ExecuteAsync(new CommandDefinition(
                $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA synchronous = NORMAL;", cancellationToken: cancellationToken));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the directory (0700) and file (0600) before SQLite does, so the state is never world-readable.</summary>
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await _prepareGate.WaitAsync(cancellationToken);
        try
        {
            if (_prepared)
            {
                return;
            }

            var directory = Path.GetDirectoryName(FilePath);
            if (!OperatingSystem.IsWindows())
            {
                if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
                {
                    Directory.CreateDirectory(directory, OwnerOnlyDirectory);
                }

                if (!File.Exists(FilePath))
                {
                    // CreateNew with a create mode: the file never exists with looser permissions, even briefly.
                    try
                    {
                        using var stream = new FileStream(FilePath, new FileStreamOptions
                        {
                            Mode = FileMode.CreateNew,
                            Access = FileAccess.Write,
                            UnixCreateMode = OwnerOnlyFile,
                        });
                    }
                    catch (IOException) when (File.Exists(FilePath))
                    {
                        // Another process created it first; the mode is fixed below either way.
                    }
                }

                File.SetUnixFileMode(FilePath, OwnerOnlyFile);
            }
            else if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using (var connection = new SqliteConnection(_connectionString))
            {
                await connection.OpenAsync(cancellationToken);

                // WAL is a property of the file: set once, readers then never block the writer.
                await connection.ExecuteAsync(new CommandDefinition(
                    $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
            }

            _prepared = true;
        }
        finally
        {
            _prepareGate.Release();
        }
    }

    private sealed class Lease(SqliteStateStore store, string connection, string leaseId) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            // Only this lease: if it expired and someone else took over, their lease stays.
            await using var db = await store.OpenAsync(CancellationToken.None);
            await db.ExecuteAsync(
                "DELETE FROM cycle_lock WHERE connection = @Connection AND lease_id = @LeaseId",
                new { Connection = connection, LeaseId = leaseId });
        }
    }
}
