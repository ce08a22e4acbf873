using LeadSync.Domain.Configuration;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;

namespace LeadSync.Worker.Hosting;

/// <summary>
/// The part of validation that needs the live systems: mappings, value maps and scoring properties checked against
/// the portal's properties and the org's Lead describe. Problems are printed like every other configuration problem.
/// </summary>
public static class LiveConfigurationCheck
{
    /// <summary>True when every selected connection's rules agree with its systems. API failures are reported, not thrown.</summary>
    public static async Task<bool> RunAsync(
        LeadSyncSettings settings, IEnumerable<SyncConnection> connections, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = new List<ConfigProblem>();
        foreach (var connection in connections)
        {
            var paths = settings.Connections.First(c => string.Equals(c.Name, connection.Name, StringComparison.OrdinalIgnoreCase)).SectionPaths;
            try
            {
                problems.AddRange(await MetadataCheck.RunAsync(connection, paths, cancellationToken));
            }
            catch (ExternalApiException ex)
            {
                problems.Add(new ConfigProblem(
                    ex.System == SystemRole.Marketing ? paths["HubSpot"] : paths["Salesforce"],
                    $"could not read the {ex.Product} metadata to check the rules: {ex.Message}",
                    "credentials and URLs that reach the live system"));
            }
        }

        if (problems.Count == 0)
        {
            return true;
        }

        LeadSyncHostFactory.Report(problems, error);
        return false;
    }
}
