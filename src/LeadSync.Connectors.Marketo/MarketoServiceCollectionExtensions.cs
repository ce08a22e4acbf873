using System.Net.Http.Headers;
using LeadSync.Connectors.Http;
using LeadSync.Connectors.Marketo.Api;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Refit;

namespace LeadSync.Connectors.Marketo;

public static class MarketoServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client for REST calls of a connection.</summary>
    public static string HttpClientName(string connectionName) => $"LeadSync.Marketo.{connectionName}";

    /// <summary>Name of the client for the identity endpoint (outside the REST limits: identity calls are not counted).</summary>
    public static string IdentityClientName(string connectionName) => $"LeadSync.Marketo.{connectionName}.Identity";

    /// <summary>
    /// Registers a keyed <see cref="IMarketingPlatform"/> (key = <paramref name="connectionName"/>) over Marketo, with
    /// its own HttpClients, token provider, limiters and pipeline. Also keyed by the same name:
    /// <see cref="MarketoMarketingPlatform"/> and <see cref="MarketoTraffic"/>. Validate the options first with
    /// <see cref="MarketoOptionsValidator"/>.
    /// </summary>
    public static IServiceCollection AddMarketoConnector(this IServiceCollection services, string connectionName, MarketoOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Clone(); // later changes to the caller's instance must not reach a running connection
        var clientName = HttpClientName(connectionName);
        var identityName = IdentityClientName(connectionName);

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(connectionName, (sp, _) => new MarketoTraffic(snapshot, sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton(connectionName, (_, _) => new MarketoLimiters(snapshot));
        services.AddKeyedSingleton(connectionName, (sp, _) =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new MarketoTokenProvider(
                connectionName,
                snapshot,
                () => factory.CreateClient(identityName),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredKeyedService<MarketoTraffic>(connectionName),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<MarketoMarketingPlatform>());
        });

        var identity = services.AddHttpClient(identityName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            });
        identity.AddResilienceHandler("marketo-identity", (builder, context) =>
            {
                builder.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                builder.AddTimeout(snapshot.TotalTimeout);
                builder.AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = Math.Min(snapshot.MaxRetries, 3), Delay = snapshot.RetryBaseDelay, UseJitter = true, BackoffType = DelayBackoffType.Exponential });
                builder.AddTimeout(snapshot.AttemptTimeout);
            });
        identity.AddHttpMessageHandler(() => new JsonBodyGuardHandler(MarketoErrors.Product));

        var http = services.AddHttpClient(clientName, client =>
            {
                client.BaseAddress = new Uri(snapshot.BaseUrl.TrimEnd('/'));
                client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts govern
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            });
        http.AddResilienceHandler("marketo", (builder, context) => MarketoResilience.Configure(
            builder,
            connectionName,
            snapshot,
            context.ServiceProvider.GetRequiredKeyedService<MarketoLimiters>(connectionName),
            context.ServiceProvider.GetRequiredService<TimeProvider>(),
            context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("LeadSync.Connectors.Marketo.Resilience")));

        // After the resilience handler, so it sits inside it: every attempt gets the current token and is counted.
        http.AddHttpMessageHandler(sp => new MarketoAuthHandler(
            sp.GetRequiredKeyedService<MarketoTokenProvider>(connectionName), sp.GetRequiredKeyedService<MarketoTraffic>(connectionName)));

        // Innermost: a cut-off or garbled JSON answer fails its attempt, so the retry repeats it like a 5xx.
        http.AddHttpMessageHandler(() => new JsonBodyGuardHandler(MarketoErrors.Product));

        services.AddKeyedSingleton(connectionName, (sp, _) =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var settings = CreateRefitSettings();
            return new MarketoMarketingPlatform(
                connectionName,
                () => RestService.ForGenerated<IMarketoApi>(factory.CreateClient(clientName), settings),
                snapshot,
                sp.GetRequiredKeyedService<MarketoTraffic>(connectionName),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<MarketoMarketingPlatform>());
        });
        services.AddKeyedSingleton<IMarketingPlatform>(connectionName, (sp, key) => sp.GetRequiredKeyedService<MarketoMarketingPlatform>(key));
        return services;
    }

    internal static RefitSettings CreateRefitSettings() =>
        // Source-generated JSON metadata; buffered bodies so a retried request resends the same bytes.
        new(SystemTextJsonContentSerializer.ForContext(MarketoJsonContext.Default)) { Buffered = true };
}
