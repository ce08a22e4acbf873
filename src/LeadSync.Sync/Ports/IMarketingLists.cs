namespace LeadSync.Sync.Ports;

/// <summary>A list of people in the marketing platform, as nurture tracks name it.</summary>
/// <param name="AcceptsManualMembers">Members can be added and removed through the API (HubSpot: MANUAL or SNAPSHOT lists).</param>
/// <param name="Kind">The vendor's own word for the list's type (HubSpot's processingType), for messages.</param>
public sealed record MarketingList(string Id, string Name, bool AcceptsManualMembers, string Kind, long? Size);

/// <summary>What one membership change did: who was added, who was removed, and who the platform does not know.</summary>
public sealed record ListMembershipChange(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Missing)
{
    public static ListMembershipChange None { get; } = new([], [], []);
}

/// <summary>
/// Static list membership in the marketing platform (HubSpot manual lists today). Implementations batch as their
/// vendor requires; adding a member twice or removing a non-member is not an error.
/// </summary>
public interface IMarketingLists
{
    /// <summary>The list of people with exactly this name; null when there is none.</summary>
    Task<MarketingList?> FindListAsync(string name, CancellationToken cancellationToken);

    Task<ListMembershipChange> AddMembersAsync(string listId, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken);

    Task<ListMembershipChange> RemoveMembersAsync(string listId, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken);

    /// <summary>Every member's id, following paging (to see who a person removed by hand).</summary>
    Task<IReadOnlyList<string>> GetMemberIdsAsync(string listId, CancellationToken cancellationToken);
}
