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
        var command = new Command(
            "sandbox",
            "Serve the stateful HubSpot and Salesforce fakes on 127.0.0.1 and print the URLs and credentials they accept.\n\nExamples:\n  leadsync sandbox --port 5099\n  curl -H 'Authorization: Bearer sandbox-hubspot-token' http://127.0.0.1:5099/crm/v3/owners")
        {
            port, leads, seed, hubSpotRate, searchRate,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var sandbox = await SandboxServer.StartAsync(
                new SandboxOptions
                {
                    Port = parse.GetValue(port),
                    LeadCount = parse.GetValue(leads),
                    Seed = parse.GetValue(seed),
                    HubSpotRequestsPerTenSeconds = parse.GetValue(hubSpotRate),
                    HubSpotSearchRequestsPerSecond = parse.GetValue(searchRate),
                },
                ct: ct);
            var o = sandbox.Options;
            io.Out.WriteLine($"sandbox listening on {sandbox.BaseUrl} (seed {o.Seed}, {o.LeadCount} leads, {o.RepCount} reps)");
            io.Out.WriteLine($"  HubSpot    base URL  {sandbox.HubSpotBaseUrl}   bearer token: {o.HubSpotAccessToken}");
            io.Out.WriteLine($"  Salesforce login URL {sandbox.SalesforceLoginUrl}   client id: {o.SalesforceClientId}   client secret: {o.SalesforceClientSecret}");
            io.Out.WriteLine("point LeadSync at it:");
            io.Out.WriteLine($"  export LeadSync__HubSpot__BaseUrl={sandbox.HubSpotBaseUrl} LeadSync__HubSpot__AccessToken={o.HubSpotAccessToken}");
            io.Out.WriteLine($"  export LeadSync__Salesforce__LoginUrl={sandbox.SalesforceLoginUrl} LeadSync__Salesforce__ClientId={o.SalesforceClientId} LeadSync__Salesforce__ClientSecret={o.SalesforceClientSecret}");
            io.Out.WriteLine("  leadsync sync --once");
            io.Out.WriteLine($"  sandbox control: GET {sandbox.BaseUrl}_sandbox/stats, POST {sandbox.BaseUrl}_sandbox/simulate?percent=5&seed=1");
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
