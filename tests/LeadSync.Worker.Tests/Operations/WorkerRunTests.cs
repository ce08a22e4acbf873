using System.Net;
using LeadSync.Sandbox;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Cli;
using LeadSync.Worker.Hosting;
using LeadSync.Worker.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace LeadSync.Worker.Tests.Operations;

/// <summary><c>leadsync run</c> in-process (<see cref="RunCommand.BuildWorker"/>) against an in-process sandbox, with a fast cron.</summary>
[Trait("Category", "Integration")]
public sealed class WorkerRunTests
{
    private static Dictionary<string, string?> Overrides(SandboxServer sandbox, string statePath, int healthPort, string syncCron = "0/2 * * * * ?") =>
        new(StringComparer.Ordinal)
        {
            ["LeadSync:HubSpot:BaseUrl"] = sandbox.HubSpotBaseUrl.ToString().TrimEnd('/'),
            ["LeadSync:HubSpot:AccessToken"] = sandbox.HubSpotAccessToken,
            ["LeadSync:Salesforce:LoginUrl"] = sandbox.SalesforceLoginUrl.ToString().TrimEnd('/'),
            ["LeadSync:Salesforce:ClientId"] = sandbox.SalesforceClientId,
            ["LeadSync:Salesforce:ClientSecret"] = sandbox.SalesforceClientSecret,
            ["LeadSync:State:Provider"] = "Sqlite",
            ["LeadSync:State:SqlitePath"] = statePath,
            ["LeadSync:Schedule:SyncCron"] = syncCron,
            ["LeadSync:Schedule:SlaCron"] = "1/5 * * * * ?",
            ["LeadSync:Schedule:ReconcileCron"] = "0 30 2 * * ?",
            // Generous: on a loaded machine a batch can take long to reach its safe point; a hang still fails the bounds below.
            ["LeadSync:Schedule:ShutdownTimeoutSeconds"] = "150",
            ["LeadSync:Health:Urls"] = $"http://127.0.0.1:{healthPort}",
        };

    private static WebApplication Build(Dictionary<string, string?> overrides)
    {
        using var error = new StringWriter();
        var loaded = LeadSyncHostFactory.LoadOrReport(null, error, overrides);
        Assert.True(loaded is not null, error.ToString());
        return RunCommand.BuildWorker(loaded, []);
    }

