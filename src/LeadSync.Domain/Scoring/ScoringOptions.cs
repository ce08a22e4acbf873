namespace LeadSync.Domain.Scoring;

/// <summary>
/// Configuration section <c>LeadSync:Scoring</c>. Plain settable properties so the configuration binder can fill it;
/// bind onto a new instance (binding onto <see cref="CreateDefault"/> would append to its lists).
/// </summary>
public sealed class ScoringOptions
{
    public const string SectionName = "LeadSync:Scoring";

    /// <summary>Where each signal's counter (and last-occurred timestamp) is read from on the HubSpot contact.</summary>
    public List<SignalSource> Signals { get; set; } = [];

    /// <summary>
    /// Properties holding a last-activity instant (bare names are HubSpot properties; <c>Salesforce.LastActivityDate</c> also works).
    /// Decay starts from the latest of these and of the signals' last-occurred values.
    /// </summary>
    public List<string> LastActivityProperties { get; set; } = [];

    public List<BehaviourRule> BehaviourRules { get; set; } = [];

    public List<FitRule> FitRules { get; set; } = [];

    public DecayOptions Decay { get; set; } = new();

    /// <summary>Raw behaviour points (after decay) that count as 100% of the behaviour part.</summary>
    public double BehaviourMax { get; set; }

    /// <summary>Raw fit points that count as 100% of the fit part.</summary>
    public double FitMax { get; set; }

    public double BehaviourWeight { get; set; }

    public double FitWeight { get; set; }

    /// <summary>Optional: mix HubSpot's own score into the unified score.</summary>
    public HubSpotScoreBlendOptions? HubSpotScoreBlend { get; set; }

    public GradeCutoffs GradeCutoffs { get; set; } = new();

    /// <summary>
    /// Defaults for the sandbox portal (docs/sandbox-vocabulary.md). Behaviour and fit weigh half each, so neither
    /// engagement alone nor fit alone reaches 71: a hot lead needs both.
    /// </summary>
    public static ScoringOptions CreateDefault() => new()
    {
        Signals =
        [
            new() { Signal = Signal.PageView, CountProperty = "hs_analytics_num_page_views" },
            new() { Signal = Signal.SiteVisit, CountProperty = "hs_analytics_num_visits", LastOccurredProperty = "hs_analytics_last_visit_timestamp" },
            new() { Signal = Signal.FormSubmission, CountProperty = "num_conversion_events", LastOccurredProperty = "recent_conversion_date" },
            new() { Signal = Signal.EmailOpen, CountProperty = "hs_email_open", LastOccurredProperty = "hs_email_last_open_date" },
            new() { Signal = Signal.EmailClick, CountProperty = "hs_email_click", LastOccurredProperty = "hs_email_last_click_date" },
            new() { Signal = Signal.ContentDownload, CountProperty = "content_downloads" },
            new() { Signal = Signal.DemoRequest, CountProperty = "demo_requests" },
            new() { Signal = Signal.PricingPageView, CountProperty = "pricing_page_views" },
            new() { Signal = Signal.WebinarAttendance, CountProperty = "webinars_attended" },
        ],
        LastActivityProperties = ["hs_analytics_last_visit_timestamp", "hs_email_last_open_date", "hs_email_last_click_date", "recent_conversion_date"],
        BehaviourRules =
        [
            new() { Id = "demo-request", Signal = Signal.DemoRequest, PointsPerOccurrence = 25, Cap = 40 },
            new() { Id = "pricing-views", Signal = Signal.PricingPageView, PointsPerOccurrence = 6, Cap = 18 },
            new() { Id = "form-fills", Signal = Signal.FormSubmission, PointsPerOccurrence = 8, Cap = 16, WindowDays = 90 },
            new() { Id = "content-downloads", Signal = Signal.ContentDownload, PointsPerOccurrence = 5, Cap = 15 },
            new() { Id = "webinars", Signal = Signal.WebinarAttendance, PointsPerOccurrence = 8, Cap = 16 },
            new() { Id = "email-clicks", Signal = Signal.EmailClick, PointsPerOccurrence = 2, Cap = 10, WindowDays = 60 },
            new() { Id = "email-opens", Signal = Signal.EmailOpen, PointsPerOccurrence = 0.5, Cap = 4, WindowDays = 30 },
            new() { Id = "site-visits", Signal = Signal.SiteVisit, PointsPerOccurrence = 1, Cap = 8, WindowDays = 30 },
            new() { Id = "page-views", Signal = Signal.PageView, PointsPerOccurrence = 0.2, Cap = 6 },
        ],
        FitRules =
        [
            new() { Id = "title-executive", Field = "HubSpot.jobtitle", Operator = FitOperator.Contains, Values = ["chief", "vp", "vice president", "head of", "founder"], Points = 15, Reason = "executive/VP title" },
            new() { Id = "title-director", Field = "HubSpot.jobtitle", Operator = FitOperator.Contains, Values = ["director"], Points = 10, Reason = "director title" },
            new() { Id = "title-manager", Field = "HubSpot.jobtitle", Operator = FitOperator.Contains, Values = ["manager", "lead"], Points = 5, Reason = "manager title" },
            new() { Id = "title-student", Field = "HubSpot.jobtitle", Operator = FitOperator.Contains, Values = ["student", "intern"], Points = -25, Reason = "student or intern" },
            new() { Id = "size-large", Field = "HubSpot.numemployees", Operator = FitOperator.Range, Min = 500, Points = 15, Reason = "500+ employees" },
            new() { Id = "size-mid", Field = "HubSpot.numemployees", Operator = FitOperator.Range, Min = 50, Max = 499, Points = 8, Reason = "50-499 employees" },
            new() { Id = "industry-target", Field = "HubSpot.industry", Operator = FitOperator.In, Values = ["Technology", "Finance", "Healthcare", "Manufacturing"], Points = 10, Reason = "target industry" },
            new() { Id = "revenue-10m", Field = "HubSpot.annualrevenue", Operator = FitOperator.Range, Min = 10_000_000, Points = 5, Reason = "revenue over 10M" },
            new() { Id = "country-core", Field = "HubSpot.country", Operator = FitOperator.In, Values = ["United States", "US", "USA", "Canada", "United Kingdom", "UK", "Germany", "France"], Points = 5, Reason = "core market" },
            new() { Id = "source-warm", Field = "Salesforce.LeadSource", Operator = FitOperator.In, Values = ["Partner Referral", "Trade Show", "Webinar"], Points = 5, Reason = "warm lead source" },
            new() { Id = "domain-student", Field = "HubSpot.email.domain", Operator = FitOperator.EndsWith, Values = [".edu", ".ac.uk"], Points = -25, Reason = "academic email domain" },
            new() { Id = "domain-freemail", Field = "HubSpot.email.domain", Operator = FitOperator.In, Values = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "icloud.com", "gmx.de"], Points = -10, Reason = "free-mail address" },
            new() { Id = "domain-competitor", Field = "HubSpot.email.domain", Operator = FitOperator.In, Values = ["competitor.example", "rival.example"], Points = -50, Reason = "competitor domain" },
            new() { Id = "email-unsubscribed", Field = "HubSpot.hs_email_optout", Operator = FitOperator.Equals, Value = "true", Points = -15, Reason = "unsubscribed from email" },
            new() { Id = "email-bounced", Field = "HubSpot.hs_email_bounce", Operator = FitOperator.Range, Min = 1, Points = -15, Reason = "email bounced" },
        ],
        Decay = new() { HalfLifeDays = 30, GraceDays = 14, FloorPoints = 0 },
        BehaviourMax = 70,
        FitMax = 45,
        BehaviourWeight = 0.5,
        FitWeight = 0.5,
        GradeCutoffs = new() { A = 80, B = 60, C = 35 },
    };
}

