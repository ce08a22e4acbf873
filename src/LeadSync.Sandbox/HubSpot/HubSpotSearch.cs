using System.Globalization;
using System.Text.Json;

namespace LeadSync.Sandbox.HubSpot;

internal sealed record SearchFilter(string PropertyName, string Operator, string? Value, IReadOnlyList<string> Values, string? HighValue);

internal sealed record SearchSort(string PropertyName, bool Descending);

internal sealed record SearchRequest(
    IReadOnlyList<IReadOnlyList<SearchFilter>> FilterGroups,
    IReadOnlyList<SearchSort> Sorts,
    IReadOnlyList<string>? Properties,
    int Limit,
    int After,
    string? Query)
{
    public string CacheKey => JsonSerializer.Serialize(new { FilterGroups, Sorts, Query });
}

/// <summary>Parses and evaluates PublicObjectSearchRequest the way HubSpot documents it (groups OR-ed, filters AND-ed).</summary>
internal static class HubSpotSearch
{
    public const int MaxGroups = 5;
    public const int MaxFiltersPerGroup = 10;
    public const int MaxFilters = 25;
    public const int MaxLimit = 200;
    public const int ResultWindow = 10_000;

    private static readonly HashSet<string> Operators =
    [
        "EQ", "NEQ", "GT", "GTE", "LT", "LTE", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "BETWEEN",
        "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
    ];

    /// <summary>Returns null and an error message when the request breaks a documented limit.</summary>
    public static SearchRequest? Parse(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "Invalid input JSON: expected an object.";
            return null;
        }

        var groups = new List<IReadOnlyList<SearchFilter>>();
        var total = 0;
        if (root.TryGetProperty("filterGroups", out var fg) && fg.ValueKind == JsonValueKind.Array)
        {
            foreach (var group in fg.EnumerateArray())
            {
                var filters = new List<SearchFilter>();
                if (group.TryGetProperty("filters", out var fs) && fs.ValueKind == JsonValueKind.Array)
                {
                    foreach (var f in fs.EnumerateArray())
                    {
                        var name = Str(f, "propertyName");
                        var op = Str(f, "operator")?.ToUpperInvariant();
                        if (string.IsNullOrEmpty(name) || op is null || !Operators.Contains(op))
                        {
                            error = $"Invalid filter: propertyName and a supported operator are required (got operator '{op}').";
                            return null;
                        }

                        var values = new List<string>();
                        if (f.TryGetProperty("values", out var vs) && vs.ValueKind == JsonValueKind.Array)
                            values.AddRange(vs.EnumerateArray().Select(ValueText).OfType<string>());
                        filters.Add(new SearchFilter(name, op, Str(f, "value"), values, Str(f, "highValue")));
                    }
                }

                if (filters.Count > MaxFiltersPerGroup)
                {
                    error = $"Too many filters in a filter group: {filters.Count}. The maximum is {MaxFiltersPerGroup} filters per group.";
                    return null;
                }

                total += filters.Count;
                groups.Add(filters);
            }
        }

        if (groups.Count > MaxGroups)
        {
            error = $"Too many filter groups: {groups.Count}. The maximum is {MaxGroups} filterGroups.";
            return null;
        }

        if (total > MaxFilters)
        {
            error = $"Too many filters: {total}. The maximum is {MaxFilters} filters across all filterGroups.";
            return null;
        }

