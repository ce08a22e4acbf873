using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

// Usage: dotnet run -c Release --project bench/LeadSync.SyncBenchmark -- [leads=100000] [seed=42] [--marketing hubspot|marketo|pardot]
//
// With --marketing marketo or pardot the connection's marketing platform is that one (sandbox limits lifted the same
// way; LeadSync's own client-side limits stay: Marketo 100 calls / 20 s and 10 in flight, Pardot 5 in flight): the first
// full sync and the cycles after it are measured, each figure beside the least the platform's quota arithmetic allows
// (MarketoPardotBounds below).
//
// Measures what one LeadSync process costs per cycle against the sandbox of both APIs. The sandbox runs in its own
// process (`leadsync sandbox`), so the memory figures are LeadSync's alone. The sandbox's rate limits are lifted so the
// measurement is LeadSync's cost, not the fake's throttle; LeadSync's own client-side HubSpot limiter stays at the
// published 100 requests / 10 s and 4 searches / s, which bounds the first full sync's wall time.
var marketingIndex = Array.FindIndex(args, a => a is "--marketing" or "-m");
var marketing = marketingIndex >= 0 && marketingIndex + 1 < args.Length ? args[marketingIndex + 1].ToLowerInvariant() : "hubspot";
if (marketing is not ("hubspot" or "marketo" or "pardot"))
{
    Console.Error.WriteLine($"--marketing {marketing}: expected hubspot, marketo or pardot");
    return 2;
}

var positional = args.Where((_, i) => marketingIndex < 0 || (i != marketingIndex && i != marketingIndex + 1)).ToArray();
var leads = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 100_000;
var seed = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 42;
var statePath = Path.Combine(Path.GetTempPath(), $"leadsync-bench-{Guid.NewGuid():N}.db");
var port = FreePort();
var baseUrl = $"http://127.0.0.1:{port}";

