using System.Runtime.Versioning;
using LeadSync.State.Internal;
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
    public async Task TryAcquireCycleLockAsync_LeaseExpired_AnotherInstanceTakesOver()
    {
        var first = NewStore();
        var second = NewStore();
        var third = NewStore();
        var firstLease = await first.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(firstLease);

        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(await second.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct));

        Time.Advance(TimeSpan.FromSeconds(2));
        var secondLease = await second.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(secondLease);

        // The stale holder releasing late must not free the lease it no longer owns.
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
}
