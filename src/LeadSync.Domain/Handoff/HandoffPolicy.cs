using System.Globalization;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Planning;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Handoff;

public enum HandoffAction
{
    /// <summary>Becomes sales-ready now: route it and set the handoff status.</summary>
    Handoff,

    /// <summary>Not sales-ready: marketing keeps nurturing it.</summary>
    StayWithMarketing,

    /// <summary>Already in sales and stays there (hysteresis, or a human owns it).</summary>
    StayWithSales,

    /// <summary>Back to marketing: the marketing queue and the release status.</summary>
    Release,

    /// <summary>Converted: LeadSync never writes to it again.</summary>
    Untouchable,
}

/// <summary>Who owns the Salesforce lead, as far as handoff is concerned.</summary>
public enum OwnerKind
{
    None,
    IntegrationUser,
    MarketingQueue,
    OtherQueue,
    Person,
}

/// <param name="InSales">LeadSync's recorded state: the lead was handed off and not released since.</param>
/// <param name="CrmStatus">Canonical status of the Salesforce lead; null when unknown or unmapped.</param>
/// <param name="OwnerChangedByPerson">A human (not LeadSync) set the current owner.</param>
/// <param name="Disqualified">A person's "no" LeadSync remembers (see <see cref="HandoffPolicy.Disqualify"/>); null when none.</param>
/// <param name="Now">The time of the decision, for the re-qualification cool-off.</param>
public sealed record HandoffInput(
    int Score,
    FitGrade? Grade,
    bool InSales,
    LeadStatus? CrmStatus,
    bool IsConverted,
    OwnerKind Owner,
    bool OwnerChangedByPerson,
    Disqualification? Disqualified = null,
    DateTimeOffset Now = default);

/// <param name="AssignOwner">True when the engine should route the lead and write a new owner; false when
/// the current owner stays (a person or queue someone chose) and only LeadSync's records change.</param>
public sealed record HandoffDecision(HandoffAction Action, string Reason, bool AssignOwner = false);

/// <summary>Decides, from the score and the lead's state in the CRM, whether a lead moves between marketing and sales.</summary>
public sealed class HandoffPolicy(HandoffOptions options)
{
    /// <summary>
    /// The disqualification to remember after this look. A status sales hands a lead back with (<c>Recycle:Statuses</c>)
    /// is a person's decision when the lead is with sales (LeadSync never sets one there) or when it changed since
    /// LeadSync last looked (LeadSync's own release status is in the last-seen values); a status LeadSync saw before
    /// keeps the disqualification already remembered. Any other status leaves the remembered one as it is: only a
    /// re-qualified handoff ends it.
    /// </summary>
    /// <param name="status">The canonical status; null when unknown.</param>
    /// <param name="statusValue">The status as the system holds it.</param>
    /// <param name="changedByPerson">The status differs from what LeadSync last saw or wrote (or LeadSync never saw the lead).</param>
    public Disqualification? Disqualify(
        LeadStatus? status, string? statusValue, bool inSales, bool changedByPerson, Disqualification? remembered, int score, DateTimeOffset now)
    {
        if (status is { } s && IsHandBack(s) && (inSales || changedByPerson) && (remembered is null || changedByPerson))
        {
            return new Disqualification(now, score, string.IsNullOrWhiteSpace(statusValue) ? s.ToString() : statusValue.Trim());
        }

        return remembered;
    }

    /// <summary>A status with which sales hands a lead back (disqualified or to be recycled).</summary>
    public bool IsHandBack(LeadStatus status) => options.Recycle.EffectiveStatuses.Contains(status);

    /// <summary>The score at or above which a disqualified lead re-qualifies (never below the threshold).</summary>
    public int RequalifyScore(Disqualification disqualified) => Math.Max(options.Threshold, disqualified.Score + options.Requalify.ScoreRise);

    /// <summary>From when a disqualified lead at the threshold re-qualifies by time alone; null when the cool-off is off.</summary>
    public DateTimeOffset? RequalifyAfter(Disqualification disqualified) =>
        options.Requalify.CoolOffDays > 0 ? disqualified.At.AddDays(options.Requalify.CoolOffDays) : null;

    /// <summary>True when the lead may go to sales again: at the re-qualifying score, or at the threshold after the cool-off.</summary>
    public bool Requalifies(Disqualification disqualified, int score, DateTimeOffset now) =>
        score >= options.Threshold
        && (score >= RequalifyScore(disqualified) || (RequalifyAfter(disqualified) is { } after && now >= after));

