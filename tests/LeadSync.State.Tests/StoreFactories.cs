using Dapper;
using LeadSync.Sync.Ports;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LeadSync.State.Tests;

/// <summary>A store on a database nobody has migrated yet, plus a way to look inside it.</summary>
public sealed record FreshStore(Func<IStateStore> NewInstance, Func<string, Task<long>> Scalar);

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
        return Task.FromResult(new FreshStore(
            () => new SqliteStateStore(path, time),
            async sql =>
            {
                await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
                return await connection.ExecuteScalarAsync<long>(sql);
            }));
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
            });
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
