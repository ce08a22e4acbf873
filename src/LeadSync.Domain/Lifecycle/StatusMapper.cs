using LeadSync.Domain.Planning;

namespace LeadSync.Domain.Lifecycle;

/// <summary>
/// One canonical value set (Lead Status, lifecycle stage) between the marketing platform's and the CRM's values.
/// Reads ignore case and surrounding blanks and accept aliases; writes use the configured primary value. Unknown
/// values are never guessed: Try… returns false and the caller says why.
/// </summary>
public sealed class LifecycleMapper<TEnum>
    where TEnum : struct, Enum
{
    private readonly ValueMap<TEnum> _crm;
    private readonly ValueMap<TEnum> _marketing;
    private readonly string _section;

    private LifecycleMapper(ValueMapOptions map, string section)
    {
        _crm = new ValueMap<TEnum>(map.Salesforce, map.SalesforceAliases);
        _marketing = new ValueMap<TEnum>(map.HubSpot, map.HubSpotAliases);
        _section = section;
    }

    /// <summary>Compiles a value map; validate it with <see cref="LifecycleOptionsValidator"/> at start first.</summary>
    /// <param name="section">The map's configuration path, for messages (e.g. <c>LeadSync:Lifecycle:StatusMap</c>).</param>
    public static LifecycleMapper<TEnum> Create(ValueMapOptions? map, string section) => new(map ?? new ValueMapOptions(), section);

    public bool TryRead(SystemRole system, string? value, out TEnum canonical) =>
        Side(system).TryRead(value, out canonical);

    public bool TryFromCrm(string? value, out TEnum canonical) => _crm.TryRead(value, out canonical);

    public bool TryFromMarketing(string? value, out TEnum canonical) => _marketing.TryRead(value, out canonical);

    /// <summary>False when the map has no value for <paramref name="canonical"/> in <paramref name="system"/>.</summary>
    public bool TryWrite(SystemRole system, TEnum canonical, out string value) => Side(system).TryWrite(canonical, out value);

    /// <summary>The value to write; throws when the map has none (the validator reports that at start).</summary>
    public string Write(SystemRole system, TEnum canonical) =>
        TryWrite(system, canonical, out var value)
            ? value
            : throw new InvalidOperationException($"{typeof(TEnum).Name} {canonical} has no {(system == SystemRole.Crm ? "CRM (Salesforce)" : "marketing (HubSpot)")} value in {_section}.");

    public string ToCrm(TEnum canonical) => Write(SystemRole.Crm, canonical);

    public string ToMarketing(TEnum canonical) => Write(SystemRole.Marketing, canonical);

    private ValueMap<TEnum> Side(SystemRole system) => system == SystemRole.Crm ? _crm : _marketing;
}

/// <summary>The Lead Status map of a lifecycle configuration.</summary>
public static class StatusMapper
{
    public static LifecycleMapper<LeadStatus> Create(LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return LifecycleMapper<LeadStatus>.Create(options.StatusMap, "LeadSync:Lifecycle:StatusMap");
    }
}

/// <summary>The lifecycle stage map of a lifecycle configuration (the CRM side is optional: many orgs have no stage field).</summary>
public static class StageMapper
{
    public static LifecycleMapper<LifecycleStage> Create(LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return LifecycleMapper<LifecycleStage>.Create(options.StageMap, "LeadSync:Lifecycle:StageMap");
    }
}
