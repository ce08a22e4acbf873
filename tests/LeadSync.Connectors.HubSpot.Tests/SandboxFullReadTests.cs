using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Sandbox;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Connectors.HubSpot.Tests;

/// <summary>Several pages of seeded contacts, many sharing one modification time: every one is read exactly once.</summary>
public sealed class SandboxFullReadTests
{
    [Theory]
    [InlineData(500, 7)]
    [InlineData(1500, 42)]
    public async Task ReadChangedAsync_ManyPagesWithTies_YieldsEveryContactExactlyOnce(int leads, int seed)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { LeadCount = leads, Seed = seed, HubSpotRequestsPerTenSeconds = 0, HubSpotSearchRequestsPerSecond = 0 });
        var options = FakeHubSpot.FastOptions(sandbox.HubSpotBaseUrl.ToString());
        options.AccessToken = sandbox.HubSpotAccessToken;
        var services = new ServiceCollection();
        services.AddHubSpotConnector(FakeHubSpot.Connection, options);
        await using var provider = services.BuildServiceProvider();
        var system = provider.GetRequiredKeyedService<IMarketingPlatform>(FakeHubSpot.Connection);

        var read = new List<string>();
        await foreach (var page in system.ReadChangedAsync(ChangeCursor.Beginning, ["email", "lastmodifieddate"], CancellationToken.None))
        {
            read.AddRange(page.Select(c => c.Id));
        }

        var expected = sandbox.HubSpot.ListContacts().Where(c => !c.Archived).Select(c => c.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, read.Count);
        Assert.Equal(expected, read.Order(StringComparer.Ordinal).ToList());
    }
}
