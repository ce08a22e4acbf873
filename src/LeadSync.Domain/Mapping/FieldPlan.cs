namespace LeadSync.Domain.Mapping;

/// <param name="HubSpot">Current HubSpot contact properties.</param>
/// <param name="Salesforce">Current Salesforce Lead fields.</param>
/// <param name="LastSeenHubSpot">What LeadSync last read from or wrote to HubSpot; null when never synced.</param>
/// <param name="LastSeenSalesforce">What LeadSync last read from or wrote to Salesforce; null when never synced.</param>
public sealed record FieldPlanInput(
    IReadOnlyDictionary<string, string?> HubSpot,
    IReadOnlyDictionary<string, string?> Salesforce,
    IReadOnlyDictionary<string, string?>? LastSeenHubSpot,
    IReadOnlyDictionary<string, string?>? LastSeenSalesforce,
    DateTimeOffset? HubSpotModifiedAt,
    DateTimeOffset? SalesforceModifiedAt);

public enum FieldSide
{
    HubSpot,
    Salesforce,
}

/// <summary>Both systems changed a mapped field since the last sync; the configured policy chose <see cref="Winner"/>.</summary>
public sealed record FieldConflict(
    string HubSpotProperty,
    string SalesforceField,
    string? HubSpotValue,
    string? SalesforceValue,
    FieldSide Winner,
    string Reason);

/// <summary>A field that was skipped (never guessed), e.g. a value no value-map entry covers.</summary>
public sealed record MappingProblem(string HubSpotProperty, string SalesforceField, string Problem);

/// <summary>
/// What to write to each system (a null value clears the field), the conflicts resolved and the fields skipped.
/// Only values that differ from the target's current value are included.
/// </summary>
public sealed record FieldPlan(
    IReadOnlyDictionary<string, string?> HubSpotChanges,
    IReadOnlyDictionary<string, string?> SalesforceChanges,
    IReadOnlyList<FieldConflict> Conflicts,
    IReadOnlyList<MappingProblem> Problems)
{
    public bool HasWrites => HubSpotChanges.Count > 0 || SalesforceChanges.Count > 0;
}
