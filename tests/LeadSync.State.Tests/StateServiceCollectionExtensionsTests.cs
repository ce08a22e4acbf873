using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.State.Tests;

public sealed class StateServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddLeadSyncState_Sqlite_ResolvesSqliteStoreWithRegisteredTime()
    {
        var path = Path.Combine(Path.GetTempPath(), $"leadsync_test_{Guid.NewGuid():N}", "leadsync.db");
        var services = new ServiceCollection().AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddLeadSyncState(new StateOptions { SqlitePath = path });

        await using (var provider = services.BuildServiceProvider())
        {
            var store = Assert.IsType<SqliteStateStore>(provider.GetRequiredService<IStateStore>());
            Assert.Same(store, provider.GetRequiredService<IStateStore>());
            Assert.IsType<FakeTimeProvider>(provider.GetRequiredService<TimeProvider>());
            Assert.Equal(path, store.FilePath);
        }

        Assert.False(File.Exists(path), "Resolving the store must not touch the disk; MigrateAsync does.");
    }

    [Fact]
    public async Task AddLeadSyncState_Postgres_ResolvesPostgresStoreAndSystemTime()
    {
        var services = new ServiceCollection();
        services.AddLeadSyncState(new StateOptions { Provider = StateProvider.Postgres, ConnectionString = "Host=127.0.0.1;Database=x" });

        await using var provider = services.BuildServiceProvider();

        Assert.IsType<PostgresStateStore>(provider.GetRequiredService<IStateStore>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }
}
