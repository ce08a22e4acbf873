namespace LeadSync.Domain.Routing;

/// <summary>Section <c>LeadSync:Routing</c>: which team gets a sales-ready lead, and how a rep is picked in it.</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "LeadSync:Routing";

    /// <summary>Evaluated in order; the first rule whose conditions all match wins.</summary>
    public List<RoutingRule> Rules { get; set; } = [];

    public List<TeamOptions> Teams { get; set; } = [];

    /// <summary>Team used when no rule matches, or when the chosen team has no available rep.</summary>
    public string? FallbackTeam { get; set; }

    /// <summary>Salesforce queue (DeveloperName) that receives the lead when no rep at all is available.</summary>
    public string? FallbackQueueDeveloperName { get; set; }
}

public sealed class RoutingRule
{
    public string Id { get; set; } = "";

    public string Team { get; set; } = "";

    /// <summary>All must match (AND). A rule without conditions matches every lead (a catch-all).</summary>
    public List<RuleCondition> Conditions { get; set; } = [];
}

public sealed class RuleCondition
{
    /// <summary><c>System.field</c>, e.g. <c>Salesforce.Country</c> or <c>HubSpot.industry</c>.</summary>
    public string Field { get; set; } = "";

    public ConditionOperator Operator { get; set; } = ConditionOperator.Equals;

    public List<string> Values { get; set; } = [];

    public decimal? Min { get; set; }

    public decimal? Max { get; set; }
}

public enum ConditionOperator
{
    /// <summary>The value equals one of <c>Values</c> (ignoring case and surrounding spaces).</summary>
    Equals,

    /// <summary>The value is one of <c>Values</c> (ignoring case).</summary>
    In,

    /// <summary>The value contains one of <c>Values</c> (ignoring case).</summary>
    Contains,

    /// <summary>The value is a number within [Min, Max]; either bound may be left open.</summary>
    Range,

    /// <summary>The field is absent or blank.</summary>
    Missing,
}

public enum RoutingStrategy
{
    RoundRobin,
    Weighted,
    LeastLoaded,
}

public sealed class TeamOptions
{
    public string Name { get; set; } = "";

    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.RoundRobin;

    /// <summary>Order matters: round-robin rotates through it and least-loaded breaks ties by it.</summary>
    public List<RepOptions> Reps { get; set; } = [];

    /// <summary>Who is told when an SLA escalates in NotifyManager mode.</summary>
    public string? ManagerEmail { get; set; }
}

public sealed class RepOptions
{
    public string Email { get; set; } = "";

    public int Weight { get; set; } = 1;

    /// <summary>Most open leads the rep may own; unset = no cap.</summary>
    public int? Capacity { get; set; }

    /// <summary>IANA id such as <c>America/New_York</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Unset = available at any hour.</summary>
    public WorkingHours? WorkingHours { get; set; }

    public List<OutOfOfficeWindow> OutOfOffice { get; set; } = [];
}

/// <summary>Working day in the rep's own time zone.</summary>
public sealed class WorkingHours
{
    public static readonly IReadOnlyList<DayOfWeek> WeekDays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public TimeOnly Start { get; set; } = new(9, 0);

    public TimeOnly End { get; set; } = new(17, 0);

    /// <summary>
    /// Unset = Monday to Friday. Null rather than a pre-filled list because the configuration binder
    /// appends bound items to a pre-filled collection instead of replacing it.
    /// </summary>
    public List<DayOfWeek>? Days { get; set; }

    public IReadOnlyList<DayOfWeek> EffectiveDays => Days is { Count: > 0 } ? Days : WeekDays;
}

/// <summary>Whole days, inclusive, in the rep's time zone.</summary>
public sealed class OutOfOfficeWindow
{
    public DateOnly From { get; set; }

    public DateOnly To { get; set; }
}
