using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace LeadSync.Connectors.Marketo;

/// <summary>The connection's client-side limits; singletons so every HttpClient of the connection shares them.</summary>
internal sealed class MarketoLimiters : IDisposable
{
    public MarketoLimiters(MarketoOptions options)
    {
        // Queue rather than reject: a cycle would rather wait for the window than fail a page.
        Window = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.CallsPerTwentySeconds,
            Window = TimeSpan.FromSeconds(20),
            SegmentsPerWindow = 20,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        InFlight = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentCalls,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public RateLimiter Window { get; }

    public RateLimiter InFlight { get; }

    public void Dispose()
    {
        Window.Dispose();
        InFlight.Dispose();
    }
}

/// <summary>
/// One pipeline per connection: total timeout → retry → 20-second window → in-flight limit → circuit breaker → attempt
/// timeout. The retry sits outside the limiters, so every attempt takes a permit (Marketo counts each). Marketo
/// answers its errors with HTTP 200: the retry reads the envelope and retries 601/602 (with a new token), 606
/// (after a full window), 615, 604, 608, 611, 713 and 502, besides 5xx/408 and network errors. 607 is never retried.
/// </summary>
internal static class MarketoResilience
{
    private static readonly ResiliencePropertyKey<string> CodeKey = new("LeadSync.Marketo.Code");

    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder, string connection, MarketoOptions options, MarketoLimiters limiters, TimeProvider time, ILogger logger)
    {
        builder.TimeProvider = time;
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total-timeout", Timeout = options.TotalTimeout });

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Context.Properties.GetValue(CodeKey, "") switch
                {
                    "606" => options.RateLimitRetryDelay,
                    "601" or "602" => TimeSpan.Zero, // a new token is all it needs
                    _ => null, // the exponential backoff
                }),
                OnRetry = args =>
                {
                    var code = args.Context.Properties.GetValue(CodeKey, "");
                    var reason = code.Length > 0 ? code : args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "unknown";
                    Log.Retrying(logger, connection, args.Context.GetRequestMessage()?.RequestUri?.AbsolutePath ?? "request", reason, args.RetryDelay, args.AttemptNumber + 2);
                    return default;
                },
            });
        }

        builder.AddRateLimiter(new HttpRateLimiterStrategyOptions
        {
            Name = "twenty-second-window",
            RateLimiter = args => limiters.Window.AcquireAsync(1, args.Context.CancellationToken),
        });
        builder.AddRateLimiter(new HttpRateLimiterStrategyOptions
        {
            Name = "in-flight",
            RateLimiter = args => limiters.InFlight.AcquireAsync(1, args.Context.CancellationToken),
        });

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "circuit-breaker",
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(15),
            // Throttling and envelope errors are not a broken service: only server and network failures count.
            ShouldHandle = args => new ValueTask<bool>(IsTransportFailure(args.Outcome)),
            OnOpened = args =>
            {
                Log.CircuitOpened(logger, connection, args.BreakDuration);
                return default;
            },
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.AttemptTimeout });
    }

    private static bool IsTransportFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        context.Properties.Set(CodeKey, "");
        if (IsTransportFailure(outcome))
        {
            return true;
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var code = await MarketoErrors.FailedCodeAsync(response, context.CancellationToken);
        if (code is null)
        {
            return false;
        }

        context.Properties.Set(CodeKey, code);
        return MarketoErrors.IsTokenProblem(code) || MarketoErrors.IsTransient(code);
    }
}
