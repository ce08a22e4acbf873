using System.Diagnostics;
using System.Globalization;
using LeadSync.Sandbox;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Demo;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

// Usage: dotnet run -c Release --project bench/LeadSync.SyncBenchmark -- [leads=100000] [seed=42]
var leads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 42;
var statePath = Path.Combine(Path.GetTempPath(), $"leadsync-bench-{Guid.NewGuid():N}.db");

var seedWatch = Stopwatch.StartNew();

// The sandbox's own rate limits are raised so the measurement is LeadSync's cost, not the fake's throttle; LeadSync's
// client-side HubSpot limiter stays at HubSpot's documented 100/10 s and 4 searches/s.
await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
{
    Port = 0,
    Seed = seed,
    LeadCount = leads,
    HubSpotRequestsPerTenSeconds = 1_000_000,
    HubSpotSearchRequestsPerSecond = 1_000,
    HubSpotDailyLimit = 100_000_000,
    SalesforceDailyApiRequests = 100_000_000,
});
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sandbox seeded with {leads:N0} people in {seedWatch.Elapsed.TotalSeconds:F1} s"));

var overrides = DemoRunner.SandboxOverrides(sandbox, statePath);
overrides["LeadSync:Salesforce:DailyApiReserveShare"] = "1";
var loaded = LeadSyncHostFactory.LoadOrReport(null, Console.Error, overrides) ?? throw new InvalidOperationException("configuration rejected");
using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Error);
var store = host.Services.GetRequiredService<IStateStore>();
await store.MigrateAsync(CancellationToken.None);
var engine = host.Services.GetRequiredService<SyncEngine>();
var connection = host.Services.GetRequiredService<ConnectionRegistry>().All.First();

var rows = new List<string[]>();
async Task MeasureAsync(string name)
{
    GC.Collect();
    var before = sandbox.Stats;
    var watch = Stopwatch.StartNew();
    var report = await engine.RunCycleAsync(connection, CycleMode.Incremental, CancellationToken.None);
    watch.Stop();
    var after = sandbox.Stats;
    using var process = Process.GetCurrentProcess();
    var gc = GC.GetGCMemoryInfo();
    rows.Add(
    [
        name,
        report.Succeeded ? "ok" : "FAILED: " + report.Error,
        report.LeadsRead.ToString("N0", CultureInfo.InvariantCulture),
        (after.HubSpotCalls - before.HubSpotCalls).ToString("N0", CultureInfo.InvariantCulture),
        (after.SalesforceCalls - before.SalesforceCalls).ToString("N0", CultureInfo.InvariantCulture),
        (after.HubSpotWrites - before.HubSpotWrites + after.SalesforceWrites - before.SalesforceWrites).ToString("N0", CultureInfo.InvariantCulture),
        watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
        (process.PeakWorkingSet64 / 1024 / 1024).ToString(CultureInfo.InvariantCulture),
        (gc.HeapSizeBytes / 1024 / 1024).ToString(CultureInfo.InvariantCulture),
    ]);
    Console.WriteLine(string.Join(" | ", rows[^1]));
}

await MeasureAsync("first full sync");
await MeasureAsync("settle (echoes, handoff follow-ups)");

// Cycles run minutes apart in production: let the 5 s read overlap pass so the no-change cycle is the steady state.
await Task.Delay(TimeSpan.FromSeconds(6));
await MeasureAsync("no-change cycle");
sandbox.Simulate(percent: 1, seed: seed + 1);
await MeasureAsync("1 % change cycle");

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"leads: {leads:N0}, cores: {Environment.ProcessorCount}"));
Console.WriteLine("| cycle | result | read | HubSpot calls | Salesforce calls | records written | wall s | peak working set MB | GC heap MB |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (var row in rows)
{
    Console.WriteLine("| " + string.Join(" | ", row) + " |");
}

foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
{
    File.Delete(statePath + suffix);
}
