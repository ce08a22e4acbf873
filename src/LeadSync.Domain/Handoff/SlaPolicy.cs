using System.Globalization;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Handoff;

public enum SlaAction
{
    None,
    Reassign,
    NotifyManager,

    /// <summary>Escalated the maximum number of times: stop and report rather than bounce the lead on.</summary>
    GiveUp,
}

/// <param name="AssignedAt">When the current owner got the lead (reset by each reassignment).</param>
/// <param name="CurrentStatus">Canonical Salesforce status now; null when unknown.</param>
/// <param name="EscalationsSoFar">Reassignments or manager notifications already made for this handoff.</param>
/// <param name="RepTimeZone">IANA id of the rep; unknown ids fall back to UTC (and the reason says so).</param>
/// <param name="RepHours">The rep's working hours; null = the SLA's default business hours.</param>
public sealed record SlaInput(
    DateTimeOffset AssignedAt,
    LeadStatus? CurrentStatus,
    int EscalationsSoFar,
    string? RepTimeZone,
    WorkingHours? RepHours,
    DateTimeOffset Now);

public sealed record SlaDecision(SlaAction Action, DateTimeOffset? DueAt, string Reason);

/// <summary>
/// Follow-up SLA: a rep who leaves a handed-off lead at the handoff status for longer than the allowed business
/// time (their own hours, their own time zone) triggers an escalation.
/// </summary>
public sealed class SlaPolicy(HandoffOptions options)
{
    public SlaDecision Evaluate(SlaInput input)
    {
        var sla = options.Sla;
        if (input.CurrentStatus != options.HandoffStatus)
        {
            var now = input.CurrentStatus is { } status ? status.ToString() : "unknown";
            return new(SlaAction.None, null, $"The rep has acted: the status is {now}, no longer {options.HandoffStatus}.");
        }

        var zone = WorkingTime.FindTimeZone(input.RepTimeZone);
        var zoneNote = zone is null ? $" (time zone '{input.RepTimeZone}' is unknown; UTC used)" : "";
        zone ??= TimeZoneInfo.Utc;
        var hours = input.RepHours ?? sla.DefaultHours;

        var due = WorkingTime.AddBusinessTime(input.AssignedAt, sla.Within, hours, zone);
        var dueText = WorkingTime.FormatLocal(due, zone) + zoneNote;
        var within = Invariant($"{sla.Within.TotalHours:0.##} business hours ({WorkingTime.Describe(hours)})");

        if (input.Now < due)
        {
            return new(SlaAction.None, due, $"Within the SLA: the rep has {within} from assignment, due {dueText}.");
        }

        var late = Invariant($"Still {options.HandoffStatus} after {within}; it was due {dueText}");
        if (input.EscalationsSoFar >= sla.MaxReassignments)
        {
            return new(
                SlaAction.GiveUp,
                due,
                Invariant($"{late}. Already escalated {input.EscalationsSoFar} time(s), the maximum of {sla.MaxReassignments}: no further escalation, needs a person to look at it."));
        }

        return sla.EscalationMode == EscalationMode.NotifyManager
            ? new(SlaAction.NotifyManager, due, Invariant($"{late}: notifying the team manager (escalation {input.EscalationsSoFar + 1} of {sla.MaxReassignments})."))
            : new(SlaAction.Reassign, due, Invariant($"{late}: reassigning to another rep (escalation {input.EscalationsSoFar + 1} of {sla.MaxReassignments})."));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
