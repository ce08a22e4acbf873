using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>
/// The effective <c>LeadSync</c> configuration (every layer applied) as JSON, for <c>validate-config --print</c>, with
/// every secret masked: tokens, client secrets, passwords, private keys, and the password inside a connection string.
/// </summary>
public static partial class ConfigurationPrinter
{
    public const string Mask = "********";

    public static string ToJson(IConfiguration configuration) => ToJson(configuration, null);

    /// <summary>
    /// The same, with each connection's lifecycle value maps shown as bound from <paramref name="settings"/>: the
    /// built-in maps with the admin's entries laid over them (or the admin's alone with <c>Replace</c>), not only the
    /// entries the files hold.
    /// </summary>
    public static string ToJson(IConfiguration configuration, LeadSyncSettings? settings)
    {
        var root = new Node();
        foreach (var (key, value) in Effective(configuration, settings))
        {
            if (!key.StartsWith("LeadSync:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var node = root;
            foreach (var segment in key.Split(ConfigurationPath.KeyDelimiter))
            {
                node = node.Child(segment);
            }

            node.Value = MaskIfSecret(key, value);
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, root);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Every key with a value, unmasked, with the lifecycle value maps as bound from <paramref name="settings"/> (merged
    /// over the defaults) in place of the keys the files hold for them.
    /// </summary>
    public static Dictionary<string, string> Effective(IConfiguration configuration, LeadSyncSettings? settings)
    {
        var entries = configuration.AsEnumerable().Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.OrdinalIgnoreCase);
        foreach (var (path, lifecycle) in EffectiveLifecycles(settings))
        {
            foreach (var (name, map) in new[] { ("StatusMap", lifecycle.StatusMap), ("StageMap", lifecycle.StageMap) })
            {
                var prefix = $"{path}:{name}:";
                foreach (var key in entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList())
                {
                    entries.Remove(key);
                }

                foreach (var (dictionary, values) in new[] { ("Salesforce", map.Salesforce), ("HubSpot", map.HubSpot), ("SalesforceAliases", map.SalesforceAliases), ("HubSpotAliases", map.HubSpotAliases) })
                {
                    foreach (var (key, value) in values)
                    {
                        entries[$"{prefix}{dictionary}:{key}"] = value;
                    }
                }

                if (map.Replace)
                {
                    entries[$"{prefix}Replace"] = "true";
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// The bound lifecycle options per configuration path. Connections that share the top-level section but merged it
    /// over different platforms' defaults (a HubSpot and a Marketo connection) have no one result: that path is left as
    /// the files hold it.
    /// </summary>
    private static IEnumerable<(string Path, Domain.Lifecycle.LifecycleOptions Lifecycle)> EffectiveLifecycles(LeadSyncSettings? settings)
    {
        if (settings is null)
        {
            yield break;
        }

        foreach (var group in settings.Connections.GroupBy(c => c.SectionPaths["Lifecycle"], StringComparer.OrdinalIgnoreCase))
        {
            var first = group.First().Model.Lifecycle;
            if (group.All(c => SameMaps(c.Model.Lifecycle, first)))
            {
                yield return (group.Key, first);
            }
        }
    }

    private static bool SameMaps(Domain.Lifecycle.LifecycleOptions a, Domain.Lifecycle.LifecycleOptions b) =>
        SameMap(a.StatusMap, b.StatusMap) && SameMap(a.StageMap, b.StageMap);

    private static bool SameMap(Domain.Lifecycle.ValueMapOptions a, Domain.Lifecycle.ValueMapOptions b) =>
        a.Replace == b.Replace && Same(a.Salesforce, b.Salesforce) && Same(a.HubSpot, b.HubSpot)
        && Same(a.SalesforceAliases, b.SalesforceAliases) && Same(a.HubSpotAliases, b.HubSpotAliases);

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && string.Equals(kv.Value, other, StringComparison.Ordinal));

    /// <summary>The value as it may be shown: masked when its key names a secret, the password cut out of a connection string.</summary>
    public static string MaskIfSecret(string key, string value)
    {
        var name = key[(key.LastIndexOf(':') + 1)..];
        if (value.Length == 0)
        {
            return value;
        }

        if (name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase))
        {
            return MaskConnectionString(value);
        }

        return SecretName().IsMatch(name) ? Mask : value;
    }

    /// <summary>Cuts the password out of a URI (<c>postgres://user:pw@host</c>) or a <c>key=value;</c> connection string, keeping the rest as written.</summary>
    private static string MaskConnectionString(string value) =>
        UriPassword().IsMatch(value)
            ? UriPassword().Replace(value, "${scheme}${user}:" + Mask + "@")
            : ConnectionStringSecret().Replace(value, "${key}" + Mask);

    private static void Write(Utf8JsonWriter writer, Node node)
    {
        if (node.Children.Count == 0)
        {
            WriteScalar(writer, node.Value ?? string.Empty);
            return;
        }

        var isList = node.Children.Keys.All(k => int.TryParse(k, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _));
        if (isList)
        {
            writer.WriteStartArray();
            foreach (var child in node.Children.OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture)))
            {
                Write(writer, child.Value);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        foreach (var (key, child) in node.Children.OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase))
        {
            writer.WritePropertyName(key);
            Write(writer, child);
        }

        writer.WriteEndObject();
    }

    /// <summary>Configuration holds text; numbers and booleans are shown as JSON numbers and booleans for readability.</summary>
    private static void WriteScalar(Utf8JsonWriter writer, string value)
    {
        if (value is "true" or "false" or "True" or "False")
        {
            writer.WriteBooleanValue(bool.Parse(value));
        }
        else if (JsonNumber().IsMatch(value))
        {
            writer.WriteRawValue(value);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    [GeneratedRegex("(secret|password|token|apikey|privatekey$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.\-]*://)(?<user>[^:/@\s]*):[^@/\s]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();

    [GeneratedRegex(@"(?<key>(?:^|;)\s*(?:password|pwd|[^;=]*secret[^;=]*|[^;=]*token[^;=]*)\s*=\s*)(?:""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringSecret();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        public string? Value { get; set; }

        public Node Child(string key)
        {
            if (!Children.TryGetValue(key, out var child))
            {
                child = new Node();
                Children.Add(key, child);
            }

            return child;
        }
    }
}
