using System.Globalization;
using LeadSync.Domain.Configuration;

namespace LeadSync.Domain.Mapping;

/// <summary>A field or property as a system describes it (HubSpot properties API, Salesforce describe).</summary>
/// <param name="AllowedValues">Picklist / enumeration values; null or empty for free fields.</param>
public sealed record FieldInfo(string Name, string Type, bool Writable, IReadOnlyList<string>? AllowedValues = null);

/// <summary>Checks <see cref="FieldMappingOptions"/> on its own and against the systems' metadata; every problem with its path.</summary>
public static class FieldMappingOptionsValidator
{
    /// <summary>Fields the engine owns (status, stage, owner, score, grade, ids): a generic mapping would fight it.</summary>
    private static readonly HashSet<string> EngineHubSpot = new(StringComparer.OrdinalIgnoreCase)
    {
        "hs_lead_status", "lifecyclestage", "hubspot_owner_id", "hubspotscore", "email", "hs_object_id",
    };

    private static readonly HashSet<string> EngineSalesforce = new(StringComparer.OrdinalIgnoreCase)
    {
        "Status", "OwnerId", "Score__c", "Fit_Grade__c", "Email", "Id", "Rating",
    };

    public static IReadOnlyList<ConfigProblem> Validate(FieldMappingOptions options, string path = FieldMappingOptions.SectionName)
    {
        var problems = new List<ConfigProblem>();
        var fields = options.EffectiveFields;
        var fieldsPath = path + ":Fields";
        var crmTargets = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var marketingTargets = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            var at = Invariant($"{fieldsPath}[{i}]");
            var hubSpotBlank = string.IsNullOrWhiteSpace(f.HubSpotProperty);
            var salesforceBlank = string.IsNullOrWhiteSpace(f.SalesforceField);
            if (hubSpotBlank)
            {
                problems.Add(new(at + ":HubSpotProperty", "empty", "a HubSpot contact property name, e.g. jobtitle"));
            }

            if (salesforceBlank)
            {
                problems.Add(new(at + ":SalesforceField", "empty", "a Salesforce Lead field API name, e.g. Title"));
            }

            var directionKnown = Enum.IsDefined(f.Direction);
            if (!directionKnown)
            {
                problems.Add(new(at + ":Direction", $"unknown direction '{f.Direction}'", Names<SyncDirection>()));
            }

            if (!Enum.IsDefined(f.Conflict))
            {
                problems.Add(new(at + ":Conflict", $"unknown conflict policy '{f.Conflict}'", Names<ConflictPolicy>()));
            }

            for (var t = 0; t < f.Transforms.Count; t++)
            {
                if (!Enum.IsDefined(f.Transforms[t]))
                {
                    problems.Add(new(Invariant($"{at}:Transforms[{t}]"), $"unknown transform '{f.Transforms[t]}'", Names<ValueTransform>()));
                }
            }

            if (f.Direction == SyncDirection.None)
            {
                if (f.ValueMap.Count > 0)
                {
                    problems.Add(new(at + ":ValueMap", "a value map on a mapping with Direction None is never used", "remove the ValueMap, or set a Direction"));
                }

                continue;
            }

            if (!hubSpotBlank && EngineHubSpot.Contains(f.HubSpotProperty.Trim()))
            {
                problems.Add(new(at + ":HubSpotProperty", $"{f.HubSpotProperty} is managed by LeadSync itself (status, stage, owner, score or identity)", "configure it in the Lifecycle/Handoff/Scoring sections, not as a field mapping"));
            }

            if (!salesforceBlank && EngineSalesforce.Contains(f.SalesforceField.Trim()))
            {
                problems.Add(new(at + ":SalesforceField", $"{f.SalesforceField} is managed by LeadSync itself (status, owner, score, grade or identity)", "configure it in the Lifecycle/Handoff/Scoring sections, not as a field mapping"));
            }

            if (IsCrossReference(options, f))
            {
                problems.Add(new(at, "the cross-reference id fields are written by LeadSync itself", "remove this mapping; see CrossReference"));
            }

            if (directionKnown && f.Direction is SyncDirection.ToCrm or SyncDirection.TwoWay && !salesforceBlank
                && !crmTargets.TryAdd(f.SalesforceField.Trim(), i))
            {
                problems.Add(new(at + ":SalesforceField", Invariant($"{f.SalesforceField} is already written by {fieldsPath}[{crmTargets[f.SalesforceField.Trim()]}]"), "each Salesforce field written by one mapping"));
            }

            if (directionKnown && f.Direction is SyncDirection.ToMarketing or SyncDirection.TwoWay && !hubSpotBlank
                && !marketingTargets.TryAdd(f.HubSpotProperty.Trim(), i))
            {
                problems.Add(new(at + ":HubSpotProperty", Invariant($"{f.HubSpotProperty} is already written by {fieldsPath}[{marketingTargets[f.HubSpotProperty.Trim()]}]"), "each HubSpot property written by one mapping"));
            }

            ValidateValueMap(f, at, problems);
        }

        var cross = options.CrossReference;
        if (string.IsNullOrWhiteSpace(cross.HubSpotProperty))
        {
            problems.Add(new(path + ":CrossReference:HubSpotProperty", "empty", "the HubSpot property that stores the Salesforce Lead id (default salesforceleadid)"));
        }

        if (string.IsNullOrWhiteSpace(cross.SalesforceField))
        {
            problems.Add(new(path + ":CrossReference:SalesforceField", "empty", "the Salesforce field that stores the HubSpot contact id (default HubSpot_Contact_Id__c)"));
        }

