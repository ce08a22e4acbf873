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
                change.HubSpotId is not null ? $"hs:{change.HubSpotId}" : $"sf:{change.SalesforceId}",
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

    /// <summary>The dry-run plan: per lead, the fields that would change in each system and any assignment.</summary>
    public static string Plan(IEnumerable<LeadChange> changes)
    {
        var text = new System.Text.StringBuilder();
        foreach (var change in changes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{ConsoleText.Escape(change.MaskedEmail ?? change.LeadKey)} (score {change.ScoreAfter}, grade {change.Grade})");
            if (change.AssignedTo is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $" → would be assigned to {ConsoleText.Escape(change.AssignedTo)}");
            }

            text.AppendLine();
            foreach (var (field, value) in change.HubSpotWrites)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    HubSpot    {field} = {Show(value)}");
            }

            foreach (var (field, value) in change.SalesforceWrites)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    Salesforce {field} = {Show(value)}");
            }
        }

        return text.ToString();
    }

    public static string Arrow(string? before, string? after) =>
        after is null || string.Equals(before, after, StringComparison.Ordinal) ? before ?? "-" : $"{before ?? "-"} → {after}";

    private static string Show(string? value) =>
        string.IsNullOrEmpty(value) ? "(cleared)" : ConsoleText.Escape(value.Contains('@', StringComparison.Ordinal) ? EmailMask.Mask(value)! : value);
}
