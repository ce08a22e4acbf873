using System.Net;
using System.Text.Json;
using LeadSync.Connectors.Http;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Refit;

namespace LeadSync.Connectors.Salesforce;

public static class SalesforceServiceCollectionExtensions
{
    /// <summary>
    /// Refit needs a base address; the real one (instance_url) is only known after the token call,
    /// so <see cref="SalesforceAuthHandler"/> replaces this placeholder on every request. It never resolves.
    /// </summary>
    internal static readonly Uri PlaceholderBaseAddress = new("https://salesforce-instance.invalid/");

    private static readonly RefitSettings RefitSettings = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    public static string ApiClientName(string connectionName) => $"LeadSync.Salesforce.{connectionName}.api";

    public static string TokenClientName(string connectionName) => $"LeadSync.Salesforce.{connectionName}.token";

    /// <summary>Registers the connector with the default Lead fields (<see cref="SalesforceLeadSchema.Default"/>).</summary>
    public static IServiceCollection AddSalesforceConnector(this IServiceCollection services, string connectionName, SalesforceOptions options) =>
        services.AddSalesforceConnector(connectionName, options, SalesforceLeadSchema.Default);

    /// <summary>
    /// Registers a keyed <see cref="ICrmSystem"/> (key = <paramref name="connectionName"/>) with its own named HttpClients,
    /// resilience pipeline, token cache and quota state; the same instance is registered as <see cref="SalesforceCrmSystem"/>
    /// for what only Salesforce has (the External ID check of <c>validate-config --live</c>). Options are not validated
    /// here: the host runs <see cref="SalesforceOptionsValidator.Validate"/> at start so every problem is reported at once.
    /// </summary>
    /// <param name="schema">The org's Lead fields for the cross-reference, score, grade and the create key.</param>
    /// <exception cref="ArgumentException">A field name in <paramref name="schema"/> is not a Salesforce field name.</exception>
    public static IServiceCollection AddSalesforceConnector(
        this IServiceCollection services, string connectionName, SalesforceOptions options, SalesforceLeadSchema schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        schema.EnsureValid();

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);

        services.AddKeyedSingleton(connectionName, (sp, _) => new SalesforceConnectionState(
            connectionName, options.DailyApiReserveShare, sp.GetRequiredService<ILoggerFactory>().CreateLogger<SalesforceCrmSystem>()));
        services.AddKeyedSingleton(connectionName, (sp, _) => new SalesforceTokenProvider(
            connectionName,
            options,
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<SalesforceTokenProvider>()));

        var clientTimeout = options.TotalTimeout + TimeSpan.FromSeconds(10);

        // Token client: login URL, retries on 5xx only; counted and observed like every other call.
        var token = services.AddHttpClient(TokenClientName(connectionName), client => client.Timeout = clientTimeout);
        token.AddResilienceHandler("salesforce-token", pipeline => ConfigurePipeline(pipeline, options, postIsRepeatable: true));
        token.AddHttpMessageHandler(sp => new SalesforceObservingHandler(sp.GetRequiredKeyedService<SalesforceConnectionState>(connectionName)));
        token.AddHttpMessageHandler(() => new JsonBodyGuardHandler("Salesforce"));

        // API client, outermost first: auth (instance URL, bearer, one refresh on 401) → resilience → observation of each attempt.
        var api = services.AddHttpClient(ApiClientName(connectionName), client =>
        {
            client.BaseAddress = PlaceholderBaseAddress;
            client.Timeout = clientTimeout;
        });
        api.AddHttpMessageHandler(sp => new SalesforceAuthHandler(
            sp.GetRequiredKeyedService<SalesforceTokenProvider>(connectionName),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<SalesforceAuthHandler>(),
            connectionName));
        api.AddResilienceHandler("salesforce-api", pipeline => ConfigurePipeline(pipeline, options, postIsRepeatable: false));
        api.AddHttpMessageHandler(sp => new SalesforceObservingHandler(sp.GetRequiredKeyedService<SalesforceConnectionState>(connectionName)));

        // Innermost: an unreadable body is an attempt's failure, seen (and retried where allowed) by the pipeline.
        api.AddHttpMessageHandler(() => new JsonBodyGuardHandler("Salesforce"));

        services.AddKeyedSingleton(connectionName, (sp, _) =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();

            // A client per use, as IHttpClientFactory intends, so handler rotation (DNS changes) reaches a long-lived connector.
            ISalesforceApi CreateApi() => RestService.ForGenerated<ISalesforceApi>(factory.CreateClient(ApiClientName(connectionName)), RefitSettings);
            return new SalesforceCrmSystem(options, schema, CreateApi, sp.GetRequiredKeyedService<SalesforceConnectionState>(connectionName));
        });
        services.AddKeyedSingleton<ICrmSystem>(connectionName, (sp, key) => sp.GetRequiredKeyedService<SalesforceCrmSystem>(key));

        return services;
    }

    /// <summary>Total timeout → retry → circuit breaker → concurrency limit → attempt timeout.</summary>
    /// <param name="postIsRepeatable">The token POST has no side effect and may be repeated; the API's POSTs create records.</param>
    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, SalesforceOptions options, bool postIsRepeatable)
    {
        pipeline.AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, postIsRepeatable)),
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.AttemptTimeout.Ticks * 2)),
            BreakDuration = TimeSpan.FromSeconds(15),
        });

        // Salesforce has no short-window rate limit (only the rolling 24 h quota): this cap is courtesy towards the org.
        pipeline.AddConcurrencyLimiter(options.MaxConcurrentRequests, queueLimit: 1000);
        pipeline.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>
    /// 408/429/5xx, network errors and unreadable bodies are retried, never 400/403/404 (401 is the auth handler's
    /// single refresh). A POST creates records: after a timeout, a network error, a 5xx (a 503 can come after the
    /// write was applied and its answer lost) or an unreadable answer it may already have landed, so it is only retried
    /// on a 429, which says the request was not processed; the engine settles the rest by reading back. PATCHes
    /// (updates, and lead creates, which are upserts by External ID) give the same result when repeated, so they are
    /// retried.
    /// </summary>
    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, bool postIsRepeatable)
    {
        var transient = HttpClientResiliencePredicates.IsTransient(outcome) || outcome.Exception is UnreadableResponseException;
        if (!transient)
        {
            return false;
        }

        if (postIsRepeatable || context.GetRequestMessage()?.Method != HttpMethod.Post)
        {
            return true;
        }

        return outcome.Result?.StatusCode is HttpStatusCode.TooManyRequests;
    }
}
