using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.State.Tests;

internal static class StoreTestExtensions
{
    /// <summary>Begins one crossing through the batch method (the port has no single-entry begin any more).</summary>
    public static async Task<AssignmentEntry> BeginOneAsync(this IStateStore store, AssignmentEntry entry, CancellationToken ct) =>
        Assert.Single(await store.BeginAssignmentsAsync([entry], ct));

    public static SqlStateStore Sql(this IStateStore store) => (SqlStateStore)store;
}
