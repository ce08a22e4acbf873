using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Handoff;

/// <summary>Section <c>LeadSync:Handoff</c>: when a lead goes to sales, when it comes back, and the SLA on the rep.</summary>
public sealed class HandoffOptions
{
    public const string SectionName = "LeadSync:Handoff";

    /// <summary>Score at or above which a lead goes to sales (71: marketing keeps 70 and below).</summary>
    public int Threshold { get; set; } = 71;

    /// <summary>Hysteresis: a lead in sales returns to marketing only when its score falls below this.</summary>
    public int ReleaseBelow { get; set; } = 50;

    /// <summary>Optional fit gate: the grade must be this good or better (A is best).</summary>
    public FitGrade? MinimumGrade { get; set; }

    public LeadStatus HandoffStatus { get; set; } = LeadStatus.Qualified;

    public LeadStatus ReleaseStatus { get; set; } = LeadStatus.Nurturing;

    /// <summary>Salesforce user LeadSync writes as; leads it owns are LeadSync's to assign.</summary>
    public string? IntegrationUserId { get; set; }

    public string? IntegrationUserEmail { get; set; }

    /// <summary>Queue that owns leads marketing is nurturing; leads it owns are LeadSync's to assign.</summary>
    public string MarketingQueueDeveloperName { get; set; } = "Marketing_Nurture";

    public SlaOptions Sla { get; set; } = new();

    public RecycleOptions Recycle { get; set; } = new();

    public RequalifyOptions Requalify { get; set; } = new();

    public HandoffNoteOptions Note { get; set; } = new();
}

public enum EscalationMode
{
    /// <summary>Route the lead again to another rep of the team.</summary>
    Reassign,

    /// <summary>Keep the owner and tell the team's manager.</summary>
    NotifyManager,
}

public sealed class SlaOptions
{
    /// <summary>Business time (in the rep's working hours and time zone) the rep has to move the lead off the handoff status.</summary>
    public TimeSpan Within { get; set; } = TimeSpan.FromHours(4);

    public EscalationMode EscalationMode { get; set; } = EscalationMode.Reassign;

    /// <summary>Escalations after which LeadSync stops and reports the lead instead of bouncing it on.</summary>
    public int MaxReassignments { get; set; } = 2;

    /// <summary>Business hours for reps that have none configured in routing.</summary>
    public WorkingHours DefaultHours { get; set; } = new();
}

public sealed class RecycleOptions
{
    public static readonly IReadOnlyList<LeadStatus> DefaultStatuses = [LeadStatus.Unqualified, LeadStatus.Nurturing];

    /// <summary>Days without activity after which a lead in sales goes back to marketing.</summary>
    public int InactiveDays { get; set; } = 30;

    /// <summary>
    /// Statuses with which sales hands a lead back. Unset = Unqualified and Nurturing. Null rather than a
    /// pre-filled array because the configuration binder appends to pre-filled collections instead of replacing them.
    /// </summary>
    public LeadStatus[]? Statuses { get; set; }

    public IReadOnlyList<LeadStatus> EffectiveStatuses => Statuses is { Length: > 0 } ? Statuses : DefaultStatuses;
}

/// <summary>
/// When a lead a person disqualified (a <see cref="RecycleOptions.Statuses"/> value they set) may go to sales again:
/// by new engagement, or once a cool-off is over — and in either case only at or above the threshold.
/// </summary>
public sealed class RequalifyOptions
{
    /// <summary>Points the score must rise above its value at the disqualification (never below the threshold).</summary>
    public int ScoreRise { get; set; } = 10;

    /// <summary>Days after the disqualification from which a lead at the threshold goes to sales again; 0 = never by time alone.</summary>
    public int CoolOffDays { get; set; } = 90;
}

public sealed class HandoffNoteOptions
{
    /// <summary>Scores at or above this get the high priority on the rep's task.</summary>
    public int HighPriorityAtOrAbove { get; set; } = 85;

    public string HighPriority { get; set; } = "High";

    public string NormalPriority { get; set; } = "Normal";
}
