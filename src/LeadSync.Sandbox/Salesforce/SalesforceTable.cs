namespace LeadSync.Sandbox.Salesforce;

/// <summary>
/// One sObject's records in insertion order, with the indexes a query plan uses: the id, text fields that are looked
/// up by value (Email, the cross-references, External IDs, WhoId), and the datetime fields read in ranges
/// (SystemModstamp, LastModifiedDate) ordered by (value, Id). Indexes only narrow the rows a query looks at: the
/// query's own evaluation (<see cref="Soql.Execute"/>) still decides on every candidate, so a plan can only be as right
/// as a full scan. Not thread-safe: <see cref="SalesforceStore"/> calls it under its lock.
/// </summary>
internal sealed class SalesforceTable
{
    private static readonly StampComparer StampOrder = new();
    private readonly List<SalesforceRecord> _rows = [];
    private readonly Dictionary<string, int> _position = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, List<int>>> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OrderedIndex<(long Ticks, string Id)>> _byTime = new(StringComparer.Ordinal);

    public SalesforceTable(SalesforceObject type, IEnumerable<string> valueFields, IEnumerable<string> timeFields)
    {
        Type = type;
        foreach (var field in valueFields)
        {
            // Keys are trimmed and compared the field's way, so a bucket holds every record a SOQL equality can match.
            var comparer = Soql.TextComparison(type.Field(field)!) == StringComparison.Ordinal ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
            _byValue[field] = new Dictionary<string, List<int>>(comparer);
        }

        foreach (var field in timeFields)
            _byTime[field] = new OrderedIndex<(long, string)>(StampOrder);
    }

    public SalesforceObject Type { get; }

    public int Count => _rows.Count;

    public SalesforceRecord this[int position] => _rows[position];

    public IReadOnlyList<SalesforceRecord> Rows => _rows;

    public SalesforceRecord? Get(string id18) => _position.TryGetValue(id18, out var pos) ? _rows[pos] : null;

    public bool Contains(string id18) => _position.ContainsKey(id18);

    public void Add(SalesforceRecord record)
    {
        var pos = _rows.Count;
        _position.Add(record.Id, pos);
        _rows.Add(record);
        foreach (var (field, index) in _byValue)
            AddValue(index, record.Get(field), pos);
        foreach (var (field, index) in _byTime)
        {
            if (Ticks(record.Get(field)) is { } ticks)
                index.Add((ticks, record.Id));
        }
    }

    /// <summary>Publishes a new version of a record in place: indexes move only for the fields whose value changed.</summary>
    public void Replace(SalesforceRecord next)
    {
        var pos = _position[next.Id];
        var old = _rows[pos];
        _rows[pos] = next;
        foreach (var (field, index) in _byValue)
        {
            var was = old.Get(field);
            var now = next.Get(field);
            if (Equals(was, now))
                continue;
            RemoveValue(index, was, pos);
            AddValue(index, now, pos);
        }

        foreach (var (field, index) in _byTime)
        {
            var was = Ticks(old.Get(field));
            var now = Ticks(next.Get(field));
            if (was == now)
                continue;
            if (was is { } w)
                index.Remove((w, old.Id));
            if (now is { } n)
                index.Add((n, next.Id));
        }
    }

    /// <summary>Records whose indexed text <paramref name="field"/> may equal <paramref name="value"/> (the field's comparison, trimmed).</summary>
    public IEnumerable<SalesforceRecord> WithValue(string field, string value) =>
        _byValue[field].TryGetValue(value.Trim(), out var bucket) ? [.. bucket.Order().Select(p => _rows[p])] : [];

    public bool IsValueIndexed(string field) => _byValue.ContainsKey(field);

    /// <summary>
    /// The rows a query can match, in table order (which is the order of a full scan, so results and their tie-breaks
    /// are the same), or null when no index narrows the condition and every row must be read.
    /// </summary>
    public List<SalesforceRecord> Candidates(SoqlCondition? where)
    {
        var positions = Plan(where);
        if (positions is null)
            return [.. _rows];
        var sorted = positions as List<int> ?? [.. positions];
        sorted.Sort();
        var result = new List<SalesforceRecord>(sorted.Count);
        var previous = -1;
        foreach (var p in sorted)
        {
            if (p != previous)
                result.Add(_rows[p]);
            previous = p;
        }

        return result;
    }

