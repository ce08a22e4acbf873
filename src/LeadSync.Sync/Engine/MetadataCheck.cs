using LeadSync.Domain.Configuration;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>
/// Checks a connection's rules against what the portal and the org actually have (HubSpot contact properties,
/// Salesforce describe of Lead): unknown or read-only fields, value-map entries that are not options of the
/// picklist they target, properties the scoring model reads that do not exist. An admin's typo is a start-up
/// error listing every problem, not a silent no-op. Two API calls per system.
/// </summary>
public static class MetadataCheck
{
    public static async Task<IReadOnlyList<ConfigProblem>> RunAsync(
        SyncConnection connection, IReadOnlyDictionary<string, string> sectionPaths, CancellationToken cancellationToken)
    {
        var hubSpot = await connection.Marketing.GetPropertiesAsync(cancellationToken);
        var salesforce = await connection.Crm.DescribeLeadAsync(cancellationToken);
        return Check(connection.Model, hubSpot, salesforce, sectionPaths);
    }

    public static IReadOnlyList<ConfigProblem> Check(
        ConnectionModel model,
        IReadOnlyList<FieldMetadata> hubSpot,
        IReadOnlyList<FieldMetadata> salesforce,
        IReadOnlyDictionary<string, string> sectionPaths)
    {
        var problems = new List<ConfigProblem>();
        problems.AddRange(FieldMappingOptionsValidator.ValidateAgainstMetadata(
            model.Mappings, Info(hubSpot), Info(salesforce), sectionPaths["Mappings"]));

        var hubSpotByName = hubSpot.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var salesforceByName = salesforce.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

        // Lead Status and lifecycle stage maps: every value written must be an option of the target picklist.
        var lifecycle = sectionPaths["Lifecycle"];
        foreach (var status in Enum.GetValues<LeadStatus>())
        {
            CheckOption(problems, salesforceByName, "Status", model.Statuses.ToSalesforce(status), $"{lifecycle}:StatusMap:Salesforce:{status}", "Salesforce Lead Status picklist");
            CheckOption(problems, hubSpotByName, "hs_lead_status", model.Statuses.ToHubSpot(status), $"{lifecycle}:StatusMap:HubSpot:{status}", "HubSpot hs_lead_status options");
        }

        foreach (var rule in model.Options.Lifecycle.StageRules)
        {
            CheckOption(problems, hubSpotByName, "lifecyclestage", model.Stages.ToHubSpot(rule.Stage), $"{lifecycle}:StageMap:HubSpot:{rule.Stage}", "HubSpot lifecyclestage options");
        }

        // Fields LeadSync writes on its own account.
        var sync = sectionPaths["Sync"];
        RequireWritable(problems, salesforceByName, model.Sync.ScoreField, $"{sync}:ScoreField", "Salesforce Lead field");
        RequireWritable(problems, salesforceByName, model.Sync.GradeField, $"{sync}:GradeField", "Salesforce Lead field");
        foreach (var field in new[] { "OwnerId", "Status" })
        {
            RequireWritable(problems, salesforceByName, field, $"{sectionPaths["Handoff"]}", "Salesforce Lead field");
        }

        foreach (var property in new[] { "hubspot_owner_id", "hs_lead_status", "lifecyclestage" })
        {
            RequireWritable(problems, hubSpotByName, property, $"{sectionPaths["Handoff"]}", "HubSpot contact property");
        }

        // What the scoring model reads must exist, or every lead silently scores as if it never engaged.
        foreach (var property in model.Scoring.RequiredHubSpotProperties.Where(p => !hubSpotByName.ContainsKey(p)))
        {
            problems.Add(new ConfigProblem(sectionPaths["Scoring"], $"the scoring model reads HubSpot property '{property}', which this portal does not have", "an existing contact property (see the portal's property settings)"));
        }

        foreach (var field in model.Scoring.RequiredSalesforceFields.Where(f => !salesforceByName.ContainsKey(f)))
        {
            problems.Add(new ConfigProblem(sectionPaths["Scoring"], $"the scoring model reads Salesforce field '{field}', which the Lead object does not have", "an existing Lead field"));
        }

        return problems;
    }

    private static void CheckOption(
        List<ConfigProblem> problems, Dictionary<string, FieldMetadata> fields, string field, string value, string path, string what)
    {
        if (fields.TryGetValue(field, out var metadata)
            && metadata.AllowedValues.Count > 0
            && !metadata.AllowedValues.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(new ConfigProblem(path, $"'{value}' is not in the {what}", string.Join(", ", metadata.AllowedValues)));
        }
    }

    private static void RequireWritable(List<ConfigProblem> problems, Dictionary<string, FieldMetadata> fields, string name, string path, string what)
    {
        if (!fields.TryGetValue(name, out var metadata))
        {
            problems.Add(new ConfigProblem(path, $"{what} '{name}' does not exist", $"an existing, writable {what}"));
        }
        else if (!metadata.Writable)
        {
            problems.Add(new ConfigProblem(path, $"{what} '{name}' is read-only for the integration user", "grant edit access to the field, or choose another"));
        }
    }

    private static List<FieldInfo> Info(IReadOnlyList<FieldMetadata> fields) =>
        fields.Select(f => new FieldInfo(f.Name, f.Type, f.Writable, f.AllowedValues)).ToList();
}
