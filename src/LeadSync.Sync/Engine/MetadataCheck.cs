using LeadSync.Domain.Configuration;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>
/// Checks a connection's rules against what the marketing platform and the CRM actually have (their field metadata):
/// unknown or read-only fields, value-map entries that are not options of the picklist they target, fields the
/// scoring model reads that do not exist. The fields behind the typed values are named by each connector. An admin's
/// typo is a start-up error listing every problem, not a silent no-op. One API call per system.
/// </summary>
public static class MetadataCheck
{
    public static async Task<IReadOnlyList<ConfigProblem>> RunAsync(
        SyncConnection connection, IReadOnlyDictionary<string, string> sectionPaths, CancellationToken cancellationToken)
    {
        var marketing = await connection.Marketing.GetFieldsAsync(cancellationToken);
        var crm = await connection.Crm.GetFieldsAsync(cancellationToken);
        var problems = new List<ConfigProblem>(Check(connection.Model, connection.Marketing.CoreFields, marketing, connection.Crm.CoreFields, crm, sectionPaths));
        problems.AddRange(await CheckNurtureListsAsync(
            connection.Model, connection.Marketing as IMarketingLists, connection.Marketing.SystemName,
            sectionPaths.GetValueOrDefault("Nurture", Domain.Nurture.NurtureOptions.SectionName), cancellationToken));
        return problems;
    }

    /// <summary>
    /// Every list a nurture track names for this connection's platform exists and takes manual members (HubSpot: a
    /// MANUAL or SNAPSHOT list). One lookup per distinct list name. A platform without list support is a problem too.
    /// </summary>
    public static async Task<IReadOnlyList<ConfigProblem>> CheckNurtureListsAsync(
        ConnectionModel model, IMarketingLists? lists, string product, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<ConfigProblem>();
        var tracks = model.Options.Nurture.Tracks;
        var platform = model.Options.MarketingPlatform;
        var checkedNames = new Dictionary<string, MarketingList?>(StringComparer.Ordinal);
        for (var t = 0; t < tracks.Count; t++)
        {
            var name = model.Nurture.ListOf(tracks[t]);
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var listPath = $"{path}:Tracks[{t}]:Lists:{platform}";
            if (lists is null)
            {
                problems.Add(new ConfigProblem(listPath, $"LeadSync cannot manage {product} lists yet", "nurture tracks on HubSpot connections, or no Nurture section for this connection"));
                continue;
            }

            if (!checkedNames.TryGetValue(name, out var list))
            {
                list = await lists.FindListAsync(name, cancellationToken);
                checkedNames[name] = list;
            }

            if (list is null)
            {
                problems.Add(new ConfigProblem(listPath, $"{product} has no list named '{name}'", "the exact name of an existing contact list that takes manual members"));
            }
            else if (!list.AcceptsManualMembers)
            {
                problems.Add(new ConfigProblem(listPath, $"{product} list '{name}' is {list.Kind}: its members are not added by hand or through the API", "a static list (HubSpot: MANUAL or SNAPSHOT)"));
            }
        }

        return problems;
    }

