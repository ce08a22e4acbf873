using LeadSync.Connectors.HubSpot;
using LeadSync.Connectors.Pardot;
using LeadSync.Connectors.Salesforce;
using LeadSync.Domain.Configuration;
using LeadSync.State;
using LeadSync.Domain.Planning;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>Which product plays the marketing platform of a connection (<c>MarketingPlatform</c>, default HubSpot).</summary>
public enum MarketingPlatformKind
{
    HubSpot,
    Pardot,
}

/// <summary>
/// One marketing-platform/Salesforce-org pair as configured, with the JSON path its sections came from. Only the section
/// of the chosen <see cref="MarketingPlatform"/> is validated and used.
/// </summary>
public sealed record ConnectionSettings(
    string Name,
    HubSpotOptions HubSpot,
    SalesforceOptions Salesforce,
    ConnectionModelOptions Model,
    IReadOnlyDictionary<string, string> SectionPaths,
    MarketingPlatformKind MarketingPlatform = MarketingPlatformKind.HubSpot,
    PardotOptions? Pardot = null);

/// <summary>Where the worker serves /health and /metrics (section <c>LeadSync:Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>Loopback by default: health and metrics are for the local agent, probe or scraper.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    public bool Enabled { get; set; } = true;
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

            switch (connection.MarketingPlatform)
            {
                case MarketingPlatformKind.Pardot:
                    problems.AddRange(PardotOptionsValidator.Validate(connection.Pardot ?? new PardotOptions(), connection.SectionPaths["Pardot"]));
                    break;
                default:
                    problems.AddRange(HubSpotOptionsValidator.Validate(connection.HubSpot, connection.SectionPaths["HubSpot"]));
                    break;
            }

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

        // A scalar, per connection or for all: the connection's value wins. The Marketo work adds its own value here.
        var platformText = entry?["MarketingPlatform"] ?? root["MarketingPlatform"];
        paths["MarketingPlatform"] = entry?["MarketingPlatform"] is not null ? $"{entryPath}:MarketingPlatform" : "LeadSync:MarketingPlatform";
        var platform = Enum.TryParse<MarketingPlatformKind>(platformText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : MarketingPlatformKind.HubSpot; // unreadable values are reported by ConfigurationShape before binding
        var pardot = platform == MarketingPlatformKind.Pardot;

        // The built-in rules name HubSpot's properties: a Pardot connection without its own sections gets Pardot's.
        var model = new ConnectionModelOptions
        {
            Scoring = Pick<Domain.Scoring.ScoringOptions>("Scoring", pardot ? PardotDefaults.Scoring : Domain.Scoring.ScoringOptions.CreateDefault),
            Lifecycle = Pick<Domain.Lifecycle.LifecycleOptions>("Lifecycle", pardot ? PardotDefaults.Lifecycle : Domain.Lifecycle.LifecycleOptions.CreateDefault),
            Mappings = Pick<Domain.Mapping.FieldMappingOptions>("Mappings", pardot ? PardotDefaults.Mappings : () => new Domain.Mapping.FieldMappingOptions()),
            Handoff = Pick("Handoff", () => new Domain.Handoff.HandoffOptions()),
            Routing = Pick("Routing", () => new Domain.Routing.RoutingOptions()),
            Sync = Pick("Sync", () => new SyncOptions()),
        };

        return new ConnectionSettings(
            name,
            Pick("HubSpot", () => new HubSpotOptions()),
            Pick("Salesforce", () => new SalesforceOptions()),
            model,
            paths,
            platform,
            pardot ? PardotDefaults.WithDefaultSignals(Pick("Pardot", () => new PardotOptions())) : null);
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
