namespace LeadSync.Domain.Planning;

/// <summary>Where a deal stands: still being worked, closed and won, or closed and lost.</summary>
public enum DealState
{
    Open,
    Won,
    Lost,
}

/// <summary>
/// The deal (Salesforce opportunity) a converted lead became, in the engine's terms: what the planner needs to move the
/// marketing lifecycle stage on to opportunity and customer, and what the history keeps for revenue by source.
/// </summary>
/// <param name="LeadId">The converted CRM lead this deal came from.</param>
/// <param name="Stage">The CRM's own stage name (for people: "Negotiation/Review"); <see cref="State"/> is what decides.</param>
/// <param name="CloseDate">Expected while open, actual once closed.</param>
/// <param name="ModifiedAt">When the deal last changed in the CRM (its change-stream position).</param>
public sealed record CrmOpportunity(
    string Id,
    string LeadId,
    string? Stage,
    bool IsClosed,
    bool IsWon,
    decimal? Amount,
    DateOnly? CloseDate,
    DateTimeOffset ModifiedAt)
{
    public DealState State => IsWon ? DealState.Won : IsClosed ? DealState.Lost : DealState.Open;

    /// <summary>How the deal is remembered between cycles (<see cref="SeenKeys.Deal"/>): its id and state, so each outcome is recorded once.</summary>
    public string SeenValue => $"{Id}|{State}";
}
