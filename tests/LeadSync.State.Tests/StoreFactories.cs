using Dapper;
using LeadSync.State.Internal;
using LeadSync.Sync.Ports;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LeadSync.State.Tests;

/// <summary>A store on a database nobody has migrated yet, plus a way to look inside it.</summary>
/// <param name="Execute">Runs SQL (with Dapper parameters) on the raw database.</param>
/// <param name="UpgradeTo">Applies the embedded scripts up to a version, as the migration runner of that version did.</param>
/// <param name="Time">A time as the provider stores it (parameter value for raw SQL).</param>
public sealed record FreshStore(
    Func<IStateStore> NewInstance,
    Func<string, Task<long>> Scalar,
    Func<string, object?, Task> Execute,
    Func<int, Task> UpgradeTo,
    Func<DateTimeOffset?, object?> Time);

/// <summary>Gives the behavioural suite stores of one provider: on a shared migrated database, or on a fresh one.</summary>
public interface IStoreFactory
{
    /// <summary>A new store instance on the run's shared, migrated database.</summary>
    IStateStore Create(TimeProvider time);

    /// <summary>A brand-new empty database (for migration tests).</summary>
    Task<FreshStore> CreateFreshAsync(TimeProvider time);
}

public sealed class SqliteStoreFactory : IStoreFactory, IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"leadsync_test_{Guid.NewGuid():N}");

    public string SharedPath => Path.Combine(_root, "shared", "state", "leadsync.db");

    public string Root => _root;

    public IStateStore Create(TimeProvider time) => new SqliteStateStore(SharedPath, time);

    public Task<FreshStore> CreateFreshAsync(TimeProvider time)
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N"), "fresh.db");
        var connectionString = $"Data Source={path};Pooling=False";
        return Task.FromResult(new FreshStore(
            () => new SqliteStateStore(path, time),
            async sql =>
            {
                await using var connection = new SqliteConnection(connectionString);
                return await connection.ExecuteScalarAsync<long>(sql);
            },
            async (sql, parameters) =>
            {
                await using var connection = new SqliteConnection(connectionString);
                await connection.ExecuteAsync(sql, parameters);
            },
            async version =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync();
                await using var tx = connection.BeginTransaction();
                await connection.ExecuteAsync(Migrations.SqliteBootstrap, transaction: tx);
                foreach (var migration in Migrations.Sqlite.Where(m => m.Version <= version))
                {
                    await connection.ExecuteAsync(migration.Sql, transaction: tx);
                    await connection.ExecuteAsync(
                        "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, '2026-01-01T00:00:00.0000000Z')",
                        new { migration.Version, migration.Name },
                        tx);
                }

                await tx.CommitAsync();
            },
            SqlDialect.Sqlite.Time));
    }

    public async Task InitializeAsync()
    {
        using var store = new SqliteStateStore(SharedPath, TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }
}

public sealed class PostgresStoreFactory : IStoreFactory, IAsyncLifetime
{
    public const string EnvironmentVariable = "LEADSYNC_TEST_POSTGRES";

    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    private readonly string _adminConnectionString =
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultConnectionString;

    private readonly List<string> _databases = [];
    public string SharedConnectionString { get; private set; } = string.Empty;

    public IStateStore Create(TimeProvider time) => new PostgresStateStore(SharedConnectionString, time);

    public async Task<FreshStore> CreateFreshAsync(TimeProvider time)
    {
        var connectionString = await CreateDatabaseAsync();
        return new FreshStore(
            () => new PostgresStateStore(connectionString, time),
            async sql =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                return await connection.ExecuteScalarAsync<long>(sql);
            },
            async (sql, parameters) =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.ExecuteAsync(sql, parameters);
            },
            async version =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var tx = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync(Migrations.PostgresBootstrap, transaction: tx);
                foreach (var migration in Migrations.Postgres.Where(m => m.Version <= version))
                {
                    await connection.ExecuteAsync(migration.Sql, transaction: tx);
                    await connection.ExecuteAsync(
                        "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, now())",
                        new { migration.Version, migration.Name },
                        tx);
                }

                await tx.CommitAsync();
            },
            SqlDialect.Postgres.Time);
    }

    public async Task InitializeAsync()
    {
        try
        {
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            var builder = new NpgsqlConnectionStringBuilder(_adminConnectionString);
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at {builder.Host}:{builder.Port} as user '{builder.Username}' ({ex.Message}). " +
                "These tests need it: start it with `pg_ctlcluster 15 main start`, set the password with " +
                "`su postgres -c \"psql -c \\\"ALTER USER postgres PASSWORD 'postgres'\\\"\"`, or point " +
                $"{EnvironmentVariable} at another server (default: Host=127.0.0.1;Port=5432;Username=postgres;Password=***;Database=postgres).",
                ex);
        }

        SharedConnectionString = await CreateDatabaseAsync();
        await using var store = new PostgresStateStore(SharedConnectionString, TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_databases.Count == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        foreach (var database in _databases)
        {
            // The name is generated here (leadsync_test_<guid>), never user input: identifiers cannot be parameters.
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private async Task<string> CreateDatabaseAsync()
    {
        var database = $"leadsync_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"CREATE DATABASE \"{database}\"");
        }

        lock (_databases)
        {
            _databases.Add(database);
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database }.ToString();
    }
}
