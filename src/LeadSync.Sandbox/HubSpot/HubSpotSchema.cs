namespace LeadSync.Sandbox.HubSpot;

/// <summary>One contact property as the Properties API describes it.</summary>
public sealed record HubSpotPropertyDefinition(
    string Name,
    string Label,
    string Type,
    string FieldType,
    string GroupName,
    bool ReadOnly,
    bool Calculated,
    bool HubSpotDefined,
    IReadOnlyList<HubSpotOption> Options)
{
    public bool IsEnumeration => Type is "enumeration" or "bool";

    public bool IsNumber => Type == "number";

    public bool IsDateTime => Type == "datetime";
}

public sealed record HubSpotOption(string Value, string Label, int DisplayOrder);

/// <summary>The portal's contact properties, exactly the names in docs/sandbox-vocabulary.md.</summary>
public static class HubSpotSchema
{
    public static readonly IReadOnlyList<string> LifecycleStages =
        ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"];

    public static readonly IReadOnlyList<string> LeadStatuses =
        ["NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"];

    public static readonly IReadOnlyList<string> AnalyticsSources =
        ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS", "DIRECT_TRAFFIC", "OFFLINE"];

    /// <summary>Returned by search when no properties are requested, and always added to the requested ones.</summary>
    public static readonly IReadOnlyList<string> SearchDefaultProperties =
        ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"];

    /// <summary>List and batch read always add these to explicitly requested properties.</summary>
    public static readonly IReadOnlyList<string> AlwaysReturned = ["createdate", "hs_object_id", "lastmodifieddate"];

    public static readonly IReadOnlyList<HubSpotPropertyDefinition> Properties = Build();

    public static readonly IReadOnlyDictionary<string, HubSpotPropertyDefinition> ByName =
        Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);

    private static List<HubSpotPropertyDefinition> Build()
    {
        var list = new List<HubSpotPropertyDefinition>();
        void Text(string name, string label, string group = "contactinformation", bool readOnly = false, bool hubspot = true)
            => list.Add(new(name, label, "string", "text", group, readOnly, false, hubspot, []));
        void Number(string name, string label, string group, bool readOnly, bool calculated = false, bool hubspot = true)
            => list.Add(new(name, label, "number", "number", group, readOnly, calculated, hubspot, []));
        void Date(string name, string label, string group, bool readOnly = true)
            => list.Add(new(name, label, "datetime", "date", group, readOnly, false, true, []));
        void Enum(string name, string label, string group, IReadOnlyList<string> values, Func<string, string> labelOf)
            => list.Add(new(name, label, "enumeration", "select", group, false, false, true,
                values.Select((v, i) => new HubSpotOption(v, labelOf(v), i)).ToList()));

        Text("email", "Email");
        Text("firstname", "First Name");
        Text("lastname", "Last Name");
        Text("company", "Company Name");
        Text("jobtitle", "Job Title");
        Text("industry", "Industry");
        Number("numemployees", "Number of Employees", "companyinformation", readOnly: false);
        Text("country", "Country/Region");
        Text("state", "State/Region");
        Text("city", "City");
        Text("phone", "Phone Number");
        Enum("lifecyclestage", "Lifecycle Stage", "contactinformation", LifecycleStages, Title);
        Enum("hs_lead_status", "Lead Status", "sales_properties", LeadStatuses, Title);
        Number("hubspotscore", "HubSpot Score", "contactinformation", readOnly: true, calculated: true);
        list.Add(new("hubspot_owner_id", "Contact owner", "enumeration", "select", "sales_properties", false, false, true, []));
        Date("lastmodifieddate", "Last Modified Date", "contactinformation");
        Date("createdate", "Create Date", "contactinformation");
        Number("hs_object_id", "Record ID", "contactinformation", readOnly: true);
        Enum("hs_analytics_source", "Original Traffic Source", "analyticsinformation", AnalyticsSources, Title);
        list.Add(new("hs_email_optout", "Unsubscribed from all email", "bool", "booleancheckbox", "emailinformation", false, false, true,
            [new("true", "Yes", 0), new("false", "No", 1)]));
        Number("annualrevenue", "Annual Revenue", "companyinformation", readOnly: false);
        Number("hs_analytics_num_page_views", "Number of Pageviews", "analyticsinformation", readOnly: true, calculated: true);
        Number("hs_analytics_num_visits", "Number of Sessions", "analyticsinformation", readOnly: true, calculated: true);
        Number("num_conversion_events", "Number of Form Submissions", "conversioninformation", readOnly: true, calculated: true);
        Number("hs_email_open", "Marketing emails opened", "emailinformation", readOnly: true, calculated: true);
        Number("hs_email_click", "Marketing emails clicked", "emailinformation", readOnly: true, calculated: true);
        Number("hs_email_bounce", "Marketing emails bounced", "emailinformation", readOnly: true, calculated: true);
        Date("hs_analytics_last_visit_timestamp", "Time of Last Session", "analyticsinformation");
        Date("hs_email_last_open_date", "Last marketing email open date", "emailinformation");
        Date("hs_email_last_click_date", "Last marketing email click date", "emailinformation");
        Date("recent_conversion_date", "Recent Conversion Date", "conversioninformation");
        Number("content_downloads", "Content downloads", "leadsync", readOnly: false, hubspot: false);
        Number("demo_requests", "Demo requests", "leadsync", readOnly: false, hubspot: false);
        Number("pricing_page_views", "Pricing page views", "leadsync", readOnly: false, hubspot: false);
        Number("webinars_attended", "Webinars attended", "leadsync", readOnly: false, hubspot: false);
        Text("salesforceleadid", "Salesforce Lead ID", "salesforceinformation", hubspot: false);
        Number("leadsync_score", "LeadSync score", "leadsync", readOnly: false, hubspot: false);
        Text("leadsync_fit_grade", "LeadSync fit grade", "leadsync", hubspot: false);

        // Custom properties a portal's admin creates for the segments LeadSync writes (the example configuration's names).
        Text("leadsync_industry_group", "Industry group", "leadsync", hubspot: false);
        Text("leadsync_region", "Region", "leadsync", hubspot: false);
        Text("leadsync_size_band", "Company size band", "leadsync", hubspot: false);
        Text("leadsync_persona", "Persona", "leadsync", hubspot: false);
        return list;
    }

    private static string Title(string value)
    {
        var words = value.Replace('_', ' ').ToLowerInvariant();
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
