using LeadSync.Domain.Configuration;
using LeadSync.Worker.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace LeadSync.Worker.Hosting;

/// <summary>What one reload did: applied, or refused with every problem (the running rules stay).</summary>
/// <param name="ChangedKeys">The rule keys that changed (paths only: no value, so no secret).</param>
/// <param name="NeedRestart">Keys that changed outside the rules (connections, connectors, state, schedule…): not applied until a restart.</param>
public sealed record RuleReload(bool Applied, IReadOnlyList<ConfigProblem> Problems, IReadOnlyList<string> ChangedKeys, IReadOnlyList<string> NeedRestart);

/// <summary>
/// <c>run</c> takes rule changes without a restart. When <c>appsettings.json</c>, <c>appsettings.{Environment}.json</c>
/// or the <c>--config</c> file changes, the whole configuration is layered again and checked exactly as at start; a
/// configuration with any problem is refused with every problem logged and the running rules stay. A valid one replaces
/// the rules (scoring, lifecycle, mappings, handoff, routing) of each connection; the next cycle uses them. What the
/// connectors, the state store or the scheduler were built with (and the rules baked into the connectors: the
/// cross-reference fields, the <c>Sync</c> section and the marketing platform) cannot change under a running worker: a change there refuses the
/// reload ("restart to apply"), and a change outside the rules (a token, a URL) is logged as waiting for a restart.
/// The files are watched the way <c>reloadOnChange</c> watches them (a <see cref="PhysicalFileProvider"/> change token);
/// the layers are merged by LeadSync itself, so the configuration system's own reload cannot be used.
/// </summary>
public sealed partial class RuleReloadService(LoadedConfiguration loaded, ConnectionRegistry registry, TimeProvider time, ILogger<RuleReloadService> logger) : BackgroundService
{
    /// <summary>Sections of a connection whose change is a rule change, taken without a restart.</summary>
    private static readonly string[] RuleSections = ["Scoring", "Lifecycle", "Mappings", "Handoff", "Routing"];

    private Dictionary<string, string> _running = ConfigurationPrinter.Effective(loaded.Configuration, loaded.Settings);

    /// <summary>Raised after every reload attempt (tests wait for it; nothing else depends on it).</summary>
    public event Action<RuleReload>? Completed;

    /// <summary>Writers save in several steps: the file is read once this long after the last change seen.</summary>
    public static TimeSpan Settle { get; } = TimeSpan.FromMilliseconds(500);

    private readonly List<string> _files = [];
    private readonly Dictionary<string, PhysicalFileProvider> _providers = new(StringComparer.Ordinal);
    private Task _changed = Task.CompletedTask;

    /// <summary>The files are watched before start returns: a save right after the worker started is not missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _files.AddRange(WatchedFiles());
        foreach (var directory in _files.Select(f => Path.GetDirectoryName(f)!).Distinct(StringComparer.Ordinal).Where(Directory.Exists))
        {
            _providers[directory] = new PhysicalFileProvider(directory);
        }

        _changed = Watch();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(stoppingToken);
                await Task.Delay(Settle, time, stoppingToken);

                // Watch again before reading, so a save during the reload is not missed.
                _changed = Watch();
                Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        foreach (var provider in _providers.Values)
        {
            provider.Dispose();
        }

