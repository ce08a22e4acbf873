using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using LeadSync.Connectors.HubSpot;
using LeadSync.Connectors.Marketo;
using LeadSync.Connectors.Pardot;
using LeadSync.Connectors.Salesforce;
using LeadSync.Domain.Configuration;
using LeadSync.State;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>
/// Checks the <c>LeadSync</c> section against the options classes before binding, so every unknown key (a typo such as
/// <c>Handof</c> or <c>Thresold</c>) and every value that cannot be read (<c>"lots"</c> for a count, <c>"someday"</c>
/// for a date) is one problem with its JSON path, all listed at once. The binder alone stops at the first, and inside
/// lists it does not even say where.
/// </summary>
public static class ConfigurationShape
{
    /// <summary>What a connection (the top level, or an entry of <c>Connections</c>) may configure.</summary>
    private static readonly Dictionary<string, Type> ConnectionSections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HubSpot"] = typeof(HubSpotOptions),
        ["Marketo"] = typeof(MarketoOptions),
        ["Pardot"] = typeof(PardotOptions),
        ["Salesforce"] = typeof(SalesforceOptions),
        ["Scoring"] = typeof(Domain.Scoring.ScoringOptions),
        ["Lifecycle"] = typeof(Domain.Lifecycle.LifecycleOptions),
        ["Mappings"] = typeof(Domain.Mapping.FieldMappingOptions),
        ["Handoff"] = typeof(Domain.Handoff.HandoffOptions),
        ["Routing"] = typeof(Domain.Routing.RoutingOptions),
        ["Sync"] = typeof(Domain.Planning.SyncOptions),
        ["Segments"] = typeof(Domain.Segmentation.SegmentOptions),
        ["Nurture"] = typeof(Domain.Nurture.NurtureOptions),
    };

    private static readonly Dictionary<string, Type> HostSections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["State"] = typeof(StateOptions),
        ["Schedule"] = typeof(ScheduleOptions),
        ["Health"] = typeof(HealthOptions),
        ["Telemetry"] = typeof(TelemetryOptions),
        ["Logging"] = typeof(LoggingOptions),
    };

    /// <summary>The sections allowed directly under <c>LeadSync</c>.</summary>
    public static IReadOnlyCollection<string> TopLevelSections { get; } =
        [.. ConnectionSections.Keys.Concat(HostSections.Keys).Append("Connections").Append(MarketingPlatforms.SettingName).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<ConfigProblem> Check(IConfiguration configuration) => Inspect(configuration).Problems;

    /// <summary>
    /// The configuration without the keys that have a problem (each key and everything under it), so the rest can still
    /// be bound and validated, and its problems listed with these.
    /// </summary>
    public static IConfigurationRoot WithoutOffendingKeys(IConfiguration configuration, IReadOnlyCollection<string> offendingKeys) =>
        new ConfigurationBuilder().AddInMemoryCollection(configuration.AsEnumerable()
            .Where(kv => kv.Value is not null && !offendingKeys.Any(bad =>
                string.Equals(kv.Key, bad, StringComparison.OrdinalIgnoreCase)
                || kv.Key.StartsWith(bad + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase))))
            .Build();

    /// <summary>Every problem, and the configuration keys they are at.</summary>
    public static (IReadOnlyList<ConfigProblem> Problems, IReadOnlyCollection<string> OffendingKeys) Inspect(IConfiguration configuration)
    {
        var problems = new Problems();
        foreach (var section in configuration.GetSection("LeadSync").GetChildren())
        {
            var path = "LeadSync:" + section.Key;
            if (string.Equals(section.Key, "Connections", StringComparison.OrdinalIgnoreCase))
            {
                if (section.Value is { Length: > 0 } text && !section.GetChildren().Any())
                {
                    problems.Add(section.Path, new ConfigProblem(path, $"'{Shorten(text)}' is a single value, a list is expected here", "a JSON list of connections"));
                }

                foreach (var entry in section.GetChildren())
                {
                    if (!IsPosition(entry.Key))
                    {
                        // An object keyed by name would otherwise become one connection per key, bound by accident.
                        problems.Add(entry.Path, new ConfigProblem($"{path}:{entry.Key}", $"'{entry.Key}' is not a list position", "a JSON list of connections"));
                        continue;
                    }

                    CheckConnectionEntry(entry, $"{path}[{entry.Key}]", problems);
                }
            }
            else if (string.Equals(section.Key, MarketingPlatforms.SettingName, StringComparison.OrdinalIgnoreCase))
            {
                CheckPlatform(section, path, problems);
            }
            else if (ConnectionSections.TryGetValue(section.Key, out var type) || HostSections.TryGetValue(section.Key, out type))
            {
                CheckValue(section, type, path, problems);
            }
            else
            {
                problems.Add(section.Path, new ConfigProblem(path, $"unknown section '{section.Key}'", string.Join(", ", TopLevelSections)));
            }
        }

        return (problems.List, problems.Keys);
    }

    private static void CheckConnectionEntry(IConfigurationSection entry, string path, Problems problems)
    {
        foreach (var section in entry.GetChildren())
        {
            if (string.Equals(section.Key, "Name", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(section.Key, MarketingPlatforms.SettingName, StringComparison.OrdinalIgnoreCase))
            {
                CheckPlatform(section, $"{path}:{section.Key}", problems);
            }
            else if (ConnectionSections.TryGetValue(section.Key, out var type))
            {
                CheckValue(section, type, $"{path}:{section.Key}", problems);
            }
            else
            {
                problems.Add(section.Path, new ConfigProblem(
                    $"{path}:{section.Key}",
                    $"unknown section '{section.Key}' in a connection",
                    string.Join(", ", ConnectionSections.Keys.Prepend("Name").Prepend(MarketingPlatforms.SettingName).Order(StringComparer.Ordinal))));
            }
        }
    }

    private static void CheckPlatform(IConfigurationSection section, string path, Problems problems)
    {
        if (section.GetChildren().Any() || !MarketingPlatforms.TryParse(section.Value, out _))
        {
            problems.Add(section.Path, new ConfigProblem(path, $"'{section.Value}' is not a marketing platform", MarketingPlatforms.Allowed));
        }
    }

    private static void CheckValue(IConfigurationSection section, Type declared, string path, Problems problems)
    {
        var nullable = Nullable.GetUnderlyingType(declared) is not null;
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        var children = section.GetChildren().ToList();
        if (IsLeaf(type))
        {
            if (children.Count > 0)
            {
                problems.Add(section.Path, new ConfigProblem(path, "a single value is expected here, not a section or list", Describe(type)));
            }
            else if (section.Value is { } text && !CanRead(text, type, nullable))
            {
                problems.Add(section.Path, new ConfigProblem(path, $"'{Shorten(text)}' cannot be read", Describe(type)));
            }

            return;
        }

        if (children.Count == 0)
        {
            // A text where a section or list belongs ("Teams": "North America") would be dropped by the binder in silence.
            if (section.Value is { Length: > 0 } text)
            {
                var list = DictionaryValueType(type) is null && ElementType(type) is not null;
                problems.Add(section.Path, new ConfigProblem(
                    path,
                    $"'{Shorten(text)}' is a single value, {(list ? "a list" : "a section")} is expected here",
                    list ? "a JSON list" : DescribeSection(type)));
            }

            // An empty section or a JSON null: the binder leaves the default.
            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in children)
            {
                CheckValue(child, valueType, $"{path}:{child.Key}", problems);
            }

            return;
        }

        if (ElementType(type) is { } elementType)
        {
            foreach (var child in children)
            {
                if (!IsPosition(child.Key))
                {
                    problems.Add(child.Path, new ConfigProblem($"{path}:{child.Key}", $"'{child.Key}' is not a list position", "a JSON list"));
                    continue;
                }

                CheckValue(child, elementType, $"{path}[{child.Key}]", problems);
            }

            return;
        }

        var properties = Settable(type);
        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                CheckValue(child, property.PropertyType, $"{path}:{property.Name}", problems);
            }
            else
            {
                problems.Add(child.Path, new ConfigProblem(
                    $"{path}:{child.Key}", $"unknown setting '{child.Key}'", string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))));
            }
        }
    }

    private static Dictionary<string, PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || ElementType(p.PropertyType) is not null || DictionaryValueType(p.PropertyType) is not null))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static string DescribeSection(Type type) =>
        DictionaryValueType(type) is not null
            ? "a JSON object of names and values"
            : "a JSON object with " + string.Join(", ", Settable(type).Keys.Order(StringComparer.Ordinal));

    private static bool IsPosition(string key) => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateOnly)
        || type == typeof(TimeOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)
        || type == typeof(Guid) || type == typeof(Uri);

    /// <summary>What the binder does with a text value: the type's invariant converter; empty means null for a nullable.</summary>
    private static bool CanRead(string text, Type type, bool nullable)
    {
        if (type == typeof(string) || (nullable && text.Length == 0))
        {
            return true;
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!);
        }

        try
        {
            return TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text) is not null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException || ex.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(DateOnly) => "a date such as 2026-12-24",
        _ when type == typeof(TimeOnly) => "a time of day such as 09:00",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time such as 2026-12-24T09:00:00Z",
        _ when type == typeof(TimeSpan) => "a duration such as 00:30:00",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => "a " + type.Name,
    };

    private static Type? DictionaryValueType(Type type) =>
        FindGeneric(type, typeof(IDictionary<,>), 1) ?? FindGeneric(type, typeof(IReadOnlyDictionary<,>), 1);

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || DictionaryValueType(type) is not null)
        {
            return null;
        }

        return type.IsArray ? type.GetElementType() : FindGeneric(type, typeof(IEnumerable<>), 0);
    }

    private static Type? FindGeneric(Type type, Type definition, int argument)
    {
        var match = type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
        return match?.GetGenericArguments()[argument];
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private sealed class Problems
    {
        public List<ConfigProblem> List { get; } = [];

        public List<string> Keys { get; } = [];

        public void Add(string key, ConfigProblem problem)
        {
            Keys.Add(key);
            List.Add(problem);
        }
    }
}
