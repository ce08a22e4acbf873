using LeadSync.Worker.Cli;
using LeadSync.Worker.Configuration;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace LeadSync.Worker.Tests.Cli;

public sealed class RunBannerAndLayersTests
{
    [Fact]
    public void StartLines_NameConnectionsSchedulesAndEndpoints_WithoutCredentials()
    {
        var settings = LeadSyncSettings.Bind(ConfigurationLoader.Load(null, new Dictionary<string, string?>
        {
            ["LeadSync:HubSpot:BaseUrl"] = "https://user:hunter2@api.hubapi.com/",
            ["LeadSync:HubSpot:AccessToken"] = "pat-na1-secret-token",
            ["LeadSync:Salesforce:LoginUrl"] = "https://login.salesforce.com",
            ["LeadSync:Salesforce:ClientSecret"] = "sf-client-secret",
            ["LeadSync:State:SqlitePath"] = "state/x\u001b[2J.db",
            ["LeadSync:Health:Urls"] = "http://127.0.0.1:5081",
        }));

        var lines = RunBanner.StartLines(settings);
        var text = string.Join("\n", lines);

        Assert.StartsWith("leadsync run: 1 connection, state SQLite state/x\\u001b[2J.db", lines[0], StringComparison.Ordinal);
        Assert.Contains("connection default: HubSpot https://api.hubapi.com ↔ Salesforce https://login.salesforce.com", text, StringComparison.Ordinal);
        Assert.Contains("sync \"0 0/2 * * * ?\"", text, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5081 /health/live, /health/ready, /metrics", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StopLine_SaysHowLongItRan() =>
        Assert.Equal("leadsync run: stopped after 1h 02m 03s", RunBanner.StopLine(new TimeSpan(1, 2, 3)));

    [Fact]
    public void EnvironmentFile_IsLayeredOverTheShippedFile_AndUnderTheConfigFile()
    {
        var environment = "Test" + Guid.NewGuid().ToString("N");
        var environmentFile = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        using var dir = new TempDir();
        File.WriteAllText(environmentFile, """{ "LeadSync": { "Health": { "Urls": "http://127.0.0.1:6001" }, "Schedule": { "TimeZone": "Europe/Berlin" } } }""");
        try
        {
            var config = dir.File("ops.json", """{ "LeadSync": { "Health": { "Urls": "http://127.0.0.1:6002" } } }""");

            var withEnvironment = ConfigurationLoader.Load(null, null, environment, "unused");
            var withConfigFile = ConfigurationLoader.Load(config, null, environment, "unused");
            var production = ConfigurationLoader.Load(null, null, "Production", "unused");

            Assert.Equal("http://127.0.0.1:6001", withEnvironment["LeadSync:Health:Urls"]);
            Assert.Equal("http://127.0.0.1:6002", withConfigFile["LeadSync:Health:Urls"]);
            Assert.Equal("Europe/Berlin", withConfigFile["LeadSync:Schedule:TimeZone"]);
            Assert.NotEqual("Europe/Berlin", production["LeadSync:Schedule:TimeZone"]);
        }
        finally
        {
            File.Delete(environmentFile);
        }
    }

    [Fact]
    public void UserSecrets_AreReadInDevelopmentOnly_OverTheConfigFile()
    {
        var id = "leadsync-test-" + Guid.NewGuid().ToString("N");
        var secretsPath = PathHelper.GetSecretsPathFromSecretsId(id);
        Directory.CreateDirectory(Path.GetDirectoryName(secretsPath)!);
        File.WriteAllText(secretsPath, """{ "LeadSync:HubSpot:AccessToken": "from-user-secrets" }""");
        using var dir = new TempDir();
        try
        {
            var config = dir.File("ops.json", """{ "LeadSync": { "HubSpot": { "AccessToken": "from-config-file" } } }""");

            Assert.Equal("from-user-secrets", ConfigurationLoader.Load(config, null, "Development", id)["LeadSync:HubSpot:AccessToken"]);
            Assert.Equal("from-config-file", ConfigurationLoader.Load(config, null, "Production", id)["LeadSync:HubSpot:AccessToken"]);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(secretsPath)!, recursive: true);
        }
    }

    [Fact]
    public void WorkerProject_DeclaresTheUserSecretsIdTheLoaderReads()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "LeadSync.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var project = File.ReadAllText(Path.Combine(root, "src", "LeadSync.Worker", "LeadSync.Worker.csproj"));
        Assert.Contains($"<UserSecretsId>{ConfigurationLoader.UserSecretsId}</UserSecretsId>", project, StringComparison.Ordinal);
        Assert.Contains("<ToolCommandName>leadsync</ToolCommandName>", project, StringComparison.Ordinal);
    }
}
