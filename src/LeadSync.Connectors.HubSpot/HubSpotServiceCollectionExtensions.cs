using System.Net.Http.Headers;
using LeadSync.Connectors.Http;
using LeadSync.Connectors.HubSpot.Api;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Refit;

namespace LeadSync.Connectors.HubSpot;

public static class HubSpotServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client behind a connection.</summary>
    public static string HttpClientName(string connectionName) => $"LeadSync.HubSpot.{connectionName}";

    /// <summary>
    /// <see cref="AddHubSpotConnector(IServiceCollection, string, HubSpotOptions, HubSpotContactSchema)"/> with
    /// <see cref="HubSpotContactSchema.Default"/> (cross-reference in salesforceleadid, score and grade not written).
    /// </summary>
    public static IServiceCollection AddHubSpotConnector(this IServiceCollection services, string connectionName, HubSpotOptions options) =>
        services.AddHubSpotConnector(connectionName, options, HubSpotContactSchema.Default);

    /// <summary>
    /// Registers a keyed <see cref="IMarketingPlatform"/> (key = <paramref name="connectionName"/>) with its own named
    /// HttpClient and resilience pipeline. Also keyed by the same name: <see cref="HubSpotMarketingSystem"/> and
    /// <see cref="HubSpotRateLimitState"/> (for metrics). Call once per connection; validate the options first with
    /// <see cref="HubSpotOptionsValidator"/>.
    /// </summary>
    /// <param name="schema">The connection's own contact properties (cross-reference, score, grade), from its mappings.</param>
    /// <exception cref="ArgumentException">A schema property is blank or would hold two of LeadSync's values.</exception>
    public static IServiceCollection AddHubSpotConnector(
        this IServiceCollection services, string connectionName, HubSpotOptions options, HubSpotContactSchema schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        schema.EnsureValid(); // at registration, not at first resolve
        var snapshot = options.Clone(); // later changes to the caller's instance must not reach a running connection
        var clientName = HttpClientName(connectionName);

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(connectionName, (_, _) => new HubSpotRateLimitState());
        services.AddKeyedSingleton(connectionName, (_, _) => new HubSpotRateLimiters(snapshot));

        var http = services.AddHttpClient(clientName, client =>
            {
                client.BaseAddress = new Uri(snapshot.BaseUrl.TrimEnd('/'));
                client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts govern
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", snapshot.AccessToken);
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            });
        http.AddResilienceHandler("hubspot", (builder, context) => HubSpotResilience.Configure(
                builder,
                connectionName,
                snapshot,
                context.ServiceProvider.GetRequiredKeyedService<HubSpotRateLimiters>(connectionName),
                context.ServiceProvider.GetRequiredService<TimeProvider>(),
                context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("LeadSync.Connectors.HubSpot.Resilience")));

        // Added after the resilience handler, so it sits inside it and sees every attempt.
        http.AddHttpMessageHandler(sp => new HubSpotDiagnosticsHandler(sp.GetRequiredKeyedService<HubSpotRateLimitState>(connectionName)));

        // Innermost: an unreadable body is an attempt's failure, retried by the pipeline like a 503.
        http.AddHttpMessageHandler(() => new JsonBodyGuardHandler("HubSpot"));

        services.AddKeyedSingleton(connectionName, (sp, _) =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var settings = CreateRefitSettings();
            // A client per call, not one held forever, so the factory can rotate handlers (DNS changes).
            return new HubSpotMarketingSystem(
                connectionName,
                () => RestService.ForGenerated<IHubSpotApi>(factory.CreateClient(clientName), settings),
                snapshot,
                schema,
                sp.GetRequiredKeyedService<HubSpotRateLimitState>(connectionName),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<HubSpotMarketingSystem>());
        });
        services.AddKeyedSingleton<IMarketingPlatform>(connectionName, (sp, key) => sp.GetRequiredKeyedService<HubSpotMarketingSystem>(key));
        return services;
    }

    internal static RefitSettings CreateRefitSettings() =>
        // Source-generated JSON metadata, buffered bodies so a retried request resends the same bytes.
        new(SystemTextJsonContentSerializer.ForContext(HubSpotJsonContext.Default)) { Buffered = true };
}
