namespace LeadSync.Domain.Lifecycle;

/// <summary>
/// Lead Status values between Salesforce, HubSpot and the canonical <see cref="LeadStatus"/>. Reads ignore case and surrounding
/// blanks and accept aliases; writes use the configured primary value. Unknown values: Try… returns false, the caller audits.
/// </summary>
public sealed class StatusMapper
{
    private readonly ValueMap<LeadStatus> _salesforce;
    private readonly ValueMap<LeadStatus> _hubSpot;

    private StatusMapper(ValueMapOptions map)
    {
        _salesforce = new ValueMap<LeadStatus>(map.Salesforce, map.SalesforceAliases);
        _hubSpot = new ValueMap<LeadStatus>(map.HubSpot, map.HubSpotAliases);
    }

    /// <summary>Compiles the status map; validate with <see cref="LifecycleOptionsValidator"/> at start first.</summary>
    public static StatusMapper Create(LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StatusMapper(options.StatusMap ?? new ValueMapOptions());
    }

    public bool TryFromSalesforce(string? value, out LeadStatus status) => _salesforce.TryRead(value, out status);

    public bool TryFromHubSpot(string? value, out LeadStatus status) => _hubSpot.TryRead(value, out status);

    /// <summary>The Salesforce value to write; throws when the map has none (the validator reports that at start).</summary>
    public string ToSalesforce(LeadStatus status) =>
        _salesforce.TryWrite(status, out var value) ? value : throw Unmapped(status, "Salesforce");

    /// <summary>The HubSpot value to write; throws when the map has none (the validator reports that at start).</summary>
    public string ToHubSpot(LeadStatus status) =>
        _hubSpot.TryWrite(status, out var value) ? value : throw Unmapped(status, "HubSpot");

    private static InvalidOperationException Unmapped(LeadStatus status, string system) =>
        new($"Lead Status {status} has no {system} value in LeadSync:Lifecycle:StatusMap:{system}.");
}

/// <summary>Lifecycle stage values between HubSpot (and optionally Salesforce) and the canonical <see cref="LifecycleStage"/>.</summary>
public sealed class StageMapper
{
    private readonly ValueMap<LifecycleStage> _salesforce;
    private readonly ValueMap<LifecycleStage> _hubSpot;

    private StageMapper(ValueMapOptions map)
    {
        _salesforce = new ValueMap<LifecycleStage>(map.Salesforce, map.SalesforceAliases);
        _hubSpot = new ValueMap<LifecycleStage>(map.HubSpot, map.HubSpotAliases);
    }

    public static StageMapper Create(LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StageMapper(options.StageMap ?? new ValueMapOptions());
    }

    public bool TryFromHubSpot(string? value, out LifecycleStage stage) => _hubSpot.TryRead(value, out stage);

    public bool TryFromSalesforce(string? value, out LifecycleStage stage) => _salesforce.TryRead(value, out stage);

    public string ToHubSpot(LifecycleStage stage) =>
        _hubSpot.TryWrite(stage, out var value) ? value : throw new InvalidOperationException($"Lifecycle stage {stage} has no HubSpot value in LeadSync:Lifecycle:StageMap:HubSpot.");

    /// <summary>Salesforce has no lifecycle stage field by default, so this is a Try: false when the org maps none.</summary>
    public bool TryToSalesforce(LifecycleStage stage, out string value) => _salesforce.TryWrite(stage, out value);
}
