using LeadSync.Sync.Ports;
using Microsoft.Extensions.Hosting;

namespace LeadSync.Worker.Hosting;

/// <summary>Creates or upgrades the state store's schema before anything else starts.</summary>
public sealed class StateMigrationService(IStateStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
