using System.Globalization;

namespace LeadSync.Sandbox.Marketo;

/// <summary>What Sync Leads did with one input record.</summary>
public sealed record MarketoSyncResult(int? Id, string Status, string? ReasonCode = null, string? ReasonMessage = null);

/// <summary>One page of an activity stream.</summary>
internal sealed record ActivityPage(IReadOnlyList<MarketoActivity> Items, (long Ticks, long Id) Next, bool More);

/// <summary>
/// The state of the fake Marketo instance: leads (duplicates by email allowed, as in Marketo), the activity log in
/// (date, id) order, static lists and program memberships. Writes through the API log Change Data Value activities,
/// so lead changes can be read back like a real instance's.
/// </summary>
public sealed class MarketoStore
{
    /// <summary>At most this many log entries are examined per activities page: a page may hold fewer than asked, even none, with more to come.</summary>
    internal const int ScanWindow = 1_000;

    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<int, MarketoLead> _leads = [];
    private readonly Dictionary<string, List<int>> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<MarketoActivity> _log = [];
    private bool _seeding;
    private readonly Dictionary<int, MarketoStaticList> _lists = [];
    private readonly Dictionary<int, HashSet<int>> _listMembers = [];
    private readonly Dictionary<int, MarketoProgram> _programs = [];
    private readonly Dictionary<(int Program, int Lead), MarketoMembership> _memberships = [];
    private int _nextLeadId = 1_000;
    private long _nextActivityId = 100_000;

    public MarketoStore(TimeProvider time) => _time = time;

    public int Count
    {
        get
        {
            lock (_sync)
                return _leads.Count;
        }
    }

    public int ActivityCount
    {
        get
        {
            lock (_sync)
                return _log.Count;
        }
    }

    public IReadOnlyList<MarketoLead> ListLeads()
    {
        lock (_sync)
            return [.. _leads.Values.OrderBy(l => l.Id)];
    }

    public MarketoLead? Get(int id)
    {
        lock (_sync)
            return _leads.GetValueOrDefault(id);
    }

    public IReadOnlyList<MarketoLead> FindByEmail(string email)
    {
        lock (_sync)
            return _byEmail.TryGetValue(email.Trim(), out var ids) ? [.. ids.Select(i => _leads[i])] : [];
    }

    public IReadOnlyList<MarketoActivity> ActivitiesOf(int leadId)
    {
        lock (_sync)
            return [.. _log.Where(a => a.LeadId == leadId)];
    }

