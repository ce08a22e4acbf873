using System.Globalization;
using LeadSync.Domain.Lifecycle;
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
public sealed record HandoffInput(
    int Score,
    FitGrade? Grade,
    bool InSales,
    LeadStatus? CrmStatus,
    bool IsConverted,
    OwnerKind Owner,
    bool OwnerChangedByPerson);

/// <param name="AssignOwner">True when the engine should route the lead and write a new owner; false when
/// the current owner stays (a person or queue someone chose) and only LeadSync's records change.</param>
public sealed record HandoffDecision(HandoffAction Action, string Reason, bool AssignOwner = false);

/// <summary>Decides, from the score and the lead's state in the CRM, whether a lead moves between marketing and sales.</summary>
public sealed class HandoffPolicy(HandoffOptions options)
{
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
            return new(HandoffAction.Release, $"Sales set the status to {status}: the lead goes back to marketing for nurturing.");
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
