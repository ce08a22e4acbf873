using LeadSync.Sandbox;

namespace LeadSync.Worker.Tests.Cli;

/// <summary>Issue 12 part 8: each bad input is one line, the right exit code, and leaves no state behind.</summary>
public sealed class MoreBadInputTests
{
    [Theory]
    [InlineData("demo", "--leads", "2147483648", "--leads must be a whole number between 1 and 200000 (got '2147483648')")]
    [InlineData("demo", "--cycles", "lots", "--cycles must be a whole number between 1 and 100 (got 'lots')")]
    [InlineData("sandbox", "--hubspot-rate", "-5", "--hubspot-rate must be a whole number between 0 and 100000 (got '-5')")]
    [InlineData("sandbox", "--port", "70000", "--port must be a whole number between 0 and 65535 (got '70000')")]
    [InlineData("sandbox", "--fault-503", "2", "--fault-503 must be a probability from 0 to 1 (got '2')")]
    [InlineData("sandbox", "--latency-ms", "-1", "--latency-ms must be a whole number between 0 and 60000 (got '-1')")]
    public async Task NumberOption_OutOfRangeOrNotANumber_OneLineExitTwo(string command, string option, string value, string expected)
    {
        var (exit, output, error) = await CliRunner.RunAsync(command, option, value);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuarantineRetry_NegativeId_RefusedBeforeTheStateExists()
    {
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state", "leadsync.db");
        var config = dir.File("c.json", $$"""{ "LeadSync": { "State": { "SqlitePath": "{{state}}" } } }""");

        var (exit, _, error) = await CliRunner.RunAsync("quarantine", "retry", "-1", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("id must be a quarantine id", error, StringComparison.Ordinal);
        Assert.False(File.Exists(state));
    }

    [Fact]
    public async Task SyncOnce_WrongCredentials_RefusedBeforeTheStateExists()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 20 });
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state.db");
        var config = dir.File("c.json", $$"""
            {
              "LeadSync": {
                "HubSpot": { "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}", "AccessToken": "wrong-token" },
                "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
                "State": { "SqlitePath": "{{state}}" }
              }
            }
            """);

        var (exit, _, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:HubSpot", error, StringComparison.Ordinal);
        Assert.False(File.Exists(state));
    }

    [Fact]
    public async Task SyncOnce_TransientFaultDuringTheLiveCheck_IsARuntimeFailureNotAConfigurationProblem()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 20 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        sandbox.InjectFault("hubspot", 503, 50); // outlasts the retries of the metadata read

        var (exit, _, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.True(exit == 1, error);
        Assert.Contains("transient failure, try again", error, StringComparison.Ordinal);
        Assert.DoesNotContain("configuration has", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "state.db")));
    }

    [Fact]
    public async Task QuarantineList_StatePathIsNotADatabase_NamesThePathAndLeavesTheFileAlone()
    {
        using var dir = new TempDir();
        var notADatabase = dir.File("passwd", "root:x:0:0:root:/root:/bin/bash\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(notADatabase, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var config = dir.File("c.json", $$"""{ "LeadSync": { "State": { "SqlitePath": "{{notADatabase}}" } } }""");

        var (exit, _, error) = await CliRunner.RunAsync("quarantine", "list", "--config", config);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: state: cannot open SQLite file {notADatabase}: the file exists and is not a SQLite database (left untouched)", line);
        Assert.Equal("root:x:0:0:root:/root:/bin/bash\n", await File.ReadAllTextAsync(notADatabase));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(notADatabase));
        }
    }
}
