using LeadSync.Connectors.HubSpot;
using LeadSync.Connectors.Marketo;
using LeadSync.Connectors.Pardot;
using LeadSync.Connectors.Salesforce;
using LeadSync.Domain.Configuration;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Scoring;
using LeadSync.State;
using LeadSync.Domain.Planning;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>
/// One marketing-platform/Salesforce-org pair as configured, with the JSON path its sections came from
/// (<c>SectionPaths["Marketing"]</c> is the chosen platform's section).
/// </summary>
public sealed record ConnectionSettings(
    string Name,
    HubSpotOptions HubSpot,
    SalesforceOptions Salesforce,
    ConnectionModelOptions Model,
    IReadOnlyDictionary<string, string> SectionPaths)
{
    /// <summary>Which marketing platform the connection uses (<c>MarketingPlatform</c>; HubSpot by default).</summary>
    public MarketingPlatformKind MarketingPlatform { get; init; }

    /// <summary>Section <c>Marketo</c>, used when <see cref="MarketingPlatform"/> is Marketo.</summary>
    public MarketoOptions Marketo { get; init; } = new();

    /// <summary>Section <c>Pardot</c>, used when <see cref="MarketingPlatform"/> is Pardot.</summary>
    public PardotOptions Pardot { get; init; } = new();
}

/// <summary>Where the worker serves /health and /metrics (section <c>LeadSync:Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>Loopback by default: health and metrics are for the local agent, probe or scraper.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    public bool Enabled { get; set; } = true;

    /// <summary>The web console on the same port (section <c>LeadSync:Health:Console</c>).</summary>
    public WebConsole.ConsoleOptions Console { get; set; } = new();
}

/// <summary>Section <c>LeadSync:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve a Prometheus scrape endpoint at /metrics on the health port.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>Push metrics over OTLP to this endpoint (e.g. http://otel-collector:4317) when set.</summary>
    public string? OtlpEndpoint { get; set; }
}

/// <summary>Section <c>LeadSync:Logging</c>: console text (default) or compact JSON.</summary>
public sealed class LoggingOptions
{
    public string Format { get; set; } = "text";
}

/// <summary>Everything the host reads from configuration, bound and checked in one place.</summary>
public sealed class LeadSyncSettings
{
    public const string DefaultConnectionName = "default";

    public required IReadOnlyList<ConnectionSettings> Connections { get; init; }

    public required StateOptions State { get; init; }

    public required ScheduleOptions Schedule { get; init; }

    public required HealthOptions Health { get; init; }

    public required TelemetryOptions Telemetry { get; init; }

    public required LoggingOptions Logging { get; init; }

    /// <summary>
    /// Binds the configuration. The single-connection sections (<c>LeadSync:HubSpot</c>, <c>LeadSync:Scoring</c>, …)
    /// form the default connection; each entry of <c>LeadSync:Connections</c> may override any of them.
    /// Sections that are absent take the built-in defaults (lists are never merged with defaults: the binder appends).
    /// </summary>
    public static LeadSyncSettings Bind(IConfiguration configuration)
    {
        var root = configuration.GetSection("LeadSync");
        var connections = new List<ConnectionSettings>();
        var listed = root.GetSection("Connections").GetChildren().ToList();
        if (listed.Count == 0)
        {
            connections.Add(BindConnection(DefaultConnectionName, root, null, "LeadSync"));
        }
        else
        {
            foreach (var entry in listed)
            {
                var name = entry["Name"] ?? $"connection-{entry.Key}";
                connections.Add(BindConnection(name, root, entry, $"LeadSync:Connections:{entry.Key}"));
            }
        }

        return new LeadSyncSettings
        {
            Connections = connections,
            State = Section(root, "State", () => new StateOptions()),
            Schedule = Section(root, "Schedule", () => new ScheduleOptions()),
            Health = Section(root, "Health", () => new HealthOptions()),
            Telemetry = Section(root, "Telemetry", () => new TelemetryOptions()),
            Logging = Section(root, "Logging", () => new LoggingOptions()),
        };
    }

    /// <summary>Every problem of the whole configuration, with JSON paths.</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        problems.AddRange(StateOptionsValidator.Validate(State, "LeadSync:State"));
        problems.AddRange(Schedule.Validate("LeadSync:Schedule"));
        problems.AddRange(WebConsole.ConsoleOptionsValidator.Validate(Health.Console, Health.Urls, "LeadSync:Health:Console"));
        if (!string.Equals(Logging.Format, "text", StringComparison.OrdinalIgnoreCase) && !string.Equals(Logging.Format, "json", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new ConfigProblem("LeadSync:Logging:Format", $"'{Logging.Format}' is not a log format", "text, json"));
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var connection in Connections)
        {
            if (!names.Add(connection.Name))
            {
                problems.Add(new ConfigProblem(connection.SectionPaths["Name"], $"connection name '{connection.Name}' is used twice", "unique names"));
            }

            if (connection.Name.Length == 0 || connection.Name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
            {
                problems.Add(new ConfigProblem(connection.SectionPaths["Name"], $"connection name '{connection.Name}' is not usable as a key", "letters, digits, '-' and '_'"));
            }

            problems.AddRange(MarketingPlatforms.Validate(connection));
            problems.AddRange(SalesforceOptionsValidator.Validate(connection.Salesforce, connection.SectionPaths["Salesforce"]));
            problems.AddRange(ConnectionModel.Validate(connection.Model, connection.SectionPaths));
        }

        return problems;
    }

