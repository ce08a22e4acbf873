namespace LeadSync.Domain.Planning;

/// <summary>One value a system would end with that differs between the current and the proposed rules.</summary>
/// <param name="System">The system's name (<c>HubSpot</c>, <c>Salesforce</c>, …).</param>
/// <param name="What"><c>status</c>, <c>stage</c>, <c>owner</c>, <c>quarantine</c> or <c>field NAME</c>.</param>
public sealed record ValueChange(string System, string What, string? Current, string? Proposed);

/// <summary>Who would receive a lead: the team and the rep (email when the routing names one, otherwise the owner id).</summary>
public sealed record Receiver(string Team, string Rep);

/// <summary>One person under the current and the proposed rules.</summary>
public sealed record PersonComparison(
    string LeadKey,
    string? Email,
    int CurrentScore,
    int ProposedScore,
    bool SalesReadyNow,
    bool SalesReadyProposed,
    Receiver? CurrentReceiver,
    Receiver? ProposedReceiver,
    IReadOnlyList<ValueChange> Changes)
{
    public int ScoreChange => ProposedScore - CurrentScore;

    public bool ReceiverChanges => CurrentReceiver != ProposedReceiver;

    public bool Differs => ScoreChange != 0 || SalesReadyNow != SalesReadyProposed || ReceiverChanges || Changes.Count > 0;
}

/// <summary>
/// What the planner would decide for one person under the current rules and under the proposed ones, compared value by
/// value: the status, stage, owner and mapped fields each system would end with (a planned write, or what it holds
/// now), whether the person would be quarantined, the score against each side's threshold, and who would receive them.
/// Pure: both plans come from <see cref="LeadPlanner"/> over the same snapshot.
/// </summary>
public static class PlanComparison
{
    public static PersonComparison Compare(
        PersonPlan current, int currentThreshold, PersonPlan proposed, int proposedThreshold, string marketingSystem, string crmSystem)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        var snapshot = current.Snapshot;
        var changes = new List<ValueChange>();
        void Compare(string system, string what, string? now, string? then)
        {
            if (!string.Equals(now, then, StringComparison.Ordinal))
            {
                changes.Add(new ValueChange(system, what, now, then));
            }
        }

        Compare(crmSystem, "status", CrmStatus(current), CrmStatus(proposed));
        Compare(marketingSystem, "status", current.MarketingWrite?.LeadStatus ?? snapshot.Marketing?.LeadStatus, proposed.MarketingWrite?.LeadStatus ?? snapshot.Marketing?.LeadStatus);
        Compare(marketingSystem, "stage", current.MarketingWrite?.Stage?.Value ?? snapshot.Marketing?.LifecycleStage, proposed.MarketingWrite?.Stage?.Value ?? snapshot.Marketing?.LifecycleStage);
        Compare(crmSystem, "owner", CrmOwner(current), CrmOwner(proposed));
        Compare(marketingSystem, "quarantine", Quarantine(current), Quarantine(proposed));
        CompareFields(crmSystem, CrmFields(current), CrmFields(proposed), changes);
        CompareFields(marketingSystem, current.MarketingWrite?.Fields, proposed.MarketingWrite?.Fields, changes);

        return new PersonComparison(
            current.LeadKey,
            snapshot.Crm?.Email ?? snapshot.Marketing?.Email,
            current.Score,
            proposed.Score,
            current.Score >= currentThreshold,
            proposed.Score >= proposedThreshold,
            ReceiverOf(current),
            ReceiverOf(proposed),
            changes);
    }

    /// <summary>The mapped fields a plan writes to the CRM (an update's, or a created lead's).</summary>
    public static IReadOnlyDictionary<string, string?>? CrmFields(PersonPlan plan) => plan.CrmWrite?.Fields ?? plan.CrmCreate?.Fields;

    private static string? CrmStatus(PersonPlan plan) => plan.CrmWrite?.Status ?? plan.CrmCreate?.Status ?? plan.Snapshot.Crm?.Status;

    private static string? CrmOwner(PersonPlan plan) =>
        plan.Handoff?.OwnerId ?? plan.CrmWrite?.Owner?.OwnerId ?? plan.CrmCreate?.OwnerId ?? plan.Snapshot.Crm?.OwnerId;

    private static string? Quarantine(PersonPlan plan) => plan.Blocked is { } blocked ? $"{blocked.System} {blocked.RecordId}: {blocked.Reason}" : null;

    private static Receiver? ReceiverOf(PersonPlan plan) =>
        plan.Handoff is { } handoff ? new Receiver(handoff.Team, handoff.RepEmail ?? handoff.OwnerId) : null;

    /// <summary>Fields written under either rule set: a field only one of them writes differs (null on the other side).</summary>
    private static void CompareFields(string system, IReadOnlyDictionary<string, string?>? current, IReadOnlyDictionary<string, string?>? proposed, List<ValueChange> changes)
    {
        current ??= new Dictionary<string, string?>();
        proposed ??= new Dictionary<string, string?>();
        foreach (var field in current.Keys.Union(proposed.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
        {
            var hasNow = current.TryGetValue(field, out var now);
            var hasThen = proposed.TryGetValue(field, out var then);
            if (hasNow != hasThen || !string.Equals(now, then, StringComparison.Ordinal))
            {
                changes.Add(new ValueChange(system, $"field {field}", hasNow ? now ?? "(cleared)" : null, hasThen ? then ?? "(cleared)" : null));
            }
        }
    }
}
