using System.Collections.Concurrent;

namespace LeadSync.Sync.Engine;

/// <summary>
/// Reps (CRM users, marketing owners) and queues change rarely; reading them every cycle would spend three API calls
/// on nothing. They are read lazily — only when a batch needs to route or classify an owner — and kept for
/// <see cref="SyncOptions.ReferenceDataCacheMinutes"/>.
/// </summary>
public sealed class ReferenceDataCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (OwnerDirectory Owners, DateTimeOffset ReadAt)> _byConnection = new(StringComparer.Ordinal);

    public async Task<OwnerDirectory> GetAsync(SyncConnection connection, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_byConnection.TryGetValue(connection.Name, out var cached)
            && now - cached.ReadAt < TimeSpan.FromMinutes(connection.Model.Sync.ReferenceDataCacheMinutes))
        {
            return cached.Owners;
        }

        var users = await connection.Crm.GetUsersAsync(cancellationToken);
        var queues = await connection.Crm.GetLeadQueuesAsync(cancellationToken);
        var owners = await connection.Marketing.GetOwnersAsync(cancellationToken);
        var handoff = connection.Model.Options.Handoff;
        var fresh = OwnerDirectory.Create(users, queues, owners, handoff.IntegrationUserId, handoff.IntegrationUserEmail, handoff.MarketingQueueDeveloperName);
        _byConnection[connection.Name] = (fresh, now);
        return fresh;
    }

    public void Invalidate(string connection) => _byConnection.TryRemove(connection, out _);
}
