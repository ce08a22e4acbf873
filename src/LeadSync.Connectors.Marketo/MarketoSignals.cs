using System.Globalization;
using System.Text.Json;
using LeadSync.Connectors.Marketo.Api;
using LeadSync.Domain.Scoring;

namespace LeadSync.Connectors.Marketo;

/// <summary>
/// Behaviour as the scoring model reads it. Marketo keeps behaviour as activities, not counters on the lead, so the
/// connector counts the configured activities of the lookback window per lead and hands them over as two read-only
/// fields per signal: <see cref="CountField"/> and <see cref="LastField"/> (ISO-8601). Scoring options name those fields
/// like any other marketing field.
/// </summary>
public static class MarketoSignals
{
    public const string Prefix = "leadsync_";

    public static string CountField(Signal signal) => $"{Prefix}{signal.ToString().ToLowerInvariant()}_count";

    public static string LastField(Signal signal) => $"{Prefix}{signal.ToString().ToLowerInvariant()}_last";

    public static bool IsSignalField(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);
}

/// <summary>Counts of the configured activities per lead, deduplicated by activity id.</summary>
internal sealed class BehaviourTally(IReadOnlyList<ActivitySignalOptions> rules, DateTimeOffset from)
{
    private readonly Dictionary<long, PerLead> _leads = [];
    private readonly HashSet<long> _seen = [];

    public void Add(ActivityRecord activity, DateTimeOffset date)
    {
        if (date < from || !_seen.Add(Key(activity)))
        {
            return;
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.ActivityTypeId != activity.ActivityTypeId || (rule.Contains is { Length: > 0 } text && !Mentions(activity, text)))
            {
                continue;
            }

            if (!_leads.TryGetValue(activity.LeadId, out var lead))
            {
                _leads[activity.LeadId] = lead = new PerLead(rules.Count);
            }

            lead.Add(i, date, rule.DistinctDays);
        }
    }

    /// <summary>Every signal the rules feed, with a count (0 when none) and the last occurrence (absent when none).</summary>
    public void Fill(long leadId, Dictionary<string, string?> fields)
    {
        _leads.TryGetValue(leadId, out var lead);
        for (var i = 0; i < rules.Count; i++)
        {
            var signal = rules[i].Signal;
            fields[MarketoSignals.CountField(signal)] = (lead?.Counts[i] ?? 0).ToString(CultureInfo.InvariantCulture);
            fields[MarketoSignals.LastField(signal)] = lead?.Last[i] is { } last
                ? last.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : null;
        }
    }

    private static bool Mentions(ActivityRecord activity, string text)
    {
        if (activity.PrimaryAttributeValue?.Contains(text, StringComparison.OrdinalIgnoreCase) == true)
        {
            return true;
        }

        foreach (var attribute in activity.Attributes ?? [])
        {
            if (attribute.Value.ValueKind == JsonValueKind.String && attribute.Value.GetString()?.Contains(text, StringComparison.OrdinalIgnoreCase) == true)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>marketoGUID is the unique id (the numeric id may be absent or repeat on the Activity Service); 64-bit FNV-1a of it.</summary>
    private static long Key(ActivityRecord activity)
    {
        if (string.IsNullOrEmpty(activity.MarketoGuid))
        {
            return activity.Id ?? HashCode.Combine(activity.LeadId, activity.ActivityDate, activity.ActivityTypeId);
        }

        var hash = 14695981039346656037UL;
        foreach (var c in activity.MarketoGuid)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private sealed class PerLead(int rules)
    {
        public int[] Counts { get; } = new int[rules];

        public DateTimeOffset?[] Last { get; } = new DateTimeOffset?[rules];

        private HashSet<(int, DateOnly)>? _days;

        public void Add(int rule, DateTimeOffset date, bool distinctDays)
        {
            // A distinct-days signal counts a day once; later activities of that day only move the last occurrence.
            if (!distinctDays || (_days ??= []).Add((rule, DateOnly.FromDateTime(date.UtcDateTime))))
            {
                Counts[rule]++;
            }

            if (Last[rule] is not { } last || date > last)
            {
                Last[rule] = date;
            }
        }
    }
}