    public static IReadOnlyList<ConfigProblem> Check(
        ConnectionModel model,
        CoreFieldNames marketingCore,
        IReadOnlyList<FieldMetadata> marketing,
        CoreFieldNames crmCore,
        IReadOnlyList<FieldMetadata> crm,
        IReadOnlyDictionary<string, string> sectionPaths)
    {
        var problems = new List<ConfigProblem>();

        // A connector that names no cross-reference field never writes one (Marketo's sfdcLeadId is kept by its own
        // Salesforce sync, Pardot's salesforceId by the native connector): none is checked as LeadSync's to write.
        problems.AddRange(FieldMappingOptionsValidator.ValidateAgainstMetadata(
            model.Mappings, Info(marketing), Info(crm), sectionPaths["Mappings"], marketingCrossReferenceWritten: marketingCore.CrossReference is not null));

        var marketingByName = marketing.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var crmByName = crm.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

        // Lead Status and lifecycle stage maps: every value written must be an option of the target picklist.
        var lifecycle = sectionPaths["Lifecycle"];
        foreach (var status in Enum.GetValues<LeadStatus>())
        {
            if (crmCore.Status is { } crmStatus)
            {
                CheckOption(problems, crmByName, crmStatus, model.Statuses.ToCrm(status), $"{lifecycle}:StatusMap:Salesforce:{status}", $"CRM {crmStatus} picklist");
            }

            if (marketingCore.Status is { } marketingStatus)
            {
                CheckOption(problems, marketingByName, marketingStatus, model.Statuses.ToMarketing(status), $"{lifecycle}:StatusMap:HubSpot:{status}", $"marketing {marketingStatus} options");
            }
        }

        if (marketingCore.Stage is { } stageField)
        {
            foreach (var rule in model.Options.Lifecycle.StageRules)
            {
                CheckOption(problems, marketingByName, stageField, model.Stages.ToMarketing(rule.Stage), $"{lifecycle}:StageMap:HubSpot:{rule.Stage}", $"marketing {stageField} options");
            }
        }

        // Fields LeadSync writes on its own account.
        var sync = sectionPaths["Sync"];
        var handoff = sectionPaths["Handoff"];
        var crossReference = $"{sectionPaths["Mappings"]}:CrossReference";
        Require(problems, crmByName, crmCore.Score, $"{sync}:ScoreField", "CRM lead field");
        Require(problems, crmByName, crmCore.Grade, $"{sync}:GradeField", "CRM lead field");
        Require(problems, crmByName, crmCore.Owner, handoff, "CRM lead field");
        Require(problems, crmByName, crmCore.Status, handoff, "CRM lead field");
        Require(problems, crmByName, crmCore.CrossReference, $"{crossReference}:SalesforceField", "CRM lead field");
        Require(problems, marketingByName, marketingCore.Owner, handoff, "marketing field");
        Require(problems, marketingByName, marketingCore.Status, handoff, "marketing field");
        Require(problems, marketingByName, marketingCore.Stage, handoff, "marketing field");
        Require(problems, marketingByName, marketingCore.CrossReference, $"{crossReference}:HubSpotProperty", "marketing field");
        Require(problems, marketingByName, marketingCore.Score, sync, "marketing field");
        Require(problems, marketingByName, marketingCore.Grade, sync, "marketing field");

        // LeadSync's own score and grade fields are outputs: were the model to read one (a blend of "the platform's score"
        // pointed at it) or a mapping to carry it, each cycle's score would feed the next and never settle.
        foreach (var (field, key) in new[] { (marketingCore.Score, "score"), (marketingCore.Grade, "grade") })
        {
            if (field is null)
            {
                continue;
            }

            if (model.Scoring.RequiredHubSpotProperties.Contains(field, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new ConfigProblem(sectionPaths["Scoring"], $"the scoring model reads marketing field '{field}', which is where LeadSync writes its own {key}", "the platform's own score (e.g. hubspotscore, Pardot's score) as the blend input, and a separate field for LeadSync's"));
            }

            if (model.Mappings.EffectiveFields.Any(m => m.Direction != SyncDirection.None && string.Equals(m.HubSpotProperty, field, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add(new ConfigProblem(sectionPaths["Mappings"], $"marketing field '{field}' is mapped, but LeadSync writes its own {key} there", "map the CRM score field nowhere: LeadSync writes the score to both sides itself"));
            }
        }

        CheckSegments(problems, model, marketingByName, crmByName, sectionPaths.GetValueOrDefault("Segments", Domain.Segmentation.SegmentOptions.SectionName));

        // What the scoring model reads must exist, or every lead silently scores as if it never engaged.
        foreach (var property in model.Scoring.RequiredHubSpotProperties.Where(p => !marketingByName.ContainsKey(p)))
        {
            problems.Add(new ConfigProblem(sectionPaths["Scoring"], $"the scoring model reads marketing field '{property}', which the marketing platform does not have", "an existing field of the person object (see the platform's field settings)"));
        }

        foreach (var field in model.Scoring.RequiredSalesforceFields.Where(f => !crmByName.ContainsKey(f)))
        {
            problems.Add(new ConfigProblem(sectionPaths["Scoring"], $"the scoring model reads CRM field '{field}', which the lead object does not have", "an existing lead field"));
        }

        return problems;
    }

    /// <summary>Each segment field this connection writes exists, is writable, and takes every value the dimension can write.</summary>
    private static void CheckSegments(
        List<ConfigProblem> problems, ConnectionModel model, Dictionary<string, FieldMetadata> marketing, Dictionary<string, FieldMetadata> crm, string path)
    {
        var options = model.Options.Segments;
        for (var d = 0; d < options.Dimensions.Count; d++)
        {
            var dimension = options.Dimensions[d];
            var values = dimension.Rules.Select(r => r.Value).Append(dimension.Default)
                .Select(v => new Domain.Segmentation.SegmentValue(dimension.Name, v.Trim(), null, ""))
                .DistinctBy(v => v.Value, StringComparer.OrdinalIgnoreCase).ToList();
            var single = new Domain.Segmentation.Segmenter(new Domain.Segmentation.SegmentOptions { Dimensions = [dimension] }, model.Options.MarketingPlatform);
            foreach (var (writes, fields, system, what) in new[]
            {
                (single.ForMarketing(values), marketing, model.Options.MarketingPlatform, "marketing field"),
                (single.ForCrm(values), crm, Domain.Segmentation.SegmentSystems.Salesforce, "CRM lead field"),
            })
            {
                var fieldPath = $"{path}:Dimensions[{d}]:Fields:{system}";
                if (writes.Count == 0)
                {
                    continue;
                }

                Require(problems, fields, writes[0].Field, fieldPath, what);
                foreach (var write in writes)
                {
                    CheckOption(problems, fields, write.Field, write.Value, $"{path}:Dimensions[{d}]:ValueMaps:{system}", $"{what} {write.Field} options");
                }
            }
        }
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

    private static void Require(List<ConfigProblem> problems, Dictionary<string, FieldMetadata> fields, string? name, string path, string what)
    {
        if (name is null)
        {
            return;
        }

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