        var sorts = new List<SearchSort>();
        if (root.TryGetProperty("sorts", out var ss) && ss.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in ss.EnumerateArray())
            {
                // The spec types sorts as string[] ("prop" / "-prop"); the docs and clients send objects. Accept both.
                if (s.ValueKind == JsonValueKind.String)
                {
                    var text = s.GetString() ?? string.Empty;
                    var desc = text.StartsWith('-');
                    sorts.Add(new SearchSort(desc ? text[1..] : text, desc));
                }
                else if (s.ValueKind == JsonValueKind.Object)
                {
                    var name = Str(s, "propertyName") ?? string.Empty;
                    var direction = Str(s, "direction") ?? "ASCENDING";
                    sorts.Add(new SearchSort(name, direction.StartsWith("DESC", StringComparison.OrdinalIgnoreCase)));
                }
            }
        }

        List<string>? properties = null;
        if (root.TryGetProperty("properties", out var ps) && ps.ValueKind == JsonValueKind.Array)
            properties = ps.EnumerateArray().Select(p => p.GetString()).OfType<string>().ToList();

        var limit = 10;
        if (root.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null)
        {
            if (!TryInt(l, out limit) || limit < 0)
            {
                error = "limit must be a non-negative integer.";
                return null;
            }

            if (limit > MaxLimit)
            {
                error = $"limit must be less than or equal to {MaxLimit} (got {limit}).";
                return null;
            }

            if (limit == 0)
                limit = 10;
        }

        var after = 0;
        if (root.TryGetProperty("after", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            var text = ValueText(a);
            if (!string.IsNullOrEmpty(text) && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
            {
                error = $"Invalid after cursor '{text}'.";
                return null;
            }
        }

        return new SearchRequest(groups, sorts, properties, limit, after, Str(root, "query"));
    }

    public static bool Matches(SandboxContact contact, SearchRequest request)
    {
        if (!string.IsNullOrWhiteSpace(request.Query) && !MatchesQuery(contact, request.Query))
            return false;
        if (request.FilterGroups.Count == 0)
            return true;
        foreach (var group in request.FilterGroups)
        {
            var all = true;
            foreach (var filter in group)
            {
                if (!Matches(contact, filter))
                {
                    all = false;
                    break;
                }
            }

            if (all)
                return true;
        }

        return false;
    }

    /// <summary>Sorts on precomputed typed keys (not per comparison), with a stable tie-break on the record id.</summary>
    public static void Sort(List<SandboxContact> contacts, IReadOnlyList<SearchSort> sorts)
    {
        var keys = new SortKey[sorts.Count][];
        for (var s = 0; s < sorts.Count; s++)
        {
            var kind = KindOf(sorts[s].PropertyName);
            keys[s] = new SortKey[contacts.Count];
            for (var i = 0; i < contacts.Count; i++)
                keys[s][i] = KeyOf(contacts[i], sorts[s].PropertyName, kind);
        }

        var order = new int[contacts.Count];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        Array.Sort(order, (x, y) =>
        {
            for (var s = 0; s < sorts.Count; s++)
            {
                var a = keys[s][x];
                var b = keys[s][y];
                int c;
                if (!a.HasValue || !b.HasValue)
                    c = a.HasValue == b.HasValue ? 0 : (a.HasValue ? -1 : 1); // empty values last
                else
                    c = sorts[s].Descending ? -a.CompareTo(b) : a.CompareTo(b);
                if (c != 0)
                    return c;
            }

            return contacts[x].Number.CompareTo(contacts[y].Number);
        });
        var sorted = order.Select(i => contacts[i]).ToList();
        contacts.Clear();
        contacts.AddRange(sorted);
    }

    private static bool Matches(SandboxContact contact, SearchFilter filter)
    {
        var kind = KindOf(filter.PropertyName);
        var actual = KeyOf(contact, filter.PropertyName, kind);
        var has = actual.HasValue;
        switch (filter.Operator)
        {
            case "HAS_PROPERTY":
                return has;
            case "NOT_HAS_PROPERTY":
                return !has;
            case "EQ":
                return has && filter.Value is not null && actual.CompareTo(KeyOfText(filter.Value, kind)) == 0;
            case "NEQ":
                return !has || filter.Value is null || actual.CompareTo(KeyOfText(filter.Value, kind)) != 0;
            case "IN":
                return has && filter.Values.Any(v => actual.CompareTo(KeyOfText(v, kind)) == 0);
            case "NOT_IN":
                return !has || !filter.Values.Any(v => actual.CompareTo(KeyOfText(v, kind)) == 0);
            case "CONTAINS_TOKEN":
                return has && actual.Text!.Contains(Token(filter.Value), StringComparison.OrdinalIgnoreCase);
            case "NOT_CONTAINS_TOKEN":
                return !has || !actual.Text!.Contains(Token(filter.Value), StringComparison.OrdinalIgnoreCase);
            case "BETWEEN":
                return has && filter.Value is not null && filter.HighValue is not null &&
                       actual.CompareTo(KeyOfText(filter.Value, kind)) >= 0 &&
                       actual.CompareTo(KeyOfText(filter.HighValue, kind)) <= 0;
            default:
                if (!has || filter.Value is null)
                    return false;
                var c = actual.CompareTo(KeyOfText(filter.Value, kind));
                return filter.Operator switch
                {
                    "GT" => c > 0,
                    "GTE" => c >= 0,
                    "LT" => c < 0,
                    _ => c <= 0,
                };
        }
    }

    /// <summary>
    /// A range of (lastmodifieddate ms, id) keys: the ms bounds from the group's lastmodifieddate filters and, when
    /// they pin one millisecond, the id bounds from its hs_object_id filters. <see cref="Covers"/> says every filter
    /// of the group is in the range (so a contact in the range matches the group).
    /// </summary>
    internal sealed record KeyRange(long FromMs, long ToMs, long FromNumber, long ToNumber, bool Covers)
    {
        public (long, long) EndKey => ToMs == long.MaxValue ? (long.MaxValue, long.MaxValue) : FromMs == ToMs ? (ToMs, ToNumber == long.MaxValue ? long.MaxValue : ToNumber + 1) : (ToMs + 1, long.MinValue);

        public bool Contains(long ms, long number) => ms <= ToMs && (FromMs != ToMs || number <= ToNumber);

        /// <summary>Whether reading the ordered index gives the scan's order: by lastmodifieddate, ties by id, or by id within one ms.</summary>
        public bool FollowsIndexOrder(IReadOnlyList<SearchSort> sorts) => sorts switch
        {
            [{ PropertyName: "lastmodifieddate", Descending: false }] => true,
            [{ PropertyName: "hs_object_id" or "id", Descending: false }] or [] => FromMs == ToMs,
            _ => false,
        };
    }

    /// <summary>The key range of a group that filters lastmodifieddate by a range, or null.</summary>
    internal static KeyRange? ModifiedRange(IReadOnlyList<SearchFilter> group)
    {
        long fromMs = long.MinValue, toMs = long.MaxValue, fromNumber = long.MinValue, toNumber = long.MaxValue;
        var anyTime = false;
        var covers = true;
        var numberFilters = false;
        foreach (var f in group)
        {
            if (f.PropertyName == "lastmodifieddate" && f.Operator is "GT" or "GTE" or "LT" or "LTE" or "EQ" or "BETWEEN" &&
                HubSpotFormat.TryParseMillis(f.Value, out var ms))
            {
                anyTime = true;
                switch (f.Operator)
                {
                    case "GT": fromMs = Math.Max(fromMs, ms == long.MaxValue ? ms : ms + 1); break;
                    case "GTE": fromMs = Math.Max(fromMs, ms); break;
                    case "LT": toMs = Math.Min(toMs, ms == long.MinValue ? ms : ms - 1); break;
                    case "LTE": toMs = Math.Min(toMs, ms); break;
                    case "EQ": (fromMs, toMs) = (Math.Max(fromMs, ms), Math.Min(toMs, ms)); break;
                    default:
                        if (!HubSpotFormat.TryParseMillis(f.HighValue, out var high))
                            return null;
                        (fromMs, toMs) = (Math.Max(fromMs, ms), Math.Min(toMs, high));
                        break;
                }

                continue;
            }

            if (f.PropertyName is "hs_object_id" or "id" && f.Operator is "GT" or "GTE" or "LT" or "LTE" &&
                double.TryParse(f.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && Math.Abs(n) < 1e15)
            {
                numberFilters = true;
                switch (f.Operator)
                {
                    case "GT": fromNumber = Math.Max(fromNumber, (long)Math.Floor(n) + 1); break;
                    case "GTE": fromNumber = Math.Max(fromNumber, (long)Math.Ceiling(n)); break;
                    case "LT": toNumber = Math.Min(toNumber, (long)Math.Ceiling(n) - 1); break;
                    default: toNumber = Math.Min(toNumber, (long)Math.Floor(n)); break;
                }

                continue;
            }

            covers = false;
        }

        if (!anyTime)
            return null;
        if (fromMs > toMs)
            (fromMs, toMs) = (0, -1); // empty: nothing is at once after and before
        if (fromMs != toMs)
            return new KeyRange(fromMs, toMs, long.MinValue, long.MaxValue, covers && !numberFilters);
        return new KeyRange(fromMs, toMs, fromNumber, toNumber, covers);
    }

    private static string Token(string? value) => (value ?? string.Empty).Trim('*');

    private static bool MatchesQuery(SandboxContact contact, string query)
    {
        foreach (var name in (string[])["email", "firstname", "lastname", "company", "phone"])
        {
            if (contact.Get(name) is { } v && v.Contains(query.Trim(), StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }

    private enum KeyKind
    {
        Text,
        Number,
        DateTime,
    }

    /// <summary>A property value typed for comparison: datetimes as epoch ms (either input form), numbers numerically, text case-insensitively.</summary>
    private readonly record struct SortKey(bool HasValue, KeyKind Kind, long Millis, double Number, string? Text) : IComparable<SortKey>
    {
        public int CompareTo(SortKey other)
        {
            if (Kind == KeyKind.DateTime && other.Kind == KeyKind.DateTime)
                return Millis.CompareTo(other.Millis);
            if (Kind == KeyKind.Number && other.Kind == KeyKind.Number)
                return Number.CompareTo(other.Number);
            return string.Compare(Text, other.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static KeyKind KindOf(string property)
    {
        if (property is "hs_object_id" or "id")
            return KeyKind.Number;
        if (!HubSpotSchema.ByName.TryGetValue(property, out var def))
            return KeyKind.Text;
        return def.IsDateTime ? KeyKind.DateTime : def.IsNumber ? KeyKind.Number : KeyKind.Text;
    }

    private static SortKey KeyOf(SandboxContact contact, string property, KeyKind kind) => property switch
    {
        "hs_object_id" or "id" => new SortKey(true, KeyKind.Number, 0, contact.Number, contact.Id),
        "lastmodifieddate" => new SortKey(true, KeyKind.DateTime, contact.UpdatedAt.ToUnixTimeMilliseconds(), 0, null),
        "createdate" => new SortKey(true, KeyKind.DateTime, contact.CreatedAt.ToUnixTimeMilliseconds(), 0, null),
        _ => contact.Get(property) is { Length: > 0 } text ? KeyOfText(text, kind) : default,
    };

    private static SortKey KeyOfText(string text, KeyKind kind)
    {
        if (kind == KeyKind.DateTime && HubSpotFormat.TryParseMillis(text, out var millis))
            return new SortKey(true, KeyKind.DateTime, millis, 0, text);
        if (kind == KeyKind.Number && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return new SortKey(true, KeyKind.Number, 0, number, text);
        return new SortKey(true, KeyKind.Text, 0, 0, text.Trim());
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? ValueText(value) : null;

    private static string? ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static bool TryInt(JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetInt32(out value),
            JsonValueKind.String => int.TryParse(element.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }
}
