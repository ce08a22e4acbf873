using LeadSync.Sandbox;
using LeadSync.Worker.Cli;
using LeadSync.Worker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace LeadSync.Worker.WebConsole;

/// <summary>
/// The console on its own over a state file, for <c>demo --console</c>: the demo's sandbox is gone, so the console reads
/// the state only (no API call; a retry request waits for the next <c>run</c>).
/// </summary>
public static class ConsoleHost
{
    public static async Task<int> ServeStateAsync(CommandIo io, FileInfo? configFile, string statePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(io);
        var sandboxDefaults = new SandboxOptions();
        var loaded = LeadSyncHostFactory.LoadOrReport(configFile, io.Error, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // Connectors are composed but never called (the console is offline): the sandbox's defaults satisfy validation.
            ["LeadSync:HubSpot:BaseUrl"] = "http://127.0.0.1:9",
            ["LeadSync:HubSpot:AccessToken"] = sandboxDefaults.HubSpotAccessToken,
            ["LeadSync:Salesforce:LoginUrl"] = "http://127.0.0.1:9",
            ["LeadSync:Salesforce:ClientId"] = sandboxDefaults.SalesforceClientId,
            ["LeadSync:Salesforce:ClientSecret"] = sandboxDefaults.SalesforceClientSecret,
            ["LeadSync:State:Provider"] = "Sqlite",
            ["LeadSync:State:SqlitePath"] = statePath,
        });
        if (loaded is null)
        {
            return ExitCodes.InvalidInput;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(loaded.Configuration);
        builder.WebHost.UseUrls(loaded.Settings.Health.Urls);
        builder.Services.AddSerilog((_, logger) => Logging.SerilogSetup.Configure(logger, loaded.Configuration, LogEventLevel.Warning));
        builder.Services.AddLeadSync(loaded.Settings);
        builder.Services.AddLeadSyncConsole(loaded.Settings, live: false);
        await using var app = builder.Build();
        app.MapLeadSyncConsole();
        await app.StartAsync(cancellationToken);
        foreach (var url in app.Urls)
        {
            io.Out.WriteLine($"console: {url.TrimEnd('/')}/console (the demo's state; Ctrl+C stops it)");
        }

        try
        {
            await app.WaitForShutdownAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop quietly.
        }

        return ExitCodes.Success;
    }
}
