using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>Raised when the configuration cannot even be read (missing file, not JSON): exit code 2.</summary>
public sealed class ConfigurationFileException(string message) : Exception(message);

/// <summary>
/// Layers configuration the way every command sees it: the shipped <c>appsettings.json</c>, then the
/// <c>--config FILE</c> an admin passes, then environment variables (<c>LeadSync__HubSpot__AccessToken</c>),
/// then in-process overrides (the demo pointing at its sandbox).
/// </summary>
public static class ConfigurationLoader
{
    public static IConfigurationRoot Load(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false);

        if (configFile is not null)
        {
            var fullPath = Path.GetFullPath(configFile);
            if (!File.Exists(fullPath))
            {
                throw new ConfigurationFileException($"configuration file '{configFile}' does not exist");
            }

            EnsureJson(fullPath, configFile);
            builder.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

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
