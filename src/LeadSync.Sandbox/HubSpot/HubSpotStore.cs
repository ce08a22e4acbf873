using System.Globalization;
using System.Text.Json;

namespace LeadSync.Sandbox.HubSpot;

/// <summary>
/// The HubSpot portal's contacts and owners. One lock guards all state; contacts are immutable versions
/// (copy-on-write), so snapshots handed out stay consistent after the lock is released.
/// </summary>
public sealed class HubSpotStore
{
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _indexLag;
    private readonly List<SandboxContact> _contacts = [];
    private readonly Dictionary<string, int> _positionById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByEmail = new(StringComparer.Ordinal);
    private readonly List<SandboxOwner> _owners = [];

    // Search indexes: (lastmodifieddate ms, id) in order, moved by every write; emails compared as search compares them.
    private readonly OrderedIndex<(long Ms, long Number)> _byModified = new(Comparer<(long, long)>.Default);
    private readonly Dictionary<string, List<int>> _byEmailText = new(StringComparer.OrdinalIgnoreCase);
    private int _archived;
    private long _nextId = 101;
    private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
    private long _version;

    internal HubSpotStore(TimeProvider time, TimeSpan indexLag)
    {
        _time = time;
        _indexLag = indexLag;
        Lists = new HubSpotLists(id => GetContact(id) is { Archived: false }, time);
    }

    /// <summary>The portal's lists (Lists v3) and their memberships.</summary>
    public HubSpotLists Lists { get; }

    public int Count
    {
        get
        {
            lock (_sync)
                return _contacts.Count;
        }
    }

    /// <summary>Bumped by every write; lets search reuse a sorted result while nothing changed.</summary>
    internal long Version
    {
        get
        {
            lock (_sync)
                return _version;
        }
    }

    internal TimeProvider Time => _time;

    public SandboxContact? GetContact(string id)
    {
        lock (_sync)
            return _positionById.TryGetValue(id, out var pos) ? _contacts[pos] : null;
    }

    /// <summary>Case- and whitespace-insensitive, as HubSpot stores emails lower-cased.</summary>
    public SandboxContact? FindByEmail(string email)
    {
        lock (_sync)
            return FindByEmailLocked(email);
    }

    public IReadOnlyList<SandboxContact> ListContacts()
    {
        lock (_sync)
            return [.. _contacts];
    }

    public IReadOnlyList<SandboxOwner> ListOwners()
    {
        lock (_sync)
            return [.. _owners];
    }

    /// <summary>
    /// Sets values the way a person in the HubSpot UI would: no forward-only rule, read-only properties allowed
    /// (so tests can fake engagement), "" or null clears. Advances lastmodifieddate when anything changed.
    /// </summary>
    public SandboxContact SetProperties(string id, IReadOnlyDictionary<string, string?> values)
    {
        lock (_sync)
        {
            if (!_positionById.TryGetValue(id, out var pos))
                throw new KeyNotFoundException($"No contact with id {id}.");
            return ApplyLocked(id, values, enforceLifecycle: false, NextWriteTimeLocked()) ?? _contacts[pos];
        }
    }

    /// <summary>Creates a contact as a person would (import or form), bypassing API validation.</summary>
    public SandboxContact CreateContact(IReadOnlyDictionary<string, string> values)
    {
        lock (_sync)
            return InsertLocked(values, NextWriteTimeLocked(), null);
    }

    internal SandboxContact? FindByEmailLocked(string email) =>
        _idByEmail.TryGetValue(HubSpotFormat.NormalizeEmail(email), out var id) ? _contacts[_positionById[id]] : null;

    internal void AddOwner(SandboxOwner owner)
    {
        lock (_sync)
            _owners.Add(owner);
    }

    /// <summary>Seeding inserts with explicit historic timestamps.</summary>
    internal SandboxContact Seed(Dictionary<string, string> values, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        lock (_sync)
        {
            var contact = InsertLocked(values, updatedAt, createdAt, takeOwnership: true);
            if (updatedAt > _lastWrite)
                _lastWrite = updatedAt;
            return contact;
        }
    }

