using LeadSync.Connectors.Salesforce;
using LeadSync.Domain.Configuration;
using LeadSync.Domain.Planning;
using LeadSync.State;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Telemetry;
using LeadSync.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace LeadSync.Worker.Hosting;

/// <summary>Configuration as read and checked for one command invocation.</summary>
public sealed record LoadedConfiguration(IConfigurationRoot Configuration, LeadSyncSettings Settings)
{
    /// <summary>The <c>--config</c> file it was layered from (full path), if any: what <c>run</c> watches for rule changes.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The in-process overrides it was layered with (the demo's sandbox URLs), applied again on a reload.</summary>
    public IReadOnlyDictionary<string, string?>? Overrides { get; init; }
}

/// <summary>Composes LeadSync: configuration → settings → services. Wiring only; behaviour lives in the projects it wires.</summary>
public static class LeadSyncHostFactory
{
    /// <summary>
    /// Loads and validates the configuration. Prints every problem and returns null when anything is wrong
    /// (the caller exits with 2): the worker refuses to start on a configuration that validate-config rejects.
    /// </summary>
    public static LoadedConfiguration? LoadOrReport(FileInfo? configFile, TextWriter error, IReadOnlyDictionary<string, string?>? overrides = null) =>
        LoadOrReport(ConfigurationLoader.Load(configFile?.FullName, overrides), error) is { } loaded
            ? loaded with { ConfigFile = configFile?.FullName, Overrides = overrides }
            : null;

    /// <summary>
    /// Checks an already layered configuration. Unknown keys and unreadable values are found before binding, so they
    /// are listed together with every validation problem instead of the binder's first complaint alone.
    /// </summary>
    public static LoadedConfiguration? LoadOrReport(IConfigurationRoot configuration, TextWriter error)
    {
        var (problems, settings) = Check(configuration);
        if (problems.Count > 0 || settings is null)
        {
            Report(problems, error);
            return null;
        }

        return new LoadedConfiguration(configuration, settings);
    }

    /// <summary>
    /// Every problem of a layered configuration, and the settings bound from what has no problem of its own (null only
    /// when even that cannot be bound): what <see cref="LoadOrReport(IConfigurationRoot, TextWriter)"/> decides on.
    /// </summary>
    public static (IReadOnlyList<ConfigProblem> Problems, LeadSyncSettings? Settings) Check(IConfiguration configuration)
    {
        var (shapeProblems, offendingKeys) = ConfigurationShape.Inspect(configuration);
        var problems = shapeProblems.ToList();
        LeadSyncSettings? settings = null;
        try
        {
            // What has no problem of its own is still bound and validated, so its problems are listed too.
            settings = LeadSyncSettings.Bind(offendingKeys.Count == 0 ? configuration : ConfigurationShape.WithoutOffendingKeys(configuration, offendingKeys));
        }
        catch (InvalidOperationException ex)
        {
            // A value of the wrong type the shape check did not foresee: still reported, never bound as a default.
            problems.Add(new Domain.Configuration.ConfigProblem("LeadSync", $"configuration cannot be read: {ex.Message}", "values of the documented types"));
        }

        if (settings is not null)
        {
            problems.AddRange(settings.Validate());
        }

        return (problems, settings);
    }

    public static void Report(IReadOnlyList<ConfigProblem> problems, TextWriter error)
    {
        error.WriteLine($"configuration has {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}:");
        foreach (var problem in problems)
        {
            error.WriteLine($"  - {problem.Path}: {problem.Problem} (allowed: {problem.Allowed})");
        }
    }

    /// <summary>Registers everything a command needs to run cycles against the configured connections.</summary>
    public static IServiceCollection AddLeadSync(this IServiceCollection services, LeadSyncSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);

        // HttpClient's default logging puts every request header (bearer tokens) into structured properties: replaced.
        services.TryAddSingleton<Logging.HttpCallLogger>();
        services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers().AddLogger<Logging.HttpCallLogger>());
        services.AddMetrics();
        services.AddSingleton<SyncMetrics>(sp => new SyncMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<ReferenceDataCache>();
        services.AddSingleton<SyncEngine>();
        services.AddSingleton<FollowUp>();
        services.AddLeadSyncState(settings.State);
        foreach (var connection in settings.Connections)
        {
            // The connectors own their vendors' field names; the names an admin chose live in the connection's rules.
            var model = connection.Model;
            MarketingPlatforms.Register(services, connection);
            services.AddSalesforceConnector(
                connection.Name,
                connection.Salesforce,
                new SalesforceLeadSchema(model.Mappings.CrossReference.SalesforceField, model.Sync.ScoreField, model.Sync.GradeField, connection.Salesforce.ExternalKeyField));
        }

        services.AddSingleton<ConnectionRegistry>();
        return services;
    }

    /// <summary>A host for one-shot commands (sync, explain, demo…): services and logging, no background work.</summary>
    public static IHost BuildCommandHost(LoadedConfiguration loaded, LogEventLevel level, Action<IServiceCollection>? extra = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(loaded.Configuration);
        builder.Services.AddSerilog((_, logger) => Logging.SerilogSetup.Configure(logger, loaded.Configuration, level), preserveStaticLogger: true);
        builder.Services.AddLeadSync(loaded.Settings);
        extra?.Invoke(builder.Services);
        return builder.Build();
    }
}

/// <summary>The configured connections, each composed from its keyed connectors and its compiled rules.</summary>
public sealed class ConnectionRegistry
{
    // Replaced whole when rules are reloaded: a job that already took a connection finishes its cycle with those rules.
    private volatile Dictionary<string, SyncConnection> _connections;

    public ConnectionRegistry(IServiceProvider services, LeadSyncSettings settings)
    {
        _connections = settings.Connections.ToDictionary(
            c => c.Name,
            c => new SyncConnection(
                c.Name,
                services.GetRequiredKeyedService<IMarketingPlatform>(c.Name),
                services.GetRequiredKeyedService<ICrmSystem>(c.Name),
                new ConnectionModel(c.Model)),
            StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<SyncConnection> All => _connections.Values;

    public SyncConnection? Find(string name) => _connections.GetValueOrDefault(name);

    /// <summary>
    /// New rules for the connections already composed (same names, same connectors): the next cycle of each uses them.
    /// The caller has validated them and checked that nothing the connectors were built with changed.
    /// </summary>
    public void ApplyRules(IReadOnlyList<ConnectionSettings> connections)
    {
        var current = _connections;
        var next = new Dictionary<string, SyncConnection>(current, StringComparer.OrdinalIgnoreCase);
        foreach (var connection in connections)
        {
            if (current.TryGetValue(connection.Name, out var running))
            {
                next[connection.Name] = running with { Model = new ConnectionModel(connection.Model) };
            }
        }

        _connections = next;
    }
}