    /// <summary>"disqualified by sales on 2026-12-01 ('Closed - Not Converted', score 80); re-qualifies at score ≥ 90 or after 2027-03-01".</summary>
    public string DescribeDisqualification(Disqualification disqualified)
    {
        var text = Invariant($"disqualified by sales on {Day(disqualified.At)} ('{disqualified.Status}', score {disqualified.Score}); re-qualifies at score ≥ {RequalifyScore(disqualified)}");
        return RequalifyAfter(disqualified) is { } after ? text + $" or after {Day(after)} at score ≥ {options.Threshold}" : text;
    }

    public HandoffDecision Decide(HandoffInput input)
    {
        if (input.IsConverted || input.CrmStatus == LeadStatus.Converted)
        {
            return new(HandoffAction.Untouchable, "The lead is converted in Salesforce; LeadSync never changes a converted lead.");
        }

        return input.InSales ? DecideInSales(input) : DecideInMarketing(input);
    }

    private HandoffDecision DecideInSales(HandoffInput input)
    {
        var recycle = options.Recycle.EffectiveStatuses;
        if (input.CrmStatus is { } status && recycle.Contains(status))
        {
            return new(HandoffAction.Release, $"Sales set the status to {status}: a person's decision; the lead goes back to marketing for nurturing and keeps the status sales chose.");
        }

        if (input.Score < options.ReleaseBelow)
        {
            if (input.OwnerChangedByPerson)
            {
                return new(
                    HandoffAction.StayWithSales,
                    Invariant($"Score {input.Score} fell below the release level {options.ReleaseBelow}, but a person chose the current owner, and LeadSync does not undo a human decision; sales can set {options.ReleaseStatus} to hand it back."));
            }

            return new(
                HandoffAction.Release,
                Invariant($"Score {input.Score} fell below the release level {options.ReleaseBelow}: the lead has gone cold and returns to marketing."));
        }

        return input.Score >= options.Threshold
            ? new(HandoffAction.StayWithSales, Invariant($"Already with sales; score {input.Score} is at or above the threshold {options.Threshold}."))
            : new(
                HandoffAction.StayWithSales,
                Invariant($"Already with sales; score {input.Score} is below the threshold {options.Threshold} but not below the release level {options.ReleaseBelow}, so it stays (no flip-flopping)."));
    }

    private HandoffDecision DecideInMarketing(HandoffInput input)
    {
        if (input.Score < options.Threshold)
        {
            return new(
                HandoffAction.StayWithMarketing,
                Invariant($"Score {input.Score} is below the handoff threshold {options.Threshold}: marketing keeps nurturing the lead."));
        }

        if (options.MinimumGrade is { } minimum)
        {
            if (input.Grade is not { } grade)
            {
                return new(
                    HandoffAction.StayWithMarketing,
                    Invariant($"Score {input.Score} reaches the threshold {options.Threshold}, but the lead has no fit grade yet and grade {minimum} or better is required."));
            }

            if (!grade.IsAtLeast(minimum))
            {
                return new(
                    HandoffAction.StayWithMarketing,
                    Invariant($"Score {input.Score} reaches the threshold {options.Threshold}, but fit grade {grade} is below the required {minimum}: engaged but not a fit."));
            }
        }

        var why = Invariant($"Score {input.Score} reaches the handoff threshold {options.Threshold}")
            + (input.Grade is { } g ? $" with fit grade {g}" : "");
        if (input.Disqualified is { } disqualified)
        {
            if (!Requalifies(disqualified, input.Score, input.Now))
            {
                return new(
                    HandoffAction.StayWithMarketing,
                    $"{why}, but the lead was {DescribeDisqualification(disqualified)}: a person's decision, so marketing keeps it and its status stays as they set it.");
            }

            why += $", and it re-qualified after it was {DescribeDisqualification(disqualified)}";
        }

        return input.Owner switch
        {
            OwnerKind.Person => new(
                HandoffAction.Handoff,
                $"{why}. A person already owns the lead, so it is recorded as in sales without a new owner; the owner is never reassigned.",
                AssignOwner: false),
            OwnerKind.OtherQueue => new(
                HandoffAction.Handoff,
                $"{why}. It sits in a queue someone chose (not {options.MarketingQueueDeveloperName}), so it is recorded as in sales without a new owner.",
                AssignOwner: false),
            _ => new(HandoffAction.Handoff, $"{why}: routing it to a sales rep.", AssignOwner: true),
        };
    }

    private static string Day(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
