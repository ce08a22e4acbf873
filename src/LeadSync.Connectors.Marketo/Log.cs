using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.Marketo;

/// <summary>Source-generated log messages. Arguments never carry the token or the client secret; emails are masked by the caller.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning,
        Message = "Marketo {Connection}: {Operation} answered {Code}, waiting {Delay} before attempt {Attempt}")]
    public static partial void Retrying(ILogger logger, string connection, string operation, string code, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information,
        Message = "Marketo {Connection}: access token obtained, valid until {ExpiresAt:u}")]
    public static partial void TokenObtained(ILogger logger, string connection, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information,
        Message = "Marketo {Connection}: the API rejected the access token (601/602); a new one is requested")]
    public static partial void TokenRejected(ILogger logger, string connection);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Error,
        Message = "Marketo {Connection}: the identity endpoint answered HTTP {Status} ({Error})")]
    public static partial void TokenRefused(ILogger logger, string connection, int status, string error);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Error,
        Message = "Marketo {Connection}: daily quota reached (607); writes are paused until {PausedUntil:u}")]
    public static partial void DailyQuotaReached(ILogger logger, string connection, DateTimeOffset pausedUntil);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Warning,
        Message = "Marketo {Connection}: writes refused locally: {Reason}")]
    public static partial void WriteRefused(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Warning,
        Message = "Marketo {Connection}: circuit opened for {BreakDuration} after repeated failures")]
    public static partial void CircuitOpened(ILogger logger, string connection, TimeSpan breakDuration);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Warning,
        Message = "Marketo {Connection}: Sync Leads chunk {Chunk} failed ({Kind}); its {Count} inputs are reported as failed")]
    public static partial void WriteChunkFailed(ILogger logger, string connection, int chunk, string kind, int count);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Debug,
        Message = "Marketo {Connection}: {Stream} page {Page} held {Count} activities (moreResult {More})")]
    public static partial void ActivityPage(ILogger logger, string connection, string stream, int page, int count, bool more);
}
