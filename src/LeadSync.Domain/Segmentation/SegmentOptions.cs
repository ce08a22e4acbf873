using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Segmentation;

/// <summary>
/// Section <c>LeadSync:Segments</c>: the named dimensions marketing targets by (industry group, region, size band,
/// persona…). Each person gets exactly one value per dimension: the value of the first rule that matches, else the
/// dimension's default. The value is written to the fields the admin names per system.
/// </summary>
public sealed class SegmentOptions
{
    public const string SectionName = "LeadSync:Segments";

    public List<SegmentDimension> Dimensions { get; set; } = [];
}

public sealed class SegmentDimension
{
    /// <summary>Unique across dimensions, e.g. <c>Region</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Evaluated in order; the first rule whose conditions all match sets the value.</summary>
    public List<SegmentRule> Rules { get; set; } = [];

    /// <summary>The value when no rule matches.</summary>
    public string Default { get; set; } = "";

    /// <summary>
    /// Where the value is written, by system (<c>HubSpot</c>, <c>Marketo</c>, <c>Pardot</c>, <c>Salesforce</c>) → that
    /// system's field name. Only the connection's marketing platform and the CRM are written; a system left out is not.
    /// </summary>
    public Dictionary<string, string> Fields { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Per system, the value to write for a segment value (e.g. a Salesforce picklist's own spelling). A value the map
    /// does not cover is written as it is.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> ValueMaps { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class SegmentRule
{
    /// <summary>Unique within its dimension; named in the reason, so a marketer can find the rule that set a value.</summary>
    public string Id { get; set; } = "";

    public string Value { get; set; } = "";

    /// <summary>All must match (AND), in the routing rules' vocabulary. None: a catch-all.</summary>
    public List<RuleCondition> Conditions { get; set; } = [];
}

/// <summary>The systems a dimension can name a field in.</summary>
public static class SegmentSystems
{
    public const string HubSpot = "HubSpot";
    public const string Marketo = "Marketo";
    public const string Pardot = "Pardot";
    public const string Salesforce = "Salesforce";

    public static readonly IReadOnlyList<string> MarketingPlatforms = [HubSpot, Marketo, Pardot];

    public static readonly IReadOnlyList<string> All = [HubSpot, Marketo, Pardot, Salesforce];

    public static bool IsKnown(string? system) => All.Contains(system ?? "", StringComparer.OrdinalIgnoreCase);
}
