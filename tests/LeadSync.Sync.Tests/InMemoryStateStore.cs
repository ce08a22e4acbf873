using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Tests;

/// <summary>
/// The state store in memory, with the real semantics the engine relies on (lookups by either id, ledger entries
/// begun once per crossing, one settlement applied as a whole, round-robin positions advanced by the settled counts).
/// Every call is logged in <see cref="Timeline"/> (with the page markers the fake systems add) so tests can count
/// round trips per batch.
/// </summary>
internal sealed class InMemoryStateStore : IStateStore
{
    private readonly Dictionary<(string Connection, SystemRole System), ChangeCursor> _watermarks = [];
    private readonly Dictionary<(string Connection, string Key), LeadRecord> _leads = [];
    private readonly Dictionary<(string Connection, string Key, int Crossing), AssignmentEntry> _ledger = [];
    private readonly Dictionary<(string Connection, string Team), long> _positions = [];
    private readonly List<QuarantineItem> _quarantine = [];
    private long _nextQuarantineId = 1;

    /// <summary>Store calls by method name, and "page" markers the fake systems add when they yield a page.</summary>
    public List<string> Timeline { get; } = [];

    public const string PageMarker = "page";

    /// <summary>Store calls only (markers excluded).</summary>
    public int RoundTrips => Timeline.Count(c => c != PageMarker);

    public List<BatchSettlement> Settlements { get; } = [];

    public List<AuditEntry> Audit { get; } = [];

    public List<CycleRecord> Cycles { get; } = [];

    public int LocksTaken { get; private set; }

    public IReadOnlyList<QuarantineItem> Quarantine => _quarantine;

    public IEnumerable<LeadRecord> Leads => _leads.Values;

    public IEnumerable<AssignmentEntry> Ledger => _ledger.Values.OrderBy(e => e.StartedAt).ThenBy(e => e.LeadKey, StringComparer.Ordinal);

    public int Calls(string method) => Timeline.Count(c => c == method);

    public void ClearTimeline() => Timeline.Clear();

    public void Mark() => Timeline.Add(PageMarker);

    /// <summary>The store calls made while each page was processed (from one page marker to the next).</summary>
    public List<List<string>> CallsPerPage()
    {
        var pages = new List<List<string>>();
        foreach (var call in Timeline)
        {
            if (call == PageMarker)
            {
                pages.Add([]);
            }
            else if (pages.Count > 0)
            {
                pages[^1].Add(call);
            }
        }

        return pages;
    }

    public LeadRecord? Lead(string key) => _leads.Values.FirstOrDefault(r => r.LeadKey == key);

    public long Position(string team) => _positions.Where(p => p.Key.Team == team).Sum(p => p.Value);

    public ChangeCursor? Watermark(SystemRole system) => _watermarks.Where(w => w.Key.System == system).Select(w => w.Value).FirstOrDefault();

    // ---- seeding (not logged) ----

    public void Seed(LeadRecord record) => _leads[(record.Connection, record.LeadKey)] = record;

    public void Seed(AssignmentEntry entry) => _ledger[(entry.Connection, entry.LeadKey, entry.Crossing)] = entry;

    public void Seed(string connection, SystemRole system, ChangeCursor cursor) => _watermarks[(connection, system)] = cursor;

    public void Seed(QuarantineItem item) => _quarantine.Add(item with { Id = _nextQuarantineId++ });

    // ---- IStateStore ----

    public Task MigrateAsync(CancellationToken cancellationToken) => Log(nameof(MigrateAsync), Task.CompletedTask);

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Log(nameof(PingAsync), Task.FromResult(true));

    public Task<ChangeCursor?> GetWatermarkAsync(string connection, SystemRole system, CancellationToken cancellationToken) =>
        Log(nameof(GetWatermarkAsync), Task.FromResult(_watermarks.TryGetValue((connection, system), out var cursor) ? cursor : null));

    public Task SetWatermarkAsync(string connection, SystemRole system, ChangeCursor cursor, CancellationToken cancellationToken)
    {
        _watermarks[(connection, system)] = cursor;
        return Log(nameof(SetWatermarkAsync), Task.CompletedTask);
    }

    public Task<IReadOnlyList<LeadRecord>> FindLeadsAsync(
        string connection, IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> crmIds, CancellationToken cancellationToken)
    {
        var found = _leads.Values
            .Where(r => r.Connection == connection
                && ((r.MarketingId is not null && marketingIds.Contains(r.MarketingId)) || (r.CrmId is not null && crmIds.Contains(r.CrmId))))
            .ToList();
        return Log(nameof(FindLeadsAsync), Task.FromResult<IReadOnlyList<LeadRecord>>(found));
    }