        base.Dispose();
    }

    /// <summary>Layers and checks the configuration again; applies its rules when valid. Public for the reload test.</summary>
    public RuleReload Reload()
    {
        RuleReload result;
        try
        {
            result = Check();
        }
        catch (ConfigurationFileException ex)
        {
            result = new RuleReload(false, [new ConfigProblem(loaded.ConfigFile ?? "appsettings.json", ex.Message, "a readable JSON object")], [], []);
        }

        if (result.Applied)
        {
            Log.Reloaded(logger, result.ChangedKeys.Count, string.Join(", ", result.ChangedKeys));
            if (result.NeedRestart.Count > 0)
            {
                Log.WaitsForRestart(logger, string.Join(", ", result.NeedRestart));
            }
        }
        else
        {
            Log.Refused(logger, result.Problems.Count);
            foreach (var problem in result.Problems)
            {
                Log.Problem(logger, problem.Path, problem.Problem, problem.Allowed);
            }
        }

        Completed?.Invoke(result);
        return result;
    }

    private RuleReload Check()
    {
        var configuration = ConfigurationLoader.Load(loaded.ConfigFile, loaded.Overrides);
        var (problems, settings) = LeadSyncHostFactory.Check(configuration);
        if (problems.Count > 0 || settings is null)
        {
            return new RuleReload(false, problems, [], []);
        }

        var running = registry.All.Select(c => c.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var named = settings.Connections.Select(c => c.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (!running.SequenceEqual(named, StringComparer.OrdinalIgnoreCase))
        {
            return new RuleReload(false, [new ConfigProblem("LeadSync:Connections", $"the connections changed ({string.Join(", ", running)} → {string.Join(", ", named)})", "restart to add, remove or rename a connection")], [], []);
        }

        var effective = ConfigurationPrinter.Effective(configuration, settings);
        var changes = ConfigurationDiff.Compute(_running, effective);
        var rules = changes.Where(c => IsRule(c.Key)).Select(c => c.Path).ToList();
        var baked = changes.Where(c => IsBakedIntoConnectors(c.Key)).Select(c => new ConfigProblem(c.Path, "changed: the connectors were built with it", "restart to apply")).ToList();
        if (baked.Count > 0)
        {
            return new RuleReload(false, baked, [], []);
        }

        registry.ApplyRules(settings.Connections);
        _running = effective;
        return new RuleReload(true, [], rules, [.. changes.Where(c => !IsRule(c.Key)).Select(c => c.Path)]);
    }

    private IEnumerable<string> WatchedFiles()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        yield return Path.Combine(AppContext.BaseDirectory, $"appsettings.{ConfigurationLoader.EnvironmentName}.json");
        if (loaded.ConfigFile is { } file)
        {
            yield return Path.GetFullPath(file);
        }
    }

    private Task Watch()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var file in _files)
        {
            if (_providers.TryGetValue(Path.GetDirectoryName(file)!, out var provider))
            {
                IChangeToken token = provider.Watch(Path.GetFileName(file));
                token.RegisterChangeCallback(static state => ((TaskCompletionSource)state!).TrySetResult(), signal);
            }
        }

        return signal.Task;
    }

    /// <summary><c>LeadSync:Routing:…</c> or <c>LeadSync:Connections:N:Routing:…</c>, cross-reference fields excepted.</summary>
    private static bool IsRule(string key) => Section(key) is { } section && RuleSections.Contains(section, StringComparer.OrdinalIgnoreCase) && !IsBakedIntoConnectors(key);

    private static bool IsBakedIntoConnectors(string key) =>
        Section(key) is { } section
        && (string.Equals(section, "Sync", StringComparison.OrdinalIgnoreCase)
            || string.Equals(section, MarketingPlatforms.SettingName, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(section, "Mappings", StringComparison.OrdinalIgnoreCase) && key.Contains(":CrossReference", StringComparison.OrdinalIgnoreCase)));

    private static string? Section(string key)
    {
        var segments = key.Split(':');
        return segments.Length switch
        {
            > 3 when string.Equals(segments[1], "Connections", StringComparison.OrdinalIgnoreCase) => segments[3],
            > 1 => segments[1],
            _ => null,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Configuration changed: rules reloaded ({Count} rule keys changed: {Keys}); the next cycle of each connection uses them")]
        public static partial void Reloaded(ILogger logger, int count, string keys);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration changed outside the rules, not applied until a restart: {Keys}")]
        public static partial void WaitsForRestart(ILogger logger, string keys);

        [LoggerMessage(Level = LogLevel.Error, Message = "Configuration changed but is refused ({Count} problems); the running rules stay")]
        public static partial void Refused(ILogger logger, int count);

        [LoggerMessage(Level = LogLevel.Error, Message = "  - {Path}: {Problem} (allowed: {Allowed})")]
        public static partial void Problem(ILogger logger, string path, string problem, string allowed);
    }
}
