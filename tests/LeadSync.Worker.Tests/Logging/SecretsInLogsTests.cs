using System.Diagnostics;
using LeadSync.Sandbox;
using LeadSync.Worker.Logging;
using LeadSync.Worker.Tests.Cli;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace LeadSync.Worker.Tests.Logging;

/// <summary>No secret in any log, at any level, in any format: the real process, the real logging setup, real HTTP calls.</summary>
public sealed class SecretsInLogsTests
{
    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    public async Task SyncOnce_VerboseHttpLogging_NeverLogsATokenOrSecret(string format)
    {
        var hubSpotToken = "pat-na1-" + Guid.NewGuid().ToString("N");
        var clientSecret = "cs-" + Guid.NewGuid().ToString("N");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            Seed = 5, LeadCount = 40, HubSpotAccessToken = hubSpotToken, SalesforceClientSecret = clientSecret,
        });
        using var dir = new TempDir();

        var (exit, output, error) = await RunLeadSyncAsync(dir.Path, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LeadSync__HubSpot__BaseUrl"] = sandbox.HubSpotBaseUrl.ToString().TrimEnd('/'),
            ["LeadSync__HubSpot__AccessToken"] = hubSpotToken,
            ["LeadSync__Salesforce__LoginUrl"] = sandbox.SalesforceLoginUrl.ToString().TrimEnd('/'),
            ["LeadSync__Salesforce__ClientId"] = sandbox.SalesforceClientId,
            ["LeadSync__Salesforce__ClientSecret"] = clientSecret,
            ["LeadSync__State__SqlitePath"] = Path.Combine(dir.Path, "state.db"),
            ["LeadSync__Logging__Format"] = format,
            ["Serilog__MinimumLevel__Default"] = "Verbose",
            ["Serilog__MinimumLevel__Override__System.Net.Http"] = "Verbose",
            ["Serilog__MinimumLevel__Override__Microsoft"] = "Verbose",
        });

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");

        // Not vacuous: the HTTP calls, the Salesforce token exchange among them, were logged at this level.
        Assert.Contains("/services/oauth2/token", error, StringComparison.Ordinal);
        Assert.Contains("/crm/v3/objects/contacts/search", error, StringComparison.Ordinal);
        Assert.Contains("access token obtained", error, StringComparison.Ordinal);
        var everything = output + error;
        Assert.DoesNotContain(hubSpotToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(clientSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(sandbox.Salesforce.OrgId[..15] + "!", everything, StringComparison.Ordinal); // every Salesforce access token starts so
        Assert.DoesNotContain("Bearer", everything, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    public void Configure_EventsCarryingSecrets_AreMaskedInEveryPropertyAndFormat(string format)
    {
        using var destination = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LeadSync:Logging:Format"] = format }).Build();
        var loggerConfiguration = new LoggerConfiguration();
        SerilogSetup.Configure(loggerConfiguration, configuration, LogEventLevel.Verbose, destination);
        using (var logger = loggerConfiguration.CreateLogger())
        {
            logger.Verbose("Request headers {Headers}", new Dictionary<string, string[]> { ["Authorization"] = ["Bearer tok-in-a-dictionary"], ["Accept"] = ["application/json"] });
            logger.Verbose("Token response {Body}", """{"access_token":"tok-in-a-body","instance_url":"https://x.my.salesforce.com"}""");
            logger.Verbose("Form {Form}", "grant_type=client_credentials&client_id=abc&client_secret=secret-in-a-form");
            logger.Verbose("Nested {@Request}", new { Url = "https://api.hubapi.com", Authorization = "Bearer tok-in-a-structure", Notes = new[] { "Bearer tok-in-a-list" } });
            logger.Information("Quarantined {Reason}", "duplicate email jane.doe@example.com");
            logger.Information("Company {Company}", "Acme\u001b]0;pwned\u0007 \u202eLtd\nFAKE LINE");
        }

        var logged = destination.ToString();
        foreach (var secret in new[] { "tok-in-a-dictionary", "tok-in-a-body", "secret-in-a-form", "tok-in-a-structure", "tok-in-a-list", "jane.doe@" })
        {
            Assert.DoesNotContain(secret, logged, StringComparison.Ordinal);
        }

        Assert.Contains("j***@example.com", logged, StringComparison.Ordinal);
        Assert.Contains("application/json", logged, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', logged);
        Assert.DoesNotContain('\u0007', logged);
        Assert.DoesNotContain('\u202e', logged);
        Assert.Equal(6, logged.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the forged line stayed inside its event
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunLeadSyncAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "leadsync.dll"));
        info.ArgumentList.Add("sync");
        info.ArgumentList.Add("--once");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_gcServer"] = "0";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
