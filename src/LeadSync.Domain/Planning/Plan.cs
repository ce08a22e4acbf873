using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;
using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Planning;

/// <summary>
/// One person as gathered for a batch: both sides' records (either may be missing), what LeadSync remembers, the
/// ledger entries of their handoffs, and — when matching already found a reason not to decide — why not.
/// </summary>
public sealed record PersonSnapshot(
    string LeadKey,
    MarketingPerson? Marketing,
    CrmPerson? Crm,
    LeadRecord? Record,
    IReadOnlyList<AssignmentEntry> Ledger,
    Blocked? Blocked = null);

/// <summary>A person who cannot be decided (ambiguous match, unmapped value, no rep): quarantined with the reason.</summary>
public sealed record Blocked(SystemRole System, string RecordId, string Reason);

/// <summary>Who can own leads: the rep directory, the integration user and the marketing queue.</summary>
public sealed record OwnerDirectory(RepDirectory Directory, string? IntegrationUserId, string? MarketingQueueId)
{
    /// <summary>Builds the directory from what the connectors listed, resolving the configured integration user and queue.</summary>
    public static OwnerDirectory Create(
        IEnumerable<CrmUser> users, IEnumerable<CrmQueue> queues, IEnumerable<MarketingOwner> owners, string? integrationUserId, string? integrationUserEmail, string? marketingQueueDeveloperName)
    {
        var directory = new RepDirectory(
            users.Select(u => new SalesforceUserInfo(u.Id, u.Email, u.IsActive)),
            owners.Select(o => new HubSpotOwnerInfo(o.Id, o.Email, o.Archived)),
            queues.Select(q => new QueueInfo(q.Id, q.DeveloperName)));
        return new OwnerDirectory(
            directory,
            integrationUserId ?? directory.FindUser(integrationUserEmail)?.Id,
            directory.FindQueue(marketingQueueDeveloperName)?.Id);
    }
}

/// <summary>
/// Everything one batch is decided from. <see cref="Owners"/> may be null when nobody in the batch is at the threshold
/// or in sales (the reference data is then not read at all).
/// </summary>
public sealed record BatchSnapshot(
    IReadOnlyList<PersonSnapshot> People,
    OwnerDirectory? Owners,
    RoutingState Routing,
    DateTimeOffset Now);

/// <summary>The handoff half of a plan: who gets the lead, why, and the note for the rep.</summary>
/// <param name="Entry">The ledger entry to begin before any write (or the one a previous attempt began).</param>
/// <param name="Resumed">A previous attempt of this crossing already chose the rep: no new routing position was used.</param>
public sealed record HandoffPlan(
    int Crossing,
    string OwnerId,
    string? MarketingOwnerId,
    string Team,
    string Reason,
    string? RepEmail,
    AssignmentNote Note,
    DateTimeOffset? SlaDueAt,
    AssignmentEntry Entry,
    bool Resumed);

/// <summary>
/// Everything decided for one person in one batch, before anything is written: typed writes per system, the handoff,
/// the state to remember when every write goes through, and the reasons. Immutable; executing it changes nothing in it.
/// </summary>
public sealed record PersonPlan
{
    public required PersonSnapshot Snapshot { get; init; }

    public string LeadKey => Snapshot.LeadKey;

    public int Score { get; init; }

    public string Grade { get; init; } = "D";

    public LeadScore ScoreDetail { get; init; }

    /// <summary>Set when the person is not decided: quarantined with this reason, nothing written.</summary>
    public Blocked? Blocked { get; init; }

    public MarketingUpdate? MarketingWrite { get; init; }

    public CrmUpdate? CrmWrite { get; init; }

    public CrmLeadCreate? CrmCreate { get; init; }

    public HandoffPlan? Handoff { get; init; }

    /// <summary>Ledger entries this plan closes (a release back to marketing).</summary>
    public IReadOnlyList<AssignmentEntry> Closes { get; init; } = [];

    public bool Released { get; init; }

    public bool Untouchable { get; init; }

    public bool InSalesAfter { get; init; }

    /// <summary>The person's "no" LeadSync remembers after this plan (null: none, or it re-qualified and went to sales).</summary>
    public Disqualification? DisqualifiedAfter { get; init; }

    public int CrossingsAfter { get; init; }

    public DateTimeOffset? FirstSeenAboveThresholdAt { get; init; }

    public string? StatusBefore { get; init; }

    public string? StatusAfter { get; init; }

    public string? StageBefore { get; init; }

    public string? StageAfter { get; init; }

    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The person's value in each configured segment dimension and the rule that set it (empty when blocked).</summary>
    public IReadOnlyList<SegmentValue> Segments { get; init; } = [];

    /// <summary>Segment fields this plan writes (changed values only), on both systems together.</summary>
    public int SegmentWrites { get; init; }

    public bool HasWrites => MarketingWrite is not null || CrmWrite is not null || CrmCreate is not null || Handoff is not null;

    /// <summary>What the audit calls this plan.</summary>
    public string Action => Handoff is not null ? "handoff" : Released ? "release" : "sync";
}

/// <summary>The plans of one batch and how far each team's round-robin position moves when they are settled.</summary>
public sealed record BatchPlan(IReadOnlyList<PersonPlan> People, IReadOnlyDictionary<string, long> RoutingAdvances, RoutingState RoutingAfter)
{
    public int Handoffs => People.Count(p => p.Handoff is not null);
}
