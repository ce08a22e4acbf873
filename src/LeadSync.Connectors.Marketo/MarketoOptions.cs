using LeadSync.Domain.Scoring;

namespace LeadSync.Connectors.Marketo;

/// <summary>One Marketo Engage instance. Bound from configuration (section <c>Marketo</c>); checked by <see cref="MarketoOptionsValidator"/>.</summary>
public sealed class MarketoOptions
{
    /// <summary>The instance's REST host, <c>https://&lt;munchkin-id&gt;.mktorest.com</c> (Admin → Web Services); /identity and /rest live under it.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Client id of the LaunchPoint custom service.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>Client secret of the LaunchPoint custom service. Secret: never logged, never part of <see cref="ToString"/>.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Calls per rolling 20 seconds this connection allows itself (the instance allows 100, shared by every integration).</summary>
    public int CallsPerTwentySeconds { get; set; } = 100;

    /// <summary>Calls in flight at once (the instance allows 10, shared by every integration).</summary>
    public int MaxConcurrentCalls { get; set; } = 10;

    /// <summary>The subscription's daily API quota (Admin → Web Services; 50,000 is typical), for the quota metric and the write reserve.</summary>
    public long DailyQuota { get; set; } = 50_000;

    /// <summary>Writes stop once LeadSync's own calls of the day reach this share of <see cref="DailyQuota"/>, so reads and other integrations keep room.</summary>
    public double WriteReserveShare { get; set; } = 0.9;

    /// <summary>When the daily quota resets, in UTC: Marketo documents 12:00 AM Central Standard Time (06:00 UTC).</summary>
    public TimeSpan DailyQuotaResetTimeOfDayUtc { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Lead field LeadSync's Lead Status is read from and written to.</summary>
    public string StatusField { get; set; } = "leadStatus";

    /// <summary>Custom lead field holding the lifecycle stage; empty when the instance has none (stages are then neither read nor written).</summary>
    public string? StageField { get; set; }

    /// <summary>Custom lead field the unified score is written to; empty = not written (Marketo's own <c>leadScore</c> belongs to its scoring campaigns).</summary>
    public string? ScoreField { get; set; }

    /// <summary>Custom lead field the fit grade is written to; empty = not written.</summary>
    public string? GradeField { get; set; }

    /// <summary>Activity types read as behaviour, each turned into a canonical signal; empty = <see cref="DefaultActivities"/>. At most 10 distinct type ids per call are sent.</summary>
    public List<ActivitySignalOptions> Activities { get; set; } = [];

    /// <summary>Behaviour is counted over this many days of activity history.</summary>
    public int BehaviourLookbackDays { get; set; } = 180;

    /// <summary>A read fails instead of looping when this many pages in a row come back empty with <c>moreResult:true</c>.</summary>
    public int MaxConsecutiveEmptyPages { get; set; } = 200;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxRetries { get; set; } = 5;

    /// <summary>First delay of the jittered exponential backoff for 5xx, 604, 608, 611, 615, 713 and network errors.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait after a 606 (the instance's 20-second window is full): one full window.</summary>
    public TimeSpan RateLimitRetryDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A token is renewed when less than this is left of its life.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The identity endpoint's host; the same as <see cref="BaseUrl"/> unless a test splits them.</summary>
    internal Uri IdentityBase => new(BaseUrl.TrimEnd('/') + "/");

    public override string ToString() =>
        $"MarketoOptions {{ BaseUrl = {BaseUrl}, ClientId = {(string.IsNullOrEmpty(ClientId) ? "<empty>" : ClientId)}, ClientSecret = {(string.IsNullOrEmpty(ClientSecret) ? "<empty>" : "***")}, " +
        $"CallsPerTwentySeconds = {CallsPerTwentySeconds}, MaxConcurrentCalls = {MaxConcurrentCalls}, DailyQuota = {DailyQuota} }}";

    internal MarketoOptions Clone()
    {
        // An empty list means the defaults (the binder appends to a pre-filled list, so the property starts empty).
        var copy = (MarketoOptions)MemberwiseClone();
        copy.Activities = Activities.Count > 0 ? [.. Activities.Select(a => a.Clone())] : DefaultActivities();
        return copy;
    }

    /// <summary>The behaviour activities of a typical instance (standard activity type ids; check yours in Admin → Activity types).</summary>
    public static List<ActivitySignalOptions> DefaultActivities() =>
    [
        new() { ActivityTypeId = 1, Signal = Signal.PageView },
        new() { ActivityTypeId = 1, Signal = Signal.SiteVisit, DistinctDays = true },
        new() { ActivityTypeId = 1, Signal = Signal.PricingPageView, Contains = "/pricing" },
        new() { ActivityTypeId = 2, Signal = Signal.FormSubmission },
        new() { ActivityTypeId = 2, Signal = Signal.DemoRequest, Contains = "Demo Request" },
        new() { ActivityTypeId = 2, Signal = Signal.ContentDownload, Contains = "Download" },
        new() { ActivityTypeId = 10, Signal = Signal.EmailOpen },
        new() { ActivityTypeId = 11, Signal = Signal.EmailClick },
        new() { ActivityTypeId = 104, Signal = Signal.WebinarAttendance, Contains = "Attended" },
    ];
}

/// <summary>One activity type read as behaviour: which canonical signal it counts as, optionally only when it mentions a text.</summary>
public sealed class ActivitySignalOptions
{
    /// <summary>Marketo activity type id (1 Visit Webpage, 2 Fill Out Form, 10 Open Email, 11 Click Email, 104 Change Status in Progression…).</summary>
    public int ActivityTypeId { get; set; }

    public Signal Signal { get; set; }

    /// <summary>Counted only when the primary attribute value or an attribute value contains this text (ignoring case): a form's name, a page's URL.</summary>
    public string? Contains { get; set; }

    /// <summary>Count days with at least one such activity instead of activities (a "visit" from page views).</summary>
    public bool DistinctDays { get; set; }

    internal ActivitySignalOptions Clone() => (ActivitySignalOptions)MemberwiseClone();
}
