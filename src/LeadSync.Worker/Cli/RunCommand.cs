using System.CommandLine;
using LeadSync.Sync.Telemetry;
using LeadSync.Worker.Hosting;
using LeadSync.Worker.Logging;
using LeadSync.Worker.Scheduling;
using LeadSync.Worker.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Serilog;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary><c>run</c>: the worker an operator starts and leaves running — Quartz schedules, health, metrics.</summary>
public static class RunCommand
{
    public static Command Create(CommandIo io)
    {
        var command = new Command(
            "run",
            "Run the scheduled worker: incremental sync, SLA follow-up and nightly reconciliation per connection, with /health/live, /health/ready and /metrics.\n\nExamples:\n  leadsync run\n  LeadSync__Schedule__Clustered=true leadsync run --config prod.json");
        command.SetAction(async (parse, ct) =>
        {
            var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
            if (loaded is null)
            {
                return ExitCodes.InvalidInput;
            }

            await using var app = BuildWorker(loaded, []);
            foreach (var line in RunBanner.StartLines(loaded.Settings))
            {
                io.Out.WriteLine(line);
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            await app.RunAsync(ct);
            io.Out.WriteLine(RunBanner.StopLine(started.Elapsed));
            return ExitCodes.Success;
        });
        return command;
    }

    public static WebApplication BuildWorker(LoadedConfiguration loaded, string[] args)
    {
        var settings = loaded.Settings;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(loaded.Configuration);
        builder.WebHost.UseUrls(settings.Health.Urls);
        builder.Services.AddSerilog((_, logger) => SerilogSetup.Configure(logger, loaded.Configuration, LogEventLevel.Information));
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.Schedule.ShutdownTimeoutSeconds));
        builder.Services.AddHostedService<StateMigrationService>();
        builder.Services.AddLeadSync(settings);
        builder.Services.AddLeadSyncScheduling(settings);
        builder.Services.AddHostedService<State.StateRetentionService>();
        builder.Services.AddLeadSyncConsole(settings, live: true);
        // Singletons: the freshness check keeps the process start as its grace period (a per-probe instance would not).
        builder.Services.AddSingleton<StateStoreHealthCheck>();
        builder.Services.AddSingleton<CycleFreshnessHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<StateStoreHealthCheck>("state-store", tags: ["ready"])
            .AddCheck<CycleFreshnessHealthCheck>("cycle-freshness", tags: ["ready"]);

        var metrics = builder.Services.AddOpenTelemetry().WithMetrics(m =>
        {
            m.AddMeter(SyncMetrics.MeterName);
            if (settings.Telemetry.Prometheus)
            {
                m.AddPrometheusExporter();
            }

            if (settings.Telemetry.OtlpEndpoint is { Length: > 0 } endpoint)
            {
                m.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
            }
        });
        _ = metrics;

        var app = builder.Build();
        if (settings.Health.Enabled)
        {
            app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
            app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthJson.WriteAsync });
            app.MapLeadSyncConsole();
        }

        if (settings.Telemetry.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        return app;
    }
}
