using Dapper;
using LeadSync.State.Internal;
using Npgsql;

namespace LeadSync.State.Tests;

/// <summary>
/// Needs a running PostgreSQL (see <see cref="PostgresStoreFactory"/>): these tests fail, never skip, when it is not there.
/// </summary>
public sealed class PostgresStateStoreTests(PostgresStoreFactory factory)
    : StateStoreContractTests(factory), IClassFixture<PostgresStoreFactory>
{
    protected override int MigrationCount => Migrations.Postgres.Count;

    [Fact]
    public async Task TryAcquireCycleLockAsync_ManyInstancesAtOnce_ExactlyOneWins()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore()).ToList();

        var leases = await Task.WhenAll(stores.Select(s => Task.Run(() => s.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct))));

        var winner = Assert.Single(leases, l => l is not null);
        await winner!.DisposeAsync();
    }

    [Fact]
    public async Task DescribeCycleLockHolderAsync_LockHeld_NamesTheHoldingSession()
    {
        Assert.Null(await Store.DescribeCycleLockHolderAsync(Conn, Ct));
        var held = await NewStore().TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(held);

        var description = await Store.DescribeCycleLockHolderAsync(Conn, Ct);

        Assert.Matches(@"^PostgreSQL session pid \d+ \(.*\) connected since \d{4}-", description);
        await held.DisposeAsync();
        Assert.Null(await Store.DescribeCycleLockHolderAsync(Conn, Ct));
    }

    [Fact]
    public async Task TryAcquireCycleLockAsync_HolderSessionDies_LockIsFreed()
    {
        var held = await NewStore().TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(held);
        Assert.Null(await Store.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct));

        // A crashed worker: its session ends without unlocking. A bigint advisory key shows up as (classid, objid) halves.
        var key = SqlDialect.LockKey("cycle", Conn);
        await using (var admin = new NpgsqlConnection(((PostgresStoreFactory)Factory).SharedConnectionString))
        {
            var killed = await admin.ExecuteScalarAsync<long>(
                """
                SELECT COUNT(pg_terminate_backend(pid)) FROM pg_locks
                WHERE locktype = 'advisory' AND objsubid = 1 AND granted
                  AND classid::bigint = @High AND objid::bigint = @Low
                """,
                new { High = (long)(uint)(key >> 32), Low = (long)(uint)key });
            Assert.Equal(1, killed);

            // pg_terminate_backend only signals the backend: wait until it has exited and its locks are gone.
            for (var i = 0; i < 100; i++)
            {
                var remaining = await admin.ExecuteScalarAsync<long>(
                    """
                    SELECT COUNT(*) FROM pg_locks
                    WHERE locktype = 'advisory' AND objsubid = 1 AND granted
                      AND classid::bigint = @High AND objid::bigint = @Low
                    """,
                    new { High = (long)(uint)(key >> 32), Low = (long)(uint)key });
                if (remaining == 0)
                {
                    break;
                }

                await Task.Delay(50, Ct);
            }
        }

        var next = await Store.TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(next);

        // Releasing a lock whose session is gone is a no-op, and must not free the new holder's lock.
        await held.DisposeAsync();
        Assert.Null(await NewStore().TryAcquireCycleLockAsync(Conn, TimeSpan.FromMinutes(1), Ct));
        await next.DisposeAsync();
    }
}
