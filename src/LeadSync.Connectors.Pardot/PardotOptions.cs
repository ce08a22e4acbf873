using LeadSync.Connectors.Salesforce;

namespace LeadSync.Connectors.Pardot;

/// <summary>Account Engagement editions, for the daily API allowance (Salesforce help: "Using the API").</summary>
public enum PardotEdition
{
    Growth,
    Plus,
    Advanced,
    Premium,
}

/// <summary>Maps visitor activity types to a signal field the scoring rules can name (see <see cref="PardotOptions.ActivitySignals"/>).</summary>
public sealed class ActivitySignalOptions
{
    /// <summary>Name of the field LeadSync adds to each prospect: the count; <c>{Field}_last</c> holds the latest activity time.</summary>
    public string Field { get; set; } = "";

    /// <summary>Visitor activity type codes that count (11 email open, 1 click, 4 form success, 2 view, 21 custom redirect…).</summary>
    public List<int> Types { get; set; } = [];

    /// <summary>Only activities that carry an email id count (an email click is a click with <c>emailId</c>).</summary>
    public bool RequireEmailId { get; set; }

    /// <summary>Only activities that carry a file id count (a file download).</summary>
    public bool RequireFileId { get; set; }

    /// <summary>Only activities on these forms count (a demo request is a success on the demo form); empty = any.</summary>
    public List<int> FormIds { get; set; } = [];

    /// <summary>Only activities whose <c>details</c> contain this text count (e.g. "pricing" for page views); null = any.</summary>
    public string? DetailsContains { get; set; }
}

/// <summary>One Account Engagement business unit. Bound from <c>LeadSync:Pardot</c>; checked by <see cref="PardotOptionsValidator"/>.</summary>
public sealed class PardotOptions
{
    public const string ProductionUrl = "https://pi.pardot.com";

    public const string DemoUrl = "https://pi.demo.pardot.com";

    /// <summary>
    /// https://pi.pardot.com (production) or https://pi.demo.pardot.com (developer orgs and sandboxes). A business unit
    /// used on the other host answers 201 as if it did not exist. http://127.0.0.1 is accepted for the local sandbox.
    /// </summary>
    public string BaseUrl { get; set; } = ProductionUrl;

    /// <summary>Business unit id (Setup → Account Engagement → Business Unit Setup): 18 characters starting with 0Uv.</summary>
    public string BusinessUnitId { get; set; } = "";

    /// <summary>
    /// The Salesforce connected app the token comes from (its scopes must include <c>pardot_api</c>). Null: the
    /// connection's own Salesforce section is used, so one connected app with both <c>api</c> and <c>pardot_api</c>
    /// serves both connectors with one token.
    /// </summary>
    public SalesforceOptions? Credentials { get; set; }

    /// <summary>Prospect field holding the lead status LeadSync maps (usually a custom field); null = status not written.</summary>
    public string? StatusField { get; set; }

    /// <summary>Prospect field the unified score is written to (a custom field; <c>score</c> only if Pardot scoring is off); null = not written.</summary>
    public string? ScoreField { get; set; }

    /// <summary>Prospect field the fit grade is written to (a custom field: <c>grade</c> is profile-driven); null = not written.</summary>
    public string? GradeField { get; set; }

    public PardotEdition Edition { get; set; } = PardotEdition.Growth;

    /// <summary>Daily call allowance; null takes the edition's (Growth 25,000, Plus 50,000, Advanced and Premium 100,000).</summary>
    public long? DailyCallLimit { get; set; }

    /// <summary>
    /// Time of day (UTC) at which the allowance resets. It resets at the start of the day in the account's time zone,
    /// which the API does not tell: null means "next UTC midnight".
    /// </summary>
    public TimeSpan? DailyLimitResetTimeOfDayUtc { get; set; }

    /// <summary>Requests in flight per business unit: Account Engagement refuses a sixth (code 66).</summary>
    public int MaxConcurrentRequests { get; set; } = 5;

    /// <summary>Query page size (limit): 1 to 1,000.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// How far v5 reads may lag writes (documented: served from a cache up to about a minute behind). Incremental reads
    /// look back this far and a write LeadSync made is not taken back by a read older than it.
    /// </summary>
    public TimeSpan ReadCacheLag { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Custom prospect fields (API field ids such as <c>Lead_Tier__c</c>) the rules may name; all writable.</summary>
    public List<string> CustomFields { get; set; } = [];

    /// <summary>Visitor activity types counted into signal fields; empty = no activity reads.</summary>
    public List<ActivitySignalOptions> ActivitySignals { get; set; } = [];

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(120);

    public int MaxRetries { get; set; } = 4;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The allowance in force: <see cref="DailyCallLimit"/> or the edition's.</summary>
    public long EffectiveDailyCallLimit => DailyCallLimit ?? Edition switch
    {
        PardotEdition.Growth => 25_000,
        PardotEdition.Plus => 50_000,
        _ => 100_000,
    };

    public override string ToString() =>
        $"PardotOptions {{ BaseUrl = {BaseUrl}, BusinessUnitId = {BusinessUnitId}, Edition = {Edition}, Credentials = {(Credentials is null ? "<connection's Salesforce>" : "***")} }}";

    internal PardotOptions Clone()
    {
        var copy = (PardotOptions)MemberwiseClone();
        copy.CustomFields = [.. CustomFields];
        copy.ActivitySignals = [.. ActivitySignals];
        return copy;
    }
}
