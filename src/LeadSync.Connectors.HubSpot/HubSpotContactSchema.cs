namespace LeadSync.Connectors.HubSpot;

/// <summary>
/// The connection-specific HubSpot contact properties behind LeadSync's typed values, where HubSpot has no standard
/// property for them. The host builds it from the connection's mappings
/// (<c>LeadSync:Mappings:CrossReference:HubSpotProperty</c>); the standard ones (email, hs_lead_status, lifecyclestage,
/// hubspot_owner_id, …) are fixed in the connector.
/// </summary>
/// <param name="CrmIdProperty">Holds the linked CRM lead's id (the cross-reference).</param>
/// <param name="ScoreProperty">Where the unified score is written; null = not written to HubSpot.</param>
/// <param name="GradeProperty">Where the fit grade is written; null = not written to HubSpot.</param>
public sealed record HubSpotContactSchema(
    string CrmIdProperty = HubSpotContactSchema.DefaultCrmIdProperty,
    string? ScoreProperty = null,
    string? GradeProperty = null)
{
    public const string DefaultCrmIdProperty = "salesforceleadid";

    public static HubSpotContactSchema Default { get; } = new();

    /// <summary>Throws when a property name is blank or one property would hold two typed values.</summary>
    internal void EnsureValid()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(CrmIdProperty, nameof(CrmIdProperty));
        if (ScoreProperty is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(ScoreProperty, nameof(ScoreProperty));
        }

        if (GradeProperty is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(GradeProperty, nameof(GradeProperty));
        }

        var taken = new List<string>(HubSpotMarketingSystem.StandardProperties.Concat(HubSpotMarketingSystem.ReservedProperties));
        if (taken.Contains(CrmIdProperty, StringComparer.Ordinal))
        {
            throw new ArgumentException($"HubSpot property '{CrmIdProperty}' already holds another value LeadSync reads; the cross-reference needs a property of its own.", nameof(CrmIdProperty));
        }

        taken.Add(CrmIdProperty);
        foreach (var (name, role) in new[] { (ScoreProperty, nameof(ScoreProperty)), (GradeProperty, nameof(GradeProperty)) })
        {
            if (name is null)
            {
                continue;
            }

            if (taken.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"HubSpot property '{name}' already holds another value LeadSync reads or writes; {role} needs a property of its own.", role);
            }

            taken.Add(name);
        }
    }
}
