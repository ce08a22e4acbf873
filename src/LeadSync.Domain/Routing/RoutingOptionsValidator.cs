using System.Globalization;
using LeadSync.Domain.Configuration;

namespace LeadSync.Domain.Routing;

/// <summary>Checks <see cref="RoutingOptions"/> and reports every problem at once, each with its configuration path.</summary>
public static class RoutingOptionsValidator
{
    public const int MaxWeight = 1000;

    public static IReadOnlyList<ConfigProblem> Validate(RoutingOptions options, string path = RoutingOptions.SectionName)
    {
        var problems = new List<ConfigProblem>();
        var teamNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        for (var t = 0; t < options.Teams.Count; t++)
        {
            ValidateTeam(options.Teams[t], $"{path}:Teams[{t}]", teamNames, problems);
        }

        var ruleIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var r = 0; r < options.Rules.Count; r++)
        {
            var rule = options.Rules[r];
            var rulePath = $"{path}:Rules[{r}]";
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                problems.Add(new(rulePath + ":Id", "rule id is empty", "a unique, non-empty id"));
            }
            else if (!ruleIds.Add(rule.Id.Trim()))
            {
                problems.Add(new(rulePath + ":Id", $"duplicate rule id '{rule.Id}'", "ids unique across Rules"));
            }

            if (string.IsNullOrWhiteSpace(rule.Team))
            {
                problems.Add(new(rulePath + ":Team", "no team given", $"one of: {Known(teamNames)}"));
            }
            else if (!teamNames.Contains(rule.Team.Trim()))
            {
                problems.Add(new(rulePath + ":Team", $"unknown team '{rule.Team}'", $"one of: {Known(teamNames)}"));
            }

            for (var c = 0; c < rule.Conditions.Count; c++)
            {
                RuleConditions.Validate(rule.Conditions[c], $"{rulePath}:Conditions[{c}]", problems);
            }
        }

        if (!string.IsNullOrWhiteSpace(options.FallbackTeam) && !teamNames.Contains(options.FallbackTeam.Trim()))
        {
            problems.Add(new(path + ":FallbackTeam", $"unknown team '{options.FallbackTeam}'", $"one of: {Known(teamNames)}"));
        }

        if (options.FallbackQueueDeveloperName is { } queue && string.IsNullOrWhiteSpace(queue))
        {
            problems.Add(new(path + ":FallbackQueueDeveloperName", "blank queue name", "a Salesforce queue DeveloperName, or leave it out"));
        }

        return problems;
    }

    private static void ValidateTeam(TeamOptions team, string teamPath, HashSet<string> teamNames, List<ConfigProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(team.Name))
        {
            problems.Add(new(teamPath + ":Name", "team name is empty", "a unique, non-empty name"));
        }
        else if (!teamNames.Add(team.Name.Trim()))
        {
            problems.Add(new(teamPath + ":Name", $"duplicate team name '{team.Name}'", "names unique across Teams"));
        }

        if (!Enum.IsDefined(team.Strategy))
        {
            problems.Add(new(teamPath + ":Strategy", $"unknown strategy '{team.Strategy}'", Names<RoutingStrategy>()));
        }

        if (team.Reps.Count == 0)
        {
            problems.Add(new(teamPath + ":Reps", "team has no reps", "at least one rep"));
        }

        if (team.ManagerEmail is { } manager && !LooksLikeEmail(manager))
        {
            problems.Add(new(teamPath + ":ManagerEmail", "not an email address", "name@domain, or leave it out"));
        }

        var emails = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < team.Reps.Count; i++)
        {
            var rep = team.Reps[i];
            var repPath = $"{teamPath}:Reps[{i}]";
            if (!LooksLikeEmail(rep.Email))
            {
                problems.Add(new(repPath + ":Email", "missing or not an email address", "the rep's email, as in Salesforce and HubSpot"));
            }
            else if (!emails.Add(EmailMask.Normalize(rep.Email) ?? string.Empty))
            {
                problems.Add(new(repPath + ":Email", $"rep {EmailMask.Mask(rep.Email)} is listed twice in the team", "each rep once per team"));
            }

            if (rep.Weight <= 0 || rep.Weight > MaxWeight)
            {
                problems.Add(new(repPath + ":Weight", string.Create(CultureInfo.InvariantCulture, $"weight {rep.Weight} is out of range"), $"1 to {MaxWeight}"));
            }

            if (rep.Capacity is <= 0)
            {
                problems.Add(new(repPath + ":Capacity", string.Create(CultureInfo.InvariantCulture, $"capacity {rep.Capacity} would never allow a lead"), "1 or more, or leave it out for no cap"));
            }

            if (WorkingTime.FindTimeZone(rep.TimeZone) is null)
            {
                problems.Add(new(repPath + ":TimeZone", $"unknown time zone '{rep.TimeZone}'", "an IANA id such as America/New_York or Europe/Berlin"));
            }

            if (rep.WorkingHours is { } hours)
            {
                ValidateHours(hours, repPath + ":WorkingHours", problems);
            }

            for (var o = 0; o < rep.OutOfOffice.Count; o++)
            {
                var window = rep.OutOfOffice[o];
                if (window.To < window.From)
                {
                    problems.Add(new(
                        $"{repPath}:OutOfOffice[{o}]",
                        string.Create(CultureInfo.InvariantCulture, $"To {window.To:yyyy-MM-dd} is before From {window.From:yyyy-MM-dd}"),
                        "From on or before To (both days inclusive)"));
                }
            }
        }
    }

    /// <summary>Shared with the SLA settings, which use the same shape for default business hours.</summary>
    public static void ValidateHours(WorkingHours hours, string hoursPath, List<ConfigProblem> problems)
    {
        if (hours.End <= hours.Start)
        {
            problems.Add(new(
                hoursPath + ":End",
                string.Create(CultureInfo.InvariantCulture, $"End {hours.End:HH\\:mm} is not after Start {hours.Start:HH\\:mm}"),
                "End later than Start on the same day, e.g. 09:00-17:00"));
        }

        if (hours.Days is { Count: 0 })
        {
            problems.Add(new(hoursPath + ":Days", "no working days", "one or more of Monday..Sunday (default Monday-Friday)"));
        }

        for (var d = 0; d < (hours.Days?.Count ?? 0); d++)
        {
            if (!Enum.IsDefined(hours.Days![d]))
            {
                problems.Add(new($"{hoursPath}:Days[{d}]", $"unknown day '{hours.Days[d]}'", Names<DayOfWeek>()));
            }
        }
    }

    internal static bool LooksLikeEmail(string? email)
    {
        var trimmed = email?.Trim() ?? "";
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == trimmed.LastIndexOf('@') && at < trimmed.Length - 1 && !trimmed.Contains(' ', StringComparison.Ordinal);
    }

    internal static string Names<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>());

    private static string Known(HashSet<string> teamNames) =>
        teamNames.Count == 0 ? "(no teams are configured)" : string.Join(", ", teamNames.Order(StringComparer.OrdinalIgnoreCase));
}
