using System.Collections.Concurrent;
using System.Diagnostics;
using LeadSync.Sandbox;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Telemetry;
using LeadSync.Worker.Cli;
using LeadSync.Worker.Hosting;
using LeadSync.Worker.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Worker.Tests.Operations;

/// <summary>Traces and the metrics an on-call engineer alerts on, through the real host against the sandbox.</summary>
[Trait("Category", "Integration")]
public sealed class TelemetryTests
{
    [Fact]
    public async Task SyncOnce_TracesACycleWithBatchSpansAndApiCallSpansUnderIt_WithoutQueryStrings()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 11, LeadCount = 60 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SyncTracing.SourceName or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var (exit, _, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.True(exit == 0, error);
        // Other tests run in parallel and trace too: find this connection's cycle by the sandbox's port in its calls.
        var port = sandbox.HubSpotBaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var calls = stopped.Where(a => a.OperationName.StartsWith("System.Net.Http", StringComparison.Ordinal)
                                       && (a.GetTagItem("server.port")?.ToString() == port)).ToList();
        Assert.NotEmpty(calls);
        var cycles = stopped.Where(a => a.OperationName == "leadsync.cycle" && calls.Any(c => c.TraceId == a.TraceId)).ToList();
        var cycle = Assert.Single(cycles);
        Assert.Equal("default", cycle.GetTagItem("leadsync.connection"));
        Assert.Equal(true, cycle.GetTagItem("leadsync.cycle.succeeded"));
        var batches = stopped.Where(a => a.OperationName == "leadsync.batch" && a.ParentSpanId == cycle.SpanId).ToList();
        Assert.Contains(batches, b => (string?)b.GetTagItem("leadsync.batch.system") == "HubSpot");
        Assert.Contains(batches, b => (string?)b.GetTagItem("leadsync.batch.system") == "Salesforce");
        // The start-up checks (token, field metadata) run before the cycle; every call of the cycle is under it.
        var inCycle = calls.Where(c => c.TraceId == cycle.TraceId).ToList();
        Assert.Contains(inCycle, c => batches.Any(b => b.SpanId == c.ParentSpanId));
        Assert.All(inCycle, c => Assert.True(
            c.ParentSpanId == cycle.SpanId || batches.Any(b => b.SpanId == c.ParentSpanId) || stopped.Any(a => a.SpanId == c.ParentSpanId && a.TraceId == cycle.TraceId),
            $"{c.DisplayName} is not under the cycle"));
    }

    [Fact]
    public void PathOnly_DropsTheQueryStringThatCarriesEmailsAndSecrets() =>
        Assert.Equal(
            "https://acme.my.salesforce.com/services/data/v62.0/query",
            RunCommand.PathOnly(new Uri("https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+Lead+WHERE+Email+IN+('a@b.com')")));

    [Fact]
    public async Task Metrics_CycleDurationHasSecondBuckets_AndSyncLagIsRecordedPerSystem()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LeadCount = 40 });
        using var dir = new TempDir();
        var port = FreePort.Next();
        using var error = new StringWriter();
        var loaded = LeadSyncHostFactory.LoadOrReport(null, error, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["LeadSync:HubSpot:BaseUrl"] = sandbox.HubSpotBaseUrl.ToString().TrimEnd('/'),
            ["LeadSync:HubSpot:AccessToken"] = sandbox.HubSpotAccessToken,
            ["LeadSync:Salesforce:LoginUrl"] = sandbox.SalesforceLoginUrl.ToString().TrimEnd('/'),
            ["LeadSync:Salesforce:ClientId"] = sandbox.SalesforceClientId,
            ["LeadSync:Salesforce:ClientSecret"] = sandbox.SalesforceClientSecret,
            ["LeadSync:State:Provider"] = "Sqlite",
            ["LeadSync:State:SqlitePath"] = Path.Combine(dir.Path, "state.db"),
            ["LeadSync:Schedule:SyncCron"] = "0/2 * * * * ?",
            ["LeadSync:Health:Urls"] = $"http://127.0.0.1:{port}",
        });
        Assert.True(loaded is not null, error.ToString());
        await using var app = RunCommand.BuildWorker(loaded, []);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        await app.StartAsync();
        try
        {
            var store = app.Services.GetRequiredService<IStateStore>();
            await Wait.UntilAsync(async () => await store.GetLastSuccessfulCycleAsync("default", CancellationToken.None) is not null, TimeSpan.FromMinutes(2), "a successful cycle");

            var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));

            Assert.Matches("leadsync_cycle_duration_seconds_bucket\\{[^}]*le=\"30\"", metrics);
            Assert.Matches("leadsync_cycle_duration_seconds_bucket\\{[^}]*le=\"1800\"", metrics);
            Assert.DoesNotMatch("leadsync_cycle_duration_seconds_bucket\\{[^}]*le=\"750\"", metrics);
            Assert.Matches("leadsync_sync_lag_seconds\\{[^}]*system=\"hubspot\"", metrics);
            Assert.Matches("leadsync_sync_lag_seconds\\{[^}]*system=\"salesforce\"", metrics);
            Assert.Matches("dotnet_gc_collections|process_runtime_dotnet_gc", metrics);
            Assert.Matches("http_client_request_duration_seconds_bucket", metrics);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
