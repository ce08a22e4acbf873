namespace LeadSync.Domain.Routing;

/// <summary>Step one of routing: which team, by which rule (null when the fallback applied), and why.</summary>
public sealed record TeamSelection(string? Team, string? RuleId, string Reason);

/// <summary>The rep a lead is assigned to, with the ids to write to each system.</summary>
public sealed record RoutedRep(string Email, string SalesforceUserId, string? HubSpotOwnerId);

/// <summary>A configured rep that could not take this lead, and why (inactive, archived, out of office, at capacity…).</summary>
public sealed record SkippedRep(string Email, string Reason);

/// <summary>
/// Step two of routing. Exactly one of <see cref="Rep"/> or <see cref="QueueId"/> is set when the lead can be
/// assigned; both are null when there is no rep and no usable fallback queue (the lead stays where it is).
/// </summary>
public sealed record RoutingDecision(
    RoutedRep? Rep,
    string? QueueId,
    string? Team,
    string? RuleId,
    IReadOnlyList<SkippedRep> Skipped,
    string Reason)
{
    public bool IsAssigned => Rep is not null || QueueId is not null;
}
