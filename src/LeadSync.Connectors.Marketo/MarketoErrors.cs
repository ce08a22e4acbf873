using System.Text.Json;
using LeadSync.Connectors.Marketo.Api;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Marketo;

/// <summary>What a response-level Marketo error code means for LeadSync (the error-codes page and the facts sheet §2).</summary>
internal static class MarketoErrors
{
    public const string Product = "Marketo";

    /// <summary>601 invalid, 602 expired: get a new token and send again.</summary>
    public static bool IsTokenProblem(string? code) => code is "601" or "602";

    /// <summary>
    /// Worth another attempt: 606 (100 calls / 20 s), 615 (10 in flight), 604 time-out, 608 temporarily unavailable,
    /// 611 system error, 713 transient, 502 bad gateway.
    /// </summary>
    public static bool IsTransient(string? code) => code is "606" or "615" or "604" or "608" or "611" or "713" or "502";

    public static ApiErrorKind Kind(string? code) => code switch
    {
        "601" or "602" or "603" => ApiErrorKind.Authentication,
        "606" or "615" => ApiErrorKind.RateLimited,
        "607" => ApiErrorKind.DailyLimitReached,
        _ when IsTransient(code) => ApiErrorKind.Transient,
        _ => ApiErrorKind.Rejected,
    };

    /// <summary>Reads <c>success</c> and the first error code of an envelope; null when the text is not one.</summary>
    public static EnvelopeProbe? Probe(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || !text.Contains("\"success\"", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, MarketoJsonContext.Default.EnvelopeProbe);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The failed envelope's code, when the body is a failed envelope.</summary>
    public static async ValueTask<string?> FailedCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.OK || response.Content is null)
        {
            return null;
        }

        // Buffered so the connector reads the same body again after the pipeline is done with it.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);

        // Cheap pre-check: a page of 300 leads is parsed only when it can be a failure.
        if (!text.Contains("\"success\":false", StringComparison.Ordinal) && !text.Contains("\"success\": false", StringComparison.Ordinal))
        {
            return null;
        }

        return Probe(text) is { Success: false } probe ? probe.Errors?.FirstOrDefault()?.Code ?? "" : null;
    }
}
