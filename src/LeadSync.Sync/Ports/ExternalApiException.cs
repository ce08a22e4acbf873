namespace LeadSync.Sync.Ports;

/// <summary>What kind of failure an API reported, so the engine can decide without parsing messages.</summary>
public enum ApiErrorKind
{
    /// <summary>401/403 on credentials: bad token, expired session that a refresh did not fix.</summary>
    Authentication,

    /// <summary>Short-window throttling that outlasted the retries.</summary>
    RateLimited,

    /// <summary>The daily allowance is spent (HubSpot DAILY policy, Salesforce REQUEST_LIMIT_EXCEEDED) or
    /// LeadSync's own reserve share is reached: writes are paused until there is room.</summary>
    DailyLimitReached,

    /// <summary>The request was refused as invalid (400/404/409/422): retrying will not help.</summary>
    Rejected,

    /// <summary>5xx, timeouts, open circuit: worth another try later.</summary>
    Transient,

    /// <summary>The API answered with a body LeadSync could not read.</summary>
    MalformedResponse,
}

/// <summary>
/// An expected API error, carrying the API's own code, message and correlation id.
/// Never carries a token or secret: connectors redact before constructing it.
/// </summary>
public sealed class ExternalApiException : Exception
{
    /// <param name="product">The product's name for the message ("HubSpot").</param>
    public ExternalApiException(
        SystemRole system,
        string product,
        ApiErrorKind kind,
        int? statusCode,
        string errorCode,
        string message,
        string? correlationId = null,
        Exception? innerException = null)
        : base($"{product} {errorCode}{(statusCode is null ? string.Empty : $" (HTTP {statusCode})")}: {message}{(correlationId is null ? string.Empty : $" [correlation {correlationId}]")}", innerException)
    {
        System = system;
        Product = product;
        Kind = kind;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ApiMessage = message;
        CorrelationId = correlationId;
    }

    public SystemRole System { get; }

    public string Product { get; }

    public ApiErrorKind Kind { get; }

    public int? StatusCode { get; }

    public string ErrorCode { get; }

    public string ApiMessage { get; }

    public string? CorrelationId { get; }
}