    [Fact]
    public async Task Run_FastCron_SchedulesJobsRunsCyclesAndServesHealthAndMetrics()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LeadCount = 150 });
        using var dir = new Cli.TempDir();
        var port = FreePort.Next();
        await using var app = Build(Overrides(sandbox, Path.Combine(dir.Path, "state.db"), port));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        await app.StartAsync();
        try
        {
            var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            foreach (var (kind, cron) in new[] { ("sync", "0/2 * * * * ?"), ("sla", "1/5 * * * * ?"), ("reconcile", "0 30 2 * * ?") })
            {
                var job = await scheduler.GetJobDetail(new JobKey($"{kind}:default", SchedulingServiceCollectionExtensions.JobGroup));
                Assert.NotNull(job);
                Assert.True(job.ConcurrentExecutionDisallowed, $"{kind} may run concurrently with itself");
                Assert.True(job.RequestsRecovery, $"{kind} is not recovered after a crash");
                var trigger = Assert.IsType<ICronTrigger>(
                    await scheduler.GetTrigger(new TriggerKey($"{kind}:default:cron", SchedulingServiceCollectionExtensions.JobGroup)), exactMatch: false);
                Assert.Equal(cron, trigger.CronExpressionString);
                Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, trigger.MisfireInstruction);
            }

            var store = app.Services.GetRequiredService<IStateStore>();
            await Wait.UntilAsync(async () => await store.GetLastSuccessfulCycleAsync("default", CancellationToken.None) is not null, TimeSpan.FromMinutes(2), "a successful cycle");

            using var live = await http.GetAsync(new Uri("health/live", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
            using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
            Assert.Contains("leadsync_cycle_duration_seconds_count{", metrics, StringComparison.Ordinal);
            Assert.Contains("leadsync_api_calls_total{", metrics, StringComparison.Ordinal);
            Assert.Contains("connection=\"default\"", metrics, StringComparison.Ordinal);
            Assert.Contains("leadsync_api_throttled_total{", metrics, StringComparison.Ordinal);
            Assert.Matches("leadsync_api_daily_quota_remaining\\{[^}]*system=\"hubspot\"", metrics);
            Assert.Matches("leadsync_api_daily_quota_remaining\\{[^}]*system=\"salesforce\"", metrics);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Run_ApisUnreachable_ReadyTurnsUnhealthyAfterThreeIntervalsWhileLiveStaysUp()
    {
        // A sandbox that is stopped at once: its port is closed, so every cycle fails and none succeeds.
        var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LeadCount = 0 });
        await sandbox.DisposeAsync();
        using var dir = new Cli.TempDir();
        var port = FreePort.Next();
        var overrides = Overrides(sandbox, Path.Combine(dir.Path, "state.db"), port, syncCron: "0/1 * * * * ?");
        overrides["LeadSync:HubSpot:MaxRetries"] = "0";
        overrides["LeadSync:Salesforce:MaxRetries"] = "0";
        await using var app = Build(overrides);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        await app.StartAsync();
        try
        {
            await Wait.UntilAsync(
                async () =>
                {
                    using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                    return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
                },
                TimeSpan.FromMinutes(2),
                "/health/ready to report the connection stale");
            using var live = await http.GetAsync(new Uri("health/live", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Stop_DuringCycle_WaitsForTheCycleAndRecordsIt()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LeadCount = 3000 });
        using var dir = new Cli.TempDir();
        var statePath = Path.Combine(dir.Path, "state.db");
        await using var app = Build(Overrides(sandbox, statePath, FreePort.Next()));
        await app.StartAsync();

        // The first cycle reads thousands of records: stop while it is reading.
        await Wait.UntilAsync(() => Task.FromResult(sandbox.Stats.HubSpotCalls + sandbox.Stats.SalesforceCalls > 2), TimeSpan.FromMinutes(2), "the first cycle to start");
        // The bound only catches a stop that never comes (a hang); how fast a loaded machine stops is not the promise.
        await app.StopAsync().WaitAsync(TimeSpan.FromMinutes(4));

        // Stopped for real: nothing calls either API any more.
        var callsAtStop = sandbox.Stats.HubSpotCalls + sandbox.Stats.SalesforceCalls;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(callsAtStop, sandbox.Stats.HubSpotCalls + sandbox.Stats.SalesforceCalls);

        // And at a safe point: the running cycle is recorded as finished, either stopped between batches (its
        // watermarks not moved) or — if it got to the end first — completed.
        await using var connection = new SqliteConnection($"Data Source={statePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT finished_at IS NOT NULL, succeeded, summary FROM cycle ORDER BY started_at";
        await using var reader = await command.ExecuteReaderAsync();
        var cycles = new List<(bool Finished, bool Succeeded, string Summary)>();
        while (await reader.ReadAsync())
        {
            cycles.Add((reader.GetBoolean(0), reader.GetBoolean(1), reader.GetString(2)));
        }

        Assert.NotEmpty(cycles);
        Assert.All(cycles, c => Assert.True(c.Finished, "the running cycle was abandoned instead of recorded: " + c.Summary));
        if (!cycles.Any(c => c.Succeeded))
        {
            // Stopped early: everything read was settled, but the watermarks did not move, so the next cycle continues.
            await reader.DisposeAsync();
            await using var marks = connection.CreateCommand();
            marks.CommandText = "SELECT count(*) FROM watermark";
            Assert.Equal(0L, (long)(await marks.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task Sigterm_DuringLongCycle_StopsAtASafePointRecordsTheCycleAndExitsZero()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LeadCount = 5000 });
        using var dir = new Cli.TempDir();
        var statePath = Path.Combine(dir.Path, "state.db");
        var environment = Overrides(sandbox, statePath, 0)
            .Where(kv => !kv.Key.StartsWith("LeadSync:Health", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value!, StringComparer.Ordinal);
        await using var worker = WorkerProcess.Start("sigterm", FreePort.Next(), environment, dir.Path);

        await Wait.UntilAsync(
            () => Task.FromResult(worker.Output.Contains("Cycle ", StringComparison.Ordinal) && worker.Output.Contains("starting (Incremental)", StringComparison.Ordinal)),
            TimeSpan.FromMinutes(2),
            "the first cycle to start");
        await Task.Delay(1500);
        await worker.TerminateAsync();

        // A generous bound against a hang, not a speed figure.
        await worker.WaitForExitAsync(TimeSpan.FromMinutes(4));

        Assert.Equal(0, worker.ExitCode);
        Assert.Matches(@"Cycle \S+ of connection default (cancelled at a safe point|finished)", worker.Output);
        await using var connection = new SqliteConnection($"Data Source={statePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), count(finished_at) FROM cycle";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetInt64(0) >= 1, "the running cycle was abandoned instead of recorded:\n" + worker.Output);
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
    }
}
