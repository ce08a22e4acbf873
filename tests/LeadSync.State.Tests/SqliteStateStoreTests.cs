using System.Diagnostics;
using System.Runtime.Versioning;
using Dapper;
using LeadSync.State.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.State.Tests;

public sealed class SqliteStateStoreTests(SqliteStoreFactory factory)
    : StateStoreContractTests(factory), IClassFixture<SqliteStoreFactory>
{
    protected override int MigrationCount => Migrations.Sqlite.Count;

    [Fact]
    [UnsupportedOSPlatform("windows")] // Unix permissions; CI runs on Linux.
    public async Task MigrateAsync_NewPath_CreatesOwnerOnlyDirectoryAndFile()
    {
        var directory = Path.Combine(factory.Root, Guid.NewGuid().ToString("N"), "state");
        var path = Path.Combine(directory, "leadsync.db");
        var store = (SqliteStateStore)Track(new SqliteStateStore(path, Time));

        await store.MigrateAsync(Ct);
        await store.SetWatermarkAsync(Conn, Domain.Planning.SystemRole.Marketing, new Sync.Ports.ChangeCursor(T0, null), Ct);

        Assert.Equal(path, store.FilePath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        foreach (var sidecar in new[] { path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(sidecar) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // Unix permissions; CI runs on Linux.
    public async Task MigrateAsync_ExistingLooseFile_TightensPermissions()
    {
        var path = Path.Combine(factory.Root, $"{Guid.NewGuid():N}.db");
        await File.WriteAllBytesAsync(path, []);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await Track(new SqliteStateStore(path, Time)).MigrateAsync(Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_HolderKeepsRunning_HeartbeatRenewsPastTheLeaseLength()
    {
        var first = NewStore();
        var second = NewStore();
        var firstLease = await first.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(firstLease);
        var acquiredExpiry = await LeaseExpiryAsync();

        // Three heartbeats (every 20 s of a 1-minute lease): a cycle running for 61 s still holds its lease.
        for (var beat = 0; beat < 3; beat++)
        {
            Time.Advance(TimeSpan.FromSeconds(20));
        }

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(acquiredExpiry + TimeSpan.FromSeconds(60), await LeaseExpiryAsync());
        Assert.Null(await second.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct));

        // Released: the heartbeat stops with it and never brings the row back.
        await firstLease.DisposeAsync();
        Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(await first.DescribeCycleLockHolderAsync(Conn, Ct));
        var secondLease = await second.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(secondLease);
        await secondLease.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_HolderProcessNoLongerExists_NextCycleTakesOverAtOnce()
    {
        // A killed `sync --once`: its lease row names this machine and a pid no process has any more, and has 30 minutes to run.
        var deadPid = await ExitedProcessIdAsync();
        await InsertLeaseAsync($"{Environment.MachineName}|{deadPid}|deadprocess|deadstore", T0.AddMinutes(30));
        var next = NewStore();

        var description = await next.DescribeCycleLockHolderAsync(Conn, Ct);
        var lease = await next.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(30), Ct);

        Assert.Equal(FormattableString.Invariant($"pid {deadPid} on {Environment.MachineName} since {T0:O} (lease expires {T0.AddMinutes(30):O} unless renewed)"), description);
        Assert.NotNull(lease);
        Assert.StartsWith(
            FormattableString.Invariant($"pid {Environment.ProcessId} on {Environment.MachineName} since "),
            await next.DescribeCycleLockHolderAsync(Conn, Ct),
            StringComparison.Ordinal);
        await lease.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_HolderOnAnotherMachine_WaitsForItsLeaseToExpire()
    {
        await InsertLeaseAsync("other-host|4242|otherprocess|otherstore", T0.AddMinutes(1));
        var store = NewStore();

        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(await store.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct));
        Assert.StartsWith("pid 4242 on other-host since ", await store.DescribeCycleLockHolderAsync(Conn, Ct), StringComparison.Ordinal);

        Time.Advance(TimeSpan.FromSeconds(2));
        var lease = await store.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(lease);
        await lease.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_AnotherLiveInstanceOfThisProcess_IsNotTakenOver()
    {
        var first = NewStore();
        var firstLease = await first.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(firstLease);

        Assert.Null(await NewStore().TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct));
        await firstLease.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_StaleHolderReleasesLate_TheNewLeaseStays()
    {
        var first = NewStore();
        var second = NewStore();
        var third = NewStore();
        var firstLease = await first.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(firstLease);

        // The first holder hangs: its row is left to expire (its heartbeat cannot run), and the second takes over.
        await ExecuteAsync($"UPDATE cycle_lock SET expires_at = '{Sqlite(T0)}' WHERE connection = '{Conn}'");
        Time.Advance(TimeSpan.FromSeconds(1));
        var secondLease = await second.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(secondLease);

        // The stale holder's heartbeat and its late release must not touch the lease it no longer owns.
        Time.Advance(TimeSpan.FromSeconds(20));
        await firstLease.DisposeAsync();
        Assert.Null(await third.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct));

        await secondLease.DisposeAsync();
        var thirdLease = await third.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(thirdLease);
        await thirdLease.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_NonPositiveLease_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.TryAcquireCycleLockAsync(Conn, TimeSpan.Zero, Ct));
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_ManyInstancesAtOnce_ExactlyOneWins()
    {
        var clock = new FakeTimeProvider(T0);
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore(clock)).ToList();

        var leases = await Task.WhenAll(stores.Select(s => Task.Run(() => s.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct))));

        var winner = Assert.Single(leases, l => l is not null);
        await winner!.DisposeAsync();
    }

    private static string Sqlite(DateTimeOffset at) => (string)SqlDialect.Sqlite.Time(at)!;

    /// <summary>The pid of a process that ran and exited: no process has it now.</summary>
    private static async Task<int> ExitedProcessIdAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    private async Task InsertLeaseAsync(string holder, DateTimeOffset expiresAt) =>
        await ExecuteAsync(
            $"INSERT INTO cycle_lock (connection, holder, lease_id, acquired_at, expires_at) VALUES ('{Conn}', '{holder}', 'stale-lease', '{Sqlite(T0)}', '{Sqlite(expiresAt)}')");

    private async Task<DateTimeOffset> LeaseExpiryAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={factory.SharedPath};Pooling=False");
        return SqlDialect.ReadRequiredTime(await connection.ExecuteScalarAsync<string>($"SELECT expires_at FROM cycle_lock WHERE connection = '{Conn}'"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.SharedPath};Pooling=False");
        await connection.ExecuteAsync(sql);
    }
}
