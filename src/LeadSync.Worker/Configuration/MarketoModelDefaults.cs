using LeadSync.Connectors.Marketo;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Scoring;

namespace LeadSync.Worker.Configuration;

/// <summary>
/// The rules a Marketo connection starts from when its configuration leaves a section out: the same scoring and
/// lifecycle as the HubSpot defaults, in Marketo's field names. Behaviour is read from the fields the Marketo
/// connector counts from activities (<see cref="MarketoSignals"/>). Person fields are not mapped: Marketo's native
/// Salesforce sync already keeps them in step, and two writers of one field fight.
/// </summary>
public static class MarketoModelDefaults
{
    public static ScoringOptions Scoring()
    {
        var options = ScoringOptions.CreateDefault();
        options.Signals = [.. Enum.GetValues<Signal>().Select(s => new SignalSource
        {
            Signal = s,
            CountProperty = MarketoSignals.CountField(s),
            LastOccurredProperty = MarketoSignals.LastField(s),
        })];
        options.LastActivityProperties = [.. new[] { Signal.SiteVisit, Signal.EmailOpen, Signal.EmailClick, Signal.FormSubmission }.Select(MarketoSignals.LastField)];
        options.FitRules = [.. options.FitRules.Select(Translate).OfType<FitRule>()];
        return options;
    }

    public static LifecycleOptions Lifecycle()
    {
        var options = LifecycleOptions.CreateDefault();

        // Marketo's Lead Status is mapped to Salesforce's Status by the native sync, so it holds Salesforce's values.
        options.StatusMap.HubSpot = new Dictionary<string, string>(options.StatusMap.Salesforce, StringComparer.OrdinalIgnoreCase);
        options.StatusMap.HubSpotAliases = new Dictionary<string, string>(options.StatusMap.SalesforceAliases, StringComparer.OrdinalIgnoreCase);
        options.StageMap.HubSpot = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(LifecycleStage.Subscriber)] = "Subscriber",
            [nameof(LifecycleStage.Lead)] = "Lead",
            [nameof(LifecycleStage.MarketingQualifiedLead)] = "MQL",
            [nameof(LifecycleStage.SalesQualifiedLead)] = "SQL",
            [nameof(LifecycleStage.Opportunity)] = "Opportunity",
            [nameof(LifecycleStage.Customer)] = "Customer",
            [nameof(LifecycleStage.Evangelist)] = "Evangelist",
            [nameof(LifecycleStage.Other)] = "Other",
        };
        options.StageMap.HubSpotAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return options;
    }

    /// <summary>
    /// No person-field mappings (the native sync owns them): one entry switched off, because an empty list means "the
    /// HubSpot defaults". The cross-reference is read from <c>sfdcLeadId</c> and written to the CRM's
    /// <c>Marketo_Lead_Id__c</c>. (Score and grade cannot be mapped: they are LeadSync's own values, written by the
    /// connector from <see cref="Domain.Planning.MarketingUpdate.Score"/> into <see cref="MarketoOptions.ScoreField"/>.)
    /// </summary>
    public static FieldMappingOptions Mappings() => new()
    {
        Fields = [new FieldMapping { HubSpotProperty = "title", SalesforceField = "Title", Direction = SyncDirection.None }],
        CrossReference = new CrossReferenceOptions { MarketingField = "sfdcLeadId", SalesforceField = "Marketo_Lead_Id__c" },
    };

    private static readonly Dictionary<string, string> FieldNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["jobtitle"] = "title",
        ["numemployees"] = "numberOfEmployees",
        ["industry"] = "industry",
        ["annualrevenue"] = "annualRevenue",
        ["country"] = "country",
        ["email"] = "email",
        ["hs_email_optout"] = "unsubscribed",
        ["hs_email_bounce"] = "emailInvalid",
    };

    /// <summary>A HubSpot default fit rule in Marketo's names; null when Marketo has no such field.</summary>
    private static FitRule? Translate(FitRule rule)
    {
        if (!FieldRef.TryParse(rule.Field, null, out var field) || field!.System != FieldSystem.HubSpot)
        {
            return rule; // a Salesforce field: unchanged
        }

        if (!FieldNames.TryGetValue(field.Name, out var name))
        {
            return null;
        }

        rule.Field = $"Marketo.{name}{(field.EmailDomain ? ".domain" : string.Empty)}";
        if (name == "emailInvalid")
        {
            // HubSpot counts bounces; Marketo flags the address invalid.
            (rule.Operator, rule.Value, rule.Min) = (FitOperator.Equals, "true", null);
        }

        return rule;
    }
}