    internal List<SandboxContact> Snapshot(Func<SandboxContact, bool> predicate, bool forSearch)
    {
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            var result = new List<SandboxContact>();
            foreach (var current in _contacts)
            {
                var visible = current;
                if (forSearch && _indexLag > TimeSpan.Zero && now - current.UpdatedAt < _indexLag)
                    visible = current.Previous;
                if (visible is not null && predicate(visible))
                    result.Add(visible);
            }

            return result;
        }
    }

    /// <summary>List endpoint: contacts with number greater than <paramref name="afterNumber"/>, in id order.</summary>
    internal (List<SandboxContact> Page, bool More) Page(long afterNumber, int limit, bool archived)
    {
        lock (_sync)
        {
            var lo = 0;
            var hi = _contacts.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (_contacts[mid].Number <= afterNumber)
                    lo = mid + 1;
                else
                    hi = mid;
            }

            var page = new List<SandboxContact>(limit);
            for (var i = lo; i < _contacts.Count; i++)
            {
                if (_contacts[i].Archived != archived)
                    continue;
                if (page.Count == limit)
                    return (page, true);
                page.Add(_contacts[i]);
            }

            return (page, false);
        }
    }

    internal SandboxContact? GetByIdOrEmail(string key, bool byEmail)
    {
        lock (_sync)
        {
            if (byEmail)
                return FindByEmailLocked(key);
            return _positionById.TryGetValue(key, out var pos) ? _contacts[pos] : null;
        }
    }

    /// <summary>Batch update through the API: validation, forward-only lifecycle stage, one timestamp per batch.</summary>
    internal (List<SandboxContact> Results, List<HubSpotInputError> Errors, int Written) ApiUpdate(
        IReadOnlyList<(string Id, IReadOnlyDictionary<string, string?> Values)> inputs, bool byEmail)
    {
        lock (_sync)
        {
            var results = new List<SandboxContact>();
            var errors = new List<HubSpotInputError>();
            var written = 0;
            DateTimeOffset? stamp = null;
            foreach (var (key, values) in inputs)
            {
                var existing = byEmail ? FindByEmailLocked(key) : (_positionById.TryGetValue(key, out var p) ? _contacts[p] : null);
                if (existing is null)
                {
                    errors.Add(new("OBJECT_NOT_FOUND", $"Object not found.  objectId are usually numeric. objectId: {key}", key, []));
                    continue;
                }

                var details = ValidateLocked(values, existing.Id);
                if (details.Count > 0)
                {
                    errors.Add(new("VALIDATION_ERROR", ValidationMessage(details), existing.Id, details));
                    continue;
                }

                stamp ??= NextWriteTimeLocked();
                var updated = ApplyLocked(existing.Id, values, enforceLifecycle: true, stamp.Value);
                if (updated is not null)
                    written++;
                results.Add(updated ?? existing);
            }

            return (results, errors, written);
        }
    }

    /// <summary>Batch create: any invalid input fails the whole batch, as HubSpot does.</summary>
    internal (List<SandboxContact>? Results, List<HubSpotErrorDetail> Errors, string? ConflictId) ApiCreate(
        IReadOnlyList<IReadOnlyDictionary<string, string?>> inputs)
    {
        lock (_sync)
        {
            var errors = new List<HubSpotErrorDetail>();
            var emails = new HashSet<string>(StringComparer.Ordinal);
            foreach (var values in inputs)
            {
                errors.AddRange(ValidateLocked(values, null));
                if (values.TryGetValue("email", out var email) && !string.IsNullOrWhiteSpace(email))
                {
                    var existing = FindByEmailLocked(email);
                    if (existing is not null || !emails.Add(HubSpotFormat.NormalizeEmail(email)))
                        return (null, errors, existing?.Id ?? string.Empty);
                }
            }

            if (errors.Count > 0)
                return (null, errors, null);

            var stamp = NextWriteTimeLocked();
            var created = new List<SandboxContact>();
            foreach (var values in inputs)
            {
                var clean = values.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal);
                created.Add(InsertLocked(clean, stamp, null));
            }

            return (created, errors, null);
        }
    }

    private List<HubSpotErrorDetail> ValidateLocked(IReadOnlyDictionary<string, string?> values, string? id)
    {
        var details = new List<HubSpotErrorDetail>();
        foreach (var (name, value) in values)
        {
            if (!HubSpotSchema.ByName.TryGetValue(name, out var def))
            {
                details.Add(new($"Property \"{name}\" does not exist", "PROPERTY_DOESNT_EXIST", name));
                continue;
            }

            if (def.ReadOnly)
            {
                details.Add(new($"\"{name}\" is a read only property; its value cannot be set.", "READ_ONLY_VALUE", name));
                continue;
            }

            if (string.IsNullOrEmpty(value))
                continue;

            if (name == "hubspot_owner_id")
            {
                if (!_owners.Exists(o => o.Id == value && !o.Archived))
                    details.Add(new($"{value} is not a valid owner id", "INVALID_OWNER_ID", name));
            }
            else if (def.IsEnumeration)
            {
                if (!def.Options.Any(o => o.Value == value))
                {
                    var allowed = string.Join(", ", def.Options.Select(o => o.Value));
                    details.Add(new($"{value} was not one of the allowed options: [{allowed}]", "INVALID_OPTION", name));
                }
            }
            else if (def.IsNumber)
            {
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    details.Add(new($"{value} was not a valid number.", "INVALID_DECIMAL", name));
            }
            else if (name == "email")
            {
                var at = value.IndexOf('@', StringComparison.Ordinal);
                if (at <= 0 || at == value.Length - 1 || value.Trim().Contains(' ', StringComparison.Ordinal))
                    details.Add(new($"Email address {value} is invalid", "INVALID_EMAIL", name));
                else if (FindByEmailLocked(value) is { } other && other.Id != id && id is not null)
                    details.Add(new($"A contact with the email '{value}' already exists. Existing ID: {other.Id}", "CONFLICTING_UNIQUE_VALUE", name));
            }
        }

        return details;
    }

    private static string ValidationMessage(List<HubSpotErrorDetail> details)
    {
        var items = details.Select(d => new Dictionary<string, object>
        {
            ["isValid"] = false,
            ["message"] = d.Message,
            ["error"] = d.Code,
            ["name"] = d.PropertyName,
        });
        return "Property values were not valid: " + JsonSerializer.Serialize(items);
    }

    /// <summary>Returns the new version, or null when nothing changed (no timestamp advance, as in HubSpot).</summary>
    private SandboxContact? ApplyLocked(string id, IReadOnlyDictionary<string, string?> values, bool enforceLifecycle, DateTimeOffset stamp)
    {
        var pos = _positionById[id];
        var current = _contacts[pos];
        Dictionary<string, string>? next = null;
        foreach (var (name, raw) in values)
        {
            var value = raw ?? string.Empty;
            if (name == "email" && value.Length > 0)
                value = HubSpotFormat.NormalizeEmail(value);
            current.Properties.TryGetValue(name, out var old);
            old ??= string.Empty;
            if (old == value)
                continue;
            if (enforceLifecycle && name == "lifecyclestage" && old.Length > 0 && value.Length > 0 &&
                StageIndex(value) < StageIndex(old))
            {
                // HubSpot silently keeps the later stage: lifecycle stage only moves forward unless cleared first.
                continue;
            }

            next ??= new Dictionary<string, string>(current.Properties, StringComparer.Ordinal);
            if (value.Length == 0)
                next.Remove(name);
            else
                next[name] = value;
        }

        if (next is null)
            return null;

        next["lastmodifieddate"] = HubSpotFormat.Iso(stamp);
        var oldEmail = current.Email;
        var updated = current with
        {
            Properties = next,
            UpdatedAt = stamp,
            Previous = _indexLag > TimeSpan.Zero ? current with { Previous = null } : null,
        };
        _contacts[pos] = updated;
        _byModified.Remove((current.UpdatedAt.ToUnixTimeMilliseconds(), current.Number));
        _byModified.Add((stamp.ToUnixTimeMilliseconds(), updated.Number));
        var newEmail = updated.Email;
        if (oldEmail != newEmail)
        {
            if (oldEmail is not null)
            {
                _idByEmail.Remove(oldEmail);
                RemoveEmailText(oldEmail, pos);
            }

            if (newEmail is not null)
            {
                _idByEmail[newEmail] = id;
                AddEmailText(newEmail, pos);
            }
        }

        _version++;
        return updated;
    }

    private static int StageIndex(string stage)
    {
        for (var i = 0; i < HubSpotSchema.LifecycleStages.Count; i++)
        {
            if (HubSpotSchema.LifecycleStages[i] == stage)
                return i;
        }

        return -1;
    }

    /// <summary><paramref name="takeOwnership"/> lets seeding hand over its (already normalized) dictionary instead of copying it.</summary>
    private SandboxContact InsertLocked(IReadOnlyDictionary<string, string> values, DateTimeOffset updatedAt, DateTimeOffset? createdAt, bool takeOwnership = false)
    {
        var number = _nextId++;
        var id = number.ToString(CultureInfo.InvariantCulture);
        var created = createdAt ?? updatedAt;
        Dictionary<string, string> props;
        if (takeOwnership && values is Dictionary<string, string> owned)
        {
            props = owned;
        }
        else
        {
            props = new Dictionary<string, string>(values.Count + 3, StringComparer.Ordinal);
            foreach (var (k, v) in values)
                props[k] = v;
        }

        if (props.TryGetValue("email", out var rawEmail))
            props["email"] = HubSpotFormat.NormalizeEmail(rawEmail);
        props["hs_object_id"] = id;
        props["createdate"] = HubSpotFormat.Iso(created);
        props["lastmodifieddate"] = HubSpotFormat.Iso(updatedAt);
        var contact = new SandboxContact(id, props, created, updatedAt, false) { Number = number };
        var pos = _contacts.Count;
        _positionById[id] = pos;
        _contacts.Add(contact);
        _byModified.Add((updatedAt.ToUnixTimeMilliseconds(), number));
        if (contact.Archived)
            _archived++;
        if (contact.Email is { } email)
        {
            _idByEmail[email] = id;
            AddEmailText(email, pos);
        }
        _version++;
        return contact;
    }

    /// <summary>
    /// A search answered from the indexes: the page and the total, exactly as the full scan (every visible contact
    /// through <see cref="HubSpotSearch.Matches(SandboxContact, SearchRequest)"/>, then <see cref="HubSpotSearch.Sort"/>)
    /// would give them; null when no index applies (a filter group with nothing indexable, a free-text query, or a
    /// search index lag, whose stale versions only the scan shows). Candidates are always re-checked with Matches.
    /// A sort on lastmodifieddate ascending over a lastmodifieddate range (the change feed) reads the ordered index
    /// from its first key and stops at the page; everything else sorts its candidates with the scan's own sort.
    /// </summary>
    internal (List<SandboxContact> Page, int Total)? Search(SearchRequest request)
    {
        if (_indexLag > TimeSpan.Zero || !string.IsNullOrWhiteSpace(request.Query) || request.FilterGroups.Count == 0)
            return null;
        lock (_sync)
        {
            if (request.FilterGroups.Count == 1 && HubSpotSearch.ModifiedRange(request.FilterGroups[0]) is { } range &&
                range.FollowsIndexOrder(request.Sorts))
                return SearchInOrderLocked(request, range);

            var positions = new List<int>();
            foreach (var group in request.FilterGroups)
            {
                if (CandidatesLocked(group) is not { } some)
                    return null;
                positions.AddRange(some);
            }

            positions.Sort();
            var matches = new List<SandboxContact>();
            var previous = -1;
            foreach (var p in positions)
            {
                if (p != previous && _contacts[p] is { Archived: false } c && HubSpotSearch.Matches(c, request))
                    matches.Add(c);
                previous = p;
            }

            HubSpotSearch.Sort(matches, request.Sorts);
            return ([.. matches.Skip(request.After).Take(request.Limit)], matches.Count);
        }
    }

    private (List<SandboxContact> Page, int Total) SearchInOrderLocked(SearchRequest request, HubSpotSearch.KeyRange range)
    {
        var page = new List<SandboxContact>(request.Limit);
        var total = 0;
        // When the range is all the group asks (and nothing is archived), the total is a difference of ranks: the walk can stop at the page.
        var exact = range.Covers && _archived == 0;
        foreach (var (ms, number) in _byModified.From((range.FromMs, range.FromNumber)))
        {
            if (!range.Contains(ms, number))
                break;
            var contact = _contacts[_positionById[number.ToString(CultureInfo.InvariantCulture)]];
            if (contact.Archived || !HubSpotSearch.Matches(contact, request))
                continue;
            if (total >= request.After && page.Count < request.Limit)
                page.Add(contact);
            total++;
            if (exact && page.Count == request.Limit)
                break;
        }

        if (exact)
            total = _byModified.Rank(range.EndKey) - _byModified.Rank((range.FromMs, range.FromNumber));
        return (page, total);
    }

    /// <summary>Positions that include every contact the group can match, or null when the group has no indexable filter.</summary>
    private List<int>? CandidatesLocked(IReadOnlyList<SearchFilter> group)
    {
        foreach (var filter in group)
        {
            if (filter.Operator is not ("EQ" or "IN"))
                continue;
            var values = filter.Operator == "EQ" ? (filter.Value is { } v ? [v] : []) : filter.Values;
            if (filter.PropertyName is "hs_object_id" or "id")
            {
                var found = new List<int>();
                foreach (var value in values)
                {
                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n == Math.Floor(n) && n is > 0 and < long.MaxValue &&
                        _positionById.TryGetValue(((long)n).ToString(CultureInfo.InvariantCulture), out var pos))
                        found.Add(pos);
                }

                return found;
            }

            if (filter.PropertyName == "email")
            {
                var found = new List<int>();
                foreach (var value in values)
                {
                    if (_byEmailText.TryGetValue(value.Trim(), out var bucket))
                        found.AddRange(bucket);
                }

                return found;
            }
        }

        if (HubSpotSearch.ModifiedRange(group) is { } range)
        {
            var found = new List<int>();
            foreach (var (ms, number) in _byModified.From((range.FromMs, range.FromNumber)))
            {
                if (!range.Contains(ms, number))
                    break;
                found.Add(_positionById[number.ToString(CultureInfo.InvariantCulture)]);
            }

            return found;
        }

        return null;
    }

    private void AddEmailText(string email, int pos)
    {
        if (!_byEmailText.TryGetValue(email, out var bucket))
            _byEmailText[email] = bucket = [];
        bucket.Add(pos);
    }

    private void RemoveEmailText(string email, int pos)
    {
        if (!_byEmailText.TryGetValue(email, out var bucket))
            return;
        bucket.Remove(pos);
        if (bucket.Count == 0)
            _byEmailText.Remove(email);
    }

    /// <summary>Strictly increasing per store at millisecond precision, so "modified after X" never misses a write.</summary>
    private DateTimeOffset NextWriteTimeLocked()
    {
        var now = HubSpotFormat.TruncateToMs(_time.GetUtcNow());
        if (now <= _lastWrite)
            now = _lastWrite.AddMilliseconds(1);
        _lastWrite = now;
        return now;
    }
}
