using System.CommandLine;
using LeadSync.Worker.Configuration;

namespace LeadSync.Worker.Cli;

/// <summary>
/// One way to name a connection on every command: <c>--connection NAME</c>; without it, the only connection configured.
/// With several connections and no name, a command that needs one refuses and lists the names, instead of quietly
/// looking at a connection called "default" that may not exist.
/// </summary>
public static class ConnectionChoice
{
    public static Option<string?> CreateOption(string description = "Connection name (default: the only connection configured)") =>
        new("--connection") { Description = description };

    /// <summary>The connection meant, or null with the reason in <paramref name="error"/>.</summary>
    public static ConnectionSettings? Resolve(LeadSyncSettings settings, string? requested, out string error)
    {
        var names = string.Join(", ", settings.Connections.Select(c => c.Name));
        if (requested is null)
        {
            if (settings.Connections.Count == 1)
            {
                error = string.Empty;
                return settings.Connections[0];
            }

            error = $"error: {settings.Connections.Count} connections are configured ({names}); say which with --connection NAME";
            return null;
        }

        var found = settings.Connections.FirstOrDefault(c => string.Equals(c.Name, requested, StringComparison.OrdinalIgnoreCase));
        error = found is null ? $"error: no connection named '{ConsoleText.Escape(requested)}' (configured: {names})" : string.Empty;
        return found;
    }
}