    /// <summary>Leads whose <paramref name="field"/> equals one of <paramref name="values"/> (ignoring case), ordered by id.</summary>
    internal List<MarketoLead> Filter(string field, IReadOnlyCollection<string> values)
    {
        lock (_sync)
        {
            if (field.Equals("id", StringComparison.OrdinalIgnoreCase))
                return [.. values.Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? _leads.GetValueOrDefault(id) : null).OfType<MarketoLead>().DistinctBy(l => l.Id).OrderBy(l => l.Id)];
            if (field.Equals("email", StringComparison.OrdinalIgnoreCase))
                return [.. values.SelectMany(v => _byEmail.TryGetValue(v.Trim(), out var ids) ? ids : []).Distinct().Select(i => _leads[i]).OrderBy(l => l.Id)];
            var wanted = new HashSet<string>(values, StringComparer.OrdinalIgnoreCase);
            return [.. _leads.Values.Where(l => l.Get(field) is { } v && wanted.Contains(v)).OrderBy(l => l.Id)];
        }
    }

    // ---- Seeding and the world moving ---------------------------------------------------------

    /// <summary>Adds a lead as it already exists (seeding): no activity is logged for it.</summary>
    internal MarketoLead Seed(Dictionary<string, string?> fields, DateTimeOffset created, DateTimeOffset updated)
    {
        lock (_sync)
        {
            var id = _nextLeadId++;
            fields["id"] = id.ToString(CultureInfo.InvariantCulture);
            var lead = new MarketoLead(id, fields, created, updated);
            Put(lead);
            return lead;
        }
    }

    /// <summary>Logs an activity (seeding or simulation); the log stays in (date, id) order.</summary>
    internal MarketoActivity Log(int leadId, DateTimeOffset date, int typeId, string? primary, IReadOnlyList<KeyValuePair<string, string>>? attributes = null, IReadOnlyList<MarketoFieldChange>? changes = null)
    {
        lock (_sync)
        {
            var activity = new MarketoActivity(_nextActivityId++, leadId, Truncate(date), typeId, primary, attributes ?? [], changes);
            Append(activity);
            return activity;
        }
    }

    /// <summary>Seeded activities arrive in any order: sorted once, ids renumbered in (date) order like a real log.</summary>
    internal void SortLog()
    {
        lock (_sync)
        {
            _seeding = false;
            var sorted = _log.OrderBy(a => a.Date).ThenBy(a => a.Id).ToList();
            _log.Clear();
            var id = 100_000L;
            foreach (var a in sorted)
                _log.Add(a with { Id = id++ });
            _nextActivityId = id;
        }
    }

    internal MarketoStaticList AddList(string name, string? program)
    {
        lock (_sync)
        {
            var list = new MarketoStaticList(1_000 + _lists.Count + 1, name, program, _time.GetUtcNow());
            _lists[list.Id] = list;
            _listMembers[list.Id] = [];
            return list;
        }
    }

    internal MarketoProgram AddProgram(string name, IReadOnlyList<string> statuses)
    {
        lock (_sync)
        {
            var program = new MarketoProgram(2_000 + _programs.Count + 1, name, statuses);
            _programs[program.Id] = program;
            return program;
        }
    }

    /// <summary>A person edits their lead or a campaign changes it outside the API: logged as Change Data Value with that source.</summary>
    internal void Change(int leadId, IReadOnlyDictionary<string, string?> values, string source)
    {
        lock (_sync)
        {
            if (_leads.TryGetValue(leadId, out var lead))
                Apply(lead, values, source);
        }
    }

    // ---- Sync Leads ---------------------------------------------------------------------------

    /// <summary>
    /// One Sync Leads input record. createOnly/updateOnly/createOrUpdate/createDuplicate by <paramref name="lookupField"/>;
    /// 1004 not found (updateOnly), 1005 exists (createOnly), 1007 several match, 1006 unknown field, 1018 a field the
    /// CRM sync manages; every changed field logs a Change Data Value (Source "Web service API").
    /// </summary>
    internal MarketoSyncResult Sync(string action, string lookupField, IReadOnlyDictionary<string, string?> record)
    {
        lock (_sync)
        {
            foreach (var name in record.Keys)
            {
                if (!MarketoSchema.ByName.TryGetValue(name, out var field))
                    return new(null, "skipped", "1006", $"Field '{name}' not found");
                if (field.CrmManaged)
                    return new(null, "skipped", "1018", $"Field '{name}' is managed by the CRM integration");
                if (!field.Updateable && !name.Equals(lookupField, StringComparison.OrdinalIgnoreCase))
                    return new(null, "skipped", "1003", $"Field '{name}' is read-only");
            }

            if (!record.TryGetValue(lookupField, out var key) || string.IsNullOrEmpty(key))
                return new(null, "skipped", "1003", $"Lookup field '{lookupField}' missing in record");

            var matches = action == "createDuplicate" ? [] : Filter(lookupField, [key]);
            if (matches.Count > 1)
                return new(null, "skipped", "1007", "Multiple lead match lookup criteria");

            var values = record.Where(kv => !kv.Key.Equals("id", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(kv => MarketoSchema.ByName[kv.Key].Name, kv => string.IsNullOrEmpty(kv.Value) ? null : kv.Value, StringComparer.Ordinal);
            if (matches.Count == 1)
            {
                if (action == "createOnly")
                    return new(matches[0].Id, "skipped", "1005", "Lead already exists");
                Apply(matches[0], values, MarketoSchema.WebServiceSource);
                return new(matches[0].Id, "updated");
            }

            if (action == "updateOnly")
                return new(null, "skipped", "1004", "Lead not found");
            if (values.GetValueOrDefault("email") is { } email && !email.All(char.IsAscii))
                return new(null, "skipped", "1003", "Email must be ASCII");

            var now = Truncate(_time.GetUtcNow());
            var fields = new Dictionary<string, string?>(values, StringComparer.Ordinal) { ["createdAt"] = MarketoFormat.Date(now), ["updatedAt"] = MarketoFormat.Date(now) };
            var id = _nextLeadId++;
            fields["id"] = id.ToString(CultureInfo.InvariantCulture);
            var lead = new MarketoLead(id, fields, now, now);
            Put(lead);
            Append(new MarketoActivity(_nextActivityId++, id, now, 12, null,
                [new("Source Type", "Web service API"), new("Created Date", now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]));
            return new(id, "created");
        }
    }

    private void Apply(MarketoLead lead, IReadOnlyDictionary<string, string?> values, string source)
    {
        var now = Truncate(_time.GetUtcNow());
        var fields = new Dictionary<string, string?>(lead.Fields, StringComparer.Ordinal);
        var standardChanged = false;
        foreach (var (name, value) in values)
        {
            var old = fields.GetValueOrDefault(name);
            if (string.Equals(old, value, StringComparison.Ordinal))
                continue;
            fields[name] = value;
            var field = MarketoSchema.ByName[name];
            standardChanged |= field.Standard;
            Append(new MarketoActivity(_nextActivityId++, lead.Id, now, 13, field.DisplayName,
                [new("Reason", source), new("Source", source)], [new MarketoFieldChange(field.Id, field.Name, value, old)]));
        }

        // The visible updatedAt reflects standard-field updates only (bulk extract knows better).
        var updated = standardChanged ? now : lead.UpdatedAt;
        if (standardChanged)
            fields["updatedAt"] = MarketoFormat.Date(now);
        Put(lead with { Fields = fields, UpdatedAt = updated });
    }

    private void Put(MarketoLead lead)
    {
        if (_leads.TryGetValue(lead.Id, out var previous) && previous.Email is { } oldEmail && _byEmail.TryGetValue(oldEmail, out var oldIds))
            oldIds.Remove(lead.Id);
        _leads[lead.Id] = lead;
        if (lead.Email is { Length: > 0 } email)
        {
            if (!_byEmail.TryGetValue(email, out var ids))
                _byEmail[email] = ids = [];
            if (!ids.Contains(lead.Id))
                ids.Add(lead.Id);
        }
    }

    /// <summary>While seeding, activities are appended as they come and sorted once by <see cref="SortLog"/>: an ordered
    /// insert per activity made seeding quadratic (minutes at 10,000 people).</summary>
    internal void BeginSeeding()
    {
        lock (_sync)
        {
            _seeding = true;
        }
    }

    private void Append(MarketoActivity activity)
    {
        if (_seeding || _log.Count == 0 || Compare(_log[^1], activity) < 0)
        {
            _log.Add(activity);
            return;
        }

        var index = _log.FindLastIndex(a => Compare(a, activity) < 0) + 1;
        _log.Insert(index, activity);
    }

    private static int Compare(MarketoActivity a, MarketoActivity b)
    {
        var byDate = a.Date.UtcTicks.CompareTo(b.Date.UtcTicks);
        return byDate != 0 ? byDate : a.Id.CompareTo(b.Id);
    }

    private static DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    // ---- Activity streams ---------------------------------------------------------------------

    /// <summary>
    /// The page after <paramref name="after"/>: up to <paramref name="batchSize"/> matching entries among at most
    /// <see cref="ScanWindow"/> examined. The token of the last page points at the end of the log, so sending it
    /// again later returns only what was logged since.
    /// </summary>
    internal ActivityPage Page((long Ticks, long Id) after, Func<MarketoActivity, bool> match, int batchSize)
    {
        lock (_sync)
        {
            var start = FirstAfter(after);
            var items = new List<MarketoActivity>();
            var i = start;
            for (; i < _log.Count && i - start < ScanWindow && items.Count < batchSize; i++)
            {
                if (match(_log[i]))
                    items.Add(_log[i]);
            }

            var next = i > start ? (_log[i - 1].Date.UtcTicks, _log[i - 1].Id) : after;
            return new ActivityPage(items, next, i < _log.Count);
        }
    }

    private int FirstAfter((long Ticks, long Id) after)
    {
        int lo = 0, hi = _log.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            var a = _log[mid];
            if (a.Date.UtcTicks < after.Ticks || (a.Date.UtcTicks == after.Ticks && a.Id <= after.Id))
                lo = mid + 1;
            else
                hi = mid;
        }

        return lo;
    }

    // ---- Lists and programs -------------------------------------------------------------------

    public IReadOnlyList<MarketoStaticList> Lists()
    {
        lock (_sync)
            return [.. _lists.Values.OrderBy(l => l.Id)];
    }

    public IReadOnlyList<MarketoProgram> Programs()
    {
        lock (_sync)
            return [.. _programs.Values.OrderBy(p => p.Id)];
    }

    internal bool HasList(int listId)
    {
        lock (_sync)
            return _lists.ContainsKey(listId);
    }

    /// <summary>Adds (or removes) leads: per id added/removed, or skipped 1004 (no such lead) / 1015 (not in the list).</summary>
    internal List<(int Id, string Status, string? Code, string? Message)> ChangeMembers(int listId, IReadOnlyList<int> ids, bool add)
    {
        lock (_sync)
        {
            var members = _listMembers[listId];
            var now = Truncate(_time.GetUtcNow());
            var results = new List<(int, string, string?, string?)>(ids.Count);
            foreach (var id in ids)
            {
                if (!_leads.ContainsKey(id))
                {
                    results.Add((id, "skipped", "1004", "Lead not found"));
                }
                else if (add)
                {
                    if (members.Add(id))
                        Append(new MarketoActivity(_nextActivityId++, id, now, 24, _lists[listId].Name, [new("List ID", listId.ToString(CultureInfo.InvariantCulture))]));
                    results.Add((id, "added", null, null));
                }
                else if (members.Remove(id))
                {
                    Append(new MarketoActivity(_nextActivityId++, id, now, 25, _lists[listId].Name, [new("List ID", listId.ToString(CultureInfo.InvariantCulture))]));
                    results.Add((id, "removed", null, null));
                }
                else
                {
                    results.Add((id, "skipped", "1015", "Lead not in list"));
                }
            }

            return results;
        }
    }

    internal IReadOnlyList<MarketoLead> Members(int listId)
    {
        lock (_sync)
            return [.. _listMembers[listId].Order().Select(i => _leads[i])];
    }

    internal bool IsMember(int listId, int leadId)
    {
        lock (_sync)
            return _listMembers[listId].Contains(leadId);
    }

    internal IReadOnlyList<(int ListId, DateTimeOffset Since)> ListsOf(int leadId)
    {
        lock (_sync)
            return [.. _listMembers.Where(kv => kv.Value.Contains(leadId)).Select(kv => (kv.Key, _lists[kv.Key].CreatedAt))];
    }

    internal MarketoProgram? Program(int id)
    {
        lock (_sync)
            return _programs.GetValueOrDefault(id);
    }

    /// <summary>Upserts program status: created/updated, skipped 1004 (no lead), 1037 (already at or past it), 1025 (unknown status).</summary>
    internal List<(int Seq, int LeadId, string Status, string? Code, string? Message)> SetStatus(int programId, string statusName, IReadOnlyList<int> leadIds)
    {
        lock (_sync)
        {
            var program = _programs[programId];
            var step = IndexOf(program.Statuses, statusName);
            var results = new List<(int, int, string, string?, string?)>();
            var now = Truncate(_time.GetUtcNow());
            for (var seq = 0; seq < leadIds.Count; seq++)
            {
                var leadId = leadIds[seq];
                if (step < 0)
                {
                    results.Add((seq, leadId, "skipped", "1025", $"Program status '{statusName}' not found"));
                    continue;
                }

                if (!_leads.ContainsKey(leadId))
                {
                    results.Add((seq, leadId, "skipped", "1004", "Lead not found"));
                    continue;
                }

                var existing = _memberships.GetValueOrDefault((programId, leadId));
                if (existing is not null && IndexOf(program.Statuses, existing.Status) >= step)
                {
                    results.Add((seq, leadId, "skipped", "1037", "Lead skipped because it is already in or past this status"));
                    continue;
                }

                _memberships[(programId, leadId)] = new MarketoMembership(leadId, programId, program.Statuses[step], existing?.MembershipDate ?? now, step >= program.Statuses.Count - 2);
                Append(new MarketoActivity(_nextActivityId++, leadId, now, 104, program.Name,
                    [new("New Status", program.Statuses[step]), new("Old Status", existing?.Status ?? "Not in Program")]));
                results.Add((seq, leadId, existing is null ? "created" : "updated", null, null));
            }

            return results;
        }
    }

    internal IReadOnlyList<MarketoMembership> MembersOf(int programId)
    {
        lock (_sync)
            return [.. _memberships.Values.Where(m => m.ProgramId == programId).OrderBy(m => m.LeadId)];
    }

    private static int IndexOf(IReadOnlyList<string> statuses, string name)
    {
        for (var i = 0; i < statuses.Count; i++)
        {
            if (statuses[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                return i;
        }

        return -1;
    }
}
