using Dapper;
using LeadSync.Domain.Planning;
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

    [Fact]
    public async Task DeployScript_OnFreshAndOnAppMigratedDatabases_RunsTwiceAndLeavesNothingToMigrate()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(MigrationScriptTests.FindRepositoryRoot(), "deploy", "sql", "leadsync-postgres.sql"));

        // A DBA provisions first; the app then finds every version applied.
        var provisioned = await Factory.CreateFreshAsync(Time);
        await provisioned.Execute(script, null);
        await provisioned.Execute(script, null);
        var store = Track(provisioned.NewInstance());
        await store.MigrateAsync(Ct);
        Assert.Equal(MigrationCount, await provisioned.Scalar("SELECT COUNT(*) FROM schema_version"));
        await store.SaveLeadsAsync(Conn, [Lead("k1", "m1", "c1")], Ct);

        // The app migrated first (v2, then v3 with data); the DBA runs the script afterwards: nothing breaks or changes.
        var upgraded = await Factory.CreateFreshAsync(Time);
        await upgraded.UpgradeTo(2);
        var appStore = Track(upgraded.NewInstance());
        await appStore.MigrateAsync(Ct);
        await appStore.SaveLeadsAsync(Conn, [Lead("k1", "m1", "c1")], Ct);
        await upgraded.Execute(script, null);
        Assert.Equal(MigrationCount, await upgraded.Scalar("SELECT COUNT(*) FROM schema_version"));
        AssertLead(Lead("k1", "m1", "c1"), await appStore.GetLeadAsync(Conn, "k1", Ct));
    }

    [Fact]
    public async Task SettleAsync_CancelledWhileWaitingMidway_RollsBackTheStatementsAlreadyRun()
    {
        await Store.TakeRoutingTicketAsync(Conn, "emea", Ct);
        using var cancellation = new CancellationTokenSource();

        // Another session holds the team's routing row, so the settlement blocks on its last statement, after the
        // leads, ledger, audit and quarantine statements ran inside its transaction; then it is cancelled.
        await using var blocker = new NpgsqlConnection(((PostgresStoreFactory)Factory).SharedConnectionString);
        await blocker.OpenAsync(Ct);
        await using var blockerTx = await blocker.BeginTransactionAsync(Ct);
        await blocker.ExecuteAsync(
            "SELECT next_ticket FROM routing_ticket WHERE connection = @Conn AND team = 'emea' FOR UPDATE", new { Conn }, blockerTx);
        var store = Store.Sql();
        var settling = store.SettleAsync(
            new BatchSettlement(
                Conn,
                [Lead("k1", "m1", "c1")],
                [Assignment("k1", 1, "005A")],
                [new AuditEntry(Conn, "cycle-1", "k1", T0, "handoff", "x")],
                [Quarantine("c9", "boom", T0)],
                [],
                new Dictionary<string, long> { ["emea"] = 1 }),
            cancellation.Token);
        // Polled from its own session: pg_stat_activity is a snapshot per transaction.
        await using var observer = new NpgsqlConnection(((PostgresStoreFactory)Factory).SharedConnectionString);
        await WaitUntilAsync(async () => await observer.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO routing_ticket%'") > 0);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => settling);
        await blockerTx.RollbackAsync(Ct);
        Assert.Null(await Store.GetLeadAsync(Conn, "k1", Ct));
        Assert.Empty(await Store.GetAssignmentsAsync(Conn, ["k1"], Ct));
        Assert.Empty(await Store.GetAuditAsync(Conn, "k1", 10, Ct));
        Assert.Empty(await Store.ListQuarantineAsync(Conn, Ct));
        Assert.Equal(1, (await Store.GetRoutingStateAsync(Conn, Ct)).Positions["emea"]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The condition did not become true within 5 s.");
    }
}
