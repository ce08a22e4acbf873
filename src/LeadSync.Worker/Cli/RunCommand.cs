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
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
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

    /// <summary>
    /// Metrics (LeadSync's meter, HttpClient and the runtime) to Prometheus and/or OTLP, and traces (cycle → batch →
    /// API call spans) to OTLP when an endpoint is configured. HttpClient spans carry method, host and status only: the
    /// instrumentation records no header and LeadSync keeps only the path of a URL, so no token or email reaches a trace.
    /// </summary>
    public static void AddTelemetry(IServiceCollection services, Configuration.TelemetryOptions telemetry)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("leadsync"))
            .WithMetrics(m =>
            {
                m.AddMeter(SyncMetrics.MeterName).AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (telemetry.Prometheus)
                {
                    m.AddPrometheusExporter();
                }

                if (telemetry.OtlpEndpoint is { Length: > 0 } endpoint)
                {
                    m.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                }
            });
        if (telemetry.OtlpEndpoint is { Length: > 0 } traceEndpoint)
        {
            otel.WithTracing(t => t
                .AddSource(SyncTracing.SourceName)
                .AddHttpClientInstrumentation(o =>
                {
                    o.RecordException = false;
                    // Path only: a SOQL query string names emails, and Marketo's identity call carries the client secret.
                    o.EnrichWithHttpRequestMessage = (activity, request) => activity.SetTag("url.full", PathOnly(request.RequestUri));
                })
                .AddOtlpExporter(o => o.Endpoint = new Uri(traceEndpoint)));
        }
    }

    internal static string? PathOnly(Uri? uri) => uri?.GetLeftPart(UriPartial.Path);

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
        builder.Services.AddSingleton(loaded);
        builder.Services.AddSingleton<RuleReloadService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RuleReloadService>());
        builder.Services.AddHostedService<State.StateRetentionService>();
        builder.Services.AddLeadSyncConsole(settings, live: true);
        // Singletons: the freshness check keeps the process start as its grace period (a per-probe instance would not).
        builder.Services.AddSingleton<StateStoreHealthCheck>();
        builder.Services.AddSingleton<CycleFreshnessHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<StateStoreHealthCheck>("state-store", tags: ["ready"])
            .AddCheck<CycleFreshnessHealthCheck>("cycle-freshness", tags: ["ready"]);

        AddTelemetry(builder.Services, settings.Telemetry);

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
