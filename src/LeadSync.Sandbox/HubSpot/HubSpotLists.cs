namespace LeadSync.Sandbox.HubSpot;

/// <summary>One list of the portal (Lists v3 <c>PublicObjectList</c>) and its members with the time each joined.</summary>
public sealed record SandboxList(
    string ListId,
    string Name,
    string ObjectTypeId,
    string ProcessingType,
    int ListVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<long, DateTimeOffset> Members)
{
    /// <summary>Lists v3: only MANUAL and SNAPSHOT lists take memberships through the API; DYNAMIC ones are filter-driven.</summary>
    public bool TakesManualMembers => ProcessingType is HubSpotLists.Manual or HubSpotLists.Snapshot;
}

/// <summary>
/// The portal's lists (HubSpot's list service, "ILS"): lists by id and by name per object type, memberships by record
/// id. A person working in HubSpot can add or remove members by hand (<see cref="AddByHand"/>, <see cref="RemoveByHand"/>),
/// which is what the API sees afterwards. One lock; lists are immutable versions handed out as snapshots.
/// </summary>
public sealed class HubSpotLists
{
    public const string Manual = "MANUAL";
    public const string Snapshot = "SNAPSHOT";
    public const string Dynamic = "DYNAMIC";

    /// <summary>The object type id of contacts.</summary>
    public const string ContactsObjectTypeId = "0-1";

    private readonly object _sync = new();
    private readonly Dictionary<string, SandboxList> _lists = new(StringComparer.Ordinal);
    private readonly Func<string, bool> _contactExists;
    private readonly TimeProvider _time;
    private long _nextId = 1;
    private long _membershipChanges;

    internal HubSpotLists(Func<string, bool> contactExists, TimeProvider time)
    {
        _contactExists = contactExists;
        _time = time;
    }

    /// <summary>Members added or removed through the API since the start (a quiet cycle leaves it where it was).</summary>
    public long MembershipChanges => Interlocked.Read(ref _membershipChanges);

    /// <summary>Creates a list as an admin would in the UI; names are unique per object type.</summary>
    public SandboxList CreateList(string name, string processingType = Manual, string objectTypeId = ContactsObjectTypeId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (processingType is not (Manual or Snapshot or Dynamic))
            throw new ArgumentOutOfRangeException(nameof(processingType), processingType, "MANUAL, SNAPSHOT or DYNAMIC");
        lock (_sync)
        {
            if (FindUnlocked(objectTypeId, name) is not null)
                throw new InvalidOperationException($"a list named '{name}' already exists");
            var now = _time.GetUtcNow();
            var list = new SandboxList((_nextId++).ToString(System.Globalization.CultureInfo.InvariantCulture), name, objectTypeId, processingType, 1, now, now,
                new SortedDictionary<long, DateTimeOffset>());
            _lists[list.ListId] = list;
            return list;
        }
    }

    public SandboxList? Get(string listId)
    {
        lock (_sync)
            return _lists.GetValueOrDefault(listId);
    }

    /// <summary>The list with exactly this name (HubSpot matches the name as given) among the object type's lists.</summary>
    public SandboxList? FindByName(string objectTypeId, string name)
    {
        lock (_sync)
            return FindUnlocked(objectTypeId, name);
    }

    /// <summary>Record ids of the members, ascending.</summary>
    public IReadOnlyList<string> MemberIds(string listId)
    {
        lock (_sync)
            return _lists.TryGetValue(listId, out var list) ? [.. list.Members.Keys.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))] : [];
    }

    /// <summary>A person removes a contact from a list in the UI (whatever the list's type).</summary>
    public bool RemoveByHand(string listId, string recordId)
    {
        lock (_sync)
            return Change(listId, [], [recordId], countApi: false).Removed.Count == 1;
    }

    /// <summary>A person adds a contact to a list in the UI.</summary>
    public bool AddByHand(string listId, string recordId)
    {
        lock (_sync)
            return Change(listId, [recordId], [], countApi: false).Added.Count == 1;
    }

    /// <summary>
    /// The API's add/remove: ids that are not contacts of the portal (or not numbers) are reported missing; ids already
    /// members (add) or not members (remove) are ignored. The caller has checked the list takes manual members.
    /// </summary>
    internal (List<string> Added, List<string> Removed, List<string> Missing) Apply(string listId, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        lock (_sync)
            return Change(listId, add, remove, countApi: true);
    }

    private (List<string> Added, List<string> Removed, List<string> Missing) Change(string listId, IReadOnlyList<string> add, IReadOnlyList<string> remove, bool countApi)
    {
        var added = new List<string>();
        var removed = new List<string>();
        var missing = new List<string>();
        if (!_lists.TryGetValue(listId, out var list))
            return (added, removed, missing);

        var members = new SortedDictionary<long, DateTimeOffset>(list.Members.ToDictionary());
        var now = _time.GetUtcNow();
        foreach (var id in add.Distinct(StringComparer.Ordinal))
        {
            if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || !_contactExists(id))
                missing.Add(id);
            else if (members.TryAdd(number, now))
                added.Add(id);
        }

        foreach (var id in remove.Distinct(StringComparer.Ordinal))
        {
            if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || !_contactExists(id))
                missing.Add(id);
            else if (members.Remove(number))
                removed.Add(id);
        }

        if (added.Count + removed.Count > 0)
        {
            _lists[listId] = list with { Members = members, UpdatedAt = now, ListVersion = list.ListVersion + 1 };
            if (countApi)
                Interlocked.Add(ref _membershipChanges, added.Count + removed.Count);
        }

        return (added, removed, missing);
    }

    private SandboxList? FindUnlocked(string objectTypeId, string name) =>
        _lists.Values.FirstOrDefault(l => l.ObjectTypeId == objectTypeId && string.Equals(l.Name, name, StringComparison.Ordinal));
}
