using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.HubSpot;

/// <summary>Source-generated log messages. Arguments never carry the token; emails are masked by the caller.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "HubSpot {Connection}: throttled ({Policy}, HTTP {Status}), waiting {Delay} before attempt {Attempt}")]
    public static partial void Throttled(ILogger logger, string connection, string policy, int status, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "HubSpot {Connection}: {Operation} failed ({Reason}), retrying in {Delay} (attempt {Attempt})")]
    public static partial void Retrying(ILogger logger, string connection, string operation, string reason, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error,
        Message = "HubSpot {Connection}: daily API limit reached; writes are paused until {PausedUntil:u} ({Basis})")]
    public static partial void DailyLimitReached(ILogger logger, string connection, DateTimeOffset pausedUntil, string basis);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning,
        Message = "HubSpot {Connection}: write refused locally, daily limit paused until {PausedUntil:u}")]
    public static partial void WriteRefusedDailyLimit(ILogger logger, string connection, DateTimeOffset pausedUntil);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "HubSpot {Connection}: circuit opened for {BreakDuration} after repeated failures")]
    public static partial void CircuitOpened(ILogger logger, string connection, TimeSpan breakDuration);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Debug,
        Message = "HubSpot {Connection}: local rate limiter queued a request for {Waited}")]
    public static partial void RateLimiterQueued(ILogger logger, string connection, TimeSpan waited);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning,
        Message = "HubSpot {Connection}: batch read reported {Category}: {Message}")]
    public static partial void BatchReadError(ILogger logger, string connection, string category, string message);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Warning,
        Message = "HubSpot {Connection}: {Operation} chunk {Chunk} failed ({Kind}); its {Count} inputs are reported as failed")]
    public static partial void WriteChunkFailed(ILogger logger, string connection, string operation, int chunk, string kind, int count);
}
