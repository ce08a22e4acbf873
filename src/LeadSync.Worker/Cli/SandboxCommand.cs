using System.CommandLine;
using LeadSync.Sandbox;

namespace LeadSync.Worker.Cli;

/// <summary><c>sandbox --port P</c>: serves both fake APIs on 127.0.0.1 for manual poking with curl.</summary>
public static class SandboxCommand
{
    public static Command Create(CommandIo io)
    {
        var port = DemoCommand.Bounded("--port", "Port on 127.0.0.1 (0 picks a free one)", 5099, 0, 65535);
        var leads = DemoCommand.LeadsOption();
        var seed = DemoCommand.SeedOption();
        var hubSpotRate = DemoCommand.Bounded("--hubspot-rate", "HubSpot requests per rolling 10 s (published: 100 or 190; 0 disables the limit)", 100, 0, 100_000);
        var searchRate = DemoCommand.Bounded("--search-rate", "HubSpot search requests per second (published: 4; 0 disables the limit)", 4, 0, 10_000);
        var fault429 = DemoCommand.Probability("--fault-429", "Share of HubSpot requests answered 429 TEN_SECONDLY_ROLLING (Marketo: 606)");
        var fault503 = DemoCommand.Probability("--fault-503", "Share of requests to either system answered 503");
        var faultTruncated = DemoCommand.Probability("--fault-truncated", "Share of requests answered 200 with a body cut mid-JSON");
        var faultLost = DemoCommand.Probability("--fault-lost", "Share of writes applied and then answered 503 (the answer is lost)");
        var faultLostAbort = new Option<bool>("--fault-lost-abort") { Description = "A lost answer aborts the connection instead of answering 503" };
        var latency = DemoCommand.Bounded("--latency-ms", "Latency added to every request, in ms", 0, 0, 60_000);
        var faultSeed = DemoCommand.Bounded("--fault-seed", "Seed of the random faults (same seed, same faults)", 7, 0, int.MaxValue);
        var pardotLag = DemoCommand.Bounded("--pardot-cache-lag", "Seconds Account Engagement reads lag writes (documented: about 60)", 60, 0, 3600);
        var marketoRate = DemoCommand.Bounded("--marketo-rate", "Marketo calls per rolling 20 s (published: 100; 0 disables the limit)", 100, 0, 100_000);
        var marketoDaily = DemoCommand.Bounded("--marketo-daily", "Marketo daily API quota (typical: 50,000; 0 disables it)", 50_000, 0, int.MaxValue);
        var pardotDaily = DemoCommand.Bounded("--pardot-daily", "Account Engagement daily call allowance (Growth: 25,000; 0 disables it)", 25_000, 0, int.MaxValue);
        var command = new Command(
            "sandbox",
            "Serve the stateful HubSpot, Marketo, Account Engagement (Pardot) and Salesforce fakes on 127.0.0.1 and print the URLs and credentials they accept.\n\nExamples:\n  leadsync sandbox --port 5099\n  leadsync sandbox --fault-429 0.05 --fault-503 0.03 --fault-truncated 0.02 --fault-lost 0.03 --latency-ms 20\n  curl -H 'Authorization: Bearer sandbox-hubspot-token' http://127.0.0.1:5099/crm/v3/owners")
        {
            port, leads, seed, hubSpotRate, searchRate, fault429, fault503, faultTruncated, faultLost, faultLostAbort, latency, faultSeed, pardotLag,
            marketoRate, marketoDaily, pardotDaily,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Checked here, not in a validator: reading an option that failed to parse throws there.
            if (parse.GetValue(fault429) + parse.GetValue(fault503) + parse.GetValue(faultTruncated) + parse.GetValue(faultLost) > 1)
            {
                await io.Error.WriteLineAsync("error: the --fault-… shares add up to more than 1");
                return ExitCodes.InvalidInput;
            }

            await using var sandbox = await SandboxServer.StartAsync(
                new SandboxOptions
                {
                    Port = parse.GetValue(port),
                    LeadCount = parse.GetValue(leads),
                    Seed = parse.GetValue(seed),
                    HubSpotRequestsPerTenSeconds = parse.GetValue(hubSpotRate),
                    HubSpotSearchRequestsPerSecond = parse.GetValue(searchRate),
                    PardotReadCacheLag = TimeSpan.FromSeconds(parse.GetValue(pardotLag)),
                    MarketoCallsPerTwentySeconds = parse.GetValue(marketoRate),
                    MarketoDailyQuota = parse.GetValue(marketoDaily),
                    PardotDailyLimit = parse.GetValue(pardotDaily),
                    Faults = new FaultOptions
                    {
                        Seed = parse.GetValue(faultSeed),
                        RateLimitRate = parse.GetValue(fault429),
                        ServerErrorRate = parse.GetValue(fault503),
                        MalformedBodyRate = parse.GetValue(faultTruncated),
                        ResponseLostRate = parse.GetValue(faultLost),
                        ResponseLostAbort = parse.GetValue(faultLostAbort),
                        LatencyMs = parse.GetValue(latency),
                    },
                },
                ct: ct);
            var o = sandbox.Options;
            io.Out.WriteLine($"sandbox listening on {sandbox.BaseUrl} (seed {o.Seed}, {o.LeadCount} leads, {o.RepCount} reps)");
            io.Out.WriteLine($"  HubSpot    base URL  {sandbox.HubSpotBaseUrl}   bearer token: {o.HubSpotAccessToken}");
            io.Out.WriteLine($"  Salesforce login URL {sandbox.SalesforceLoginUrl}   client id: {o.SalesforceClientId}   client secret: {o.SalesforceClientSecret}");
            io.Out.WriteLine($"  Marketo    REST URL  {sandbox.MarketoBaseUrl}   client id: {o.MarketoClientId}   client secret: {o.MarketoClientSecret}   (identity at {sandbox.MarketoBaseUrl}identity/oauth/token)");
            io.Out.WriteLine($"  Pardot     base URL  {sandbox.PardotBaseUrl}   business unit: {sandbox.PardotBusinessUnitId}   (bearer: a token from the Salesforce login above; reads lag writes {o.PardotReadCacheLag.TotalSeconds:0} s)");
            io.Out.WriteLine("point LeadSync at it:");
            io.Out.WriteLine($"  export LeadSync__HubSpot__BaseUrl={sandbox.HubSpotBaseUrl} LeadSync__HubSpot__AccessToken={o.HubSpotAccessToken}");
            io.Out.WriteLine($"  export LeadSync__Salesforce__LoginUrl={sandbox.SalesforceLoginUrl} LeadSync__Salesforce__ClientId={o.SalesforceClientId} LeadSync__Salesforce__ClientSecret={o.SalesforceClientSecret}");
            io.Out.WriteLine("  leadsync sync --once");
            io.Out.WriteLine($"  or with Marketo as the marketing platform: export LeadSync__MarketingPlatform=Marketo LeadSync__Marketo__BaseUrl={sandbox.MarketoBaseUrl.ToString().TrimEnd('/')} LeadSync__Marketo__ClientId={o.MarketoClientId} LeadSync__Marketo__ClientSecret={o.MarketoClientSecret}");
            io.Out.WriteLine($"  or, with Pardot as the marketing platform: export LeadSync__MarketingPlatform=Pardot LeadSync__Pardot__BaseUrl={sandbox.PardotBaseUrl} LeadSync__Pardot__BusinessUnitId={sandbox.PardotBusinessUnitId}");
            var f = o.Faults;
            io.Out.WriteLine(FormattableString.Invariant(
                $"faults (seed {f.Seed}): 429 {f.RateLimitRate:P1}, 503 {f.ServerErrorRate:P1}, truncated body {f.MalformedBodyRate:P1}, lost response {f.ResponseLostRate:P1}{(f.ResponseLostAbort ? " (connection aborted)" : string.Empty)}, latency {f.LatencyMs} ms"));
            io.Out.WriteLine($"  sandbox control: GET {sandbox.BaseUrl}_sandbox/stats (faults by kind), POST {sandbox.BaseUrl}_sandbox/simulate?percent=5&seed=1 (world), POST {sandbox.BaseUrl}_sandbox/simulate?rate503=0.1&lost=0.03&faultSeed=9 (faults)");
            io.Out.WriteLine("press Ctrl+C to stop");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                io.Out.WriteLine("sandbox stopped");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
