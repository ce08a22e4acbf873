using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.Salesforce;

/// <summary>Source-generated log messages. None of them carries a token, secret or email address.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Salesforce connection {Connection}: writes paused, daily API usage {UsedPercent:F1}% reached the reserve of {ReservePercent:F1}% ({Used}/{Max} requests)")]
    public static partial void WritesPaused(ILogger logger, string connection, double usedPercent, double reservePercent, long used, long max);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "Salesforce connection {Connection}: writes resumed, daily API usage back to {UsedPercent:F1}% ({Used}/{Max} requests)")]
    public static partial void WritesResumed(ILogger logger, string connection, double usedPercent, long used, long max);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "Salesforce connection {Connection}: access token obtained ({Flow}) for instance {InstanceHost}")]
    public static partial void TokenObtained(ILogger logger, string connection, SalesforceAuthFlow flow, string instanceHost);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information,
        Message = "Salesforce connection {Connection}: session rejected with 401, refreshing the access token once")]
    public static partial void SessionRefresh(ILogger logger, string connection);
}
