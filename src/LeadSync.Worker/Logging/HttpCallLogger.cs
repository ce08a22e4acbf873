using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace LeadSync.Worker.Logging;

/// <summary>
/// Replaces HttpClient's default logging, whose header events carry every request header (the HubSpot token, the
/// Salesforce access token) as structured properties. One line per call instead: method, path (no query string, which
/// can hold emails in a SOQL filter), status and time; never a header, never a body. Its category stays under
/// <c>System.Net.Http</c>, so the usual level override turns it on (Debug) and off.
/// </summary>
public sealed partial class HttpCallLogger(ILoggerFactory loggerFactory) : IHttpClientLogger
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("System.Net.Http.HttpClient.LeadSync");

    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        LogCall(_logger, request.Method.Method, PathOf(request), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        LogCallFailed(_logger, request.Method.Method, PathOf(request), exception.GetType().Name, elapsed.TotalMilliseconds);

    private static string PathOf(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri ? uri.GetLeftPart(UriPartial.Path) : request.RequestUri?.OriginalString.Split('?')[0] ?? string.Empty;

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs:F0} ms")]
    private static partial void LogCall(ILogger logger, string method, string path, int statusCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Method} {Path} failed ({Error}) after {ElapsedMs:F0} ms")]
    private static partial void LogCallFailed(ILogger logger, string method, string path, string error, double elapsedMs);
}
