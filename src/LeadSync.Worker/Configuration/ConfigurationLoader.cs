using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>Raised when the configuration cannot even be read (missing file, not JSON): exit code 2.</summary>
public sealed class ConfigurationFileException(string message) : Exception(message);

/// <summary>
/// Layers configuration the way every command sees it: the shipped <c>appsettings.json</c>, then
/// <c>appsettings.{Environment}.json</c> beside it (the environment from <c>DOTNET_ENVIRONMENT</c> or
/// <c>ASPNETCORE_ENVIRONMENT</c>, <c>Production</c> when neither is set), then the <c>--config FILE</c> an admin passes,
/// then — in the <c>Development</c> environment only — <c>dotnet user-secrets</c>, then environment variables
/// (<c>LeadSync__HubSpot__AccessToken</c>), then in-process overrides (the demo pointing at its sandbox). A later layer wins key by key, except that a list in a
/// later layer replaces the whole list of the earlier ones: a config naming one team with one rep means that team,
/// not that rep merged by position into the shipped example's five.
/// </summary>
public static class ConfigurationLoader
{
    /// <summary>The user-secrets store of the worker project (<c>dotnet user-secrets --project src/LeadSync.Worker</c>).</summary>
    public const string UserSecretsId = "leadsync-worker-3f1c6f0e-5b7a-4d2e-9a51-6c0f2d8e7b14";

    /// <summary>The hosting environment name as .NET reads it.</summary>
    public static string EnvironmentName =>
        Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
        : Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspnet ? aspnet
        : "Production";

    public static IConfigurationRoot Load(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null) =>
        Load(configFile, overrides, EnvironmentName, UserSecretsId);

    /// <summary>The same with the environment and the user-secrets store named (tests use their own).</summary>
    internal static IConfigurationRoot Load(string? configFile, IReadOnlyDictionary<string, string?>? overrides, string environment, string userSecretsId)
    {
        var layers = new List<IConfigurationBuilder>
        {
            new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true, reloadOnChange: false),
        };

        var environmentFile = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        if (File.Exists(environmentFile))
        {
            EnsureJson(environmentFile, $"appsettings.{environment}.json");
            layers.Add(new ConfigurationBuilder().AddJsonFile(environmentFile, optional: false, reloadOnChange: false));
        }

        if (configFile is not null)
        {
            var fullPath = Path.GetFullPath(configFile);
            if (!File.Exists(fullPath))
            {
                throw new ConfigurationFileException($"configuration file '{configFile}' does not exist");
            }

            EnsureJson(fullPath, configFile);
            layers.Add(new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false));
        }

        if (string.Equals(environment, "Development", StringComparison.OrdinalIgnoreCase))
        {
            layers.Add(new ConfigurationBuilder().AddUserSecrets(userSecretsId, reloadOnChange: false));
        }

        layers.Add(new ConfigurationBuilder().AddEnvironmentVariables());
        if (overrides is not null)
        {
            layers.Add(new ConfigurationBuilder().AddInMemoryCollection(overrides));
        }

        return new ConfigurationBuilder().AddInMemoryCollection(Merge(layers.Select(Flatten))).Build();
    }

    /// <summary>
    /// Merges flattened layers in order. Before a layer is applied, every list it sets (a section whose children are
    /// positions 0, 1, …) is removed from what the earlier layers set, so the later list replaces it whole.
    /// </summary>
    public static Dictionary<string, string?> Merge(IEnumerable<IReadOnlyDictionary<string, string?>> layers)
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var layer in layers)
        {
            foreach (var list in ListsIn(layer.Keys))
            {
                foreach (var key in merged.Keys.Where(k => IsElementOf(k, list)).ToList())
                {
                    merged.Remove(key);
                }
            }

            foreach (var (key, value) in layer)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    /// <summary>
    /// <paramref name="proposal"/> laid over <paramref name="current"/> as one more layer (lists replace whole, other keys
    /// one by one): the configuration a proposed file would make.
    /// </summary>
    public static IConfigurationRoot LayerOver(IConfiguration current, IConfiguration proposal) =>
        new ConfigurationBuilder().AddInMemoryCollection(Merge([Flatten(current), Flatten(proposal)])).Build();

    private static Dictionary<string, string?> Flatten(IConfigurationBuilder layer) => Flatten(layer.Build());

    private static Dictionary<string, string?> Flatten(IConfiguration layer)
    {
        var flat = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in layer.AsEnumerable())
        {
            if (value is not null)
            {
                flat[key] = value;
            }
        }

        return flat;
    }

    /// <summary>Paths of the lists a layer sets: every prefix of a key that a position (an integer segment) follows.</summary>
    private static HashSet<string> ListsIn(IEnumerable<string> keys)
    {
        var lists = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            var segments = key.Split(ConfigurationPath.KeyDelimiter);
            for (var i = 1; i < segments.Length; i++)
            {
                if (IsPosition(segments[i]))
                {
                    lists.Add(string.Join(ConfigurationPath.KeyDelimiter, segments[..i]));
                }
            }
        }

        return lists;
    }

    private static bool IsElementOf(string key, string list)
    {
        if (key.Length <= list.Length + 1 || !key.StartsWith(list, StringComparison.OrdinalIgnoreCase) || key[list.Length] != ':')
        {
            return false;
        }

        var rest = key[(list.Length + 1)..];
        var end = rest.IndexOf(':', StringComparison.Ordinal);
        return IsPosition(end < 0 ? rest : rest[..end]);
    }

    private static bool IsPosition(string segment) =>
        segment.Length > 0 && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>Reads one JSON file on its own (a proposed scoring model, say), with the same checks as --config.</summary>
    public static IConfigurationRoot LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationFileException($"file '{path}' does not exist");
        }

        EnsureJson(path, path);
        return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
    }

    private static void FindDuplicateKeys(JsonElement element, string path, List<string> duplicates)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in element.EnumerateObject())
            {
                var at = path.Length == 0 ? property.Name : $"{path}:{property.Name}";
                if (!seen.Add(property.Name))
                {
                    duplicates.Add(at);
                }

                FindDuplicateKeys(property.Value, at, duplicates);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                FindDuplicateKeys(item, $"{path}[{index++}]", duplicates);
            }
        }
    }

    private static void EnsureJson(string fullPath, string shownName)
    {
        try
        {
            using var stream = File.OpenRead(fullPath);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationFileException($"configuration file '{shownName}' must hold a JSON object at the top level");
            }

            // Keys are case-insensitive: "Threshold" and "threshold" in one object would leave it to chance which one counts.
            var duplicates = new List<string>();
            FindDuplicateKeys(document.RootElement, string.Empty, duplicates);
            if (duplicates.Count > 0)
            {
                throw new ConfigurationFileException(
                    $"configuration file '{shownName}' sets {duplicates.Count} key{(duplicates.Count == 1 ? string.Empty : "s")} twice (keys are case-insensitive): {string.Join(", ", duplicates)}");
            }
        }
        catch (JsonException ex)
        {
            throw new ConfigurationFileException(
                $"configuration file '{shownName}' is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigurationFileException($"configuration file '{shownName}' cannot be read (permission denied)");
        }
    }
}
