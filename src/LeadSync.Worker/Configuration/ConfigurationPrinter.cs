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

    public static string ToJson(IConfiguration configuration)
    {
        var root = new Node();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null || !key.StartsWith("LeadSync:", StringComparison.OrdinalIgnoreCase))
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
