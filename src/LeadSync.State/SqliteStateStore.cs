using System.Data.Common;
using Dapper;
using LeadSync.State.Internal;
using Microsoft.Data.Sqlite;

namespace LeadSync.State;

/// <summary>
/// The default state store: one SQLite file (WAL mode, owner-only permissions). Safe for several threads and
/// several processes on one machine; the cycle lock is a lease row that expires if its holder dies.
/// </summary>
public sealed class SqliteStateStore : SqlStateStore, IDisposable
{
    private const int BusyTimeoutSeconds = 30;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly LeaseHolder _holder = LeaseHolder.ThisInstance();
    private readonly SemaphoreSlim _prepareGate = new(1, 1);
    private volatile bool _prepared;

    public SqliteStateStore(string path, TimeProvider timeProvider)
        : base(SqlDialect.Sqlite)
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
    }

    /// <summary>Absolute path of the database file.</summary>
    public string FilePath { get; }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
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

    public override async Task<IAsyncDisposable?> TryAcquireCycleLockAsync(string connection, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "The lease must be positive.");
        }

        var now = _time.GetUtcNow();
        var leaseId = Guid.NewGuid().ToString("N");
        var row = new
        {
            Connection = connection,
            Holder = _holder.ToString(),
            LeaseId = leaseId,
            Now = SqlDialect.Sqlite.Time(now),
            ExpiresAt = SqlDialect.Sqlite.Time(now + lease),
        };
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
            row,
            cancellationToken: cancellationToken));
        if (taken == 0 && await ReadLeaseAsync(db, connection, cancellationToken) is { } current && current.Holder.IsGoneFromThisMachine())
        {
            // The holder was a process on this machine that no longer runs (killed, crashed): its lease would otherwise block
            // every cycle until it expires. Compare-and-swap on its lease id, so of several takers exactly one wins.
            taken = await db.ExecuteAsync(new CommandDefinition(
                """
                UPDATE cycle_lock SET holder = @Holder, lease_id = @LeaseId, acquired_at = @Now, expires_at = @ExpiresAt
                WHERE connection = @Connection AND lease_id = @StaleLeaseId
                """,
                new { row.Connection, row.Holder, row.LeaseId, row.Now, row.ExpiresAt, StaleLeaseId = current.LeaseId },
                cancellationToken: cancellationToken));
        }

        return taken > 0 ? new Lease(this, connection, leaseId, lease) : null;
    }

    /// <summary>Who holds the lease of <paramref name="connection"/>, since when and until when; null when nobody does.</summary>
    public override async Task<string?> DescribeCycleLockHolderAsync(string connection, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await ReadLeaseAsync(db, connection, cancellationToken) is { } current
            ? FormattableString.Invariant($"{current.Holder.Describe()} since {current.AcquiredAt:O} (lease expires {current.ExpiresAt:O} unless renewed)")
            : null;
    }

    private static async Task<LeaseRow?> ReadLeaseAsync(DbConnection db, string connection, CancellationToken cancellationToken)
    {
        var row = await db.QuerySingleOrDefaultAsync<(string Holder, string LeaseId, string AcquiredAt, string ExpiresAt)?>(new CommandDefinition(
            "SELECT holder, lease_id, acquired_at, expires_at FROM cycle_lock WHERE connection = @Connection",
            new { Connection = connection },
            cancellationToken: cancellationToken));
        return row is { } r
            ? new LeaseRow(LeaseHolder.Parse(r.Holder), r.LeaseId, SqlDialect.ReadRequiredTime(r.AcquiredAt), SqlDialect.ReadRequiredTime(r.ExpiresAt))
            : null;
    }

    /// <summary>Returns pooled connections so the file can be moved or deleted (tests, backups).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _prepareGate.Dispose();
    }

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
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

    /// <summary>
    /// Creates the directory (0700) and file (0600) before SQLite does, so the state is never world-readable. An existing
    /// file that is not a SQLite database (a mistyped path such as /etc/passwd) is refused before anything touches it,
    /// and every failure names the state path.
    /// </summary>
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await _prepareGate.WaitAsync(cancellationToken);
        try
        {
            if (_prepared)
            {
                return;
            }

            await PrepareFileAsync(cancellationToken);
            _prepared = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException && ex is not StateFileException)
        {
            throw new StateFileException(FilePath, ex is SqliteException sqlite ? sqlite.Message.Replace("SQLite Error ", "error ", StringComparison.Ordinal) : ex.Message, ex);
        }
        finally
        {
            _prepareGate.Release();
        }
    }

    private async Task PrepareFileAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(FilePath))
        {
            throw new StateFileException(FilePath, "it is a directory");
        }

        if (File.Exists(FilePath) && !HasSqliteHeader(FilePath))
        {
            throw new StateFileException(FilePath, "the file exists and is not a SQLite database (left untouched)");
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
    }

    /// <summary>Empty (just created) or starting with SQLite's 16-byte magic.</summary>
    private static bool HasSqliteHeader(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length == 0)
        {
            return true;
        }

        Span<byte> header = stackalloc byte[16];
        return stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.SequenceEqual("SQLite format 3\0"u8);
    }

    private sealed record LeaseRow(LeaseHolder Holder, string LeaseId, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);

    /// <summary>
    /// A held lease. A heartbeat renews it every third of its length while the holder runs, so a long cycle never loses
    /// its lease to expiry; a holder that stops (killed, hung, machine gone) stops renewing, and the lease runs out.
    /// </summary>
    private sealed class Lease : IAsyncDisposable
    {
        private readonly SqliteStateStore _store;
        private readonly string _connection;
        private readonly string _leaseId;
        private readonly TimeSpan _length;
        private readonly ITimer _heartbeat;
        private readonly Lock _gate = new();
        private int _disposed;

        public Lease(SqliteStateStore store, string connection, string leaseId, TimeSpan length)
        {
            _store = store;
            _connection = connection;
            _leaseId = leaseId;
            _length = length;
            var period = length / 3;
            _heartbeat = store._time.CreateTimer(_ => Renew(), null, period, period);
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            await _heartbeat.DisposeAsync();
            lock (_gate)
            {
                // Waits for a renewal in flight, so it cannot land after the release below.
            }

            // Only this lease: if it expired and someone else took over, their lease stays.
            await using var db = await _store.OpenAsync(CancellationToken.None);
            await db.ExecuteAsync(
                "DELETE FROM cycle_lock WHERE connection = @Connection AND lease_id = @LeaseId",
                new { Connection = _connection, LeaseId = _leaseId });
        }

        /// <summary>
        /// Synchronous on purpose: a timer callback has nobody to await it, and a renewal is one short UPDATE every
        /// lease/3. Only this lease id is renewed, so a lease someone took over after it expired stays theirs.
        /// </summary>
        private void Renew()
        {
            lock (_gate)
            {
                if (Volatile.Read(ref _disposed) == 1)
                {
                    return;
                }

                try
                {
                    using var db = new SqliteConnection(_store._connectionString);
                    db.Open();
                    db.Execute(
                        $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; UPDATE cycle_lock SET expires_at = @ExpiresAt WHERE connection = @Connection AND lease_id = @LeaseId",
                        new { Connection = _connection, LeaseId = _leaseId, ExpiresAt = SqlDialect.Sqlite.Time(_store._time.GetUtcNow() + _length) });
                }
                catch (SqliteException)
                {
                    // A busy or unavailable file: the next beat tries again, and the lease still has two thirds of its length.
                }
            }
        }
    }
}
