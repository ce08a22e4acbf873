using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeadSync.Sync.Engine;

namespace LeadSync.Worker.Cli;

/// <summary>How cycle reports look to people (tables) and to machines (JSON).</summary>
public static class ReportRenderer
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string ToJson(IReadOnlyList<CycleReport> reports) => JsonSerializer.Serialize(reports, Json);

    /// <summary>The leads that changed: masked email, score, status and stage before → after, rep assigned.</summary>
    public static string ChangesTable(IEnumerable<LeadChange> changes, int limit)
    {
        var table = new TextTable("lead", "email", "score", "grade", "status", "stage", "assigned to");
        var all = changes.ToList();
        foreach (var change in all.Take(limit))
        {
            table.Add(
                change.LeadKey,
                change.MaskedEmail ?? "-",
                $"{(change.ScoreBefore?.ToString(CultureInfo.InvariantCulture) ?? "-")} → {change.ScoreAfter.ToString(CultureInfo.InvariantCulture)}",
                change.Grade,
                Arrow(change.StatusBefore, change.StatusAfter),
                Arrow(change.StageBefore, change.StageAfter),
                change.AssignedTo ?? string.Empty);
        }

        var text = table.ToString();
        return all.Count > limit ? text + $"… and {all.Count - limit} more\n" : text;
    }

    /// <summary>
    /// The dry-run plan: handoffs first, each with the note the rep would get, then the other changes, with the fields
    /// that would change in each system; at most <paramref name="limit"/> leads of each kind.
    /// </summary>
    public static string Plan(IEnumerable<LeadChange> changes, string marketing = "HubSpot", string crm = "Salesforce", int limit = int.MaxValue)
    {
        var text = new System.Text.StringBuilder();
        var all = changes.ToList();
        var handoffs = all.Where(c => c.AssignedTo is not null).ToList();
        var others = all.Where(c => c.AssignedTo is null).ToList();
        if (handoffs.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"handoffs ({handoffs.Count}):");
            foreach (var change in handoffs.Take(limit))
            {
                Append(text, change, marketing, crm);
                if (change.RepNote is { } note)
                {
                    foreach (var line in note.Split('\n'))
                    {
                        text.AppendLine(CultureInfo.InvariantCulture, $"    note | {ConsoleText.Escape(line)}");
                    }
                }
            }

            More(text, handoffs.Count, limit);
        }

        if (others.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"other changes ({others.Count}):");
            foreach (var change in others.Take(limit))
            {
                Append(text, change, marketing, crm);
            }

            More(text, others.Count, limit);
        }

        return text.ToString();
    }

    private static void Append(System.Text.StringBuilder text, LeadChange change, string marketing, string crm)
    {
        text.Append(CultureInfo.InvariantCulture, $"  {ConsoleText.Escape(change.LeadKey)} {ConsoleText.Escape(change.MaskedEmail ?? string.Empty)} (score {change.ScoreAfter}, grade {change.Grade})");
        if (change.AssignedTo is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" → assigned to {ConsoleText.Escape(change.AssignedTo)}");
        }

        text.AppendLine();
        foreach (var write in change.MarketingWrites)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {marketing,-10} {ConsoleText.Escape(write)}");
        }

        foreach (var write in change.CrmWrites)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {crm,-10} {ConsoleText.Escape(write)}");
        }
    }

    private static void More(System.Text.StringBuilder text, int count, int limit)
    {
        if (count > limit)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  … and {count - limit} more (--json lists them all)");
        }
    }

    public static string Arrow(string? before, string? after) =>
        after is null || string.Equals(before, after, StringComparison.Ordinal) ? before ?? "-" : $"{before ?? "-"} → {after}";
}
