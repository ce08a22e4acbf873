using LeadSync.Domain.Configuration;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;

namespace LeadSync.Worker.Hosting;

/// <summary>
/// The part of validation that needs the live systems: mappings, value maps and scoring properties checked against
/// the portal's properties and the org's Lead describe, and the External ID field the CRM's leads are created by. Problems are printed like every other configuration problem.
/// </summary>
public static class LiveConfigurationCheck
{
    /// <summary>
    /// The exit code of the check: success when every selected connection's rules agree with its systems; invalid input
    /// (2) for rules that disagree or credentials the system refuses; a failure at run time (1) when a system could not
    /// be asked (throttled, 5xx, timeout, unreadable answer), which says nothing about the configuration. API failures
    /// are reported, not thrown.
    /// </summary>
    public static async Task<int> RunAsync(
        LeadSyncSettings settings, IEnumerable<SyncConnection> connections, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = new List<ConfigProblem>();
        var unreachable = new List<string>();
        foreach (var connection in connections)
        {
            var paths = settings.Connections.First(c => string.Equals(c.Name, connection.Name, StringComparison.OrdinalIgnoreCase)).SectionPaths;
            try
            {
                problems.AddRange(await MetadataCheck.RunAsync(connection, paths, cancellationToken));

                // Leads are created by an upsert on LeadSync's key: without a unique External ID a retried create duplicates.
                problems.AddRange((await connection.Crm.CheckIdempotentCreatesAsync(cancellationToken)).Select(problem => new ConfigProblem(
                    $"{paths["Salesforce"]}:ExternalKeyField",
                    problem,
                    "a Lead custom text field with the External ID and Unique attributes, writable by the integration user (see the README)")));
            }
            catch (ExternalApiException ex) when (ex.Kind is not (ApiErrorKind.Authentication or ApiErrorKind.Rejected))
            {
                unreachable.Add($"error: connection {connection.Name}: could not read the {ex.System} metadata to check the rules ({ex.Kind.ToString().ToLowerInvariant()} failure, try again): {ex.Message}");
            }
            catch (ExternalApiException ex)
            {
                problems.Add(new ConfigProblem(
                    ex.System == SystemRole.Marketing ? paths["Marketing"] : paths["Salesforce"],
                    $"could not read the {ex.Product} metadata to check the rules: {ex.Message}",
                    "credentials and URLs that reach the live system"));
            }
        }

        if (problems.Count > 0)
        {
            LeadSyncHostFactory.Report(problems, error);
            return Cli.ExitCodes.InvalidInput;
        }

        foreach (var line in unreachable)
        {
            await error.WriteLineAsync(line);
        }

        return unreachable.Count > 0 ? Cli.ExitCodes.RuntimeFailure : Cli.ExitCodes.Success;
    }
}
