using System.Globalization;
using LeadSync.Sandbox;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Demo;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Serilog.Events;

namespace LeadSync.Worker.Tests.SyncCycles;

/// <summary>
/// A fully wired LeadSync (the real <see cref="LeadSyncHostFactory"/> composition, real connectors, real HTTP) pointed at an
/// in-process <see cref="SandboxServer"/>, with its state in a temp SQLite file or a throw-away PostgreSQL database.
/// <see cref="RestartAsync"/> builds a new host over the same state, as a process restart would.
/// </summary>
public sealed class SyncHarness : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _overrides;
    private readonly Action<IServiceCollection>? _extra;
    private readonly string? _postgresDatabase;
    private readonly string _statePath;

    private SyncHarness(SandboxServer sandbox, Dictionary<string, string?> overrides, Action<IServiceCollection>? extra, string statePath, string? postgresDatabase)
    {
        Sandbox = sandbox;
        _overrides = overrides;
        _extra = extra;
        _statePath = statePath;
        _postgresDatabase = postgresDatabase;
    }

    public SandboxServer Sandbox { get; }

    /// <summary>The configuration the host runs with (state path included), for running the command line over the same state.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _overrides;

    public IHost Host { get; private set; } = null!;

    public SyncEngine Engine => Host.Services.GetRequiredService<SyncEngine>();

    public FollowUp FollowUp => Host.Services.GetRequiredService<FollowUp>();

    public IStateStore Store => Host.Services.GetRequiredService<IStateStore>();

    public SyncConnection Connection => Host.Services.GetRequiredService<ConnectionRegistry>().All.First();

    public static string PostgresBase =>
        Environment.GetEnvironmentVariable("LEADSYNC_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    /// <summary>
    /// Starts a sandbox of <paramref name="leads"/> people and a LeadSync over it. Connector retries are shortened (one
    /// retry, 10 ms) so fault tests stay fast; the client-side HubSpot limiter is kept at the sandbox's limits.
    /// </summary>
    public static async Task<SyncHarness> StartAsync(
        int leads,
        int seed = 42,
        IReadOnlyDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? extra = null,
        bool postgres = false,
        TimeProvider? sandboxTime = null,
        Action<SandboxOptions>? sandboxOptions = null)
    {
        // The sandbox's search limit is raised above HubSpot's 4/s: the client paces itself at 4/s on its own token bucket,
        // and edge effects between the two windows would otherwise fail cycles with SECONDLY 429s the tests are not about.
        var options = new SandboxOptions { Port = 0, Seed = seed, LeadCount = leads, HubSpotSearchRequestsPerSecond = 20, HubSpotRequestsPerTenSeconds = 1000 };
        sandboxOptions?.Invoke(options);
        var sandbox = await SandboxServer.StartAsync(options, sandboxTime);
        var statePath = Path.Combine(Path.GetTempPath(), $"leadsync-test-{Guid.NewGuid():N}.db");
        var all = DemoRunner.SandboxOverrides(sandbox, statePath);
        all["LeadSync:HubSpot:MaxRetries"] = "1";
        all["LeadSync:HubSpot:RetryBaseDelay"] = "00:00:00.010";
        all["LeadSync:HubSpot:TenSecondlyRetryDelay"] = "00:00:00.010";
        all["LeadSync:Salesforce:MaxRetries"] = "1";
        all["LeadSync:Salesforce:RetryBaseDelay"] = "00:00:00.010";
        string? database = null;
        if (postgres)
        {
            database = "leadsync_test_" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(PostgresBase))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
                await command.ExecuteNonQueryAsync();
            }

            all["LeadSync:State:Provider"] = "Postgres";
            all["LeadSync:State:ConnectionString"] = new NpgsqlConnectionStringBuilder(PostgresBase) { Database = database, Pooling = false }.ConnectionString;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var harness = new SyncHarness(sandbox, all, extra, statePath, database);
        await harness.BuildHostAsync();
        return harness;
    }

    /// <summary>A new host over the same state and sandbox: in-memory caches and connector state are gone.</summary>
    public async Task RestartAsync()
    {
        Host.Dispose();
        await BuildHostAsync();
    }

    public Task<CycleReport> CycleAsync(CycleMode mode = CycleMode.Incremental) =>
        Engine.RunCycleAsync(Connection, mode, CancellationToken.None);

    public async Task<List<LeadRecord>> LeadRecordsAsync()
    {
        var records = new List<LeadRecord>();
        await foreach (var record in Store.StreamLeadsAsync(Connection.Name, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>Runs cycles until one writes nothing (bounded), so a test starts from a settled world.</summary>
    public async Task SettleAsync(int maxCycles = 5)
    {
        for (var i = 0; i < maxCycles; i++)
        {
            var before = Sandbox.Stats;
            var report = await CycleAsync();
            Assert.True(report.Succeeded, report.Error);
            var after = Sandbox.Stats;
            if (after.HubSpotWrites == before.HubSpotWrites && after.SalesforceWrites == before.SalesforceWrites)
            {
                return;
            }
        }

        Assert.Fail($"the world did not settle within {maxCycles} cycles");
    }

    public async ValueTask DisposeAsync()
    {
        Host?.Dispose();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            try
            {
                File.Delete(_statePath + suffix);
            }
            catch (IOException)
            {
                // A temp file left behind is harmless.
            }
        }

        if (_postgresDatabase is not null)
        {
            await using var connection = new NpgsqlConnection(PostgresBase);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task BuildHostAsync()
    {
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var loaded = LeadSyncHostFactory.LoadOrReport(null, error, _overrides)
            ?? throw new InvalidOperationException("configuration rejected: " + error);
        Host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Fatal, _extra);
        await Store.MigrateAsync(CancellationToken.None);
    }
}