        return problems;
    }

    /// <summary>Checks the mappings against what the portal and the org actually have: every problem at once.</summary>
    public static IReadOnlyList<ConfigProblem> ValidateAgainstMetadata(
        FieldMappingOptions options,
        IReadOnlyList<FieldInfo> hubSpotProperties,
        IReadOnlyList<FieldInfo> salesforceFields,
        string path = FieldMappingOptions.SectionName, bool marketingCrossReferenceWritten = true)
    {
        var problems = new List<ConfigProblem>();
        var hubSpot = Index(hubSpotProperties, StringComparer.Ordinal);
        var salesforce = Index(salesforceFields, StringComparer.OrdinalIgnoreCase);
        var fields = options.EffectiveFields;

        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (f.Direction == SyncDirection.None)
            {
                continue;
            }

            var at = Invariant($"{path}:Fields[{i}]");
            var hs = Find(hubSpot, f.HubSpotProperty, at + ":HubSpotProperty", "HubSpot contact property", problems);
            var sf = Find(salesforce, f.SalesforceField, at + ":SalesforceField", "Salesforce Lead field", problems);

            if (f.Direction is SyncDirection.ToCrm or SyncDirection.TwoWay && sf is { Writable: false })
            {
                problems.Add(new(at + ":SalesforceField", $"{sf.Name} is read-only in Salesforce but the mapping writes to it ({f.Direction})", "a writable field, or Direction ToMarketing"));
            }

            if (f.Direction is SyncDirection.ToMarketing or SyncDirection.TwoWay && hs is { Writable: false })
            {
                problems.Add(new(at + ":HubSpotProperty", $"{hs.Name} is read-only in HubSpot but the mapping writes to it ({f.Direction})", "a writable property, or Direction ToCrm"));
            }

            foreach (var (key, value) in f.ValueMap)
            {
                var mapPath = $"{at}:ValueMap:{key}";
                if (hs?.AllowedValues is { Count: > 0 } hsAllowed && !hsAllowed.Contains(key.Trim(), StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(new(mapPath, $"'{key}' is not an option of HubSpot property {hs.Name}", string.Join(", ", hsAllowed)));
                }

                if (sf?.AllowedValues is { Count: > 0 } sfAllowed && !sfAllowed.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(new(mapPath, $"'{value}' is not a picklist value of Salesforce field {sf.Name}", string.Join(", ", sfAllowed)));
                }
            }
        }

        var cross = options.CrossReference;

        // A platform whose CRM link is kept by someone else (Pardot's salesforceId, by the native connector) has no
        // marketing cross-reference for LeadSync to write, so none is checked.
        var hsCross = marketingCrossReferenceWritten
            ? Find(hubSpot, cross.HubSpotProperty, path + ":CrossReference:HubSpotProperty", "HubSpot contact property", problems)
            : null;
        if (hsCross is { Writable: false })
        {
            problems.Add(new(path + ":CrossReference:HubSpotProperty", $"{hsCross.Name} is read-only in HubSpot", "a writable text property"));
        }

        var sfCross = Find(salesforce, cross.SalesforceField, path + ":CrossReference:SalesforceField", "Salesforce Lead field", problems);
        if (sfCross is { Writable: false })
        {
            problems.Add(new(path + ":CrossReference:SalesforceField", $"{sfCross.Name} is read-only in Salesforce", "a writable text field"));
        }

        return problems;
    }

    private static void ValidateValueMap(FieldMapping f, string at, List<ConfigProblem> problems)
    {
        var bySalesforceValue = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var seenKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in f.ValueMap)
        {
            var mapPath = $"{at}:ValueMap:{key}";
            if (string.IsNullOrWhiteSpace(key))
            {
                problems.Add(new(at + ":ValueMap", "a blank HubSpot value as a key", "non-blank HubSpot values as keys (blank always maps to blank)"));
                continue;
            }

            if (!seenKeys.Add(key.Trim()))
            {
                problems.Add(new(mapPath, $"'{key}' is listed twice (keys ignore case)", "each HubSpot value once"));
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add(new(mapPath, "maps to a blank Salesforce value", "a Salesforce value; leave the value out of the map to skip it"));
                continue;
            }

            if (f.Direction is SyncDirection.TwoWay or SyncDirection.ToMarketing
                && !bySalesforceValue.TryAdd(value.Trim(), key))
            {
                problems.Add(new(
                    mapPath,
                    $"'{key}' and '{bySalesforceValue[value.Trim()]}' both map to '{value}', so a Salesforce change could not be mapped back to one HubSpot value",
                    "one HubSpot value per Salesforce value for TwoWay/ToMarketing mappings, or Direction ToCrm"));
            }
        }
    }

    private static bool IsCrossReference(FieldMappingOptions options, FieldMapping f) =>
        string.Equals(f.HubSpotProperty.Trim(), options.CrossReference.HubSpotProperty, StringComparison.OrdinalIgnoreCase)
        || string.Equals(f.SalesforceField.Trim(), options.CrossReference.SalesforceField, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, FieldInfo> Index(IReadOnlyList<FieldInfo> fields, StringComparer comparer)
    {
        var index = new Dictionary<string, FieldInfo>(comparer);
        foreach (var field in fields)
        {
            index.TryAdd(field.Name, field);
        }

        return index;
    }

    private static FieldInfo? Find(Dictionary<string, FieldInfo> index, string name, string at, string what, List<ConfigProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        if (index.TryGetValue(name.Trim(), out var field))
        {
            return field;
        }

        problems.Add(new(at, $"{what} '{name}' does not exist", $"an existing {what}"));
        return null;
    }

    private static string Names<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>());

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
