using System.Diagnostics;
using System.Globalization;
using Dapper;
using LeadSync.Sandbox;
using LeadSync.State;
using LeadSync.Worker.Cli;
using Microsoft.Data.Sqlite;

namespace LeadSync.Worker.Tests.Cli;

/// <summary><c>sync --once</c> when another run holds the connection's SQLite cycle lock: live holder vs. a killed one.</summary>
public sealed class CycleLockCommandTests
{
    [Fact]
    public async Task SyncOnce_LockHeldByALiveRun_ExitsCycleSkippedSaysWhoAndRecordsTheSkip()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 60 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        var statePath = Path.Combine(dir.Path, "state.db");
        using var holderStore = new SqliteStateStore(statePath, TimeProvider.System);
        await holderStore.MigrateAsync(CancellationToken.None);
        await using var held = await holderStore.TryAcquireCycleLockAsync("default", TimeSpan.FromMinutes(30), CancellationToken.None);
        Assert.NotNull(held);

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.True(exit == ExitCodes.CycleSkipped, $"exit {exit}\n{output}\n{error}");
        Assert.Contains(
            string.Create(CultureInfo.InvariantCulture, $"default: SKIPPED: the cycle lock is held by pid {Environment.ProcessId} on {Environment.MachineName} since "),
            output,
            StringComparison.Ordinal);
        Assert.Equal(0, sandbox.Stats.SalesforceWrites);
        var recorded = await QueryAsync(statePath, "SELECT kind, succeeded, summary FROM cycle WHERE connection = 'default'");
        var row = Assert.Single(recorded);
        Assert.Equal("Skipped", row.kind);
        Assert.Equal(0L, row.succeeded);
        Assert.Contains("the cycle lock is held by pid", row.summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncOnce_LockLeftByAKilledRun_TakesItOverAndSyncs()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 60 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        var statePath = Path.Combine(dir.Path, "state.db");
        using (var store = new SqliteStateStore(statePath, TimeProvider.System))
        {
            await store.MigrateAsync(CancellationToken.None);
        }

        // What a `kill -9` of `sync --once` leaves: a lease row with 30 minutes to run, naming a pid that no longer exists.
        int deadPid;
        using (var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            await process.WaitForExitAsync();
            deadPid = process.Id;
        }

        await using (var db = new SqliteConnection($"Data Source={statePath};Pooling=False"))
        {
            await db.ExecuteAsync(
                "INSERT INTO cycle_lock (connection, holder, lease_id, acquired_at, expires_at) VALUES ('default', @Holder, 'killed', '2000-01-01T00:00:00.0000000Z', '9999-01-01T00:00:00.0000000Z')",
                new { Holder = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}|{deadPid}|killedprocess|killedstore") });
        }

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.True(exit == ExitCodes.Success, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("default: ok", output, StringComparison.Ordinal);
        Assert.True(sandbox.Stats.SalesforceWrites > 0);
        var cycle = Assert.Single(await QueryAsync(statePath, "SELECT kind, succeeded, summary FROM cycle WHERE connection = 'default'"));
        Assert.Equal(("Incremental", 1L), (cycle.kind, cycle.succeeded));

        // The run released the lease it took over: nothing is left for the next run to wait on.
        Assert.Empty(await QueryAsync(statePath, "SELECT connection AS kind, 0 AS succeeded, holder AS summary FROM cycle_lock"));
    }

    private static async Task<List<(string kind, long succeeded, string summary)>> QueryAsync(string path, string sql)
    {
        await using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        return (await db.QueryAsync<(string kind, long succeeded, string summary)>(sql)).ToList();
    }
}
