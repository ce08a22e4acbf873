using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace LeadSync.Worker.Tests.Operations;

public sealed class HealthCheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static LeadSyncSettings Settings(string syncCron = "0 0/2 * * * ?") =>
        LeadSyncSettings.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LeadSync:Schedule:SyncCron"] = syncCron })
            .Build());

    private static CycleRecord Cycle(DateTimeOffset finishedAt) =>
        new("default", "c1", "Incremental", finishedAt.AddSeconds(-5), finishedAt, Succeeded: true, "leads=1");

    private static async Task<HealthStatus> CheckAsync(IHealthCheck check) =>
        (await check.CheckHealthAsync(new HealthCheckContext())).Status;

    [Fact]
    public async Task CycleFreshness_NeverSyncedWithinGrace_Healthy()
    {
        var time = new FakeTimeProvider(Start);
        var store = Substitute.For<IStateStore>();
        var check = new CycleFreshnessHealthCheck(store, Settings(), time);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(HealthStatus.Healthy, await CheckAsync(check));
    }

    [Fact]
    public async Task CycleFreshness_NeverSyncedPastThreeIntervals_Unhealthy()
    {
        var time = new FakeTimeProvider(Start);
        var store = Substitute.For<IStateStore>();
        var check = new CycleFreshnessHealthCheck(store, Settings(), time);
        time.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("default (no successful cycle yet)", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CycleFreshness_RecentSuccess_Healthy()
    {
        var time = new FakeTimeProvider(Start);
        var store = Substitute.For<IStateStore>();
        var check = new CycleFreshnessHealthCheck(store, Settings(), time);
        time.Advance(TimeSpan.FromMinutes(30));
        store.GetLastSuccessfulCycleAsync("default", Arg.Any<CancellationToken>()).Returns(Cycle(time.GetUtcNow().AddMinutes(-5)));

        Assert.Equal(HealthStatus.Healthy, await CheckAsync(check));
    }

    [Fact]
    public async Task CycleFreshness_LastSuccessOlderThanThreeIntervals_Unhealthy()
    {
        var time = new FakeTimeProvider(Start);
        var store = Substitute.For<IStateStore>();
        var check = new CycleFreshnessHealthCheck(store, Settings(), time);
        time.Advance(TimeSpan.FromMinutes(30));
        store.GetLastSuccessfulCycleAsync("default", Arg.Any<CancellationToken>()).Returns(Cycle(time.GetUtcNow().AddMinutes(-7)));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("420 s ago", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CycleFreshness_StaleBeforeRestart_GetsGraceFromProcessStart()
    {
        var time = new FakeTimeProvider(Start);
        var store = Substitute.For<IStateStore>();
        store.GetLastSuccessfulCycleAsync("default", Arg.Any<CancellationToken>()).Returns(Cycle(Start.AddHours(-3)));
        var check = new CycleFreshnessHealthCheck(store, Settings(), time);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(check));
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync(check));
    }

    [Fact]
    public void SyncInterval_EveryTwoSeconds_TwoSeconds()
    {
        var interval = CycleFreshnessHealthCheck.SyncInterval(Settings("0/2 * * * * ?").Schedule, Start);

        Assert.Equal(TimeSpan.FromSeconds(2), interval);
    }

    [Fact]
    public async Task StateStore_PingThrows_Unhealthy()
    {
        var store = Substitute.For<IStateStore>();
        store.PingAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new TimeoutException("connect timeout"));

        var result = await new StateStoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("TimeoutException", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateStore_PingAnswers_Healthy()
    {
        var store = Substitute.For<IStateStore>();
        store.PingAsync(Arg.Any<CancellationToken>()).Returns(true);

        Assert.Equal(HealthStatus.Healthy, await CheckAsync(new StateStoreHealthCheck(store)));
    }
}
