namespace LeadSync.Sandbox.Marketo;

/// <summary>
/// The sandbox instance's lead fields (REST names of the standard fields list, the CRM-linked fields of a native
/// Salesforce sync, and three custom fields), its activity types and its channel for programs.
/// </summary>
public static class MarketoSchema
{
    public static readonly IReadOnlyList<MarketoField> Fields = Build();

    public static readonly IReadOnlyDictionary<string, MarketoField> ByName = Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The filter types Get Leads by Filter Type accepts besides custom string/email/integer fields.</summary>
    public static readonly IReadOnlySet<string> FixedFilterTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "cookies", "email", "facebookId", "id", "leadPartitionId", "linkedInId", "sfdcAccountId", "sfdcContactId", "sfdcLeadId",
        "sfdcLeadOwnerId", "sfdcOpptyId", "twitterId",
    };

    /// <summary>Returned when a read names no fields.</summary>
    public static readonly IReadOnlyList<string> DefaultFields = ["id", "email", "updatedAt", "createdAt", "firstName", "lastName"];

    /// <summary>Standard activity types (ids as documented; custom types start at 100000).</summary>
    public static readonly IReadOnlyList<(int Id, string Name, string Primary)> ActivityTypes =
    [
        (1, "Visit Webpage", "Webpage ID"), (2, "Fill Out Form", "Webform ID"), (3, "Click Link", "Link ID"), (6, "Send Email", "Mailing ID"),
        (7, "Email Delivered", "Mailing ID"), (8, "Email Bounced", "Mailing ID"), (9, "Unsubscribe Email", "Mailing ID"),
        (10, "Open Email", "Mailing ID"), (11, "Click Email", "Mailing ID"), (12, "New Lead", "Lead ID"), (13, "Change Data Value", "Attribute Name"),
        (19, "Sync Lead to SFDC", "Lead ID"), (21, "Convert Lead", "Lead ID"), (22, "Change Score", "Attribute Name"), (23, "Change Owner", "Owner ID"),
        (24, "Add to List", "List ID"), (25, "Remove from List", "List ID"), (32, "Merge Leads", "Lead ID"), (37, "Delete Lead", "Lead ID"),
        (46, "Interesting Moment", "Description"), (104, "Change Status in Progression", "Program ID"),
    ];

    public const string WebServiceSource = "Web service API";

    /// <summary>Channel "Webinar": statuses in step order.</summary>
    public static readonly IReadOnlyList<string> WebinarStatuses = ["Not in Program", "Invited", "Registered", "Attended", "Influenced"];

    private static List<MarketoField> Build()
    {
        var id = 0;
        MarketoField F(string name, string display, string type, bool updateable = true, bool crm = false, bool searchable = false, bool standard = true, int? length = null) =>
            new(++id, name, display, type, length, updateable, crm, searchable, standard);

        return
        [
            F("id", "Id", "integer", updateable: false, searchable: true),
            F("email", "Email Address", "email", searchable: true, length: 255),
            F("firstName", "First Name", "string", length: 255),
            F("lastName", "Last Name", "string", length: 255),
            F("title", "Job Title", "string", length: 255),
            F("company", "Company Name", "string", length: 255),
            F("industry", "Industry", "string", length: 255),
            F("numberOfEmployees", "Num Employees", "integer"),
            F("annualRevenue", "Annual Revenue", "currency"),
            F("phone", "Phone Number", "phone", length: 255),
            F("country", "Country", "string", length: 255),
            F("state", "State", "string", length: 255),
            F("city", "City", "string", length: 255),
            F("leadSource", "Lead Source", "string", length: 255),
            F("leadStatus", "Lead Status", "string", length: 255),
            F("leadScore", "Lead Score", "integer"),
            F("rating", "Lead Rating", "string", length: 255),
            F("unsubscribed", "Unsubscribed", "boolean"),
            F("emailInvalid", "Email Invalid", "boolean"),
            F("createdAt", "Created At", "datetime", updateable: false),
            F("updatedAt", "Updated At", "datetime", updateable: false),
            F("sfdcId", "SFDC Id", "string", updateable: false, crm: true, length: 18),
            F("sfdcType", "SFDC Type", "string", updateable: false, crm: true, length: 255),
            F("sfdcLeadId", "SFDC Lead ID", "string", updateable: false, crm: true, searchable: true, length: 18),
            F("sfdcContactId", "SFDC Contact ID", "string", updateable: false, crm: true, searchable: true, length: 18),
            F("sfdcAccountId", "SFDC Account ID", "string", updateable: false, crm: true, searchable: true, length: 18),
            F("sfdcLeadOwnerId", "Lead Owner ID", "string", updateable: false, crm: true, searchable: true, length: 18),
            F("lifecycleStage", "Lifecycle Stage", "string", standard: false, searchable: true, length: 255),
            F("leadSyncScore", "LeadSync Score", "integer", standard: false, searchable: true),
            F("fitGrade", "Fit Grade", "string", standard: false, searchable: true, length: 10),
            F("leadSyncIndustryGroup", "Industry Group", "string", standard: false, searchable: false, length: 80),
            F("leadSyncRegion", "Region", "string", standard: false, searchable: false, length: 80),
            F("leadSyncSizeBand", "Size Band", "string", standard: false, searchable: false, length: 80),
            F("leadSyncPersona", "Persona", "string", standard: false, searchable: false, length: 80),
        ];
    }
}