    private static ConnectionSettings BindConnection(string name, IConfigurationSection root, IConfigurationSection? entry, string entryPath)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal) { ["Name"] = $"{entryPath}:Name" };

        T Pick<T>(string section, Func<T> fallback)
            where T : class
        {
            if (entry is not null && entry.GetSection(section).Exists())
            {
                paths[section] = $"{entryPath}:{section}";
                return entry.GetSection(section).Get<T>(Strict) ?? fallback();
            }

            paths[section] = $"LeadSync:{section}";
            return Section(root, section, fallback);
        }

        // A rules section keeps the defaults of every key it does not name (lists and maps it names replace them whole).
        T PickRules<T>(string section, Func<T> makeDefaults)
            where T : class
        {
            var bound = Pick(section, makeDefaults);
            var given = entry is not null && entry.GetSection(section).Exists() ? entry.GetSection(section) : root.GetSection(section);
            return given.Exists() ? SectionDefaults.FillAbsent(bound, makeDefaults(), given) : bound;
        }

        // The platform decides the defaults of the rules; the shape check has already refused a value that is none.
        var platformText = entry?[MarketingPlatforms.SettingName] ?? root[MarketingPlatforms.SettingName];
        paths[MarketingPlatforms.SettingName] = entry?[MarketingPlatforms.SettingName] is not null ? $"{entryPath}:{MarketingPlatforms.SettingName}" : $"LeadSync:{MarketingPlatforms.SettingName}";
        var platform = MarketingPlatforms.TryParse(platformText, out var parsed) ? parsed : MarketingPlatformKind.HubSpot;
        var marketo = Pick("Marketo", () => new MarketoOptions());
        var pardot = Pick("Pardot", () => new PardotOptions());
        var sync = Pick("Sync", () => new SyncOptions());
        var handoff = Pick("Handoff", () => new Domain.Handoff.HandoffOptions());

        // The platform's defaults, with the default MQL stage rule at the configured sales threshold: an admin who raises
        // the threshold does not also have to restate the stage rules.
        ConnectionModelOptions Defaults()
        {
            var options = MarketingPlatforms.Defaults(platform);
            foreach (var rule in options.Lifecycle.StageRules.Where(r => r.Stage == LifecycleStage.MarketingQualifiedLead && r.MinScore == ScoringOptionsValidator.DefaultSalesReadyThreshold))
            {
                rule.MinScore = handoff.Threshold;
            }

            return options;
        }

        var defaults = Defaults();
        var model = new ConnectionModelOptions
        {
            Scoring = PickRules("Scoring", () => Defaults().Scoring),
            // Value maps extend the platform's defaults key by key (unless a map says Replace); lists replace whole.
            Lifecycle = PickRules("Lifecycle", () => Defaults().Lifecycle).WithDefaultMaps(defaults.Lifecycle),
            Mappings = PickRules("Mappings", () => Defaults().Mappings),
            Handoff = handoff,
            Routing = Pick("Routing", () => new Domain.Routing.RoutingOptions()),
            Sync = sync,
            Segments = Pick("Segments", () => new Domain.Segmentation.SegmentOptions()),
            Nurture = Pick("Nurture", () => new Domain.Nurture.NurtureOptions()),
            MarketingPlatform = platform.ToString(),
        };

        var hubSpot = Pick("HubSpot", () => new HubSpotOptions());
        paths["Marketing"] = paths[MarketingPlatforms.Section(platform)];
        return new ConnectionSettings(name, hubSpot, Pick("Salesforce", () => new SalesforceOptions()), model, paths)
        {
            MarketingPlatform = platform,
            Marketo = marketo,
            Pardot = platform == MarketingPlatformKind.Pardot ? PardotDefaults.WithDefaultSignals(pardot) : pardot,
        };
    }

    /// <summary>A key no setting has (a typo such as "Thresold") is an error, not a silently ignored line.</summary>
    private static void Strict(BinderOptions options) => options.ErrorOnUnknownConfiguration = true;

    private static T Section<T>(IConfigurationSection root, string name, Func<T> fallback)
        where T : class
    {
        var section = root.GetSection(name);
        return section.Exists() ? section.Get<T>(Strict) ?? fallback() : fallback();
    }
}
