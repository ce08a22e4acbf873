using LeadSync.Domain.Configuration;
using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;

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

        var fields = options.Mappings.EffectiveFields;
        MarketingFields = Scoring.RequiredHubSpotProperties
            .Concat(fields.Where(f => f.Direction != SyncDirection.None).Select(f => f.HubSpotProperty))
            .Concat(RoutingFields(options.Routing, FieldPath.HubSpot))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        CrmFields = Scoring.RequiredSalesforceFields
            .Concat(fields.Where(f => f.Direction != SyncDirection.None).Select(f => f.SalesforceField))
            .Concat(RoutingFields(options.Routing, FieldPath.Salesforce))
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

    public FieldMappingOptions Mappings => Options.Mappings;

    public SyncOptions Sync => Options.Sync;

    /// <summary>Marketing fields the rules (scoring, mappings, routing) name.</summary>
    public IReadOnlyCollection<string> MarketingFields { get; }

    /// <summary>CRM fields the rules (scoring, mappings, routing) name.</summary>
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

    private static IEnumerable<string> RoutingFields(RoutingOptions routing, string system) =>
        routing.Rules
            .SelectMany(r => r.Conditions)
            .Select(c => FieldPath.TryParse(c.Field, out var s, out var f) && string.Equals(s, system, StringComparison.OrdinalIgnoreCase) ? f : null)
            .OfType<string>();
}
