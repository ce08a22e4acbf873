using System.Reflection;
using System.Text.RegularExpressions;
using LeadSync.Connectors.HubSpot;
using LeadSync.Connectors.Salesforce;
using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;
using LeadSync.State;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace LeadSync.Worker.Tests.Deploy;

/// <summary>
/// The files in deploy/ and appsettings.example.json are read (YAML with YamlDotNet, the rest as text) and checked against
/// the application itself: configuration keys, ports, probe paths, secrets and the Quartz schema. Docker, Kubernetes and
/// systemd are not run here.
/// </summary>
public sealed partial class DeployFilesTests
{
    private const string LivePath = "/health/live";
    private const string ReadyPath = "/health/ready";
    private const int SandboxPort = 5099;

    private static readonly string[] SecretKeys = ["LeadSync:HubSpot:AccessToken", "LeadSync:Salesforce:ClientSecret", "LeadSync:State:ConnectionString"];

    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HubSpot"] = typeof(HubSpotOptions),
        ["Marketo"] = typeof(LeadSync.Connectors.Marketo.MarketoOptions),
        ["Pardot"] = typeof(LeadSync.Connectors.Pardot.PardotOptions),
        ["Salesforce"] = typeof(SalesforceOptions),
        ["State"] = typeof(StateOptions),
        ["Sync"] = typeof(SyncOptions),
        ["Scoring"] = typeof(ScoringOptions),
        ["Lifecycle"] = typeof(LifecycleOptions),
        ["Mappings"] = typeof(FieldMappingOptions),
        ["Handoff"] = typeof(HandoffOptions),
        ["Routing"] = typeof(RoutingOptions),
        ["Segments"] = typeof(LeadSync.Domain.Segmentation.SegmentOptions),
        ["Nurture"] = typeof(LeadSync.Domain.Nurture.NurtureOptions),
        ["Schedule"] = typeof(ScheduleOptions),
        ["Health"] = typeof(HealthOptions),
        ["Telemetry"] = typeof(TelemetryOptions),
    };

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LeadSync.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("LeadSync.sln not found above the test output");
        }
    }

    private static string DeployFile(string relative) => Path.Combine(RepoRoot, "deploy", relative);

    private static string ExamplePath => Path.Combine(RepoRoot, "appsettings.example.json");

    // ---- appsettings.example.json ----------------------------------------------------------------

    [Fact]
    public void ExampleSettings_LoadedLikeRun_ValidatesWithZeroProblems()
    {
        using var error = new StringWriter();

        var loaded = LeadSyncHostFactory.LoadOrReport(new FileInfo(ExamplePath), error);

        Assert.True(loaded is not null, error.ToString());
        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public void ExampleSettings_EverySection_IsDocumented()
    {
        var root = ExampleConfiguration().GetSection("LeadSync");

        foreach (var section in Sections.Keys.Append("Connections").Append("Logging"))
        {
            Assert.True(root.GetSection(section).Exists(), $"appsettings.example.json does not document LeadSync:{section}");
        }

        Assert.True(ExampleConfiguration().GetSection("Serilog").Exists(), "appsettings.example.json does not document Serilog");
    }

    [Fact]
    public void ExampleSettings_EveryKey_IsARealSetting()
    {
        var unknown = ExampleKeys().Where(key => !IsRealKey(key)).ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public void ExampleSettings_Secrets_ArePlaceholdersAndCommentsSayWhereTheyGo()
    {
        var configuration = ExampleConfiguration();
        foreach (var key in SecretKeys.Take(2))
        {
            Assert.Equal("set-in-environment", configuration[key]);
        }

        Assert.True(string.IsNullOrEmpty(configuration["LeadSync:State:ConnectionString"]));
        var text = File.ReadAllText(ExamplePath);
        Assert.Contains("SECRETS NEVER GO IN THIS FILE", text, StringComparison.Ordinal);
        foreach (var name in SecretKeys.Select(EnvironmentName))
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    // ---- Dockerfile ------------------------------------------------------------------------------

    [Fact]
    public void Dockerfile_Stages_SdkBuildThenAspNetRuntimeAsNonRoot()
    {
        var lines = DockerInstructions();
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, froms.Count);
        Assert.Contains("dotnet/sdk:10.0", froms[0], StringComparison.Ordinal);
        Assert.Contains("dotnet/aspnet:10.0", froms[1], StringComparison.Ordinal);
        var runtime = lines.SkipWhile(l => l != froms[1]).ToList();
        var user = Assert.Single(runtime, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotMatch(@"^USER\s+(root|0)(:|$)", user);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"leadsync.dll\"]", runtime);
        Assert.Contains("CMD [\"run\"]", runtime);
    }

    [Fact]
    public void Dockerfile_RestoreLayer_CopiesEveryProjectTheWorkerBuildsFrom()
    {
        // The restore runs on the project files alone: one missing is a restore that cannot find a referenced project.
        var lines = DockerInstructions();
        var restore = lines.FindIndex(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, "no restore step");
        var copied = lines.Take(restore).Where(l => l.StartsWith("COPY src/", StringComparison.Ordinal)).ToList();

        foreach (var project in Directory.GetFiles(Path.Combine(RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoRoot, project).Replace('\\', '/');
            Assert.Contains(copied, l => l.StartsWith($"COPY {relative} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Dockerfile_HealthCheckAndPort_AgreeWithHealthUrls()
    {
        var lines = DockerInstructions();
        var environment = DockerEnvironment(lines);
        var port = PortOf(environment["LeadSync__Health__Urls"]);

        Assert.StartsWith("http://0.0.0.0:", environment["LeadSync__Health__Urls"], StringComparison.Ordinal);
        Assert.Contains($"EXPOSE {port}", lines);
        var healthCheck = Assert.Single(lines, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.Contains(LivePath, healthCheck, StringComparison.Ordinal);
        Assert.Contains($"/dev/tcp/127.0.0.1/{port}", healthCheck, StringComparison.Ordinal);
        AssertRealKeys(environment.Keys);
    }

    [Fact]
    public void Dockerfile_CopySources_ExistInTheRepository()
    {
        foreach (var copy in DockerInstructions().Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1].Where(p => !p.StartsWith("--", StringComparison.Ordinal));
            foreach (var source in parts)
            {
                var path = Path.Combine(RepoRoot, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"Dockerfile copies '{source}', which does not exist");
            }
        }
    }

    // ---- docker-compose.yml ----------------------------------------------------------------------

    [Fact]
    public void Compose_Services_PostgresSandboxAndTwoClusteredWorkers()
    {
        var services = Mapping(LoadYaml("docker-compose.yml")[0], "services");

        Assert.True(services.Children.ContainsKey(new YamlScalarNode("postgres")));
        var sandbox = Mapping(services, "sandbox");
        Assert.Equal(["sandbox", "--port", SandboxPort.ToString(System.Globalization.CultureInfo.InvariantCulture)], Sequence(sandbox, "command"));
        var workers = services.Children.Where(s => Scalar(s.Key).StartsWith("worker", StringComparison.Ordinal)).Select(s => (YamlMappingNode)s.Value).ToList();
        Assert.Equal(2, workers.Count);
        var healthPorts = new HashSet<int>();
        foreach (var worker in workers)
        {
            Assert.Equal(["run"], Sequence(worker, "command"));
            var environment = Environment(worker);
            AssertRealKeys(environment.Keys);
            Assert.Equal("true", environment["LeadSync__Schedule__Clustered"]);
            Assert.Equal("Postgres", environment["LeadSync__State__Provider"]);
            Assert.Equal($"http://127.0.0.1:{SandboxPort}", environment["LeadSync__HubSpot__BaseUrl"]);
            Assert.Equal($"http://127.0.0.1:{SandboxPort}", environment["LeadSync__Salesforce__LoginUrl"]);
            Assert.Equal("service:sandbox", Scalar(worker.Children[new YamlScalarNode("network_mode")]));
            var port = PortOf(environment["LeadSync__Health__Urls"]);
            Assert.StartsWith("http://0.0.0.0:", environment["LeadSync__Health__Urls"], StringComparison.Ordinal);
            Assert.True(healthPorts.Add(port), $"two workers share health port {port} in one network namespace");
            var test = string.Join(' ', Sequence(Mapping(worker, "healthcheck"), "test"));
            Assert.Contains($"/dev/tcp/127.0.0.1/{port}", test, StringComparison.Ordinal);
            Assert.Contains(LivePath, test, StringComparison.Ordinal);
            foreach (var secret in SecretKeys.Select(EnvironmentName))
            {
                Assert.Contains("${", environment[secret], StringComparison.Ordinal);
            }
        }

        var published = Sequence(sandbox, "ports");
        Assert.Contains($"127.0.0.1:{SandboxPort}:{SandboxPort}", published);
        Assert.All(healthPorts, p => Assert.Contains($"127.0.0.1:{p}:{p}", published));
    }

    // ---- Kubernetes ------------------------------------------------------------------------------

    [Fact]
    public void Kubernetes_Deployment_TwoReplicasProbesResourcesAndSecretRefs()
    {
        var deployment = LoadYaml("k8s/deployment.yaml").Single(d => Scalar(d.Children[new YamlScalarNode("kind")]) == "Deployment");
        var spec = Mapping(deployment, "spec");
        Assert.Equal("2", Scalar(spec.Children[new YamlScalarNode("replicas")]));
        var pod = Mapping(Mapping(spec, "template"), "spec");
        Assert.Equal("true", Scalar(Mapping(pod, "securityContext").Children[new YamlScalarNode("runAsNonRoot")]));
        var container = (YamlMappingNode)((YamlSequenceNode)pod.Children[new YamlScalarNode("containers")]).Children.Single();

        var env = ((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Children.Cast<YamlMappingNode>().ToList();
        var names = env.Select(e => Scalar(e.Children[new YamlScalarNode("name")])).ToList();
        AssertRealKeys(names);
        var secretKeys = Secret().Children.Select(c => Scalar(c.Key)).ToHashSet(StringComparer.Ordinal);
        foreach (var secret in SecretKeys.Select(EnvironmentName))
        {
            var entry = Assert.Single(env, e => Scalar(e.Children[new YamlScalarNode("name")]) == secret);
            Assert.False(entry.Children.ContainsKey(new YamlScalarNode("value")), $"{secret} is a literal, not a Secret reference");
            var reference = Mapping(Mapping(entry, "valueFrom"), "secretKeyRef");
            Assert.Equal("leadsync-secrets", Scalar(reference.Children[new YamlScalarNode("name")]));
            Assert.Contains(Scalar(reference.Children[new YamlScalarNode("key")]), secretKeys);
        }

        var healthUrls = Scalar(env.Single(e => Scalar(e.Children[new YamlScalarNode("name")]) == "LeadSync__Health__Urls").Children[new YamlScalarNode("value")]);
        Assert.StartsWith("http://0.0.0.0:", healthUrls, StringComparison.Ordinal);
        var port = PortOf(healthUrls).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var containerPort = ((YamlSequenceNode)container.Children[new YamlScalarNode("ports")]).Children.Cast<YamlMappingNode>().Single();
        Assert.Equal(port, Scalar(containerPort.Children[new YamlScalarNode("containerPort")]));
        foreach (var (probe, path) in new[] { ("livenessProbe", LivePath), ("readinessProbe", ReadyPath) })
        {
            var httpGet = Mapping(Mapping(container, probe), "httpGet");
            Assert.Equal(path, Scalar(httpGet.Children[new YamlScalarNode("path")]));
            Assert.Equal(port, Scalar(httpGet.Children[new YamlScalarNode("port")]));
        }

        var resources = Mapping(container, "resources");
        foreach (var kind in new[] { "requests", "limits" })
        {
            var values = Mapping(resources, kind);
            Assert.True(values.Children.ContainsKey(new YamlScalarNode("cpu")) && values.Children.ContainsKey(new YamlScalarNode("memory")), $"resources.{kind} needs cpu and memory");
        }

        Assert.True(int.Parse(Scalar(pod.Children[new YamlScalarNode("terminationGracePeriodSeconds")]), System.Globalization.CultureInfo.InvariantCulture) > new ScheduleOptions().ShutdownTimeoutSeconds);
    }

    [Fact]
    public void Kubernetes_ConfigMap_HoldsValidSettingsWithoutSecrets()
    {
        var configMap = LoadYaml("k8s/configmap.yaml").Single();
        var json = Scalar(Mapping(configMap, "data").Children[new YamlScalarNode("appsettings.json")]);
        var path = Path.Combine(Path.GetTempPath(), $"leadsync-configmap-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var keys = new ConfigurationBuilder().AddJsonFile(path).Build().AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).ToList();
            Assert.All(keys, key => Assert.True(IsRealKey(key), $"ConfigMap key {key} is not a setting"));
            Assert.DoesNotContain(keys, key => SecretKeys.Contains(key, StringComparer.OrdinalIgnoreCase));

            // As the pod sees it: the Secret supplies the three secrets through the environment.
            using var error = new StringWriter();
            var loaded = LeadSyncHostFactory.LoadOrReport(new FileInfo(path), error, new Dictionary<string, string?>
            {
                ["LeadSync:HubSpot:AccessToken"] = "from-secret",
                ["LeadSync:Salesforce:ClientSecret"] = "from-secret",
                ["LeadSync:State:ConnectionString"] = "Host=db;Database=leadsync;Username=leadsync;Password=from-secret",
            });
            Assert.True(loaded is not null, error.ToString());
            Assert.True(loaded.Settings.Schedule.Clustered);
            Assert.False(loaded.Settings.Schedule.ProvisionSchema);
            Assert.Equal("http://0.0.0.0:5080", loaded.Settings.Health.Urls);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---- systemd ---------------------------------------------------------------------------------

    [Fact]
    public void Systemd_Unit_NotifyNonRootEnvironmentFileRestartOnFailure()
    {
        var unit = File.ReadAllLines(DeployFile("systemd/leadsync.service"))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('['))
            .Select(l => l.Split('=', 2))
            .ToLookup(p => p[0], p => p[1], StringComparer.Ordinal);

        Assert.Equal("notify", Assert.Single(unit["Type"]));
        Assert.NotEqual("root", Assert.Single(unit["User"]));
        Assert.StartsWith("/etc/leadsync/", Assert.Single(unit["EnvironmentFile"]), StringComparison.Ordinal);
        Assert.Equal("on-failure", Assert.Single(unit["Restart"]));
        Assert.Matches(@"leadsync\.dll run\b", Assert.Single(unit["ExecStart"]));
        Assert.True(int.Parse(Assert.Single(unit["TimeoutStopSec"]), System.Globalization.CultureInfo.InvariantCulture) > new ScheduleOptions().ShutdownTimeoutSeconds);
        var environment = unit["Environment"].Select(e => e.Split('=', 2)).Where(p => p[0].StartsWith("LeadSync__", StringComparison.Ordinal)).ToList();
        AssertRealKeys(environment.Select(p => p[0]));
        Assert.DoesNotContain(environment, p => SecretKeys.Select(EnvironmentName).Contains(p[0]));
    }

    // ---- Quartz schema ---------------------------------------------------------------------------

    [Fact]
    public void QuartzSql_EqualsTheScriptEmbeddedInQuartz_ModuloWhitespaceAndPrefix()
    {
        using var stream = typeof(Quartz.IJob).Assembly.GetManifestResourceStream("Quartz.Impl.AdoJobStore.Schema.create_postgres.sql");
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        var embedded = reader.ReadToEnd().Replace("{0}", "qrtz_", StringComparison.Ordinal).Replace("{1}", "qrtz_", StringComparison.Ordinal);
        var file = File.ReadAllLines(DeployFile("sql/quartz-postgres.sql"));
        // The file may only add a header of comment lines before the embedded script.
        var body = string.Join('\n', file.SkipWhile(l => l.StartsWith("-- LeadSync", StringComparison.Ordinal) || (l.StartsWith("--", StringComparison.Ordinal) && !embedded.Contains(l, StringComparison.Ordinal))));

        Assert.Equal(Whitespace().Replace(embedded, " ").Trim(), Whitespace().Replace(body, " ").Trim());
        Assert.DoesNotContain("{0}", body, StringComparison.Ordinal);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static IConfigurationRoot ExampleConfiguration() => new ConfigurationBuilder().AddJsonFile(ExamplePath).Build();

    private static IEnumerable<string> ExampleKeys() =>
        ExampleConfiguration().AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).Where(k => k.StartsWith("LeadSync:", StringComparison.Ordinal));

    private static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static void AssertRealKeys(IEnumerable<string> environmentNames)
    {
        foreach (var name in environmentNames.Where(n => n.StartsWith("LeadSync__", StringComparison.Ordinal)))
        {
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            Assert.True(IsRealKey(key), $"{name} is not a LeadSync setting");
            // Documented too, so an operator finds it in appsettings.example.json.
            Assert.True(ExampleKeys().Contains(key, StringComparer.OrdinalIgnoreCase), $"{name} is not documented in appsettings.example.json");
        }
    }

    /// <summary>True when the configuration key (LeadSync:Section:Property:…) binds to a property of the settings classes.</summary>
    private static bool IsRealKey(string key)
    {
        var parts = key.Split(':');
        if (parts is ["LeadSync", "MarketingPlatform"] or ["LeadSync", "Connections", _, "MarketingPlatform"])
        {
            return true;
        }

        if (parts.Length < 3 || parts[0] != "LeadSync")
        {
            return parts.Length >= 2 && parts[0] == "Serilog";
        }

        if (parts[1] == "Logging")
        {
            return parts is [_, _, "Format"];
        }

        if (parts[1] == "Connections")
        {
            // LeadSync:Connections:N:Name, or any connection-level section repeated inside an entry.
            return parts.Length >= 4 && int.TryParse(parts[2], out _)
                && (parts is [_, _, _, "Name"] || IsRealKey(string.Join(':', ["LeadSync", .. parts[3..]])));
        }

        return Sections.TryGetValue(parts[1], out var type) && Binds(type, parts.AsSpan(2));
    }

    private static bool Binds(Type type, ReadOnlySpan<string> path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return Binds(type.GetGenericArguments()[1], path[1..]);
        }

        if (type != typeof(string) && type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable)
        {
            return int.TryParse(path[0], out _) && Binds(enumerable.GetGenericArguments()[0], path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { CanWrite: true } && Binds(property.PropertyType, path[1..]);
    }

    private static List<string> DockerInstructions()
    {
        // Joins continuation lines and drops comments, like the Dockerfile parser.
        var joined = File.ReadAllText(DeployFile("Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        return joined.Split('\n').Select(l => Whitespace().Replace(l, " ").Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    private static Dictionary<string, string> DockerEnvironment(IEnumerable<string> instructions) =>
        instructions.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static int PortOf(string urls) => new Uri(urls.Split(';')[0]).Port;

    private static List<YamlMappingNode> LoadYaml(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(DeployFile(relative)));
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlMappingNode Secret() =>
        Mapping(LoadYaml("k8s/secret.example.yaml").Single(), "stringData");

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(Scalar).ToList();

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;

    /// <summary>A compose service's environment, with YAML merge keys (<c>&lt;&lt;: *anchor</c>) applied.</summary>
    private static Dictionary<string, string> Environment(YamlMappingNode service)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                if (Scalar(key) == "<<")
                {
                    Add((YamlMappingNode)value);
                }
                else
                {
                    result[Scalar(key)] = Scalar(value);
                }
            }
        }

        Add(Mapping(service, "environment"));
        return result;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
