using System.Globalization;
using LeadSync.Domain.Configuration;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Handoff;

/// <summary>Checks <see cref="HandoffOptions"/> and reports every problem at once, each with its configuration path.</summary>
public static class HandoffOptionsValidator
{
    public static IReadOnlyList<ConfigProblem> Validate(HandoffOptions options, string path = HandoffOptions.SectionName)
    {
        var problems = new List<ConfigProblem>();

        if (options.Threshold is < 0 or > 100)
        {
            problems.Add(new(path + ":Threshold", Invariant($"threshold {options.Threshold} is outside the score scale"), "0 to 100 (default 71)"));
        }

        if (options.ReleaseBelow < 0)
        {
            problems.Add(new(path + ":ReleaseBelow", Invariant($"release level {options.ReleaseBelow} is negative"), "0 to Threshold - 1 (default 50)"));
        }
        else if (options.ReleaseBelow >= options.Threshold)
        {
            problems.Add(new(
                path + ":ReleaseBelow",
                Invariant($"release level {options.ReleaseBelow} is not below the threshold {options.Threshold}, so leads would flip between marketing and sales"),
                "0 to Threshold - 1 (default 50)"));
        }

        if (options.MinimumGrade is { } grade && !Enum.IsDefined(grade))
        {
            problems.Add(new(path + ":MinimumGrade", $"unknown grade '{grade}'", Names<FitGrade>() + ", or leave it out"));
        }

        CheckStatus(options.HandoffStatus, path + ":HandoffStatus", problems);
        CheckStatus(options.ReleaseStatus, path + ":ReleaseStatus", problems);
        if (options.HandoffStatus == options.ReleaseStatus)
        {
            problems.Add(new(path + ":ReleaseStatus", $"same as HandoffStatus ({options.HandoffStatus})", "a status other than the handoff status"));
        }

        if (options.HandoffStatus == LeadStatus.Converted || options.ReleaseStatus == LeadStatus.Converted)
        {
            problems.Add(new(path, "Converted is set by Salesforce lead conversion, LeadSync cannot set it", "another status"));
        }

        if (string.IsNullOrWhiteSpace(options.IntegrationUserId) && string.IsNullOrWhiteSpace(options.IntegrationUserEmail))
        {
            problems.Add(new(path + ":IntegrationUserId", "neither IntegrationUserId nor IntegrationUserEmail is set, so leads LeadSync owns cannot be told from leads a person owns", "the Salesforce integration user's id (005…) or email"));
        }

        if (!string.IsNullOrWhiteSpace(options.IntegrationUserEmail) && !RoutingOptionsValidator.LooksLikeEmail(options.IntegrationUserEmail))
        {
            problems.Add(new(path + ":IntegrationUserEmail", "not an email address", "name@domain"));
        }

        if (string.IsNullOrWhiteSpace(options.MarketingQueueDeveloperName))
        {
            problems.Add(new(path + ":MarketingQueueDeveloperName", "empty", "the DeveloperName of the Salesforce marketing queue (default Marketing_Nurture)"));
        }

        var sla = options.Sla;
        if (sla.Within <= TimeSpan.Zero || sla.Within > TimeSpan.FromDays(30))
        {
            problems.Add(new(path + ":Sla:Within", Invariant($"{sla.Within} is out of range"), "more than 0 and at most 30 days of business time, e.g. 04:00:00"));
        }

        if (!Enum.IsDefined(sla.EscalationMode))
        {
            problems.Add(new(path + ":Sla:EscalationMode", $"unknown mode '{sla.EscalationMode}'", Names<EscalationMode>()));
        }

        if (sla.MaxReassignments is < 0 or > 20)
        {
            problems.Add(new(path + ":Sla:MaxReassignments", Invariant($"{sla.MaxReassignments} is out of range"), "0 to 20"));
        }

        RoutingOptionsValidator.ValidateHours(sla.DefaultHours, path + ":Sla:DefaultHours", problems);

        if (options.Recycle.InactiveDays is < 1 or > 3650)
        {
            problems.Add(new(path + ":Recycle:InactiveDays", Invariant($"{options.Recycle.InactiveDays} is out of range"), "1 to 3650 days"));
        }

        var statuses = options.Recycle.Statuses ?? [];
        for (var i = 0; i < statuses.Length; i++)
        {
            CheckStatus(statuses[i], Invariant($"{path}:Recycle:Statuses[{i}]"), problems);
            if (statuses[i] == options.HandoffStatus)
            {
                problems.Add(new(Invariant($"{path}:Recycle:Statuses[{i}]"), "the handoff status would recycle every lead at once", "statuses sales uses to hand a lead back, e.g. Unqualified, Nurturing"));
            }
        }

        if (options.Requalify.ScoreRise is < 1 or > 100)
        {
            problems.Add(new(path + ":Requalify:ScoreRise", Invariant($"{options.Requalify.ScoreRise} is out of range"), "1 to 100 points above the score at the disqualification (default 10)"));
        }

        if (options.Requalify.CoolOffDays is < 0 or > 3650)
        {
            problems.Add(new(path + ":Requalify:CoolOffDays", Invariant($"{options.Requalify.CoolOffDays} is out of range"), "0 (never by time alone) to 3650 days (default 90)"));
        }

        if (options.Note.HighPriorityAtOrAbove is < 0 or > 101)
        {
            problems.Add(new(path + ":Note:HighPriorityAtOrAbove", Invariant($"{options.Note.HighPriorityAtOrAbove} is outside the score scale"), "0 to 100 (101 = never high)"));
        }

        if (string.IsNullOrWhiteSpace(options.Note.HighPriority) || string.IsNullOrWhiteSpace(options.Note.NormalPriority))
        {
            problems.Add(new(path + ":Note", "a priority value is empty", "Salesforce Task Priority values, e.g. High and Normal"));
        }

        return problems;
    }

    private static void CheckStatus(LeadStatus status, string path, List<ConfigProblem> problems)
    {
        if (!Enum.IsDefined(status))
        {
            problems.Add(new(path, $"unknown status '{status}'", Names<LeadStatus>()));
        }
    }

    private static string Names<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>());

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