using var sandboxProcess = StartSandbox(port, leads, seed);
Console.WriteLine($"marketing platform: {marketing}");
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
    if (marketing == "marketo")
    {
        overrides["LeadSync:MarketingPlatform"] = "Marketo";
        overrides["LeadSync:Marketo:BaseUrl"] = baseUrl;
        overrides["LeadSync:Marketo:ClientId"] = "sandbox-marketo-client-id";
        overrides["LeadSync:Marketo:ClientSecret"] = "sandbox-marketo-client-secret";
    }
    else if (marketing == "pardot")
    {
        overrides["LeadSync:MarketingPlatform"] = "Pardot";
        overrides["LeadSync:Pardot:BaseUrl"] = baseUrl;
        overrides["LeadSync:Pardot:BusinessUnitId"] = "0Uv5g000000SBX1CAG";
        overrides["LeadSync:Pardot:StatusField"] = "Lead_Status__c";
        overrides["LeadSync:Pardot:ScoreField"] = "LeadSync_Score__c";
        overrides["LeadSync:Pardot:GradeField"] = "LeadSync_Grade__c";
        overrides["LeadSync:Pardot:CustomFields:0"] = "Lead_Status__c";
        overrides["LeadSync:Pardot:CustomFields:1"] = "LeadSync_Score__c";
        overrides["LeadSync:Pardot:CustomFields:2"] = "LeadSync_Grade__c";

        // The edition's allowance is what the figures are compared with; LeadSync's own write reserve must not stop the run.
        overrides["LeadSync:Pardot:DailyCallLimit"] = "100000000";
    }

    if (marketing == "marketo")
    {
        // The sandbox seeds its Marketo world on the first Marketo call: done here, outside the measured cycles.
        var warm = Stopwatch.StartNew();
        using var warmClient = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
        var token = JsonNode.Parse(await warmClient.GetStringAsync(new Uri("/identity/oauth/token?grant_type=client_credentials&client_id=sandbox-marketo-client-id&client_secret=sandbox-marketo-client-secret", UriKind.Relative)))!["access_token"]!.GetValue<string>();
        using var describe = new HttpRequestMessage(HttpMethod.Get, new Uri("/rest/v1/leads.json?filterType=id&filterValues=1&fields=id", UriKind.Relative));
        describe.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await warmClient.SendAsync(describe)).Dispose();
        var warmed = await StatsAsync(admin);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Marketo world seeded: {Long(warmed, "marketoLeads"):N0} leads, {Long(warmed, "marketoActivities"):N0} activities, after {warm.Elapsed.TotalSeconds:F1} s"));
    }
    else if (marketing == "pardot")
    {
        var warmed = await StatsAsync(admin);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Pardot world: {Long(warmed, "prospects"):N0} prospects, {Long(warmed, "pardotActivities"):N0} visitor activities"));
    }

    if (marketing != "hubspot")
    {
        await RunMarketingPlatformAsync(marketing, overrides, admin, sandboxProcess, leads, seed);
        return 0;
    }

    var loaded = LeadSyncHostFactory.LoadOrReport(null, Console.Error, overrides) ?? throw new InvalidOperationException("configuration rejected");
    using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Error);
    var store = host.Services.GetRequiredService<IStateStore>();
    await store.MigrateAsync(CancellationToken.None);
    var engine = host.Services.GetRequiredService<SyncEngine>();
    var connection = host.Services.GetRequiredService<ConnectionRegistry>().All.First();

    var rows = new List<string[]>();
    var bounds = new List<string[]>();
    var byEndpoint = new List<(string Cycle, Dictionary<string, (long Calls, long Records)> Endpoints)>();
    using var sandboxView = Process.GetProcessById(sandboxProcess.Id);
    async Task MeasureAsync(string name, bool withBound)
    {
        var before = await StatsAsync(admin);
        sandboxView.Refresh();
        var sandboxCpuBefore = sandboxView.TotalProcessorTime;
        var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var report = await engine.RunCycleAsync(connection, CycleMode.Incremental, CancellationToken.None);
        watch.Stop();
        var after = await StatsAsync(admin);
        sandboxView.Refresh();
        var sandboxCpu = (sandboxView.TotalProcessorTime - sandboxCpuBefore).TotalSeconds;
        using var process = Process.GetCurrentProcess();
        var ownCpu = (process.TotalProcessorTime - ownCpuBefore).TotalSeconds;
        var hubSpotCalls = Long(after, "hubSpotCalls") - Long(before, "hubSpotCalls");
        var salesforceCalls = Long(after, "salesforceCalls") - Long(before, "salesforceCalls");
        var endpoints = EndpointDelta(before, after);
        rows.Add(
        [
            name,
            report.Succeeded ? "ok" : "FAILED: " + report.Error,
            N(report.LeadsRead),
            N(hubSpotCalls),
            N(salesforceCalls),
            N(Long(after, "hubSpotWrites") - Long(before, "hubSpotWrites") + Long(after, "salesforceWrites") - Long(before, "salesforceWrites")),
            F(watch.Elapsed.TotalSeconds),
            F(ownCpu),
            F(sandboxCpu),
            (process.PeakWorkingSet64 / 1024 / 1024).ToString(CultureInfo.InvariantCulture),
            (GC.GetGCMemoryInfo().HeapSizeBytes / 1024 / 1024).ToString(CultureInfo.InvariantCulture),
        ]);
        Console.WriteLine(string.Join(" | ", rows[^1]));
        if (!withBound)
            return;

        // The least the published limits allow for the same work. A full read is one search per 200 contacts and one
        // SOQL page per 2,000 leads (plus owners, users, queues and the token once); after it, nothing changed by anyone
        // else, so one search and one query. Writes: what the cycle actually wrote, in full batches (HubSpot 100 per
        // batch call, Salesforce 200 per sObject Collections call), per endpoint.
        var first = bounds.Count == 0;
        var contacts = Long(before, "contacts");
        var leadsBefore = Long(before, "leads");
        var hubSpotReads = first ? Ceil(contacts, 200) + 1 : 1;
        var salesforceReads = first ? Ceil(leadsBefore, 2000) + 3 : 1;
        long hubSpotWriteBound = 0, salesforceWriteBound = 0;
        foreach (var (endpoint, (_, records)) in endpoints)
        {
            if (endpoint.StartsWith("GET ", StringComparison.Ordinal) || endpoint.EndsWith("/search", StringComparison.Ordinal) ||
                endpoint.EndsWith("/batch/read", StringComparison.Ordinal) || endpoint.Contains("oauth2", StringComparison.Ordinal))
            {
                continue;
            }

            if (endpoint.Contains(" /crm/", StringComparison.Ordinal))
                hubSpotWriteBound += Ceil(records, 100);
            else
                salesforceWriteBound += Ceil(records, 200);
        }

        var hubSpotBound = hubSpotReads + hubSpotWriteBound;
        var salesforceBound = salesforceReads + salesforceWriteBound;
        var searches = endpoints.Where(e => e.Key.EndsWith("/search", StringComparison.Ordinal)).Sum(e => e.Value.Calls);
        var searchBound = (first ? Ceil(contacts, 200) : 1) / 4.0;
        bounds.Add(
        [
            name,
            N(hubSpotCalls), N(hubSpotBound), Ratio(hubSpotBound, hubSpotCalls),
            N(salesforceCalls), N(salesforceBound), Ratio(salesforceBound, salesforceCalls),
            F(watch.Elapsed.TotalSeconds), F(searchBound), Ratio(searchBound, watch.Elapsed.TotalSeconds),
            N(searches) + " (" + F(searches / 4.0) + " s)",
            F(ownCpu), F(sandboxCpu),
        ]);
        byEndpoint.Add((name, endpoints));
    }

    await MeasureAsync("first full sync", withBound: true);
    await MeasureAsync("settle (echoes of its own writes)", withBound: true);
    await MeasureAsync("no-change cycle, right after", withBound: false);

    // Cycles run minutes apart in production: once the read overlap (5 s) has passed, a quiet cycle reads nothing settled.
    await Task.Delay(TimeSpan.FromSeconds(6));
    await MeasureAsync("no-change cycle, steady state", withBound: false);
    (await admin.PostAsync(new Uri($"/_sandbox/simulate?percent=1&seed={seed + 1}", UriKind.Relative), null)).EnsureSuccessStatusCode();
    await MeasureAsync("1 % change cycle", withBound: false);

    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"leads: {leads:N0}, seed {seed}, cores: {Environment.ProcessorCount}, sandbox in a separate process (pid {sandboxProcess.Id})"));
    Table("| cycle | result | read | HubSpot calls | Salesforce calls | records written | wall s | LeadSync CPU s | sandbox CPU s | peak working set MB (LeadSync) | GC heap MB |", rows);

    Console.WriteLine();
    Console.WriteLine("Measured vs the bound from the published limits (ratio = bound / measured; 1.00 is at the bound):");
    Table("| cycle | HubSpot calls | HubSpot bound | ratio | Salesforce calls | Salesforce bound | ratio | wall s | search-quota bound s | ratio | searches made (at 4/s) | LeadSync CPU s | sandbox CPU s |", bounds);

    foreach (var (cycle, endpoints) in byEndpoint)
    {
        Console.WriteLine();
        Console.WriteLine($"By endpoint, {cycle} (records = records the sandbox created or changed; fill = records per call / batch maximum):");
        Console.WriteLine("| endpoint | calls | records | fill |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (endpoint, (calls, records)) in endpoints.OrderByDescending(e => e.Value.Calls))
        {
            var max = endpoint.Contains(" /crm/", StringComparison.Ordinal) ? 100 : 200;
            var fill = records > 0 && calls > 0 ? ((double)records / calls / max).ToString("P0", CultureInfo.InvariantCulture) : "–";
            Console.WriteLine($"| `{endpoint}` | {N(calls)} | {N(records)} | {fill} |");
        }
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

return 0;

// Marketo or Pardot as the marketing platform: the first full sync, the cycle that reads its echoes, and no-change
// cycles, each beside the least the quotas allow for the same work.
//   Marketo: reads by id ≤ 300 per call, Sync Leads ≤ 300 per call, a paging token and activity/lead-change pages of
//   ≤ 300, one token; 100 calls / 20 s (wall floor: the calls past the first 100 at 5 per second).
//   Pardot: prospect query pages of ≤ 1,000, visitor activities in pages of ≤ 1,000 (the least a bulk query would
//   take), one PATCH per prospect written; no per-second limit, 5 in flight; the daily allowance (Growth 25,000,
//   Plus 50,000, Advanced/Premium 100,000) is the real bound.
//   Salesforce: one SOQL page per 2,000 leads plus users, queues and the token; writes in sObject Collections of 200.
static async Task RunMarketingPlatformAsync(string marketing, Dictionary<string, string?> overrides, HttpClient admin, Process sandboxProcess, int leads, int seed)
{
    var loaded = LeadSyncHostFactory.LoadOrReport(null, Console.Error, overrides) ?? throw new InvalidOperationException("configuration rejected");
    using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Error);
    var store = host.Services.GetRequiredService<IStateStore>();
    await store.MigrateAsync(CancellationToken.None);
    var engine = host.Services.GetRequiredService<SyncEngine>();
    var connection = host.Services.GetRequiredService<ConnectionRegistry>().All.First();
    var marketo = marketing == "marketo";
    var product = marketo ? "Marketo" : "Pardot";
    var callsKey = marketo ? "marketoCalls" : "pardotCalls";

    var rows = new List<string[]>();
    var byEndpoint = new List<(string Cycle, Dictionary<string, (long Calls, long Records)> Endpoints)>();
    using var sandboxView = Process.GetProcessById(sandboxProcess.Id);
    var cycle = 0;
    async Task MeasureAsync(string name)
    {
        var before = await StatsAsync(admin);
        sandboxView.Refresh();
        var sandboxCpuBefore = sandboxView.TotalProcessorTime;
        var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var report = await engine.RunCycleAsync(connection, CycleMode.Incremental, CancellationToken.None);
        watch.Stop();
        var after = await StatsAsync(admin);
        sandboxView.Refresh();
        var sandboxCpu = (sandboxView.TotalProcessorTime - sandboxCpuBefore).TotalSeconds;
        using var process = Process.GetCurrentProcess();
        var ownCpu = (process.TotalProcessorTime - ownCpuBefore).TotalSeconds;
        var endpoints = EndpointDelta(before, after);
        var first = cycle++ == 0;
        long Delta(string key) => Long(after, key) - Long(before, key);
        var marketingCalls = Delta(callsKey);
        var salesforceCalls = Delta("salesforceCalls");

        // Records each endpoint wrote; Marketo's Sync Leads counts records, Pardot's PATCH one per call.
        long Written(Func<string, bool> match) => endpoints.Where(e => match(e.Key)).Sum(e => e.Value.Records);
        long marketingBound;
        string marketingFloorNote;
        double wallFloor;
        if (marketo)
        {
            var written = Written(e => e.StartsWith("POST /rest/", StringComparison.Ordinal) && e.EndsWith("/leads.json", StringComparison.Ordinal));
            var reads = first
                ? 1 + 1 + Ceil(Long(before, "marketoActivities"), 300) + Ceil(Long(before, "marketoLeads"), 300)
                : 1 + 2;
            marketingBound = reads + Ceil(written, 300);
            marketingFloorNote = first ? "token + paging token + activity pages (all activities /300) + leads by id (/300) + Sync Leads (/300)" : "paging token + 1 lead-changes page + 1 activities page + Sync Leads (/300)";
            wallFloor = Math.Max(0, marketingBound - 100) / 5.0;
        }
        else
        {
            var patches = endpoints.Where(e => e.Key.StartsWith("PATCH ", StringComparison.Ordinal)).Sum(e => e.Value.Calls);
            var reads = first ? Ceil(Long(before, "prospects"), 1000) + Ceil(Long(before, "pardotActivities"), 1000) : 2;
            marketingBound = reads + patches;
            marketingFloorNote = first ? "prospect pages (/1,000) + visitor-activity pages in bulk (/1,000) + one PATCH per prospect written" : "1 prospect page + 1 activity page + one PATCH per prospect written";
            wallFloor = 0; // no per-second limit: only the 5 in flight and the daily allowance
        }

        var leadsBefore = Long(before, "leads");
        long salesforceWriteBound = 0;
        foreach (var (endpoint, (_, records)) in endpoints)
        {
            if (endpoint.Contains(" /services/", StringComparison.Ordinal) && !endpoint.StartsWith("GET ", StringComparison.Ordinal) && !endpoint.Contains("oauth2", StringComparison.Ordinal))
            {
                salesforceWriteBound += Ceil(records, 200);
            }
        }

        var salesforceBound = (first ? Ceil(leadsBefore, 2000) + 3 : 1) + salesforceWriteBound;
        rows.Add(
        [
            name,
            report.Succeeded ? "ok" : "FAILED: " + report.Error,
            N(report.LeadsRead),
            N(marketingCalls), N(marketingBound), Ratio(marketingBound, marketingCalls),
            N(salesforceCalls), N(salesforceBound), Ratio(salesforceBound, salesforceCalls),
            F(watch.Elapsed.TotalSeconds), marketo ? F(wallFloor) : "–",
            marketo ? N(Delta("marketoWrites")) : N(Delta("pardotWrites")),
            marketo ? N(Delta("marketoThrottled")) : N(Delta("pardotThrottled")),
            marketo ? "–" : (marketingCalls / 25_000.0).ToString("P0", CultureInfo.InvariantCulture) + " / " + (marketingCalls / 100_000.0).ToString("P0", CultureInfo.InvariantCulture),
            F(ownCpu), F(sandboxCpu),
            (process.PeakWorkingSet64 / 1024 / 1024).ToString(CultureInfo.InvariantCulture),
        ]);
        Console.WriteLine(string.Join(" | ", rows[^1]) + "   [" + product + " floor: " + marketingFloorNote + "]");
        byEndpoint.Add((name, endpoints));
    }

    await MeasureAsync("first full sync");
    await MeasureAsync("settle (echoes of its own writes)");
    await MeasureAsync("no-change cycle, right after");
    await Task.Delay(TimeSpan.FromSeconds(6));
    await MeasureAsync("no-change cycle, steady state");

    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{product}: {leads:N0} people, seed {seed}, cores: {Environment.ProcessorCount}, sandbox in a separate process (pid {sandboxProcess.Id}), its limits lifted; LeadSync's client-side limits as configured"));
    Table($"| cycle | result | read | {product} calls | {product} floor | ratio | Salesforce calls | Salesforce floor | ratio | wall s | quota wall floor s | {product} writes | throttled | share of daily allowance (Growth 25k / Premium 100k) | LeadSync CPU s | sandbox CPU s | peak WS MB |", rows);

    foreach (var (name, endpoints) in byEndpoint)
    {
        Console.WriteLine();
        Console.WriteLine($"By endpoint, {name} (records = records the sandbox created or changed):");
        Console.WriteLine("| endpoint | calls | records |");
        Console.WriteLine("|---|---|---|");
        foreach (var (endpoint, (calls, records)) in endpoints.OrderByDescending(e => e.Value.Calls))
        {
            Console.WriteLine($"| `{endpoint}` | {N(calls)} | {N(records)} |");
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
    // The platforms' published limits are LeadSync's own client-side limiters' business here: the fake's are lifted.
    // Pardot reads lag writes by 0 s, so each cycle below sees what the one before wrote (the lag only shifts echoes).
    foreach (var argument in new[]
        {
            worker, "sandbox", "--port", port.ToString(CultureInfo.InvariantCulture), "--leads", leads.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--hubspot-rate", "0", "--search-rate", "0", "--marketo-rate", "0", "--marketo-daily", "0", "--pardot-daily", "0", "--pardot-cache-lag", "0",
        })
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
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sandbox up with {Long(stats, "contacts"):N0} contacts and {Long(stats, "leads"):N0} leads after {watch.Elapsed.TotalSeconds:F1} s"));
            return;
        }
        catch (HttpRequestException)
        {
            await Task.Delay(250);
        }
    }

    throw new TimeoutException("the sandbox did not start within 2 minutes");
}

static async Task<JsonObject> StatsAsync(HttpClient admin) =>
    (JsonNode.Parse(await admin.GetStringAsync(new Uri("/_sandbox/stats", UriKind.Relative))) as JsonObject)!;

static long Long(JsonObject stats, string name) => stats[name]?.GetValue<long>() ?? 0;

static Dictionary<string, (long Calls, long Records)> EndpointDelta(JsonObject before, JsonObject after)
{
    var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
    foreach (var (endpoint, counts) in (after["endpoints"] as JsonObject) ?? [])
    {
        var was = before["endpoints"]?[endpoint];
        var calls = counts!["calls"]!.GetValue<long>() - (was?["calls"]?.GetValue<long>() ?? 0);
        var records = counts["records"]!.GetValue<long>() - (was?["records"]?.GetValue<long>() ?? 0);
        if (calls > 0)
        {
            result[endpoint] = (calls, records);
        }
    }

    return result;
}

// A Markdown table: the header row as given, a separator with one cell per column, the rows.
static void Table(string header, IEnumerable<string[]> rows)
{
    Console.WriteLine(header);
    Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", header.Count(c => c == '|') - 1)));
    foreach (var row in rows)
    {
        Console.WriteLine("| " + string.Join(" | ", row) + " |");
    }
}

static long Ceil(long count, long per) => (count + per - 1) / per;

static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

static string Ratio(double bound, double measured) => measured <= 0 ? "–" : (bound / measured).ToString("F2", CultureInfo.InvariantCulture);

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
