using System.Net.Http.Headers;
using LeadSync.Connectors.Http;
using LeadSync.Connectors.Pardot.Api;
using LeadSync.Connectors.Salesforce;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Refit;

namespace LeadSync.Connectors.Pardot;

public static class PardotServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client behind a connection.</summary>
    public static string HttpClientName(string connectionName) => $"LeadSync.Pardot.{connectionName}";

    /// <summary>Key of the connection's own token provider when <see cref="PardotOptions.Credentials"/> is set.</summary>
    public static string TokenKey(string connectionName) => $"{connectionName}.pardot";

    /// <summary>
    /// Registers a keyed <see cref="IMarketingPlatform"/> (key = <paramref name="connectionName"/>) over Account
    /// Engagement, also keyed as <see cref="PardotMarketingPlatform"/> and <see cref="PardotConnectionState"/>. The token
    /// comes from the Salesforce connector's <see cref="SalesforceTokenProvider"/>: the connection's own (register the
    /// Salesforce connector for the same name) unless <see cref="PardotOptions.Credentials"/> names another connected app.
    /// Validate the options first with <see cref="PardotOptionsValidator"/>.
    /// </summary>
    public static IServiceCollection AddPardotConnector(
        this IServiceCollection services, string connectionName, PardotOptions options, PardotProspectSchema schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        schema.EnsureValid();
        var snapshot = options.Clone();
        var clientName = HttpClientName(connectionName);

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PardotBusinessUnitLimiters>();
        services.AddKeyedSingleton(connectionName, (sp, _) => new PardotConnectionState(snapshot, sp.GetRequiredService<TimeProvider>()));

        var tokenKey = connectionName;
        if (snapshot.Credentials is { } credentials)
        {
            tokenKey = TokenKey(connectionName);
            services.AddHttpClient(SalesforceServiceCollectionExtensions.TokenClientName(tokenKey), client => client.Timeout = snapshot.TotalTimeout);
            services.AddKeyedSingleton(tokenKey, (sp, _) => new SalesforceTokenProvider(
                tokenKey,
                credentials,
                sp.GetRequiredService<IHttpClientFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<SalesforceTokenProvider>()));
        }

        var http = services.AddHttpClient(clientName, client =>
        {
            client.BaseAddress = new Uri(snapshot.BaseUrl.TrimEnd('/'));
            client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts govern
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        });

        // Outermost first: headers and the one token refresh → resilience → observation of each attempt.
        http.AddHttpMessageHandler(sp => new PardotAuthHandler(
            sp.GetRequiredKeyedService<SalesforceTokenProvider>(tokenKey),
            snapshot.BusinessUnitId,
            connectionName,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<PardotMarketingPlatform>()));
        http.AddResilienceHandler("pardot", (builder, context) => PardotResilience.Configure(
            builder,
            connectionName,
            snapshot,
            context.ServiceProvider.GetRequiredService<PardotBusinessUnitLimiters>().For(snapshot.BusinessUnitId, snapshot.MaxConcurrentRequests),
            context.ServiceProvider.GetRequiredService<TimeProvider>(),
            context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("LeadSync.Connectors.Pardot.Resilience")));
        http.AddHttpMessageHandler(sp => new PardotObservingHandler(sp.GetRequiredKeyedService<PardotConnectionState>(connectionName)));

        // Innermost: a cut-off or garbled JSON answer fails its attempt, so the retry repeats it like a 5xx.
        http.AddHttpMessageHandler(() => new JsonBodyGuardHandler(PardotErrors.Product));

        services.AddKeyedSingleton(connectionName, (sp, _) =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var settings = new RefitSettings { Buffered = true };
            return new PardotMarketingPlatform(
                connectionName,
                () => RestService.ForGenerated<IPardotApi>(factory.CreateClient(clientName), settings),
                snapshot,
                schema,
                sp.GetRequiredKeyedService<PardotConnectionState>(connectionName),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<PardotMarketingPlatform>());
        });
        services.AddKeyedSingleton<IMarketingPlatform>(connectionName, (sp, key) => sp.GetRequiredKeyedService<PardotMarketingPlatform>(key));
        return services;
    }
}
