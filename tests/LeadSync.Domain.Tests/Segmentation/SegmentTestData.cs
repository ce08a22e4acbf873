using LeadSync.Domain.Routing;
using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Tests.Segmentation;

/// <summary>The four dimensions the example configuration ships with, over the sandbox's fields.</summary>
internal static class SegmentTestData
{
    public static RuleCondition In(string field, params string[] values) => new() { Field = field, Operator = ConditionOperator.In, Values = [.. values] };

    public static RuleCondition Contains(string field, params string[] values) => new() { Field = field, Operator = ConditionOperator.Contains, Values = [.. values] };

    public static RuleCondition Range(string field, decimal? min, decimal? max) => new() { Field = field, Operator = ConditionOperator.Range, Min = min, Max = max };

    public static SegmentDimension Region() => new()
    {
        Name = "Region",
        Rules =
        [
            new SegmentRule { Id = "na", Value = "NA", Conditions = [In("HubSpot.country", "United States", "Canada")] },
            new SegmentRule { Id = "emea", Value = "EMEA", Conditions = [In("HubSpot.country", "Germany", "France", "United Kingdom")] },
            new SegmentRule { Id = "crm-emea", Value = "EMEA", Conditions = [In("Salesforce.Country", "Germany", "France", "United Kingdom")] },
        ],
        Default = "Rest of world",
        Fields = new(StringComparer.OrdinalIgnoreCase) { ["HubSpot"] = "leadsync_region", ["Marketo"] = "leadSyncRegion", ["Salesforce"] = "Region__c" },
        ValueMaps = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Salesforce"] = new(StringComparer.OrdinalIgnoreCase) { ["NA"] = "North America", ["Rest of world"] = "Other" },
        },
    };

    public static SegmentDimension SizeBand() => new()
    {
        Name = "SizeBand",
        Rules =
        [
            new SegmentRule { Id = "enterprise", Value = "Enterprise", Conditions = [Range("Salesforce.NumberOfEmployees", 1000, null)] },
            new SegmentRule { Id = "mid", Value = "Mid-market", Conditions = [Range("Salesforce.NumberOfEmployees", 100, 999)] },
            new SegmentRule { Id = "small", Value = "SMB", Conditions = [Range("Salesforce.NumberOfEmployees", 1, 99)] },
        ],
        Default = "Unknown",
        Fields = new(StringComparer.OrdinalIgnoreCase) { ["HubSpot"] = "leadsync_size_band", ["Salesforce"] = "Size_Band__c" },
    };

    public static SegmentDimension Persona() => new()
    {
        Name = "Persona",
        Rules =
        [
            new SegmentRule { Id = "executive", Value = "Executive", Conditions = [Contains("HubSpot.jobtitle", "Chief", "VP", "President")] },
            new SegmentRule { Id = "technical", Value = "Technical", Conditions = [Contains("HubSpot.jobtitle", "Engineer", "IT", "Developer")] },
        ],
        Default = "Other",
        Fields = new(StringComparer.OrdinalIgnoreCase) { ["HubSpot"] = "leadsync_persona" },
    };

    public static SegmentOptions Options() => new() { Dimensions = [Region(), SizeBand(), Persona()] };

    public static LeadAttributes Lead(string? country = null, string? employees = null, string? title = null, string? crmCountry = null) =>
        new(
            new Dictionary<string, string?> { ["country"] = country, ["jobtitle"] = title },
            new Dictionary<string, string?> { ["NumberOfEmployees"] = employees, ["Country"] = crmCountry });
}
