using LeadSync.Connectors.Pardot;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Scoring;

namespace LeadSync.Worker.Configuration;

/// <summary>
/// Built-in rules for a Pardot connection that configures none of its own: the HubSpot defaults with Account
/// Engagement's field names. Behaviour comes from visitor activities counted into <c>activity_*</c> fields
/// (<see cref="ActivitySignals"/>); fit from the prospect's firmographics; no lifecycle stage is written (Account
/// Engagement computes its own); no field is mapped, because the native Salesforce connector already syncs the
/// standard fields and a second writer would fight it.
/// </summary>
public static class PardotDefaults
{
    /// <summary>The demo-request form of the sandbox world; a real account names its own form ids.</summary>
    public const int SandboxDemoFormId = 2002;

    public static List<ActivitySignalOptions> ActivitySignals() =>
    [
        new() { Field = "activity_page_view", Types = [2] },
        new() { Field = "activity_visit", Types = [20] },
        new() { Field = "activity_form", Types = [4] },
        new() { Field = "activity_email_open", Types = [11] },
        new() { Field = "activity_email_click", Types = [1], RequireEmailId = true },
        new() { Field = "activity_download", Types = [1], RequireFileId = true },
        new() { Field = "activity_demo_request", Types = [4], FormIds = [SandboxDemoFormId] },
        new() { Field = "activity_pricing_view", Types = [2], DetailsContains = "pricing" },
        new() { Field = "activity_webinar", Types = [24] },
    ];

    /// <summary>The options with <see cref="ActivitySignals"/> when the section lists none.</summary>
    public static PardotOptions WithDefaultSignals(PardotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ActivitySignals.Count == 0)
        {
            options.ActivitySignals = ActivitySignals();
        }

        return options;
    }

    public static ScoringOptions Scoring()
    {
        var options = ScoringOptions.CreateDefault();
        options.Signals =
        [
            new() { Signal = Signal.PageView, CountProperty = "activity_page_view", LastOccurredProperty = "activity_page_view_last" },
            new() { Signal = Signal.SiteVisit, CountProperty = "activity_visit", LastOccurredProperty = "activity_visit_last" },
            new() { Signal = Signal.FormSubmission, CountProperty = "activity_form", LastOccurredProperty = "activity_form_last" },
            new() { Signal = Signal.EmailOpen, CountProperty = "activity_email_open", LastOccurredProperty = "activity_email_open_last" },
            new() { Signal = Signal.EmailClick, CountProperty = "activity_email_click", LastOccurredProperty = "activity_email_click_last" },
            new() { Signal = Signal.ContentDownload, CountProperty = "activity_download", LastOccurredProperty = "activity_download_last" },
            new() { Signal = Signal.DemoRequest, CountProperty = "activity_demo_request", LastOccurredProperty = "activity_demo_request_last" },
            new() { Signal = Signal.PricingPageView, CountProperty = "activity_pricing_view", LastOccurredProperty = "activity_pricing_view_last" },
            new() { Signal = Signal.WebinarAttendance, CountProperty = "activity_webinar", LastOccurredProperty = "activity_webinar_last" },
        ];
        options.LastActivityProperties = ["lastActivityAt"];
        var renames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HubSpot.jobtitle"] = "HubSpot.jobTitle",
            ["HubSpot.numemployees"] = "HubSpot.employees",
            ["HubSpot.annualrevenue"] = "HubSpot.annualRevenue",
            ["HubSpot.hs_email_optout"] = "HubSpot.isDoNotEmail",
            ["HubSpot.hs_email_bounce"] = "HubSpot.isEmailHardBounced",
        };
        foreach (var rule in options.FitRules)
        {
            if (renames.TryGetValue(rule.Field, out var renamed))
            {
                rule.Field = renamed;
            }
        }

        // A hard bounce is a flag in Account Engagement, not a count.
        foreach (var rule in options.FitRules.Where(r => r.Field == "HubSpot.isEmailHardBounced"))
        {
            rule.Operator = FitOperator.Equals;
            rule.Value = "true";
            rule.Min = null;
        }

        return options;
    }

    /// <summary>The default statuses (Lead_Status__c in the sandbox holds the marketing values), no stage rules.</summary>
    public static LifecycleOptions Lifecycle()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StageRules = [];
        options.StageMap = new ValueMapOptions();
        return options;
    }

    /// <summary>No mapped fields: each default is listed with Direction None (the native connector syncs them).</summary>
    public static FieldMappingOptions Mappings() => new()
    {
        Fields = [.. FieldMappingOptions.DefaultFields().Select(m => new FieldMapping { HubSpotProperty = Rename(m.HubSpotProperty), SalesforceField = m.SalesforceField, Direction = SyncDirection.None })],
    };

    private static string Rename(string hubSpot) => hubSpot switch
    {
        "firstname" => "firstName",
        "lastname" => "lastName",
        "jobtitle" => "jobTitle",
        "numemployees" => "employees",
        "hs_analytics_source" => "source",
        _ => hubSpot,
    };
}
