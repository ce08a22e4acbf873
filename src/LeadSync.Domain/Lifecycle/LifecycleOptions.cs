using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Lifecycle;

/// <summary>
/// Configuration section <c>LeadSync:Lifecycle</c>. Bind onto a new instance (lists append when bound onto defaults).
/// </summary>
public sealed class LifecycleOptions
{
    public const string SectionName = "LeadSync:Lifecycle";

    /// <summary>Canonical Lead Status name → each system's value; aliases map extra system values (read only) → canonical name.</summary>
    public ValueMapOptions StatusMap { get; set; } = new();

    /// <summary>Canonical lifecycle stage name → each system's value (HubSpot's <c>lifecyclestage</c>; Salesforce optional).</summary>
    public ValueMapOptions StageMap { get; set; } = new();

    /// <summary>Evaluated in order; the first rule whose conditions all hold gives the target stage.</summary>
    public List<StageRule> StageRules { get; set; } = [];

    /// <summary>
    /// HubSpot's lifecycle stage only moves forward. When true, a backward target is allowed and the decision says a
    /// reset is required: clear the property, then set it, in two separate requests (one batch is not order-guaranteed).
    /// </summary>
    public bool AllowBackwardWithReset { get; set; }

    /// <summary>Defaults matching docs/sandbox-vocabulary.md, with the MQL rule at the domain's threshold (71).</summary>
    public static LifecycleOptions CreateDefault() => CreateDefault(ScoringOptionsValidator.DefaultSalesReadyThreshold);

    /// <summary>Defaults matching docs/sandbox-vocabulary.md, with the MQL rule at <paramref name="salesReadyThreshold"/>.</summary>
    public static LifecycleOptions CreateDefault(int salesReadyThreshold) => new()
    {
        StatusMap = new()
        {
            Salesforce = Map(
                (nameof(LeadStatus.New), "Open - Not Contacted"),
                (nameof(LeadStatus.Contacted), "Working - Contacted"),
                (nameof(LeadStatus.Engaged), "Working - Engaged"),
                (nameof(LeadStatus.Qualified), "Marketing Qualified"),
                (nameof(LeadStatus.Converted), "Closed - Converted"),
                (nameof(LeadStatus.Unqualified), "Closed - Not Converted"),
                (nameof(LeadStatus.Nurturing), "Nurturing")),
            HubSpot = Map(
                (nameof(LeadStatus.New), "NEW"),
                (nameof(LeadStatus.Contacted), "ATTEMPTED_TO_CONTACT"),
                (nameof(LeadStatus.Engaged), "CONNECTED"),
                (nameof(LeadStatus.Qualified), "IN_PROGRESS"),
                (nameof(LeadStatus.Converted), "OPEN_DEAL"),
                (nameof(LeadStatus.Unqualified), "UNQUALIFIED"),
                (nameof(LeadStatus.Nurturing), "BAD_TIMING")),
            HubSpotAliases = Map(("OPEN", nameof(LeadStatus.New))),
        },
        StageMap = new()
        {
            HubSpot = Map(
                (nameof(LifecycleStage.Subscriber), "subscriber"),
                (nameof(LifecycleStage.Lead), "lead"),
                (nameof(LifecycleStage.MarketingQualifiedLead), "marketingqualifiedlead"),
                (nameof(LifecycleStage.SalesQualifiedLead), "salesqualifiedlead"),
                (nameof(LifecycleStage.Opportunity), "opportunity"),
                (nameof(LifecycleStage.Customer), "customer"),
                (nameof(LifecycleStage.Evangelist), "evangelist"),
                (nameof(LifecycleStage.Other), "other")),
        },
        StageRules =
        [
            new() { Id = "converted-opportunity", Statuses = [LeadStatus.Converted], Stage = LifecycleStage.Opportunity },
            new() { Id = "sales-working-sql", OwnedBySales = true, Statuses = [LeadStatus.Contacted, LeadStatus.Engaged, LeadStatus.Qualified], Stage = LifecycleStage.SalesQualifiedLead },
            new() { Id = "sales-ready-mql", MinScore = salesReadyThreshold, MinGrade = FitGrade.C, Stage = LifecycleStage.MarketingQualifiedLead },
        ],
    };

