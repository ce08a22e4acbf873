namespace LeadSync.Sandbox.Pardot;

/// <summary>
/// One version of a record of the fake Account Engagement (a prospect, a visitor activity, a list, a membership),
/// as a row of v5 field names. Values are <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>,
/// <see cref="DateTimeOffset"/> or null. Every write publishes a new version; <see cref="WrittenAt"/> is when it was
/// made, for the read cache.
/// </summary>
public sealed record PardotRow(IReadOnlyDictionary<string, object?> Fields, DateTimeOffset WrittenAt)
{
    public long Id => (long)Fields["id"]!;

    public object? Get(string field) => Fields.TryGetValue(field, out var value) ? value : null;

    public string? GetString(string field) => Get(field) as string;

    public DateTimeOffset? GetTime(string field) => Get(field) as DateTimeOffset?;

    public bool IsDeleted => Get("isDeleted") is true;
}

/// <summary>
/// The state of the fake business unit. Reads see the record as it was <see cref="ReadCacheLag"/> ago (v5 serves
/// reads from a cache up to about a minute behind writes: facts §0.10); writes apply to the current version.
/// Seeded versions are visible at once.
/// </summary>
public sealed class PardotStore
{
    /// <summary>Standard prospect fields and whether the API may write them (facts §3).</summary>
    internal static readonly IReadOnlyDictionary<string, bool> ProspectFields = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["id"] = false, ["email"] = true, ["salutation"] = true, ["firstName"] = true, ["lastName"] = true, ["company"] = true,
        ["jobTitle"] = true, ["department"] = true, ["industry"] = true, ["employees"] = true, ["annualRevenue"] = true,
        ["yearsInBusiness"] = true, ["website"] = true, ["phone"] = true, ["fax"] = true, ["addressOne"] = true, ["addressTwo"] = true,
        ["city"] = true, ["state"] = true, ["zip"] = true, ["country"] = true, ["territory"] = true, ["source"] = true,
        ["comments"] = true, ["notes"] = true, ["score"] = true, ["grade"] = false, ["campaignId"] = true,
        ["salesforceCampaignId"] = false, ["prospectAccountId"] = false, ["profileId"] = false, ["lifecycleStageId"] = false,
        ["assignedToId"] = false, ["userId"] = false, ["salesforceId"] = false, ["salesforceLeadId"] = false,
        ["salesforceContactId"] = false, ["salesforceAccountId"] = false, ["salesforceOwnerId"] = false, ["salesforceUrl"] = false,
        ["salesforceLastSync"] = false, ["isDoNotEmail"] = true, ["isDoNotCall"] = true, ["optedOut"] = false,
        ["isEmailHardBounced"] = false, ["emailBouncedAt"] = false, ["isReviewed"] = true, ["isStarred"] = true, ["isDeleted"] = false,
        ["lastActivityAt"] = false, ["firstActivityAt"] = false, ["createdAt"] = false, ["createdById"] = false,
        ["updatedAt"] = false, ["updatedById"] = false,
    };

    internal static readonly HashSet<string> IntegerFields = new(StringComparer.Ordinal) { "score", "campaignId" };

    internal static readonly HashSet<string> BooleanFields = new(StringComparer.Ordinal) { "isDoNotEmail", "isDoNotCall", "isReviewed", "isStarred" };

    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<long, List<PardotRow>> _prospects = [];
    private readonly List<PardotRow> _activities = [];
    private readonly Dictionary<long, PardotRow> _lists = [];
    private readonly Dictionary<long, PardotRow> _memberships = [];
    private long _nextProspectId = 50_000_001;
    private long _nextActivityId = 900_000_001;
    private long _nextListId = 7_001;
    private long _nextMembershipId = 3_000_001;
    private long _lastWriteTicks;

    public PardotStore(TimeProvider time, TimeSpan readCacheLag)
    {
        _time = time;
        ReadCacheLag = readCacheLag;
    }

    public TimeSpan ReadCacheLag { get; }

    /// <summary>Custom prospect fields (API field ids) this business unit has; all writable strings.</summary>
    public HashSet<string> CustomFields { get; } = new(StringComparer.Ordinal) { "Lead_Status__c", "LeadSync_Score__c", "LeadSync_Grade__c" };

    public bool IsKnownField(string field) => ProspectFields.ContainsKey(field) || CustomFields.Contains(field);

    public bool IsWritable(string field) => (ProspectFields.TryGetValue(field, out var writable) && writable) || CustomFields.Contains(field);

    /// <summary>The current version (what a write sees), deleted ones included.</summary>
    public PardotRow? Current(long id)
    {
        lock (_sync)
            return _prospects.TryGetValue(id, out var versions) ? versions[^1] : null;
    }

    /// <summary>What a read sees now: the newest version written at least <see cref="ReadCacheLag"/> ago.</summary>
    public PardotRow? Visible(long id)
    {
        lock (_sync)
            return _prospects.TryGetValue(id, out var versions) ? VisibleLocked(versions, _time.GetUtcNow()) : null;
    }

    public IReadOnlyList<PardotRow> VisibleProspects()
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            var rows = new List<PardotRow>(_prospects.Count);
            foreach (var versions in _prospects.Values)
            {
                if (VisibleLocked(versions, now) is { } row)
                    rows.Add(row);
            }

            return rows;
        }
    }

    /// <summary>Current versions of every prospect (for tests and the world simulator), deleted ones included.</summary>
    public IReadOnlyList<PardotRow> CurrentProspects()
    {
        lock (_sync)
            return [.. _prospects.Values.Select(v => v[^1])];
    }

    public IReadOnlyList<PardotRow> Activities()
    {
        lock (_sync)
            return [.. _activities];
    }

    public IReadOnlyList<PardotRow> Lists()
    {
        lock (_sync)
            return [.. _lists.Values];
    }

    public IReadOnlyList<PardotRow> Memberships()
    {
        lock (_sync)
            return [.. _memberships.Values];
    }

    /// <summary>Seeds a prospect visible at once, with historic timestamps.</summary>
    internal PardotRow SeedProspect(long? id, Dictionary<string, object?> fields, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        lock (_sync)
        {
            var prospectId = id ?? _nextProspectId++;
            _nextProspectId = Math.Max(_nextProspectId, prospectId + 1);
            fields["id"] = prospectId;
            fields["createdAt"] = Seconds(createdAt);
            fields["updatedAt"] = Seconds(updatedAt);
            fields.TryAdd("isDeleted", false);
            var row = new PardotRow(fields, DateTimeOffset.MinValue);
            _prospects[prospectId] = [row];
            return row;
        }
    }

    /// <summary>Creates a prospect as the API does (create or an upsert that found none); visible after the cache lag.</summary>
    public PardotRow Create(IReadOnlyDictionary<string, object?> values)
    {
        lock (_sync)
        {
            var now = NextWriteTimeLocked();
            var fields = new Dictionary<string, object?>(values, StringComparer.Ordinal)
            {
                ["id"] = _nextProspectId++,
                ["createdAt"] = now,
                ["updatedAt"] = now,
                ["isDeleted"] = false,
            };
            var row = new PardotRow(fields, _time.GetUtcNow());
            _prospects[row.Id] = [row];
            return row;
        }
    }

    /// <summary>Applies a partial update to the current version and stamps updatedAt; null when there is no such prospect.</summary>
    public PardotRow? Update(long id, IReadOnlyDictionary<string, object?> changes)
    {
        lock (_sync)
        {
            if (!_prospects.TryGetValue(id, out var versions))
                return null;
            var fields = new Dictionary<string, object?>(versions[^1].Fields, StringComparer.Ordinal);
            foreach (var (field, value) in changes)
                fields[field] = value;
            fields["updatedAt"] = NextWriteTimeLocked();
            var row = new PardotRow(fields, _time.GetUtcNow());
            versions.Add(row);
            PruneLocked(versions, _time.GetUtcNow());
            return row;
        }
    }

    /// <summary>Moves a prospect to the recycle bin (as the native connector does when its lead is deleted).</summary>
    public PardotRow? Delete(long id) => Update(id, new Dictionary<string, object?> { ["isDeleted"] = true });

    /// <summary>Records a visitor activity; the prospect's lastActivityAt moves, its updatedAt does not (not documented either way).</summary>
    public PardotRow AddActivity(long prospectId, int type, string typeName, DateTimeOffset createdAt, long? emailId = null, long? formId = null, long? fileId = null, string? details = null, bool seeded = false)
    {
        lock (_sync)
        {
            var at = Seconds(createdAt);
            var row = new PardotRow(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = _nextActivityId++,
                ["type"] = (long)type,
                ["typeName"] = typeName,
                ["prospectId"] = prospectId,
                ["campaignId"] = 77L,
                ["details"] = details,
                ["emailId"] = emailId,
                ["formId"] = formId,
                ["formHandlerId"] = null,
                ["landingPageId"] = null,
                ["fileId"] = fileId,
                ["customRedirectId"] = null,
                ["visitorPageViewId"] = null,
                ["createdAt"] = at,
                ["updatedAt"] = at,
            }, seeded ? DateTimeOffset.MinValue : _time.GetUtcNow());
            _activities.Add(row);
            if (_prospects.TryGetValue(prospectId, out var versions) && (versions[^1].GetTime("lastActivityAt") is not { } last || last < at))
            {
                var fields = new Dictionary<string, object?>(versions[^1].Fields, StringComparer.Ordinal) { ["lastActivityAt"] = at };
                versions.Add(new PardotRow(fields, seeded ? DateTimeOffset.MinValue : _time.GetUtcNow()));
                if (seeded)
                    versions.RemoveRange(0, versions.Count - 1);
            }

            return row;
        }
    }

    public PardotRow AddList(string name, bool isDynamic, bool isPublic = false)
    {
        lock (_sync)
        {
            var now = Seconds(_time.GetUtcNow());
            var row = new PardotRow(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = _nextListId++, ["name"] = name, ["title"] = name, ["isDynamic"] = isDynamic, ["isPublic"] = isPublic,
                ["campaignId"] = null, ["createdAt"] = now, ["updatedAt"] = now, ["isDeleted"] = false,
            }, DateTimeOffset.MinValue);
            _lists[row.Id] = row;
            return row;
        }
    }

    public PardotRow? UpdateList(long id, IReadOnlyDictionary<string, object?> changes)
    {
        lock (_sync)
        {
            if (!_lists.TryGetValue(id, out var list))
                return null;
            var fields = new Dictionary<string, object?>(list.Fields, StringComparer.Ordinal);
            foreach (var (field, value) in changes)
                fields[field] = value;
            fields["updatedAt"] = Seconds(_time.GetUtcNow());
            return _lists[id] = new PardotRow(fields, _time.GetUtcNow());
        }
    }

    public bool RemoveList(long id)
    {
        lock (_sync)
            return _lists.Remove(id);
    }

    public PardotRow? FindList(long id)
    {
        lock (_sync)
            return _lists.GetValueOrDefault(id);
    }

    /// <summary>(listId, prospectId) is the natural key: adding an existing pair returns the existing membership.</summary>
    public (PardotRow Row, bool Created) AddMembership(long listId, long prospectId, bool optedOut)
    {
        lock (_sync)
        {
            var existing = _memberships.Values.FirstOrDefault(m => (long)m.Get("listId")! == listId && (long)m.Get("prospectId")! == prospectId);
            if (existing is not null)
                return (existing, false);
            var now = Seconds(_time.GetUtcNow());
            var row = new PardotRow(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = _nextMembershipId++, ["listId"] = listId, ["prospectId"] = prospectId, ["optedOut"] = optedOut,
                ["createdAt"] = now, ["updatedAt"] = now,
            }, _time.GetUtcNow());
            _memberships[row.Id] = row;
            return (row, true);
        }
    }

    public PardotRow? UpdateMembership(long id, bool optedOut)
    {
        lock (_sync)
        {
            if (!_memberships.TryGetValue(id, out var row))
                return null;
            var fields = new Dictionary<string, object?>(row.Fields, StringComparer.Ordinal) { ["optedOut"] = optedOut, ["updatedAt"] = Seconds(_time.GetUtcNow()) };
            return _memberships[id] = new PardotRow(fields, _time.GetUtcNow());
        }
    }

    public bool RemoveMembership(long id)
    {
        lock (_sync)
            return _memberships.Remove(id);
    }

    private PardotRow? VisibleLocked(List<PardotRow> versions, DateTimeOffset now)
    {
        var horizon = now - ReadCacheLag;
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (versions[i].WrittenAt <= horizon)
                return versions[i];
        }

        return null;
    }

    private void PruneLocked(List<PardotRow> versions, DateTimeOffset now)
    {
        var horizon = now - ReadCacheLag;
        var visible = versions.FindLastIndex(v => v.WrittenAt <= horizon);
        if (visible > 0)
            versions.RemoveRange(0, visible);
    }

    /// <summary>v5 timestamps have whole seconds; a write never gets an updatedAt before the previous write's.</summary>
    private DateTimeOffset NextWriteTimeLocked()
    {
        var now = Seconds(_time.GetUtcNow());
        if (now.UtcTicks < _lastWriteTicks)
            now = new DateTimeOffset(_lastWriteTicks, TimeSpan.Zero);
        _lastWriteTicks = now.UtcTicks;
        return now;
    }

    internal static DateTimeOffset Seconds(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
