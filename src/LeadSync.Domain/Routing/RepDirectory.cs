namespace LeadSync.Domain.Routing;

/// <summary>A Salesforce User as routing needs it.</summary>
public sealed record SalesforceUserInfo(string Id, string? Email, bool IsActive);

/// <summary>A HubSpot owner as routing needs it.</summary>
public sealed record HubSpotOwnerInfo(string Id, string? Email, bool Archived);

/// <summary>A Salesforce Lead queue (Group of Type Queue).</summary>
public sealed record QueueInfo(string Id, string DeveloperName);

/// <summary>
/// Who can own a lead in each system, matched to configured reps by normalised email.
/// Built once per cycle from the connectors' user, owner and queue lists.
/// </summary>
public sealed class RepDirectory
{
    private readonly Dictionary<string, SalesforceUserInfo> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HubSpotOwnerInfo> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueueInfo> _queues = new(StringComparer.OrdinalIgnoreCase);

    public RepDirectory(
        IEnumerable<SalesforceUserInfo> salesforceUsers,
        IEnumerable<HubSpotOwnerInfo> hubSpotOwners,
        IEnumerable<QueueInfo>? queues = null)
    {
        foreach (var user in salesforceUsers)
        {
            var key = EmailMask.Normalize(user.Email);
            if (key is null)
            {
                continue;
            }

            // Orgs keep deactivated duplicates of a person; the active one is the one that can own leads.
            if (!_users.TryGetValue(key, out var existing) || (!existing.IsActive && user.IsActive))
            {
                _users[key] = user;
            }
        }

        foreach (var owner in hubSpotOwners)
        {
            var key = EmailMask.Normalize(owner.Email);
            if (key is null)
            {
                continue;
            }

            if (!_owners.TryGetValue(key, out var existing) || (existing.Archived && !owner.Archived))
            {
                _owners[key] = owner;
            }
        }

        foreach (var queue in queues ?? [])
        {
            _queues.TryAdd(queue.DeveloperName, queue);
        }
    }

    public SalesforceUserInfo? FindUser(string? email) =>
        EmailMask.Normalize(email) is { } key && _users.TryGetValue(key, out var user) ? user : null;

    public HubSpotOwnerInfo? FindOwner(string? email) =>
        EmailMask.Normalize(email) is { } key && _owners.TryGetValue(key, out var owner) ? owner : null;

    /// <summary>True when <paramref name="id"/> is one of the listed queues.</summary>
    public bool IsQueue(string? id) => id is not null && _queues.Values.Any(q => string.Equals(q.Id, id, StringComparison.Ordinal));

    public QueueInfo? FindQueue(string? developerName) =>
        developerName is not null && _queues.TryGetValue(developerName.Trim(), out var queue) ? queue : null;
}