    /// <summary>
    /// These options with each value map laid over the <paramref name="defaults"/>' key by key: an admin who renames one
    /// Salesforce status keeps every other default value. A map with <see cref="ValueMapOptions.Replace"/> is taken as
    /// written. Everything else (stage rules, which are a list, and the flags) is these options' own.
    /// </summary>
    public LifecycleOptions WithDefaultMaps(LifecycleOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new LifecycleOptions
        {
            StatusMap = (StatusMap ?? new()).Over(defaults.StatusMap ?? new()),
            StageMap = (StageMap ?? new()).Over(defaults.StageMap ?? new()),
            StageRules = StageRules,
            AllowBackwardWithReset = AllowBackwardWithReset,
        };
    }

    private static Dictionary<string, string> Map(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A canonical ↔ system value map for one field (Lead Status or lifecycle stage).</summary>
public sealed class ValueMapOptions
{
    /// <summary>Canonical name → Salesforce value (read and written).</summary>
    public Dictionary<string, string> Salesforce { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Canonical name → HubSpot value (read and written).</summary>
    public Dictionary<string, string> HubSpot { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra Salesforce value → canonical name, read only (never written).</summary>
    public Dictionary<string, string> SalesforceAliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra HubSpot value → canonical name, read only (never written), e.g. OPEN → New.</summary>
    public Dictionary<string, string> HubSpotAliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// False (the default): the entries given here are laid over the built-in map key by key. True: this map is exactly
    /// what is written here, all four of its dictionaries (one not written is empty).
    /// </summary>
    public bool Replace { get; set; }

    /// <summary>This map over <paramref name="defaults"/> key by key, or this map alone when <see cref="Replace"/> is set.</summary>
    public ValueMapOptions Over(ValueMapOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (Replace)
        {
            return new ValueMapOptions
            {
                Salesforce = Copy(Salesforce),
                HubSpot = Copy(HubSpot),
                SalesforceAliases = Copy(SalesforceAliases),
                HubSpotAliases = Copy(HubSpotAliases),
                Replace = true,
            };
        }

        return new ValueMapOptions
        {
            Salesforce = Layer(defaults.Salesforce, Salesforce),
            HubSpot = Layer(defaults.HubSpot, HubSpot),
            SalesforceAliases = Layer(defaults.SalesforceAliases, SalesforceAliases),
            HubSpotAliases = Layer(defaults.HubSpotAliases, HubSpotAliases),
        };
    }

    private static Dictionary<string, string> Copy(Dictionary<string, string>? map) =>
        Layer(null, map);

    private static Dictionary<string, string> Layer(Dictionary<string, string>? under, Dictionary<string, string>? over)
    {
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in under ?? [])
        {
            merged[key] = value;
        }

        foreach (var (key, value) in over ?? [])
        {
            // The admin's spelling of the key wins with the value, so what is printed is what they wrote.
            merged.Remove(key);
            merged[key] = value;
        }

        return merged;
    }
}

/// <summary>One stage rule: all given conditions must hold (an omitted condition always holds).</summary>
public sealed class StageRule
{
    public string Id { get; set; } = string.Empty;

    /// <summary>Unified score at or above this.</summary>
    public int? MinScore { get; set; }

    /// <summary>Fit grade this good or better (C means A, B or C).</summary>
    public FitGrade? MinGrade { get; set; }

    /// <summary>Current canonical status is one of these (empty: any status).</summary>
    public List<LeadStatus> Statuses { get; set; } = [];

    /// <summary>True: only leads owned by a sales rep; false: only leads still with marketing.</summary>
    public bool? OwnedBySales { get; set; }

    public LifecycleStage Stage { get; set; }
}
