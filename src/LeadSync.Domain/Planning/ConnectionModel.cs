using LeadSync.Domain.Configuration;
using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Nurture;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;
using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Planning;

/// <summary>The admin-owned rules of one connection, as bound from configuration.</summary>
public sealed class ConnectionModelOptions
{
    public ScoringOptions Scoring { get; set; } = ScoringOptions.CreateDefault();

    public LifecycleOptions Lifecycle { get; set; } = LifecycleOptions.CreateDefault();

    public FieldMappingOptions Mappings { get; set; } = new();

    public HandoffOptions Handoff { get; set; } = new();

    public RoutingOptions Routing { get; set; } = new();

    public SyncOptions Sync { get; set; } = new();

    public SegmentOptions Segments { get; set; } = new();

    public NurtureOptions Nurture { get; set; } = new();

    /// <summary>
    /// The connection's marketing platform by product name (<see cref="SegmentSystems.MarketingPlatforms"/>): the rules
    /// that name a field per platform (segments) write the one named for it. Set by the host, not bound.
    /// </summary>
    public string MarketingPlatform { get; set; } = SegmentSystems.HubSpot;
}

/// <summary>
/// The rules of one connection compiled once (at start) into the pure domain's decision makers, plus the vendor
/// fields the rules name (the connectors add the fields behind their typed values).
/// </summary>
public sealed class ConnectionModel
{
    public ConnectionModel(ConnectionModelOptions options)
    {
        Options = options;
        Scoring = ScoringModel.Create(options.Scoring);
        Statuses = StatusMapper.Create(options.Lifecycle);
        Stages = StageMapper.Create(options.Lifecycle);
        StagePolicy = StagePolicy.Create(options.Lifecycle);
        Handoff = new HandoffPolicy(options.Handoff);
        Sla = new SlaPolicy(options.Handoff);
        Recycle = new RecyclePolicy(options.Handoff);
        Router = new Router(options.Routing);
        Planner = new FieldPlanner(options.Mappings);
        Segmenter = new Segmenter(options.Segments, options.MarketingPlatform);
        Nurture = new NurturePolicy(options.Nurture, options.MarketingPlatform);

        var fields = options.Mappings.EffectiveFields;
        MarketingFields = Scoring.RequiredHubSpotProperties
            .Concat(fields.Where(f => f.Direction != SyncDirection.None).Select(f => f.HubSpotProperty))
            .Concat(RoutingFields(options.Routing, FieldPath.HubSpot))
            .Concat(Segmenter.MarketingFields)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        CrmFields = Scoring.RequiredSalesforceFields
            .Concat(fields.Where(f => f.Direction != SyncDirection.None).Select(f => f.SalesforceField))
            .Concat(RoutingFields(options.Routing, FieldPath.Salesforce))
            .Concat(Segmenter.CrmFields)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public ConnectionModelOptions Options { get; }

    public ScoringModel Scoring { get; }

    public LifecycleMapper<LeadStatus> Statuses { get; }

    public LifecycleMapper<LifecycleStage> Stages { get; }

    public StagePolicy StagePolicy { get; }

    public HandoffPolicy Handoff { get; }

    public SlaPolicy Sla { get; }

    public RecyclePolicy Recycle { get; }

    public Router Router { get; }

    public FieldPlanner Planner { get; }

    public Segmenter Segmenter { get; }

    public NurturePolicy Nurture { get; }

    public FieldMappingOptions Mappings => Options.Mappings;

    public SyncOptions Sync => Options.Sync;

    /// <summary>Marketing fields the rules (scoring, mappings, routing, segments) name.</summary>
    public IReadOnlyCollection<string> MarketingFields { get; }

    /// <summary>CRM fields the rules (scoring, mappings, routing, segments) name.</summary>
    public IReadOnlyCollection<string> CrmFields { get; }

    /// <summary>Every problem of a connection's rules, each with the JSON path of the section it came from.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(ConnectionModelOptions options, IReadOnlyDictionary<string, string> sectionPaths)
    {
        var threshold = options.Handoff.Threshold;
        var problems = new List<ConfigProblem>();
        problems.AddRange(ScoringOptionsValidator.Validate(options.Scoring, sectionPaths["Scoring"], threshold));
        problems.AddRange(LifecycleOptionsValidator.Validate(options.Lifecycle, sectionPaths["Lifecycle"], threshold));
        problems.AddRange(FieldMappingOptionsValidator.Validate(options.Mappings, sectionPaths["Mappings"]));
        problems.AddRange(HandoffOptionsValidator.Validate(options.Handoff, sectionPaths["Handoff"]));
        problems.AddRange(RoutingOptionsValidator.Validate(options.Routing, sectionPaths["Routing"]));
        problems.AddRange(ValidateSync(options.Sync, sectionPaths["Sync"]));
        var segments = sectionPaths.GetValueOrDefault("Segments", SegmentOptions.SectionName);
        problems.AddRange(SegmentOptionsValidator.Validate(options.Segments, segments, options.MarketingPlatform));
        problems.AddRange(SegmentFieldsAlsoMapped(options, segments));
        problems.AddRange(NurtureOptionsValidator.Validate(
            options.Nurture, options.Segments, sectionPaths.GetValueOrDefault("Nurture", NurtureOptions.SectionName), options.MarketingPlatform));
        return problems;
    }

    private static IEnumerable<ConfigProblem> ValidateSync(SyncOptions sync, string path)
    {
        if (sync.OverlapSeconds is < 0 or > 3600)
        {
            yield return new ConfigProblem($"{path}:OverlapSeconds", $"{sync.OverlapSeconds} is out of range", "0 to 3600 seconds");
        }

        if (string.IsNullOrWhiteSpace(sync.ScoreField))
        {
            yield return new ConfigProblem($"{path}:ScoreField", "no Salesforce field for the score", "a numeric Lead field such as Score__c");
        }

        if (string.IsNullOrWhiteSpace(sync.GradeField))
        {
            yield return new ConfigProblem($"{path}:GradeField", "no Salesforce field for the fit grade", "a text or picklist Lead field such as Fit_Grade__c");
        }

        if (sync.ReferenceDataCacheMinutes is < 0 or > 1440)
        {
            yield return new ConfigProblem($"{path}:ReferenceDataCacheMinutes", $"{sync.ReferenceDataCacheMinutes} is out of range", "0 to 1440 minutes");
        }

        if (sync.CycleLeaseMinutes is < 1 or > 1440)
        {
            yield return new ConfigProblem($"{path}:CycleLeaseMinutes", $"{sync.CycleLeaseMinutes} is out of range", "1 to 1440 minutes");
        }
    }

    /// <summary>A segment field that is also a mapped field would be written by two rules that disagree every cycle.</summary>
    private static IEnumerable<ConfigProblem> SegmentFieldsAlsoMapped(ConnectionModelOptions options, string path)
    {
        var mapped = options.Mappings.EffectiveFields.Where(f => f.Direction != SyncDirection.None).ToList();
        for (var d = 0; d < options.Segments.Dimensions.Count; d++)
        {
            foreach (var (system, field) in options.Segments.Dimensions[d].Fields)
            {
                var crm = string.Equals(system, SegmentSystems.Salesforce, StringComparison.OrdinalIgnoreCase);
                var marketing = string.Equals(system, options.MarketingPlatform, StringComparison.OrdinalIgnoreCase);
                if (string.IsNullOrWhiteSpace(field) || (!crm && !marketing))
                {
                    continue;
                }

                if (mapped.Exists(m => string.Equals(crm ? m.SalesforceField : m.HubSpotProperty, field.Trim(), crm ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)))
                {
                    yield return new ConfigProblem(
                        $"{path}:Dimensions[{d}]:Fields:{system}",
                        $"field '{field.Trim()}' is also synced by a field mapping",
                        "a field only the segment writes (or remove the mapping)");
                }
            }
        }
    }

    private static IEnumerable<string> RoutingFields(RoutingOptions routing, string system) =>
        RuleConditions.FieldsOf(routing.Rules.SelectMany(r => r.Conditions), system);
}
