using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Reporting;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Worker.Reporting;

/// <summary>The configured reps with their CRM user ids (read through the reference-data cache) for the reps report.</summary>
public static class RepLookup
{
    /// <summary>Empty when the connection is unknown or the CRM cannot be reached: the report then names reps by id only.</summary>
    public static async Task<IReadOnlyList<RepInfo>> ResolveAsync(IServiceProvider services, string connectionName, CancellationToken cancellationToken)
    {
        var connection = services.GetRequiredService<ConnectionRegistry>().Find(connectionName);
        if (connection is null)
        {
            return [];
        }

        try
        {
            var owners = await services.GetRequiredService<ReferenceDataCache>().GetAsync(connection, cancellationToken);
            return
            [
                .. connection.Model.Options.Routing.Teams.SelectMany(t => t.Reps.Select(r => (Team: t.Name, Rep: r)))
                    .Select(x => owners.Directory.FindUser(x.Rep.Email) is { } user ? new RepInfo(user.Id, x.Rep.Email, x.Team, x.Rep.Capacity) : null)
                    .OfType<RepInfo>(),
            ];
        }
        catch (Exception ex) when (ex is ExternalApiException or HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }
}
