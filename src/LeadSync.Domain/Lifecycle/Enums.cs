namespace LeadSync.Domain.Lifecycle;

/// <summary>Canonical Lead Status: where the lead is in the sales conversation. Each system's values map to these.</summary>
public enum LeadStatus
{
    New,
    Contacted,
    Engaged,

    /// <summary>The handoff value: sales-ready and assigned.</summary>
    Qualified,
    Converted,
    Unqualified,
    Nurturing,
}

/// <summary>
/// Canonical lifecycle stage, in HubSpot's forward order. <see cref="Other"/> is last, as in HubSpot's default option order,
/// so HubSpot treats a move from Other to any named stage as backwards.
/// </summary>
public enum LifecycleStage
{
    Subscriber,
    Lead,
    MarketingQualifiedLead,
    SalesQualifiedLead,
    Opportunity,
    Customer,
    Evangelist,
    Other,
}