    public Task<LeadRecord?> GetLeadAsync(string connection, string leadKey, CancellationToken cancellationToken) =>
        Log(nameof(GetLeadAsync), Task.FromResult(_leads.TryGetValue((connection, leadKey), out var record) ? record : null));

    public Task SaveLeadsAsync(string connection, IReadOnlyCollection<LeadRecord> leads, CancellationToken cancellationToken)
    {
        SaveLeads(leads);
        return Log(nameof(SaveLeadsAsync), Task.CompletedTask);
    }

    public async IAsyncEnumerable<LeadRecord> StreamLeadsAsync(string connection, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Timeline.Add(nameof(StreamLeadsAsync));
        foreach (var record in _leads.Values.Where(r => r.Connection == connection).ToList())
        {
            await Task.Yield();
            yield return record;
        }
    }

    public Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(IReadOnlyList<AssignmentEntry> entries, CancellationToken cancellationToken)
    {
        var stored = new List<AssignmentEntry>(entries.Count);
        foreach (var entry in entries)
        {
            var key = (entry.Connection, entry.LeadKey, entry.Crossing);
            if (!_ledger.TryGetValue(key, out var existing))
            {
                _ledger[key] = existing = entry;
            }

            stored.Add(existing);
        }

        return Log(nameof(BeginAssignmentsAsync), Task.FromResult<IReadOnlyList<AssignmentEntry>>(stored));
    }

    /// <summary>The round-robin advances passed with each begin, in call order.</summary>
    public List<IReadOnlyDictionary<string, long>> AdvancesBegun { get; } = [];

    public Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(
        IReadOnlyList<AssignmentEntry> entries, IReadOnlyDictionary<string, long> routingAdvances, CancellationToken cancellationToken)
    {
        var stored = BeginAssignmentsAsync(entries, cancellationToken);
        AdvancesBegun.Add(routingAdvances);
        foreach (var (team, count) in routingAdvances)
        {
            var connection = entries[0].Connection;
            _positions[(connection, team)] = _positions.GetValueOrDefault((connection, team)) + count;
        }

        return stored;
    }

    public Task UpdateAssignmentAsync(AssignmentEntry entry, CancellationToken cancellationToken)
    {
        _ledger[(entry.Connection, entry.LeadKey, entry.Crossing)] = entry;
        return Log(nameof(UpdateAssignmentAsync), Task.CompletedTask);
    }

