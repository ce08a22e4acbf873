using System.Net.Http.Headers;
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
    /// Registers a keyed <see cref="IMarketingSystem"/> (key = <paramref name="connectionName"/>) with its own named
    /// HttpClient and resilience pipeline. Also keyed by the same name: <see cref="HubSpotMarketingSystem"/> and
    /// <see cref="HubSpotRateLimitState"/> (for metrics). Call once per connection; validate the options first with
    /// <see cref="HubSpotOptionsValidator"/>.
    /// </summary>
    public static IServiceCollection AddHubSpotConnector(this IServiceCollection services, string connectionName, HubSpotOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
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

        services.AddKeyedSingleton(connectionName, (sp, _) =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var settings = CreateRefitSettings();
            // A client per call, not one held forever, so the factory can rotate handlers (DNS changes).
            return new HubSpotMarketingSystem(
                connectionName,
                () => RestService.ForGenerated<IHubSpotApi>(factory.CreateClient(clientName), settings),
                snapshot,
                sp.GetRequiredKeyedService<HubSpotRateLimitState>(connectionName),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<HubSpotMarketingSystem>());
        });
        services.AddKeyedSingleton<IMarketingSystem>(connectionName, (sp, key) => sp.GetRequiredKeyedService<HubSpotMarketingSystem>(key));
        return services;
    }

    internal static RefitSettings CreateRefitSettings() =>
        // Source-generated JSON metadata, buffered bodies so a retried request resends the same bytes.
        new(SystemTextJsonContentSerializer.ForContext(HubSpotJsonContext.Default)) { Buffered = true };
}
