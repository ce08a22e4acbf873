using System.Globalization;
using System.Text;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Handoff;

/// <param name="TopBehaviours">Phrases such as "requested a demo (+25)", most important first.</param>
/// <param name="FitReasons">Phrases such as "VP title (+15)".</param>
/// <param name="RoutingReason">Why this rep or team: the routing decision's reason.</param>
public sealed record HandoffNoteInput(
    string? FirstName,
    string? LastName,
    string? Company,
    string? Email,
    int Score,
    FitGrade? Grade,
    IReadOnlyList<string> TopBehaviours,
    IReadOnlyList<string> FitReasons,
    string? LeadSource,
    string? MostRecentActivity,
    DateTimeOffset? MostRecentActivityAt,
    string? RoutingReason);

/// <summary>The Salesforce Task the rep sees: subject, priority and the why in plain words.</summary>
public sealed record HandoffNoteText(string Subject, string Priority, string Description);

/// <summary>Writes the note that tells a rep why a lead was handed to them.</summary>
public static class HandoffNote
{
    public static HandoffNoteText Compose(HandoffNoteInput input, HandoffNoteOptions? options = null)
    {
        options ??= new HandoffNoteOptions();
        var who = Who(input);
        var scoreText = input.Grade is { } grade
            ? string.Create(CultureInfo.InvariantCulture, $"score {input.Score}, grade {grade}")
            : string.Create(CultureInfo.InvariantCulture, $"score {input.Score}");
        var company = string.IsNullOrWhiteSpace(input.Company) ? "" : $" at {input.Company.Trim()}";
        var subject = $"Sales-ready lead: {who}{company} ({scoreText})";
        var priority = input.Score >= options.HighPriorityAtOrAbove ? options.HighPriority : options.NormalPriority;

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{who}{company} is ready for sales with a score of {input.Score} out of 100");
        text.Append(input.Grade is { } g ? $" and fit grade {g}.\n" : " (no fit grade yet).\n");
        AppendList(text, "What they did", input.TopBehaviours);
        AppendList(text, "Why they fit", input.FitReasons);
        text.Append("Lead source: ").Append(string.IsNullOrWhiteSpace(input.LeadSource) ? "unknown" : input.LeadSource.Trim()).Append('\n');
        if (!string.IsNullOrWhiteSpace(input.MostRecentActivity))
        {
            text.Append("Most recent activity: ").Append(input.MostRecentActivity.Trim());
            if (input.MostRecentActivityAt is { } at)
            {
                text.Append(CultureInfo.InvariantCulture, $" on {at.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
            }

            text.Append('\n');
        }

        if (!string.IsNullOrWhiteSpace(input.RoutingReason))
        {
            text.Append("Why you: ").Append(input.RoutingReason.Trim()).Append('\n');
        }

        return new HandoffNoteText(subject, priority, text.ToString().TrimEnd('\n'));
    }

    /// <summary>"Ada L." — first name and last initial; the masked email only when there is no name (never the raw email).</summary>
    private static string Who(HandoffNoteInput input)
    {
        var first = input.FirstName?.Trim() ?? "";
        var last = input.LastName?.Trim() ?? "";
        if (first.Length > 0 && last.Length > 0)
        {
            return $"{first} {char.ToUpperInvariant(last[0])}.";
        }

        if (first.Length > 0 || last.Length > 0)
        {
            return first.Length > 0 ? first : last;
        }

        return string.IsNullOrWhiteSpace(input.Email) ? "Unnamed lead" : EmailMask.Mask(input.Email);
    }

    private static void AppendList(StringBuilder text, string title, IReadOnlyList<string> items)
    {
        var shown = items.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).ToList();
        if (shown.Count == 0)
        {
            return;
        }

        text.Append(title).Append(":\n");
        foreach (var item in shown)
        {
            text.Append("- ").Append(item).Append('\n');
        }
    }
}