public sealed class SignalSource
{
    public Signal Signal { get; set; }

    /// <summary>HubSpot property holding the occurrence count (integer as string).</summary>
    public string CountProperty { get; set; } = string.Empty;

    /// <summary>HubSpot property holding the last occurrence (ISO-8601 or epoch milliseconds), if the portal has one.</summary>
    public string? LastOccurredProperty { get; set; }
}

public sealed class BehaviourRule
{
    public string Id { get; set; } = string.Empty;

    public Signal Signal { get; set; }

    public double PointsPerOccurrence { get; set; }

    /// <summary>Most points this rule can give, so one behaviour repeated cannot carry a lead alone.</summary>
    public double Cap { get; set; }

    /// <summary>
    /// The rule counts only when the signal's last occurrence is within this many days of now.
    /// HubSpot exposes counters and a last-occurred date, not event lists, so this is an approximation:
    /// all counted occurrences are credited while the latest one is inside the window, none once it is not.
    /// </summary>
    public int? WindowDays { get; set; }

    /// <summary>Plain-English phrase for the rep note; defaults to a phrase for the signal ("requested a demo").</summary>
    public string? Reason { get; set; }
}

public sealed class FitRule
{
    public string Id { get; set; } = string.Empty;

    /// <summary><c>HubSpot.&lt;property&gt;</c> or <c>Salesforce.&lt;field&gt;</c>; <c>&lt;field&gt;.domain</c> is the email's domain.</summary>
    public string Field { get; set; } = string.Empty;

    public FitOperator Operator { get; set; }

    public string? Value { get; set; }

    public List<string> Values { get; set; } = [];

    public double? Min { get; set; }

    public double? Max { get; set; }

    /// <summary>Points when the rule matches; negative for disqualifying signals.</summary>
    public double Points { get; set; }

    /// <summary>Plain-English phrase for the rep note ("VP title"); defaults to the rule id.</summary>
    public string? Reason { get; set; }
}

/// <summary>Inactivity lowers the behaviour part only: fit does not fade with time.</summary>
public sealed class DecayOptions
{
    /// <summary>Behaviour points halve every this many inactive days (after the grace period).</summary>
    public double? HalfLifeDays { get; set; }

    /// <summary>Points removed per whole inactive week (after the grace period), applied after the half-life.</summary>
    public double? PointsPerInactiveWeek { get; set; }

    /// <summary>Days of inactivity before decay starts.</summary>
    public double GraceDays { get; set; }

    /// <summary>Decay never takes behaviour below this many points (nor above what was earned).</summary>
    public double FloorPoints { get; set; }
}

public sealed class HubSpotScoreBlendOptions
{
    /// <summary>Share of the unified score taken from HubSpot's score (0 to below 1).</summary>
    public double Weight { get; set; }

    public string Property { get; set; } = "hubspotscore";
}

/// <summary>Fit percent cut-offs: A at or above <see cref="A"/>, B at or above <see cref="B"/>, C at or above <see cref="C"/>, else D.</summary>
public sealed class GradeCutoffs
{
    public double A { get; set; } = 80;

    public double B { get; set; } = 60;

    public double C { get; set; } = 35;
}
