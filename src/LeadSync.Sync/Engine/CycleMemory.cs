
namespace LeadSync.Sync.Engine;

/// <summary>
/// What one cycle has settled so far, kept in memory: the lead records it wrote, the ledger entries it began, the
/// people it has looked at and the routing state it carries from batch to batch. Reads of the state store are
/// overlaid with it, so a batch sees what earlier batches of the same cycle decided — in a run and in a dry run alike,
/// which is why a dry run predicts the run.
/// </summary>
/// <remarks>
/// Only a dry run keeps the lead records: a run settles every batch's records in the store before the next batch is
/// gathered, so the store already answers with them, and keeping a copy of every record a full sync settled (each with
/// its two last-seen dictionaries, ~9 KB) grew the process by about 1 GB per 100,000 people and made every full GC mark
/// all of it (issue 17). The ledger entries (handoffs only) and the lead keys in <see cref="Processed"/> stay in both.
/// </remarks>
internal sealed class CycleMemory(bool keepLeads)
{
    private readonly Dictionary<string, LeadRecord> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LeadRecord> _byMarketingId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LeadRecord> _byCrmId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AssignmentEntry>> _ledger = new(StringComparer.Ordinal);

    /// <summary>Lead keys decided in this cycle: a second look (an echo of this cycle's writes) is skipped.</summary>
    public HashSet<string> Processed { get; } = new(StringComparer.Ordinal);

    /// <summary>Round-robin positions and loads as carried from the last settled batch; null until first needed.</summary>
    public RoutingState? Routing { get; set; }

    public void Remember(IEnumerable<LeadRecord> records)
    {
        if (!keepLeads)
        {
            return;
        }

        foreach (var record in records)
        {
            if (_byKey.TryGetValue(record.LeadKey, out var old))
            {
                Forget(old);
            }

            _byKey[record.LeadKey] = record;
            if (record.MarketingId is { } marketingId)
            {
                _byMarketingId[marketingId] = record;
            }

            if (record.CrmId is { } crmId)
            {
                _byCrmId[crmId] = record;
            }
        }
    }

    public void Remember(IEnumerable<AssignmentEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_ledger.TryGetValue(entry.LeadKey, out var list))
            {
                _ledger[entry.LeadKey] = list = [];
            }

            list.RemoveAll(e => e.Crossing == entry.Crossing);
            list.Add(entry);
        }
    }

    /// <summary>The stored records overlaid with this cycle's: a record settled in this cycle wins.</summary>
    public List<LeadRecord> Overlay(IReadOnlyList<LeadRecord> stored, IEnumerable<string> marketingIds, IEnumerable<string> crmIds)
    {
        var result = new Dictionary<string, LeadRecord>(StringComparer.Ordinal);
        foreach (var record in stored)
        {
            result[record.LeadKey] = _byKey.GetValueOrDefault(record.LeadKey) ?? record;
        }

        foreach (var id in marketingIds)
        {
            if (_byMarketingId.TryGetValue(id, out var record))
            {
                result[record.LeadKey] = record;
            }
        }

        foreach (var id in crmIds)
        {
            if (_byCrmId.TryGetValue(id, out var record))
            {
                result[record.LeadKey] = record;
            }
        }

        // A record re-keyed in this cycle may still be found under an id it no longer has.
        return result.Values
            .Where(r => !_byKey.TryGetValue(r.LeadKey, out var mine) || ReferenceEquals(mine, r))
            .ToList();
    }

    public IReadOnlyList<AssignmentEntry> Overlay(IReadOnlyList<AssignmentEntry> stored, string leadKey)
    {
        if (!_ledger.TryGetValue(leadKey, out var mine))
        {
            return stored.Where(e => e.LeadKey == leadKey).ToList();
        }

        return stored.Where(e => e.LeadKey == leadKey && !mine.Exists(m => m.Crossing == e.Crossing)).Concat(mine).OrderBy(e => e.Crossing).ToList();
    }

    private void Forget(LeadRecord record)
    {
        if (record.MarketingId is { } marketingId && _byMarketingId.TryGetValue(marketingId, out var m) && m.LeadKey == record.LeadKey)
        {
            _byMarketingId.Remove(marketingId);
        }

        if (record.CrmId is { } crmId && _byCrmId.TryGetValue(crmId, out var c) && c.LeadKey == record.LeadKey)
        {
            _byCrmId.Remove(crmId);
        }
    }
}
