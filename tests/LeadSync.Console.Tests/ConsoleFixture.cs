using System.Net;
using System.Net.Sockets;
using LeadSync.Sandbox;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Reporting;
using LeadSync.Worker.Cli;
using LeadSync.Worker.Hosting;
using LeadSync.Worker.Scheduling;
using LeadSync.Worker.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Quartz;

namespace LeadSync.Console.Tests;

/// <summary>
/// One sandbox, one real worker (<see cref="RunCommand.BuildWorker"/>: Quartz, health, console) with an admin credential,
/// and one headless Chromium. Cycles run only when a test triggers the sync job, so what a page shows cannot change under
/// it; every wait is for an event, with generous bounds.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string AdminPassword = "console-test-admin-password";
    public const string Connection = "default";

    // A cron that never fires during a test run: cycles are triggered by the tests.
    private const string Never = "0 0 0 1 1 ? 2099";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"leadsync_console_{Guid.NewGuid():N}");

    public SandboxServer Sandbox { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public IStateStore Store => App.Services.GetRequiredService<IStateStore>();

    public IHistoryStore History => App.Services.GetRequiredService<IHistoryStore>();

    public ReportService Reports => new(Store, History, App.Services.GetRequiredService<TimeProvider>());

    public string StatePath => Path.Combine(_dir, "state.db");

    public Dictionary<string, string?> Settings { get; private set; } = null!;

    /// <summary>Debian's Chromium (<c>apt-get install -y chromium</c>); LEADSYNC_CHROMIUM points elsewhere.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("LEADSYNC_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium not found at {ChromiumPath}: install it with 'apt-get install -y chromium' (test.sh does when run as root)");
        Directory.CreateDirectory(_dir);
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LeadCount = 120, Seed = 11 });
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        Settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["LeadSync:HubSpot:BaseUrl"] = Sandbox.HubSpotBaseUrl.ToString().TrimEnd('/'),
            ["LeadSync:HubSpot:AccessToken"] = Sandbox.HubSpotAccessToken,
            ["LeadSync:Salesforce:LoginUrl"] = Sandbox.SalesforceLoginUrl.ToString().TrimEnd('/'),
            ["LeadSync:Salesforce:ClientId"] = Sandbox.SalesforceClientId,
            ["LeadSync:Salesforce:ClientSecret"] = Sandbox.SalesforceClientSecret,
            ["LeadSync:State:Provider"] = "Sqlite",
            ["LeadSync:State:SqlitePath"] = StatePath,
            ["LeadSync:Schedule:SyncCron"] = Never,
            ["LeadSync:Schedule:SlaCron"] = Never,
            ["LeadSync:Schedule:ReconcileCron"] = Never,
            ["LeadSync:Schedule:ShutdownTimeoutSeconds"] = "30",
            ["LeadSync:Health:Urls"] = $"http://127.0.0.1:{port}",
            ["LeadSync:Health:Console:AdminPasswordHash"] = PasswordHash.Create(AdminPassword),
        };
        using var error = new StringWriter();
        var loaded = LeadSyncHostFactory.LoadOrReport(null, error, Settings);
        Assert.True(loaded is not null, error.ToString());
        App = RunCommand.BuildWorker(loaded, []);
        await App.StartAsync();

        // The first cycle settles everyone; the second reads LeadSync's own writes back (echoes) and settles what they started.
        await CycleAsync();
        await CycleAsync();

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>Runs one sync cycle through the scheduler (as the cron would) and waits until it is recorded.</summary>
    public async Task<CycleRecord> CycleAsync()
    {
        var before = (await History.GetCyclesAsync(Connection, DateTimeOffset.UnixEpoch, 10_000, CancellationToken.None)).Count;
        var scheduler = await App.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(new JobKey($"sync:{Connection}", SchedulingServiceCollectionExtensions.JobGroup));
        var deadline = TimeSpan.FromSeconds(120);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var cycles = await History.GetCyclesAsync(Connection, DateTimeOffset.UnixEpoch, 10_000, CancellationToken.None);
            if (cycles.Count > before && cycles[0].FinishedAt is not null)
            {
                Assert.True(cycles[0].Succeeded, cycles[0].Summary);
                return cycles[0];
            }

            Assert.True(watch.Elapsed < deadline, "no cycle was recorded within two minutes of triggering the sync job");
            await Task.Delay(100);
        }
    }

    public Task<IPage> ViewerPageAsync() => Browser.NewPageAsync();

    public async Task<IPage> AdminPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            HttpCredentials = new HttpCredentials { Username = "admin", Password = AdminPassword, Send = HttpCredentialsSend.Always },
        });
        var page = await context.NewPageAsync();

        // A browser sends Basic credentials when challenged: signing in is visiting /console/login, which challenges
        // anyone not yet admin; Chromium then sends them with every later /console request.
        var response = await page.GotoAsync(Url("console/login"), new PageGotoOptions { Timeout = 60_000 });
        Assert.Equal(200, response!.Status);
        Assert.Equal("admin", await page.GetByTestId("role").InnerTextAsync());
        return page;
    }

    public string Url(string pathAndQuery) => new Uri(BaseUrl, pathAndQuery).ToString();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pool: the temp directory is left for the OS.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
