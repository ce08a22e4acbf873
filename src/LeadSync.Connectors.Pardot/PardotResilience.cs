using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.RateLimiting;
using Polly.Timeout;

namespace LeadSync.Connectors.Pardot;

/// <summary>
/// The connection's pipeline: total timeout → retry → circuit breaker → business-unit concurrency limit → attempt timeout.
/// The limiter sits inside the retry so a request waiting out its back-off holds no slot. Account Engagement documents
/// no 429 or Retry-After: its throttles are body codes (66 concurrency, 202 minute, 122 daily).
/// </summary>
internal static class PardotResilience
{
    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder, string connection, PardotOptions options, RateLimiter limiter, TimeProvider time, ILogger logger)
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
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context.CancellationToken),
                OnRetry = args =>
                {
                    var operation = args.Context.GetRequestMessage()?.RequestUri?.AbsolutePath ?? "request";
                    var reason = args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "unknown";
                    Log.Retrying(logger, connection, operation, reason, args.RetryDelay, args.AttemptNumber + 2);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "circuit-breaker",
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(15),
            ShouldHandle = args => new ValueTask<bool>(IsServerFailure(args.Outcome)),
        });

        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            Name = "business-unit-concurrency",
            RateLimiter = args => limiter.AcquireAsync(1, args.Context.CancellationToken),
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.AttemptTimeout });
    }

    private static bool IsServerFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };

    /// <summary>
    /// 5xx, 408, network errors and the retryable codes (66, 183, 214, 121) are retried, whatever HTTP status carries
    /// the code (undocumented). Every call LeadSync makes is a GET or an idempotent PATCH, so a repeat is safe.
    /// </summary>
    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (IsServerFailure(outcome))
        {
            return true;
        }

        if (outcome.Result is not { IsSuccessStatusCode: false } response)
        {
            return false;
        }

        return PardotErrorCodes.IsRetryable((await PardotErrorBody.ReadAsync(response, cancellationToken))?.Code);
    }
}
