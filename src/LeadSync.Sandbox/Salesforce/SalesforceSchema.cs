namespace LeadSync.Sandbox.Salesforce;

public sealed record SalesforcePicklistValue(string Value, string Label, bool Active, bool DefaultValue);

/// <summary>
/// A field as sObject describe reports it. Type is the describe type name (string, picklist, datetime, ...).
/// <see cref="ExternalId"/> fields can be upserted by; <see cref="Unique"/> ones refuse a value another record holds
/// (case-insensitively, Salesforce's default for a unique text field).
/// </summary>
public sealed record SalesforceField(
    string Name,
    string Label,
    string Type,
    bool Updateable,
    bool Createable,
    bool Nillable,
    bool Custom,
    int Length,
    bool RestrictedPicklist,
    IReadOnlyList<SalesforcePicklistValue> PicklistValues,
    string? ReferenceTo = null,
    bool ExternalId = false,
    bool Unique = false)
{
    public bool IsText => Type is "string" or "email" or "phone" or "picklist" or "textarea" or "id" or "reference" or "url";

    public bool IsNumber => Type is "int" or "double" or "currency" or "percent";
}

public sealed record SalesforceObject(string Name, string KeyPrefix, IReadOnlyList<SalesforceField> Fields)
{
    private readonly Dictionary<string, SalesforceField> _byName =
        Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>SOQL and the REST API treat field names case-insensitively.</summary>
    public SalesforceField? Field(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>
/// The org's schema, exactly the names in docs/sandbox-vocabulary.md, plus <see cref="ExternalKeyField"/>: the
/// External ID (unique) an integration creates leads by idempotently (upsert, api-facts §2.4a).
/// </summary>
public static class SalesforceSchema
{
    public const string ConvertedStatus = "Closed - Converted";
    public const string DefaultStatus = "Open - Not Contacted";

    /// <summary>A custom text field marked External ID and Unique, as an admin creates it for LeadSync.</summary>
    public const string ExternalKeyField = "LeadSync_Key__c";

    /// <summary>The active Status values, plus a legacy value the org still carries (inactive) on old imported leads.</summary>
    public static readonly IReadOnlyList<string> LeadStatuses =
    [
        "Open - Not Contacted", "Working - Contacted", "Working - Engaged", "Marketing Qualified", "Nurturing",
        "Closed - Converted", "Closed - Not Converted",
    ];

    public const string LegacyStatus = "Legacy - Imported";

    public static readonly IReadOnlyList<string> LeadSources =
        ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Webinar", "Trade Show", "Other"];

    public static readonly IReadOnlyList<string> Ratings = ["Hot", "Warm", "Cold"];

    public static readonly IReadOnlyList<string> Industries =
        ["Technology", "Finance", "Healthcare", "Manufacturing", "Retail", "Education", "Government", "Media", "Energy", "Consulting"];

    public static readonly IReadOnlyList<string> FitGrades = ["A", "B", "C", "D"];

    public static readonly IReadOnlyList<string> TaskStatuses = ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"];

    public static readonly IReadOnlyList<string> TaskPriorities = ["High", "Normal", "Low"];

    public static readonly SalesforceObject Lead = new("Lead", "00Q",
    [
        Id(),
        Text("FirstName", "First Name", 40),
        new("LastName", "Last Name", "string", true, true, false, false, 80, false, []),
        new("Email", "Email", "email", true, true, true, false, 80, false, []),
        new("Company", "Company", "string", true, true, false, false, 255, false, []),
        Text("Title", "Title", 128),
        Picklist("Industry", "Industry", Industries, restricted: false),
        new("NumberOfEmployees", "Employees", "int", true, true, true, false, 0, false, []),
        Text("Country", "Country", 80),
        Text("State", "State/Province", 80),
        Text("City", "City", 40),
        new("Phone", "Phone", "phone", true, true, true, false, 40, false, []),
        Picklist("LeadSource", "Lead Source", LeadSources, restricted: true),
        new("Status", "Status", "picklist", true, true, false, false, 255, true,
            [.. LeadStatuses.Select((v, i) => new SalesforcePicklistValue(v, v, true, i == 0)), new SalesforcePicklistValue(LegacyStatus, LegacyStatus, false, false)]),
        Picklist("Rating", "Rating", Ratings, restricted: true),
        new("OwnerId", "Owner ID", "reference", true, true, false, false, 18, false, [], "User,Group"),
        ReadOnly("IsConverted", "Converted", "boolean"),
        // Set by lead conversion only (read-only through the API): the contact and opportunity the lead became, and when.
        ReadOnlyReference("ConvertedContactId", "Converted Contact ID", "Contact"),
        ReadOnlyReference("ConvertedOpportunityId", "Converted Opportunity ID", "Opportunity"),
        ReadOnly("ConvertedDate", "Converted Date", "date"),
        new("AnnualRevenue", "Annual Revenue", "currency", true, true, true, false, 0, false, []),
        new("HasOptedOutOfEmail", "Email Opt Out", "boolean", true, true, false, false, 0, false, []),
        ReadOnly("CreatedDate", "Created Date", "datetime"),
        ReadOnly("LastModifiedDate", "Last Modified Date", "datetime"),
        ReadOnly("SystemModstamp", "System Modstamp", "datetime"),
        ReadOnly("LastActivityDate", "Last Activity", "date"),
        new("Score__c", "Score", "double", true, true, true, true, 0, false, []),
        new("Fit_Grade__c", "Fit Grade", "picklist", true, true, true, true, 255, true,
            [.. FitGrades.Select(v => new SalesforcePicklistValue(v, v, true, false))]),
        new("HubSpot_Contact_Id__c", "HubSpot Contact Id", "string", true, true, true, true, 32, false, []),
        new("Marketo_Lead_Id__c", "Marketo Lead Id", "string", true, true, true, true, 32, false, []),
        Text("Industry_Group__c", "Industry Group", 80),
        Text("Region__c", "Region", 80),
        Text("Size_Band__c", "Size Band", 80),
        Text("Persona__c", "Persona", 80),
        new(ExternalKeyField, "LeadSync Key", "string", true, true, true, true, 255, false, [], ExternalId: true, Unique: true),
    ]);

    public static readonly SalesforceObject User = new("User", "005",
    [
        Id(),
        ReadOnly("Name", "Full Name", "string"),
        ReadOnly("FirstName", "First Name", "string"),
        ReadOnly("LastName", "Last Name", "string"),
        ReadOnly("Email", "Email", "email"),
        ReadOnly("Username", "Username", "string"),
        ReadOnly("IsActive", "Active", "boolean"),
        ReadOnly("UserType", "User Type", "picklist"),
        ReadOnly("TimeZoneSidKey", "Time Zone", "picklist"),
    ]);

    public static readonly SalesforceObject Group = new("Group", "00G",
    [
        Id(),
        ReadOnly("Name", "Name", "string"),
        ReadOnly("DeveloperName", "Developer Name", "string"),
        ReadOnly("Type", "Type", "picklist"),
    ]);

    public static readonly SalesforceObject Task = new("Task", "00T",
    [
        Id(),
        new("Subject", "Subject", "combobox", true, true, true, false, 255, false, []),
        new("WhoId", "Name ID", "reference", true, true, true, false, 18, false, [], "Lead,Contact"),
        new("WhatId", "Related To ID", "reference", true, true, true, false, 18, false, []),
        new("OwnerId", "Assigned To ID", "reference", true, true, false, false, 18, false, [], "User"),
        new("Status", "Status", "picklist", true, true, false, false, 255, true,
            [.. TaskStatuses.Select((v, i) => new SalesforcePicklistValue(v, v, true, i == 0))]),
        new("Priority", "Priority", "picklist", true, true, false, false, 255, true,
            [.. TaskPriorities.Select(v => new SalesforcePicklistValue(v, v, true, v == "Normal"))]),
        new("ActivityDate", "Due Date Only", "date", true, true, true, false, 0, false, []),
        new("Description", "Description", "textarea", true, true, true, false, 32000, false, []),
        new("Type", "Type", "picklist", true, true, true, false, 255, false, []),
        ReadOnly("CreatedDate", "Created Date", "datetime"),
        ReadOnly("LastModifiedDate", "Last Modified Date", "datetime"),
        ReadOnly("SystemModstamp", "System Modstamp", "datetime"),
    ]);

    /// <summary>The org's default opportunity stages (Developer Edition) in sales-process order, with what each one means.</summary>
    public static readonly IReadOnlyList<(string Name, bool IsClosed, bool IsWon)> OpportunityStages =
    [
        ("Prospecting", false, false), ("Qualification", false, false), ("Needs Analysis", false, false),
        ("Value Proposition", false, false), ("Proposal/Price Quote", false, false), ("Negotiation/Review", false, false),
        ("Closed Won", true, true), ("Closed Lost", true, false),
    ];

    /// <summary>The contact a converted lead became.</summary>
    public static readonly SalesforceObject Contact = new("Contact", "003",
    [
        Id(),
        ReadOnly("FirstName", "First Name", "string"),
        ReadOnly("LastName", "Last Name", "string"),
        ReadOnly("Email", "Email", "email"),
        ReadOnly("LeadSource", "Lead Source", "picklist"),
        ReadOnlyReference("OwnerId", "Owner ID", "User"),
        ReadOnly("CreatedDate", "Created Date", "datetime"),
        ReadOnly("LastModifiedDate", "Last Modified Date", "datetime"),
        ReadOnly("SystemModstamp", "System Modstamp", "datetime"),
    ]);

    /// <summary>
    /// The deal a converted lead became. IsClosed and IsWon follow StageName (each stage says whether it is closed and
    /// won), so they are read-only; CloseDate is the expected date while open and the real one once closed.
    /// </summary>
    public static readonly SalesforceObject Opportunity = new("Opportunity", "006",
    [
        Id(),
        ReadOnly("Name", "Name", "string"),
        new("StageName", "Stage", "picklist", false, false, false, false, 255, true,
            [.. OpportunityStages.Select((s, i) => new SalesforcePicklistValue(s.Name, s.Name, true, i == 0))]),
        ReadOnly("IsClosed", "Closed", "boolean"),
        ReadOnly("IsWon", "Won", "boolean"),
        ReadOnly("Amount", "Amount", "currency"),
        ReadOnly("CloseDate", "Close Date", "date"),
        ReadOnly("LeadSource", "Lead Source", "picklist"),
        ReadOnlyReference("OwnerId", "Owner ID", "User"),
        ReadOnly("CreatedDate", "Created Date", "datetime"),
        ReadOnly("LastModifiedDate", "Last Modified Date", "datetime"),
        ReadOnly("SystemModstamp", "System Modstamp", "datetime"),
    ]);

    public static SalesforceObject? Find(string name) => name.ToUpperInvariant() switch
    {
        "LEAD" => Lead,
        "CONTACT" => Contact,
        "OPPORTUNITY" => Opportunity,
        "USER" => User,
        "GROUP" => Group,
        "TASK" => Task,
        _ => null,
    };

    private static SalesforceField Id() => new("Id", "Record ID", "id", false, false, false, false, 18, false, []);

    private static SalesforceField Text(string name, string label, int length) =>
        new(name, label, "string", true, true, true, false, length, false, []);

    private static SalesforceField ReadOnly(string name, string label, string type) =>
        new(name, label, type, false, false, type != "boolean", false, 0, false, []);

    private static SalesforceField ReadOnlyReference(string name, string label, string referenceTo) =>
        new(name, label, "reference", false, false, true, false, 18, false, [], referenceTo);

    private static SalesforceField Picklist(string name, string label, IReadOnlyList<string> values, bool restricted) =>
        new(name, label, "picklist", true, true, true, false, 255, restricted, [.. values.Select(v => new SalesforcePicklistValue(v, v, true, false))]);
}
