using System.Collections.Concurrent;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>Reps (Salesforce users, HubSpot owners) and queues as last read, per connection.</summary>
public sealed record ReferenceData(
    IReadOnlyList<CrmUser> Users,
    IReadOnlyList<CrmQueue> Queues,
    IReadOnlyList<MarketingOwner> Owners,
    DateTimeOffset ReadAt);

/// <summary>
/// Reps and queues change rarely; reading them every cycle would spend three API calls on nothing.
/// They are read lazily — only when a cycle needs to route or classify an owner — and kept for
/// <see cref="SyncOptions.ReferenceDataCacheMinutes"/>.
/// </summary>
public sealed class ReferenceDataCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ReferenceData> _byConnection = new(StringComparer.Ordinal);

    public async Task<ReferenceData> GetAsync(SyncConnection connection, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_byConnection.TryGetValue(connection.Name, out var cached)
            && now - cached.ReadAt < TimeSpan.FromMinutes(connection.Model.Sync.ReferenceDataCacheMinutes))
        {
            return cached;
        }

        var users = await connection.Crm.GetUsersAsync(cancellationToken);
        var queues = await connection.Crm.GetLeadQueuesAsync(cancellationToken);
        var owners = await connection.Marketing.GetOwnersAsync(cancellationToken);
        var fresh = new ReferenceData(users, queues, owners, now);
        _byConnection[connection.Name] = fresh;
        return fresh;
    }

    public void Invalidate(string connection) => _byConnection.TryRemove(connection, out _);
}
