using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.Pardot;

/// <summary>Source-generated log messages. Arguments never carry the token; emails are masked by the caller.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning,
        Message = "Pardot {Connection}: {Operation} failed ({Reason}), retrying in {Delay} (attempt {Attempt})")]
    public static partial void Retrying(ILogger logger, string connection, string operation, string reason, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Error,
        Message = "Pardot {Connection}: daily API limit reached (code 122); writes are paused until {PausedUntil:u} ({Basis})")]
    public static partial void DailyLimitReached(ILogger logger, string connection, DateTimeOffset pausedUntil, string basis);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning,
        Message = "Pardot {Connection}: write refused locally, daily limit paused until {PausedUntil:u}")]
    public static partial void WriteRefusedDailyLimit(ILogger logger, string connection, DateTimeOffset pausedUntil);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Information,
        Message = "Pardot {Connection}: access token refused (HTTP {Status}, code {Code}); getting a new one and sending once more")]
    public static partial void TokenRefresh(ILogger logger, string connection, int status, string code);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning,
        Message = "Pardot {Connection}: the prospect query stopped at the token sequence's record cap; re-anchoring at {Anchor:o}")]
    public static partial void Reanchored(ILogger logger, string connection, DateTimeOffset anchor);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Debug,
        Message = "Pardot {Connection}: prospect {ProspectId} read older than LeadSync's write ({ReadAt:o} < {WrittenAt:o}); the written values are kept")]
    public static partial void StaleRead(ILogger logger, string connection, string prospectId, DateTimeOffset readAt, DateTimeOffset writtenAt);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Warning,
        Message = "Pardot {Connection}: update of prospect {ProspectId} failed ({Code}): {Message}")]
    public static partial void WriteFailed(ILogger logger, string connection, string prospectId, string code, string message);
}
