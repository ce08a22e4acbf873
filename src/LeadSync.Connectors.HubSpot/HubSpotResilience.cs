using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.RateLimiting;
using Polly.Timeout;

namespace LeadSync.Connectors.HubSpot;

/// <summary>The client-side limiters of one connection; singletons so every HttpClient of the connection shares them.</summary>
internal sealed class HubSpotRateLimiters : IDisposable
{
    public HubSpotRateLimiters(HubSpotOptions options)
    {
        // Queue rather than reject: a sync cycle would rather wait a few seconds than fail a page.
        Window = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.RequestsPerTenSeconds,
            Window = TimeSpan.FromSeconds(10),
            SegmentsPerWindow = 10,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        Search = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.SearchRequestsPerSecond,
            Window = TimeSpan.FromSeconds(1),
            SegmentsPerWindow = 10,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public RateLimiter Window { get; }

    public RateLimiter Search { get; }

    public void Dispose()
    {
        Window.Dispose();
        Search.Dispose();
    }
}

/// <summary>
/// Builds the connection's one pipeline: total timeout → ten-second limiter → search limiter → retry → circuit breaker → attempt timeout.
/// </summary>
internal static class HubSpotResilience
{
    private static readonly ResiliencePropertyKey<ThrottlePolicy> ThrottleKey = new("LeadSync.HubSpot.Throttle");

    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        string connection,
        HubSpotOptions options,
        HubSpotRateLimiters limiters,
        TimeProvider time,
        ILogger logger)
    {
        builder.TimeProvider = time;

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total-timeout", Timeout = options.TotalTimeout });

        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            Name = "ten-second-window",
            RateLimiter = args => AcquireAsync(limiters.Window, connection, time, logger, args.Context.CancellationToken),
        });

        // Search is limited per second per token on top of the shared ten-second budget (counting it there too is
        // conservative: the spec exempts search from the ten-second bucket, but the cost is at most a few permits).
        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            Name = "search-per-second",
            RateLimiter = args => IsSearch(args.Context.GetRequestMessage())
                ? AcquireAsync(limiters.Search, connection, time, logger, args.Context.CancellationToken)
                : new ValueTask<RateLimitLease>(AcquiredLease.Instance),
        });

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldRetryAfterHeader = false, // handled in DelayGenerator with HubSpot's policy names
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryDelay(args.Outcome, args.Context, options, time)),
                OnRetry = args =>
                {
                    var policy = args.Context.Properties.GetValue(ThrottleKey, ThrottlePolicy.None);
                    var operation = args.Context.GetRequestMessage()?.RequestUri?.AbsolutePath ?? "request";
                    if (policy != ThrottlePolicy.None)
                    {
                        Log.Throttled(logger, connection, policy.ToString(), (int?)args.Outcome.Result?.StatusCode ?? 0, args.RetryDelay, args.AttemptNumber + 2);
                    }
                    else
                    {
                        var reason = args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "unknown";
                        Log.Retrying(logger, connection, operation, reason, args.RetryDelay, args.AttemptNumber + 2);
                    }

                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "circuit-breaker",
            FailureRatio = 0.5,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(15),
            // Throttling is not a sign of a broken service: only server and network failures count.
            ShouldHandle = args => new ValueTask<bool>(IsTransientFailure(args.Outcome)),
            OnOpened = args =>
            {
                Log.CircuitOpened(logger, connection, args.BreakDuration);
                return default;
            },
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.AttemptTimeout });
    }

    internal static bool IsSearch(HttpRequestMessage? request) =>
        request?.RequestUri?.AbsolutePath.EndsWith("/search", StringComparison.Ordinal) == true;

    private static async ValueTask<RateLimitLease> AcquireAsync(
        RateLimiter limiter, string connection, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        var started = time.GetTimestamp();
        lease = await limiter.AcquireAsync(1, cancellationToken);
        Log.RateLimiterQueued(logger, connection, time.GetElapsedTime(started));
        return lease;
    }

    private static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        context.Properties.Set(ThrottleKey, ThrottlePolicy.None);
        if (IsTransientFailure(outcome))
        {
            return true;
        }

        if (outcome.Result is not { StatusCode: HttpStatusCode.TooManyRequests } response)
        {
            return false;
        }

        var policy = await HubSpotThrottle.ClassifyAsync(response, context.CancellationToken);
        context.Properties.Set(ThrottleKey, policy);

        // The daily allowance does not come back within a retry's reach.
        return policy != ThrottlePolicy.Daily;
    }

    private static TimeSpan? RetryDelay(Outcome<HttpResponseMessage> outcome, ResilienceContext context, HubSpotOptions options, TimeProvider time)
    {
        if (outcome.Result is not { } response)
        {
            return null;
        }

        if (HubSpotThrottle.RetryAfter(response, time) is { } retryAfter)
        {
            return retryAfter;
        }

        // Without Retry-After, wait for the window the policy names to roll (as HubSpot's own clients do);
        // the per-second search window is a tenth of the ten-second one.
        return context.Properties.GetValue(ThrottleKey, ThrottlePolicy.None) switch
        {
            ThrottlePolicy.TenSecondly or ThrottlePolicy.Unknown => options.TenSecondlyRetryDelay,
            ThrottlePolicy.Secondly => options.TenSecondlyRetryDelay / 10,
            _ => null,
        };
    }

    private sealed class AcquiredLease : RateLimitLease
    {
        public static readonly AcquiredLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
