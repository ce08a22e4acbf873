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

    public static void Sort(List<SandboxContact> contacts, IReadOnlyList<SearchSort> sorts)
    {
        contacts.Sort((x, y) =>
        {
            foreach (var sort in sorts)
            {
                var a = ValueOf(x, sort.PropertyName);
                var b = ValueOf(y, sort.PropertyName);
                int c;
                if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b))
                    c = string.IsNullOrEmpty(a) ? (string.IsNullOrEmpty(b) ? 0 : 1) : -1; // empty values last
                else
                    c = Compare(sort.PropertyName, a, b, x, y);
                if (c != 0)
                    return sort.Descending ? -c : c;
            }

            // Stable tie-break on the record id so pages never overlap or skip among equal keys.
            return x.Number.CompareTo(y.Number);
        });
    }

    private static bool Matches(SandboxContact contact, SearchFilter filter)
    {
        var actual = ValueOf(contact, filter.PropertyName);
        var has = !string.IsNullOrEmpty(actual);
        switch (filter.Operator)
        {
            case "HAS_PROPERTY":
                return has;
            case "NOT_HAS_PROPERTY":
                return !has;
            case "EQ":
                return has && filter.Value is not null && Compare(filter.PropertyName, actual!, filter.Value, contact, null) == 0;
            case "NEQ":
                return !has || filter.Value is null || Compare(filter.PropertyName, actual!, filter.Value, contact, null) != 0;
            case "IN":
                return has && filter.Values.Any(v => Compare(filter.PropertyName, actual!, v, contact, null) == 0);
            case "NOT_IN":
                return !has || !filter.Values.Any(v => Compare(filter.PropertyName, actual!, v, contact, null) == 0);
            case "CONTAINS_TOKEN":
                return has && actual!.Contains(Token(filter.Value), StringComparison.OrdinalIgnoreCase);
            case "NOT_CONTAINS_TOKEN":
                return !has || !actual!.Contains(Token(filter.Value), StringComparison.OrdinalIgnoreCase);
            case "BETWEEN":
                return has && filter.Value is not null && filter.HighValue is not null &&
                       Compare(filter.PropertyName, actual!, filter.Value, contact, null) >= 0 &&
                       Compare(filter.PropertyName, actual!, filter.HighValue, contact, null) <= 0;
            default:
                if (!has || filter.Value is null)
                    return false;
                var c = Compare(filter.PropertyName, actual!, filter.Value, contact, null);
                return filter.Operator switch
                {
                    "GT" => c > 0,
                    "GTE" => c >= 0,
                    "LT" => c < 0,
                    _ => c <= 0,
                };
        }
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

    private static string? ValueOf(SandboxContact contact, string property) => property switch
    {
        "hs_object_id" or "id" => contact.Id,
        _ => contact.Get(property),
    };

    /// <summary>Typed comparison: datetimes as epoch ms (either form), numbers numerically, text case-insensitively.</summary>
    private static int Compare(string property, string left, string right, SandboxContact leftContact, SandboxContact? rightContact)
    {
        HubSpotSchema.ByName.TryGetValue(property, out var def);
        if (def?.IsDateTime == true || property == "lastmodifieddate" || property == "createdate")
        {
            var l = property switch
            {
                "lastmodifieddate" => leftContact.UpdatedAt.ToUnixTimeMilliseconds(),
                "createdate" => leftContact.CreatedAt.ToUnixTimeMilliseconds(),
                _ => HubSpotFormat.TryParseMillis(left, out var lm) ? lm : long.MinValue,
            };
            var r = rightContact is not null && property == "lastmodifieddate" ? rightContact.UpdatedAt.ToUnixTimeMilliseconds()
                : rightContact is not null && property == "createdate" ? rightContact.CreatedAt.ToUnixTimeMilliseconds()
                : HubSpotFormat.TryParseMillis(right, out var rm) ? rm : long.MinValue;
            return l.CompareTo(r);
        }

        if (def?.IsNumber == true || property == "hs_object_id")
        {
            if (double.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var ld) &&
                double.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var rd))
                return ld.CompareTo(rd);
        }

        return string.Compare(left.Trim(), right.Trim(), StringComparison.OrdinalIgnoreCase);
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
