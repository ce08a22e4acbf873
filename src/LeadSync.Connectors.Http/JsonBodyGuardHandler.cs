using System.Net;
using System.Text.Json;

namespace LeadSync.Connectors.Http;

/// <summary>
/// A successful answer whose JSON body could not be read (cut off, garbled, or the connection dropped while it was
/// being read). Thrown inside the resilience pipeline, so it is retried like a 503 where the request may be repeated;
/// once the retries are spent the connector reports it as <c>MalformedResponse</c>.
/// </summary>
public sealed class UnreadableResponseException : HttpRequestException
{
    public UnreadableResponseException()
        : this("The response body could not be read.")
    {
    }

    public UnreadableResponseException(string message)
        : base(message)
    {
    }

    public UnreadableResponseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public UnreadableResponseException(string message, Exception? innerException, HttpStatusCode? statusCode)
        : base(message, innerException, statusCode)
    {
    }
}

/// <summary>
/// Innermost handler: reads every successful JSON answer to its end inside the attempt and checks that it is complete
/// JSON. A body the connector could not read later is then an attempt's failure the retry sees, not a permanent one
/// discovered after the pipeline has finished. <paramref name="product"/> names the vendor in the messages.
/// </summary>
public sealed class JsonBodyGuardHandler(string product) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NoContent || !IsJson(response))
        {
            return response;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!IsCompleteJson(bytes))
            {
                throw new UnreadableResponseException($"{product} answered HTTP {(int)response.StatusCode} with a body that is not complete JSON ({bytes.Length} bytes).", null, response.StatusCode);
            }

            return response;
        }
        catch (Exception ex) when (ex is IOException or (HttpRequestException and not UnreadableResponseException))
        {
            response.Dispose();
            throw new UnreadableResponseException($"The connection failed while the {product} response body was read.", ex, response.StatusCode);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static bool IsJson(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } type
        && (type.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the bytes are one complete JSON value (an empty body is not).</summary>
    private static bool IsCompleteJson(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, isFinalBlock: true, state: default);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
