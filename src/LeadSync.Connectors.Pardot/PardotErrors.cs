using System.Globalization;
using System.Net;
using System.Text.Json;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Pardot;

/// <summary>A v5 error body: <c>{"code": int, "message": string}</c>.</summary>
internal sealed record PardotErrorBody(int? Code, string? Message)
{
    /// <summary>
    /// Reads the body tolerantly: the code is an int in v5 (facts §0.6, C), but a string holding one is accepted too,
    /// and anything else gives null rather than an exception.
    /// </summary>
    public static PardotErrorBody? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            int? code = null;
            if (root.TryGetProperty("code", out var c))
            {
                if (c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n))
                {
                    code = n;
                }
                else if (c.ValueKind == JsonValueKind.String && int.TryParse(c.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
                {
                    code = s;
                }
            }

            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return code is null && message is null ? null : new PardotErrorBody(code, message);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a response's error body without consuming it for later readers (the content is buffered first).</summary>
    public static async Task<PardotErrorBody?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode || response.Content is null)
        {
            return null;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return TryParse(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}

/// <summary>The error codes LeadSync acts on (facts §2 "Error codes that matter").</summary>
internal static class PardotErrorCodes
{
    public const int ConcurrentLimit = 66;
    public const int UnableToSync = 121;
    public const int DailyLimit = 122;
    public const int InvalidFields = 180;
    public const int MissingHeader = 181;
    public const int InvalidHeader = 182;
    public const int InternalError = 183;
    public const int InvalidToken = 184;
    public const int InvalidTenant = 185;
    public const int BusinessUnitNotFound = 201;
    public const int MinuteLimit = 202;
    public const int PageTokenExpired = 210;
    public const int PageTokenInvalid = 211;
    public const int TimedOut = 214;
    public const int Deleted = 219;

    /// <summary>Worth another attempt inside the pipeline: a sixth concurrent request, an internal error, a timeout.</summary>
    public static bool IsRetryable(int? code) => code is ConcurrentLimit or InternalError or TimedOut or UnableToSync;

    public static bool IsThrottle(int? code) => code is ConcurrentLimit or DailyLimit or MinuteLimit;
}

/// <summary>Maps Account Engagement failures to <see cref="ExternalApiException"/>; messages never carry the token.</summary>
internal static class PardotErrors
{
    public const string Product = "Pardot";

    public static ExternalApiException FromResponse(string operation, HttpResponseMessage response, PardotErrorBody? body, string host, string businessUnitId)
    {
        var status = (int)response.StatusCode;
        var code = body?.Code;
        var apiMessage = Redaction.MaskEmails(body?.Message ?? response.ReasonPhrase ?? "no message");
        var (kind, hint) = code switch
        {
            PardotErrorCodes.ConcurrentLimit => (ApiErrorKind.Transient, "more than 5 concurrent requests on this business unit, still refused after retries"),
            PardotErrorCodes.DailyLimit => (ApiErrorKind.DailyLimitReached, "the daily API allowance is spent; writes are paused until it resets"),
            PardotErrorCodes.MinuteLimit => (ApiErrorKind.RateLimited, "the minute rate limit is met"),
            PardotErrorCodes.MissingHeader => (ApiErrorKind.Authentication, "configuration: a required header (Authorization or Pardot-Business-Unit-Id) was not sent"),
            PardotErrorCodes.InvalidHeader or PardotErrorCodes.InvalidTenant => (ApiErrorKind.Authentication,
                $"configuration: the business unit id '{businessUnitId}' is malformed — check Pardot:BusinessUnitId"),
            PardotErrorCodes.BusinessUnitNotFound => (ApiErrorKind.Authentication,
                $"configuration: business unit '{businessUnitId}' is not found or inactive on {host} — check Pardot:BusinessUnitId, and Pardot:BaseUrl (sandboxes and developer orgs use pi.demo.pardot.com)"),
            PardotErrorCodes.InvalidToken => (ApiErrorKind.Authentication,
                "authentication: the Salesforce access token is invalid or expired even after a refresh, lacks the pardot_api scope, or its user is not synced to this business unit"),
            PardotErrorCodes.InternalError or PardotErrorCodes.TimedOut or PardotErrorCodes.UnableToSync => (ApiErrorKind.Transient, "Account Engagement could not finish the request"),
            _ when response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => (ApiErrorKind.Authentication, "authentication refused"),
            _ when status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout => (ApiErrorKind.Transient, "server error"),
            _ => (ApiErrorKind.Rejected, "request refused"),
        };
        var errorCode = code?.ToString(CultureInfo.InvariantCulture) ?? string.Create(CultureInfo.InvariantCulture, $"HTTP_{status}");
        return new ExternalApiException(SystemRole.Marketing, Product, kind, status, errorCode, $"{operation}: {hint}: {apiMessage}");
    }

    public static ExternalApiException Transient(string operation, string message, Exception? inner) =>
        new(SystemRole.Marketing, Product, ApiErrorKind.Transient, null, "TRANSIENT", $"{operation}: {Redaction.MaskEmails(message)}", null, inner);

    public static ExternalApiException Malformed(string operation, int? status, string message, Exception? inner = null) =>
        new(SystemRole.Marketing, Product, ApiErrorKind.MalformedResponse, status, "MALFORMED_RESPONSE", $"{operation}: {Redaction.MaskEmails(message)}", null, inner);
}
