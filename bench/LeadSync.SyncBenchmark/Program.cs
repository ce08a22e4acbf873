using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

// Usage: dotnet run -c Release --project bench/LeadSync.SyncBenchmark -- [leads=100000] [seed=42]
//
// Measures what one LeadSync process costs per cycle against the sandbox of both APIs. The sandbox runs in its own
// process (`leadsync sandbox`), so the memory figures are LeadSync's alone. The sandbox's rate limits are lifted so the
// measurement is LeadSync's cost, not the fake's throttle; LeadSync's own client-side HubSpot limiter stays at the
// published 100 requests / 10 s and 4 searches / s, which bounds the first full sync's wall time.
var leads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 42;
var statePath = Path.Combine(Path.GetTempPath(), $"leadsync-bench-{Guid.NewGuid():N}.db");
var port = FreePort();
var baseUrl = $"http://127.0.0.1:{port}";

using var sandboxProcess = StartSandbox(port, leads, seed);
using var admin = new HttpClient { BaseAddress = new Uri(baseUrl) };
await WaitForSandboxAsync(admin);

try
{
    var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["LeadSync:HubSpot:BaseUrl"] = baseUrl,
        ["LeadSync:HubSpot:AccessToken"] = "sandbox-hubspot-token",
        ["LeadSync:Salesforce:LoginUrl"] = baseUrl,
        ["LeadSync:Salesforce:ClientId"] = "sandbox-client-id",
        ["LeadSync:Salesforce:ClientSecret"] = "sandbox-client-secret",
        ["LeadSync:Salesforce:DailyApiReserveShare"] = "1",
        ["LeadSync:State:Provider"] = "Sqlite",
        ["LeadSync:State:SqlitePath"] = statePath,
    };
    var loaded = LeadSyncHostFactory.LoadOrReport(null, Console.Error, overrides) ?? throw new InvalidOperationException("configuration rejected");
    using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Error);
    var store = host.Services.GetRequiredService<IStateStore>();
    await store.MigrateAsync(CancellationToken.None);
    var engine = host.Services.GetRequiredService<SyncEngine>();
    var connection = host.Services.GetRequiredService<ConnectionRegistry>().All.First();

    var rows = new List<string[]>();
    async Task MeasureAsync(string name)
    {
        var before = await StatsAsync(admin);
        var watch = Stopwatch.StartNew();
        var report = await engine.RunCycleAsync(connection, CycleMode.Incremental, CancellationToken.None);
        watch.Stop();
        var after = await StatsAsync(admin);
        using var process = Process.GetCurrentProcess();
        rows.Add(
        [
            name,
            report.Succeeded ? "ok" : "FAILED: " + report.Error,
            report.LeadsRead.ToString("N0", CultureInfo.InvariantCulture),
            (after["hubSpotCalls"] - before["hubSpotCalls"]).ToString("N0", CultureInfo.InvariantCulture),
            (after["salesforceCalls"] - before["salesforceCalls"]).ToString("N0", CultureInfo.InvariantCulture),
            (after["hubSpotWrites"] - before["hubSpotWrites"] + after["salesforceWrites"] - before["salesforceWrites"]).ToString("N0", CultureInfo.InvariantCulture),
            watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
            (process.PeakWorkingSet64 / 1024 / 1024).ToString(CultureInfo.InvariantCulture),
            (GC.GetGCMemoryInfo().HeapSizeBytes / 1024 / 1024).ToString(CultureInfo.InvariantCulture),
        ]);
        Console.WriteLine(string.Join(" | ", rows[^1]));
    }

    await MeasureAsync("first full sync");
    await MeasureAsync("settle (echoes of its own writes)");
    await MeasureAsync("no-change cycle, right after");

    // Cycles run minutes apart in production: once the read overlap (5 s) has passed, a quiet cycle reads nothing settled.
    await Task.Delay(TimeSpan.FromSeconds(6));
    await MeasureAsync("no-change cycle, steady state");
    (await admin.PostAsync(new Uri($"/_sandbox/simulate?percent=1&seed={seed + 1}", UriKind.Relative), null)).EnsureSuccessStatusCode();
    await MeasureAsync("1 % change cycle");

    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"leads: {leads:N0}, cores: {Environment.ProcessorCount}, sandbox in a separate process"));
    Console.WriteLine("| cycle | result | read | HubSpot calls | Salesforce calls | records written | wall s | peak working set MB (LeadSync) | GC heap MB |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    foreach (var row in rows)
    {
        Console.WriteLine("| " + string.Join(" | ", row) + " |");
    }
}
finally
{
    sandboxProcess.Kill(entireProcessTree: true);
    foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
    {
        if (File.Exists(statePath + suffix))
        {
            File.Delete(statePath + suffix);
        }
    }
}

static Process StartSandbox(int port, int leads, int seed)
{
    var worker = Path.Combine(AppContext.BaseDirectory, "leadsync.dll");
    var info = new ProcessStartInfo("dotnet")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    foreach (var argument in new[] { worker, "sandbox", "--port", port.ToString(CultureInfo.InvariantCulture), "--leads", leads.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture), "--hubspot-rate", "0", "--search-rate", "0" })
    {
        info.ArgumentList.Add(argument);
    }

    var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the sandbox");
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("sandbox: " + e.Data); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitForSandboxAsync(HttpClient admin)
{
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed < TimeSpan.FromMinutes(2))
    {
        try
        {
            var stats = await StatsAsync(admin);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sandbox up with {stats["contacts"]:N0} contacts and {stats["leads"]:N0} leads after {watch.Elapsed.TotalSeconds:F1} s"));
            return;
        }
        catch (HttpRequestException)
        {
            await Task.Delay(250);
        }
    }

    throw new TimeoutException("the sandbox did not start within 2 minutes");
}

static async Task<Dictionary<string, long>> StatsAsync(HttpClient admin) =>
    (await admin.GetFromJsonAsync<Dictionary<string, long>>(new Uri("/_sandbox/stats", UriKind.Relative)))!;

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
