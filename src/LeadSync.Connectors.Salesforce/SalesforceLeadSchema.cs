using System.Text.RegularExpressions;

namespace LeadSync.Connectors.Salesforce;

/// <summary>
/// Which Lead fields of this org hold LeadSync's typed values: connection configuration the host passes in
/// (<c>LeadSync:Mappings:CrossReference:SalesforceField</c>, <c>LeadSync:Sync:ScoreField</c>, <c>LeadSync:Sync:GradeField</c>)
/// plus the External ID field leads are created by, so a retried create finds the lead instead of duplicating it.
/// The standard fields the connector reads (Email, Status, OwnerId, ...) are not configurable: every org has them.
/// </summary>
/// <param name="MarketingIdField">Where the Lead keeps the id of its marketing record (the cross-reference).</param>
/// <param name="ScoreField">A number field for the unified score.</param>
/// <param name="GradeField">The fit grade's field.</param>
/// <param name="ExternalKeyField">A custom text field marked External ID and Unique, holding LeadSync's key of the person.</param>
public sealed partial record SalesforceLeadSchema(
    string MarketingIdField = "HubSpot_Contact_Id__c",
    string ScoreField = "Score__c",
    string GradeField = "Fit_Grade__c",
    string ExternalKeyField = "LeadSync_Key__c")
{
    public static SalesforceLeadSchema Default { get; } = new();

    /// <summary>Every name is a plain field API name (it goes into SOQL and into the upsert's URL).</summary>
    /// <exception cref="ArgumentException">A name is empty or not of the form of a Salesforce field name.</exception>
    public void EnsureValid()
    {
        foreach (var (what, name) in new[] { (nameof(MarketingIdField), MarketingIdField), (nameof(ScoreField), ScoreField), (nameof(GradeField), GradeField), (nameof(ExternalKeyField), ExternalKeyField) })
        {
            if (string.IsNullOrEmpty(name) || !FieldNamePattern().IsMatch(name))
            {
                throw new ArgumentException($"{what} '{name}' is not a Salesforce field name.", what);
            }
        }
    }

    /// <summary>
    /// For <c>validate-config --live</c>: whether <see cref="ExternalKeyField"/> exists on the Lead, is an External ID,
    /// is Unique and can be written on create and update, from the Lead describe.
    /// </summary>
    public SalesforceExternalKeyCheck CheckExternalKey(IReadOnlyList<SalesforceLeadField> describe)
    {
        ArgumentNullException.ThrowIfNull(describe);
        var field = describe.FirstOrDefault(f => string.Equals(f.Name, ExternalKeyField, StringComparison.OrdinalIgnoreCase));
        return field is null
            ? new SalesforceExternalKeyCheck(ExternalKeyField, false, false, false, false)
            : new SalesforceExternalKeyCheck(field.Name, true, field.ExternalId, field.Unique, field.Createable && field.Updateable);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldNamePattern();
}

/// <summary>One Lead field as describe reports it, with the flags the ports' <c>FieldMetadata</c> does not carry.</summary>
public sealed record SalesforceLeadField(
    string Name,
    string Type,
    bool Updateable,
    bool Createable,
    bool ExternalId,
    bool Unique,
    IReadOnlyList<string> PicklistValues);

/// <summary>The External ID field as the org has it. Creates are idempotent only when <see cref="Ok"/>.</summary>
public sealed record SalesforceExternalKeyCheck(string Field, bool Exists, bool IsExternalId, bool IsUnique, bool Writable)
{
    public bool Ok => Exists && IsExternalId && IsUnique && Writable;

    /// <summary>What an admin has to change, one sentence each; empty when <see cref="Ok"/>.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            if (!Exists)
            {
                return [$"Lead has no field {Field}: create a custom text field with the External ID and Unique attributes for LeadSync's key."];
            }

            var problems = new List<string>();
            if (!IsExternalId)
            {
                problems.Add($"Lead.{Field} is not marked External ID: leads cannot be created by it (upsert), so a retried create could duplicate a lead.");
            }

            if (!IsUnique)
            {
                problems.Add($"Lead.{Field} is not marked Unique: two leads could carry one key and the upsert would refuse both (DUPLICATE_EXTERNAL_ID).");
            }

            if (!Writable)
            {
                problems.Add($"Lead.{Field} is not createable and updateable for the integration user: check its field-level security.");
            }

            return problems;
        }
    }
}

/// <summary>A task that carries a LeadSync key line in its Description (see <see cref="SalesforceCrmSystem.CreateTasksAsync"/>).</summary>
public sealed record SalesforceKeyedTask(string Id, string WhoId, string Key);