    /// <summary>Positions that include every row matching <paramref name="condition"/> (duplicates allowed), or null for "all rows".</summary>
    private IEnumerable<int>? Plan(SoqlCondition? condition)
    {
        switch (condition)
        {
            case SoqlCompare { Operator: "=" } eq when eq.Value.Value is string text:
                return Lookup(eq.Field, [text]);
            case SoqlIn { Negated: false } @in when @in.Values.All(v => v.Value is string):
                return Lookup(@in.Field, @in.Values.Select(v => (string)v.Value!));
            case SoqlCompare range when range.Value.Value is DateTimeOffset at && _byTime.TryGetValue(range.Field.Name, out var index):
                return Range(index, range.Operator, at.UtcTicks);
            case SoqlAnd and:
            {
                // Any part narrows an AND; take an equality (a few rows) before a range (possibly many).
                IEnumerable<int>? best = null;
                foreach (var part in and.Parts.OrderBy(p => p is SoqlCompare { Value.Value: DateTimeOffset } ? 1 : 0))
                {
                    best = Plan(part);
                    if (best is not null)
                        break;
                }

                return best;
            }

            case SoqlOr or:
            {
                var all = new List<int>();
                foreach (var part in or.Parts)
                {
                    if (Plan(part) is not { } some)
                        return null;
                    all.AddRange(some);
                }

                return all;
            }

            default:
                return null;
        }
    }

    private List<int>? Lookup(SalesforceField field, IEnumerable<string> values)
    {
        var result = new List<int>();
        if (field.Name == "Id")
        {
            foreach (var value in values)
            {
                if (_position.TryGetValue(value, out var pos))
                    result.Add(pos);
            }

            return result;
        }

        if (!_byValue.TryGetValue(field.Name, out var index))
            return null;
        foreach (var value in values)
        {
            if (index.TryGetValue(value.Trim(), out var bucket))
                result.AddRange(bucket);
        }

        return result;
    }

    private List<int>? Range(OrderedIndex<(long Ticks, string Id)> index, string op, long ticks)
    {
        // Bounds on (ticks, id): "" sorts before every id, so (t, "") is the first key at time t.
        (long, string) from;
        long? below;
        switch (op)
        {
            case ">=":
                (from, below) = ((ticks, string.Empty), null);
                break;
            case ">":
                (from, below) = ((ticks + 1, string.Empty), null);
                break;
            case "=":
                (from, below) = ((ticks, string.Empty), ticks + 1);
                break;
            case "<":
                (from, below) = ((long.MinValue, string.Empty), ticks);
                break;
            case "<=":
                (from, below) = ((long.MinValue, string.Empty), ticks + 1);
                break;
            default:
                return null; // != matches nearly everything: scan
        }

        var result = new List<int>();
        foreach (var key in index.From(from))
        {
            if (below is { } end && key.Ticks >= end)
                break;
            result.Add(_position[key.Id]);
        }

        return result;
    }

    private static long? Ticks(object? value) => value is DateTimeOffset at ? at.UtcTicks : null;

    private static void AddValue(Dictionary<string, List<int>> index, object? value, int pos)
    {
        if (value is not string text)
            return;
        var key = text.Trim();
        if (!index.TryGetValue(key, out var bucket))
            index[key] = bucket = [];
        bucket.Add(pos);
    }

    private static void RemoveValue(Dictionary<string, List<int>> index, object? value, int pos)
    {
        if (value is not string text || !index.TryGetValue(text.Trim(), out var bucket))
            return;
        bucket.Remove(pos);
        if (bucket.Count == 0)
            index.Remove(text.Trim());
    }

    /// <summary>By time, then by the exact id (ordinal), as <c>ORDER BY SystemModstamp, Id</c> orders ties.</summary>
    private sealed class StampComparer : IComparer<(long Ticks, string Id)>
    {
        public int Compare((long Ticks, string Id) x, (long Ticks, string Id) y)
        {
            var c = x.Ticks.CompareTo(y.Ticks);
            return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
