using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>One key of the <c>LeadSync</c> section that two configurations set differently (values as written, unmasked).</summary>
/// <param name="Path">The JSON path as problems print it (<c>LeadSync:Routing:Teams[0]:Name</c>).</param>
public sealed record ConfigChange(char Kind, string Key, string Path, string? Before, string? After);

/// <summary>
/// The rule changes between two configurations, key by key over their effective values (value maps as merged):
/// <c>+</c> added, <c>-</c> removed, <c>~</c> changed, in key order. Lists are compared by position, as they are bound.
/// </summary>
public static class ConfigurationDiff
{
    public static IReadOnlyList<ConfigChange> Compute(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var changes = new List<ConfigChange>();
        var keys = before.Keys.Concat(after.Keys)
            .Where(k => k.StartsWith("LeadSync:", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(k => SortKey(k), StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            var had = before.TryGetValue(key, out var was);
            var has = after.TryGetValue(key, out var now);
            if (had && has && string.Equals(was, now, StringComparison.Ordinal))
            {
                continue;
            }

            changes.Add(new ConfigChange(!had ? '+' : !has ? '-' : '~', key, JsonPath(key), was, now));
        }

        return changes;
    }

    /// <summary>One line per change, every value passed through the secret mask (a changed secret says so, not what it was).</summary>
    public static string Render(IReadOnlyList<ConfigChange> changes)
    {
        var text = new System.Text.StringBuilder();
        foreach (var change in changes)
        {
            var before = Shown(change.Key, change.Before);
            var after = Shown(change.Key, change.After);
            text.AppendLine(change.Kind switch
            {
                '+' => $"  + {change.Path}: {after}",
                '-' => $"  - {change.Path}: {before}",
                _ when before == after => $"  ~ {change.Path}: {before} (secret changed)",
                _ => $"  ~ {change.Path}: {before} → {after}",
            });
        }

        return text.ToString();
    }

    private static string Shown(string key, string? value) =>
        value is null ? "-" : $"'{ConfigurationPrinter.MaskIfSecret(key, value)}'";

    /// <summary><c>LeadSync:Routing:Teams:0:Name</c> → <c>LeadSync:Routing:Teams[0]:Name</c>.</summary>
    public static string JsonPath(string key)
    {
        var text = new System.Text.StringBuilder();
        foreach (var segment in key.Split(ConfigurationPath.KeyDelimiter))
        {
            if (text.Length > 0 && IsPosition(segment))
            {
                text.Append('[').Append(segment).Append(']');
            }
            else
            {
                text.Append(text.Length == 0 ? string.Empty : ":").Append(segment);
            }
        }

        return text.ToString();
    }

    /// <summary>Positions sort as numbers (Rules[2] before Rules[10]).</summary>
    private static string SortKey(string key) =>
        string.Join(':', key.Split(ConfigurationPath.KeyDelimiter).Select(s => IsPosition(s) ? s.PadLeft(6, '0') : s));

    private static bool IsPosition(string segment) =>
        segment.Length > 0 && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
