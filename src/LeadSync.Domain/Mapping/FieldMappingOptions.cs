namespace LeadSync.Domain.Mapping;

/// <summary>
/// Section <c>LeadSync:Mappings</c>: generic field mappings between HubSpot contact properties and Salesforce Lead
/// fields. Lead Status, lifecycle stage, owner, score and grade are handled by the engine, never here.
/// </summary>
public sealed class FieldMappingOptions
{
    public const string SectionName = "LeadSync:Mappings";

    /// <summary>
    /// Unset = <see cref="DefaultFields"/>. Null rather than pre-filled because the configuration binder appends
    /// bound items to a pre-filled list instead of replacing it; to drop a default, list it with Direction None.
    /// </summary>
    public List<FieldMapping>? Fields { get; set; }

    public CrossReferenceOptions CrossReference { get; set; } = new();

    public IReadOnlyList<FieldMapping> EffectiveFields => Fields is { Count: > 0 } ? Fields : DefaultFields();

    /// <summary>The mappings of the shared vocabulary (docs/sandbox-vocabulary.md), new instances on every call.</summary>
    public static List<FieldMapping> DefaultFields() =>
    [
        TwoWay("firstname", "FirstName"),
        TwoWay("lastname", "LastName"),
        TwoWay("company", "Company"),
        TwoWay("jobtitle", "Title"),
        TwoWay("phone", "Phone"),
        new() { HubSpotProperty = "numemployees", SalesforceField = "NumberOfEmployees", Direction = SyncDirection.ToCrm },
        TwoWay("country", "Country"),
        TwoWay("state", "State"),
        TwoWay("city", "City"),
        new()
        {
            HubSpotProperty = "industry",
            SalesforceField = "Industry",
            Direction = SyncDirection.ToCrm,
            Transforms = [ValueTransform.Trim],
            ValueMap = new(StringComparer.OrdinalIgnoreCase)
            {
                ["Technology"] = "Technology",
                ["COMPUTER_SOFTWARE"] = "Technology",
                ["INFORMATION_TECHNOLOGY_AND_SERVICES"] = "Technology",
                ["Software"] = "Technology",
                ["Finance"] = "Finance",
                ["FINANCIAL_SERVICES"] = "Finance",
                ["BANKING"] = "Finance",
                ["Healthcare"] = "Healthcare",
                ["HOSPITAL_HEALTH_CARE"] = "Healthcare",
                ["Manufacturing"] = "Manufacturing",
                ["Retail"] = "Retail",
                ["Education"] = "Education",
                ["EDUCATION_MANAGEMENT"] = "Education",
                ["Government"] = "Government",
                ["GOVERNMENT_ADMINISTRATION"] = "Government",
                ["Media"] = "Media",
                ["Energy"] = "Energy",
                ["Consulting"] = "Consulting",
                ["MANAGEMENT_CONSULTING"] = "Consulting",
            },
        },
        new()
        {
            HubSpotProperty = "hs_analytics_source",
            SalesforceField = "LeadSource",
            Direction = SyncDirection.ToCrm,
            ValueMap = new(StringComparer.OrdinalIgnoreCase)
            {
                ["ORGANIC_SEARCH"] = "Web",
                ["PAID_SEARCH"] = "Web",
                ["DIRECT_TRAFFIC"] = "Web",
                ["SOCIAL_MEDIA"] = "Web",
                ["EMAIL_MARKETING"] = "Other",
                ["REFERRALS"] = "Partner Referral",
                ["OTHER_CAMPAIGNS"] = "Other",
                ["OFFLINE"] = "Trade Show",
            },
        },
    ];

    private static FieldMapping TwoWay(string hubSpot, string salesforce) => new()
    {
        HubSpotProperty = hubSpot,
        SalesforceField = salesforce,
        Direction = SyncDirection.TwoWay,

        // Not MostRecent: HubSpot's lastmodifieddate moves on every tracked page view, so "most recent" would
        // nearly always let marketing overwrite a rep's edit in the CRM.
        Conflict = ConflictPolicy.PreferCrm,
        Transforms = [ValueTransform.Trim],
    };
}

public sealed class FieldMapping
{
    public string HubSpotProperty { get; set; } = "";

    public string SalesforceField { get; set; } = "";

    public SyncDirection Direction { get; set; } = SyncDirection.TwoWay;

    public ConflictPolicy Conflict { get; set; } = ConflictPolicy.PreferCrm;

    /// <summary>HubSpot value → Salesforce value; keys match ignoring case. Empty = values copied as they are.</summary>
    public Dictionary<string, string> ValueMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Applied in order to both sides before comparing, and to the value written.</summary>
    public List<ValueTransform> Transforms { get; set; } = [];
}

public enum SyncDirection
{
    /// <summary>HubSpot → Salesforce.</summary>
    ToCrm,

    /// <summary>Salesforce → HubSpot.</summary>
    ToMarketing,

    TwoWay,

    /// <summary>Not synchronised (use it to switch a default mapping off).</summary>
    None,
}

/// <summary>Who wins when both systems changed a field since the last sync.</summary>
public enum ConflictPolicy
{
    PreferCrm,
    PreferMarketing,

    /// <summary>The record modified last wins; a tie or an unknown time goes to the CRM.</summary>
    MostRecent,

    /// <summary>The CRM wins unless its value is blank.</summary>
    CrmUnlessBlank,
}

public enum ValueTransform
{
    Trim,
    Lower,
}

/// <summary>Where each system stores the other's record id.</summary>
public sealed class CrossReferenceOptions
{
    public string HubSpotProperty { get; set; } = "salesforceleadid";

    /// <summary>
    /// The marketing platform's field for the CRM id, whatever the platform: the same setting as
    /// <see cref="HubSpotProperty"/> under a name that does not say HubSpot (Marketo: <c>sfdcLeadId</c>, read-only,
    /// kept by Marketo's own Salesforce sync).
    /// </summary>
    public string MarketingField
    {
        get => HubSpotProperty;
        set => HubSpotProperty = value;
    }

    public string SalesforceField { get; set; } = "HubSpot_Contact_Id__c";
}
