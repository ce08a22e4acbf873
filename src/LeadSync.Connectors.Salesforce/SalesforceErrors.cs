using System.Net;
using System.Text.Json;
using LeadSync.Connectors.Http;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LeadSync.Connectors.Salesforce;

/// <summary>Turns Salesforce error responses and transport failures into <see cref="ExternalApiException"/>.</summary>
internal static class SalesforceErrors
{
    /// <summary>The product's name in messages and metric labels; the engine only knows the role (CRM).</summary>
    public const string Product = "Salesforce";

    private static readonly string[] RequestIdHeaders = ["X-Request-Id", "X-SFDC-Request-Id", "Sforce-Request-Id"];

    public static ExternalApiException Malformed(string what, HttpResponseMessage? response, Exception? inner = null) =>
        new(SystemRole.Crm, Product, ApiErrorKind.MalformedResponse, response is null ? null : (int)response.StatusCode,
            "MALFORMED_RESPONSE", $"Salesforce returned a body the connector could not read: {what}.", RequestId(response), inner);

    /// <summary>Maps a failure that happened before any response came back; null when the exception is not ours to map.</summary>
    public static ExternalApiException? FromTransport(Exception exception, CancellationToken cancellationToken) => Unwrap(exception) switch
    {
        ExternalApiException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        UnreadableResponseException unreadable => new ExternalApiException(
            SystemRole.Crm, Product, ApiErrorKind.MalformedResponse, (int?)unreadable.StatusCode, "MALFORMED_RESPONSE",
            $"Salesforce returned a body the connector could not read: {unreadable.Message}", null, exception),
        TimeoutRejectedException => Transient("TIMEOUT", "The request timed out.", exception),
        BrokenCircuitException => Transient("CIRCUIT_OPEN", "Too many recent failures; the circuit breaker is open.", exception),
        ExecutionRejectedException => Transient("REQUEST_REJECTED", "The resilience pipeline rejected the request.", exception),
        HttpRequestException http => Transient("NETWORK_ERROR", $"The request failed before a response: {http.HttpRequestError}.", exception),
        Refit.ApiRequestException => Transient("REQUEST_FAILED", "The request failed before a response.", exception),
        OperationCanceledException => Transient("TIMEOUT", "The request timed out.", exception),
        _ => null,
    };

    public static async Task<ExternalApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? errorCode = null;
        string? message = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!string.IsNullOrWhiteSpace(body))
            {
                using var document = JsonDocument.Parse(body);
                var first = document.RootElement.ValueKind == JsonValueKind.Array && document.RootElement.GetArrayLength() > 0
                    ? document.RootElement[0]
                    : document.RootElement;
                if (first.ValueKind == JsonValueKind.Object)
                {
                    errorCode = GetString(first, "errorCode") ?? GetString(first, "error");
                    message = GetString(first, "message") ?? GetString(first, "error_description");
                    if (first.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array && fields.GetArrayLength() > 0)
                    {
                        message += $" (fields: {string.Join(", ", fields.EnumerateArray().Select(f => f.ToString()))})";
                    }
                }
            }
        }
        catch (JsonException)
        {
            // An error page that is not Salesforce's JSON (a proxy's HTML, say): the status code still decides the kind.
        }

        errorCode ??= $"HTTP_{status}";
        message ??= string.IsNullOrEmpty(response.ReasonPhrase) ? "No error detail in the response." : response.ReasonPhrase;
        var kind = Classify(response.StatusCode, errorCode);
        return new ExternalApiException(SystemRole.Crm, Product, kind, status, errorCode, message, RequestId(response));
    }

    /// <summary>Refit wraps send failures in its own exception; the cause decides the kind.</summary>
    private static Exception Unwrap(Exception exception)
    {
        while (exception is Refit.ApiRequestException { InnerException: { } inner })
        {
            exception = inner;
        }

        return exception;
    }

    private static ApiErrorKind Classify(HttpStatusCode status, string errorCode) => status switch
    {
        HttpStatusCode.Forbidden when errorCode == "REQUEST_LIMIT_EXCEEDED" => ApiErrorKind.DailyLimitReached,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ApiErrorKind.Authentication,
        HttpStatusCode.TooManyRequests => ApiErrorKind.RateLimited,
        HttpStatusCode.RequestTimeout => ApiErrorKind.Transient,
        >= HttpStatusCode.InternalServerError => ApiErrorKind.Transient,
        _ => ApiErrorKind.Rejected,
    };

    private static ExternalApiException Transient(string code, string message, Exception inner) =>
        new(SystemRole.Crm, Product, ApiErrorKind.Transient, null, code, message, null, inner);

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? RequestId(HttpResponseMessage? response)
    {
        if (response is null)
        {
            return null;
        }

        foreach (var header in RequestIdHeaders)
        {
            if (response.Headers.TryGetValues(header, out var values))
            {
                return values.FirstOrDefault();
            }
        }

        return null;
    }
}