    public Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, string leadKey, CancellationToken cancellationToken) =>
        Log(nameof(GetAssignmentsAsync), Task.FromResult<IReadOnlyList<AssignmentEntry>>(EntriesOf(connection, [leadKey])));

    public Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, IReadOnlyCollection<string> leadKeys, CancellationToken cancellationToken) =>
        Log(nameof(GetAssignmentsAsync), Task.FromResult<IReadOnlyList<AssignmentEntry>>(EntriesOf(connection, leadKeys)));

    public Task<IReadOnlyList<AssignmentEntry>> GetOpenAssignmentsAsync(string connection, CancellationToken cancellationToken)
    {
        var open = _ledger.Values
            .Where(e => e.Connection == connection && !e.Closed && (e.CompletedAt is null || e.SlaDueAt is not null))
            .OrderBy(e => e.LeadKey, StringComparer.Ordinal)
            .ThenBy(e => e.Crossing)
            .ToList();
        return Log(nameof(GetOpenAssignmentsAsync), Task.FromResult<IReadOnlyList<AssignmentEntry>>(open));
    }

    public Task<RoutingState> GetRoutingStateAsync(string connection, CancellationToken cancellationToken)
    {
        var positions = _positions.Where(p => p.Key.Connection == connection).ToDictionary(p => p.Key.Team, p => p.Value, StringComparer.Ordinal);
        var loads = _ledger.Values
            .Where(e => e.Connection == connection && !e.Closed)
            .GroupBy(e => e.OwnerId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return Log(nameof(GetRoutingStateAsync), Task.FromResult(new RoutingState(positions, loads)));
    }

    public Task<long> TakeRoutingTicketAsync(string connection, string team, CancellationToken cancellationToken)
    {
        var ticket = _positions.GetValueOrDefault((connection, team));
        _positions[(connection, team)] = ticket + 1;
        return Log(nameof(TakeRoutingTicketAsync), Task.FromResult(ticket));
    }

    public Task SettleAsync(BatchSettlement settlement, CancellationToken cancellationToken)
    {
        Settlements.Add(settlement);
        SaveLeads(settlement.Leads);
        foreach (var entry in settlement.Assignments)
        {
            _ledger[(entry.Connection, entry.LeadKey, entry.Crossing)] = entry;
        }

        Audit.AddRange(settlement.Audit);
        foreach (var item in settlement.Quarantine)
        {
            AddOrRefresh(item);
        }

        foreach (var resolved in settlement.Resolved)
        {
            _quarantine.RemoveAll(q => q.Connection == settlement.Connection && q.System == resolved.System && q.RecordId == resolved.RecordId);
        }

        foreach (var (team, count) in settlement.RoutingAdvances)
        {
            _positions[(settlement.Connection, team)] = _positions.GetValueOrDefault((settlement.Connection, team)) + count;
        }

        return Log(nameof(SettleAsync), Task.CompletedTask);
    }

    public Task AppendAuditAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken cancellationToken)
    {
        Audit.AddRange(entries);
        return Log(nameof(AppendAuditAsync), Task.CompletedTask);
    }

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string connection, string leadKey, int limit, CancellationToken cancellationToken) =>
        Log(nameof(GetAuditAsync), Task.FromResult<IReadOnlyList<AuditEntry>>(
            Audit.Where(a => a.Connection == connection && a.LeadKey == leadKey).Reverse().Take(limit).ToList()));

    public Task QuarantineAsync(QuarantineItem item, CancellationToken cancellationToken)
    {
        AddOrRefresh(item);
        return Log(nameof(QuarantineAsync), Task.CompletedTask);
    }

    public Task<IReadOnlyList<QuarantineItem>> ListQuarantineAsync(string connection, CancellationToken cancellationToken) =>
        Log(nameof(ListQuarantineAsync), Task.FromResult<IReadOnlyList<QuarantineItem>>(_quarantine.Where(q => q.Connection == connection).ToList()));

    public Task<bool> RequestRetryAsync(string connection, long quarantineId, CancellationToken cancellationToken)
    {
        var index = _quarantine.FindIndex(q => q.Connection == connection && q.Id == quarantineId);
        if (index >= 0)
        {
            _quarantine[index] = _quarantine[index] with { RetryRequested = true };
        }

        return Log(nameof(RequestRetryAsync), Task.FromResult(index >= 0));
    }

    public Task<IReadOnlyList<QuarantineItem>> GetRetryRequestsAsync(string connection, CancellationToken cancellationToken) =>
        Log(nameof(GetRetryRequestsAsync), Task.FromResult<IReadOnlyList<QuarantineItem>>(_quarantine.Where(q => q.Connection == connection && q.RetryRequested).ToList()));

    public Task ResolveQuarantineAsync(string connection, SystemRole system, string recordId, CancellationToken cancellationToken)
    {
        _quarantine.RemoveAll(q => q.Connection == connection && q.System == system && q.RecordId == recordId);
        return Log(nameof(ResolveQuarantineAsync), Task.CompletedTask);
    }

    public Task RecordCycleAsync(CycleRecord cycle, CancellationToken cancellationToken)
    {
        Cycles.Add(cycle);
        return Log(nameof(RecordCycleAsync), Task.CompletedTask);
    }

    public Task<CycleRecord?> GetLastSuccessfulCycleAsync(string connection, CancellationToken cancellationToken) =>
        Log(nameof(GetLastSuccessfulCycleAsync), Task.FromResult(Cycles.LastOrDefault(c => c.Connection == connection && c.Succeeded)));

    public Task<IAsyncDisposable?> TryAcquireCycleLockAsync(string connection, TimeSpan lease, CancellationToken cancellationToken)
    {
        LocksTaken++;
        return Log(nameof(TryAcquireCycleLockAsync), Task.FromResult<IAsyncDisposable?>(new Lease()));
    }

    private List<AssignmentEntry> EntriesOf(string connection, IReadOnlyCollection<string> leadKeys) =>
        _ledger.Values.Where(e => e.Connection == connection && leadKeys.Contains(e.LeadKey)).OrderBy(e => e.Crossing).ToList();

    private void SaveLeads(IEnumerable<LeadRecord> leads)
    {
        foreach (var lead in leads)
        {
            _leads[(lead.Connection, lead.LeadKey)] = lead;
        }
    }

    private void AddOrRefresh(QuarantineItem item)
    {
        var index = _quarantine.FindIndex(q => q.Connection == item.Connection && q.System == item.System && q.RecordId == item.RecordId);
        if (index < 0)
        {
            _quarantine.Add(item with { Id = _nextQuarantineId++ });
        }
        else
        {
            var old = _quarantine[index];
            _quarantine[index] = old with { Reason = item.Reason, LastSeenAt = item.LastSeenAt, Attempts = old.Attempts + 1, RetryRequested = false };
        }
    }

    private T Log<T>(string method, T result)
    {
        Timeline.Add(method);
        return result;
    }

    private sealed class Lease : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
