using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Segmentation;

/// <summary>One dimension's value for one person, the rule that set it (null: the default) and why, in words.</summary>
public sealed record SegmentValue(string Dimension, string Value, string? RuleId, string Reason);

/// <summary>A segment value as one system spells it, in the field the admin named for that system.</summary>
public sealed record SegmentFieldValue(string Dimension, string Field, string Value);

/// <summary>
/// Assigns each person one value per configured dimension (first matching rule, else the default) and translates the
/// values to each system's field and spelling. Pure: the same attributes give the same values.
/// </summary>
public sealed class Segmenter
{
    private readonly SegmentOptions _options;
    private readonly string _marketingPlatform;

    /// <param name="marketingPlatform">The connection's marketing platform (<see cref="SegmentSystems.MarketingPlatforms"/>): whose field names are written.</param>
    public Segmenter(SegmentOptions options, string marketingPlatform = SegmentSystems.HubSpot)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _marketingPlatform = marketingPlatform;
    }

    public bool IsEmpty => _options.Dimensions.Count == 0;

    /// <summary>Marketing fields the segment rules read and write (read so an unchanged value is not written again).</summary>
    public IEnumerable<string> MarketingFields =>
        _options.Dimensions.SelectMany(d => RuleConditions.FieldsOf(d.Rules.SelectMany(r => r.Conditions), FieldPath.HubSpot))
            .Concat(_options.Dimensions.Select(d => FieldIn(d, _marketingPlatform)).OfType<string>());

    /// <summary>CRM fields the segment rules read and write.</summary>
    public IEnumerable<string> CrmFields =>
        _options.Dimensions.SelectMany(d => RuleConditions.FieldsOf(d.Rules.SelectMany(r => r.Conditions), FieldPath.Salesforce))
            .Concat(_options.Dimensions.Select(d => FieldIn(d, SegmentSystems.Salesforce)).OfType<string>());

    /// <summary>One value per dimension, in the configured order of the dimensions.</summary>
    public IReadOnlyList<SegmentValue> Assign(LeadAttributes lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var values = new List<SegmentValue>(_options.Dimensions.Count);
        foreach (var dimension in _options.Dimensions)
        {
            values.Add(Assign(dimension, lead));
        }

        return values;
    }

    /// <summary>The values as the marketing platform spells them, in the fields named for it.</summary>
    public IReadOnlyList<SegmentFieldValue> ForMarketing(IReadOnlyList<SegmentValue> values) => ForSystem(values, _marketingPlatform);

    /// <summary>The values as the CRM spells them, in the fields named for it.</summary>
    public IReadOnlyList<SegmentFieldValue> ForCrm(IReadOnlyList<SegmentValue> values) => ForSystem(values, SegmentSystems.Salesforce);

    private static SegmentValue Assign(SegmentDimension dimension, LeadAttributes lead)
    {
        foreach (var rule in dimension.Rules)
        {
            if (RuleConditions.MatchesAll(rule.Conditions, lead))
            {
                return new SegmentValue(
                    dimension.Name, rule.Value.Trim(), rule.Id,
                    $"segment {dimension.Name} = {rule.Value.Trim()}: rule '{rule.Id}' matched because {RuleConditions.DescribeAll(rule.Conditions, lead)}");
            }
        }

        return new SegmentValue(dimension.Name, dimension.Default.Trim(), null, $"segment {dimension.Name} = {dimension.Default.Trim()}: no rule matched (default)");
    }

    private IReadOnlyList<SegmentFieldValue> ForSystem(IReadOnlyList<SegmentValue> values, string system)
    {
        var written = new List<SegmentFieldValue>();
        foreach (var value in values)
        {
            var dimension = _options.Dimensions.FirstOrDefault(d => string.Equals(d.Name, value.Dimension, StringComparison.OrdinalIgnoreCase));
            if (dimension is null || FieldIn(dimension, system) is not { } field)
            {
                continue;
            }

            var map = Find(dimension.ValueMaps, system);
            var spelled = map is not null && Find(map, value.Value) is { } mapped && !string.IsNullOrWhiteSpace(mapped)
                ? mapped.Trim()
                : value.Value;
            written.Add(new SegmentFieldValue(dimension.Name, field, spelled));
        }

        return written;
    }

    private static string? FieldIn(SegmentDimension dimension, string system) =>
        Find(dimension.Fields, system) is { } field && !string.IsNullOrWhiteSpace(field) ? field.Trim() : null;

    /// <summary>Ignoring case whatever comparer the configuration binder gave the dictionary.</summary>
    internal static TValue? Find<TValue>(Dictionary<string, TValue> map, string key)
        where TValue : class
    {
        if (map.TryGetValue(key, out var exact))
        {
            return exact;
        }

        foreach (var (k, v) in map)
        {
            if (string.Equals(k.Trim(), key.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }
}
