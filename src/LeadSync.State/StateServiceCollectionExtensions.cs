using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadSync.State;

public static class StateServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IStateStore"/> singleton chosen by <paramref name="options"/> (and
    /// <see cref="TimeProvider.System"/> unless a TimeProvider is already registered). The host still calls
    /// <see cref="IStateStore.MigrateAsync"/> at start.
    /// </summary>
    public static IServiceCollection AddLeadSyncState(this IServiceCollection services, StateOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<IStateStore>(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Provider switch
            {
                StateProvider.Postgres => new PostgresStateStore(
                    options.ConnectionString ?? throw new InvalidOperationException("LeadSync:State:ConnectionString is required when Provider is Postgres."),
                    time),
                _ => new SqliteStateStore(options.SqlitePath, time),
            };
        });
        services.TryAddSingleton<IHistoryStore>(sp => sp.GetRequiredService<IStateStore>() as IHistoryStore
            ?? throw new InvalidOperationException("The registered state store keeps no history (reports and the console need one that does)."));
        return services;
    }
}
