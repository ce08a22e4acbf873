using System.Globalization;
using System.Net;
using System.Text.Json;
using LeadSync.Connectors.Marketo.Api;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.Marketo;

/// <summary>An access token and when it stops being usable. The token is a credential: never printed.</summary>
internal sealed record MarketoToken(string Value, DateTimeOffset ExpiresAt)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MarketoToken {{ ExpiresAt = {ExpiresAt:u} }}");
}

/// <summary>
/// The identity endpoint's client-credentials token, cached until <see cref="MarketoOptions.TokenRefreshMargin"/> before
/// it expires, renewed early on a 601/602. One token request at a time. Identity calls do not count against Marketo's limits.
/// </summary>
internal sealed class MarketoTokenProvider(
    string connection, MarketoOptions options, Func<HttpClient> identityClient, TimeProvider time, MarketoTraffic traffic, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MarketoToken? _current;

    public async ValueTask<MarketoToken> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && current.ExpiresAt - time.GetUtcNow() > options.TokenRefreshMargin)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            current = Volatile.Read(ref _current);
            if (current is not null && current.ExpiresAt - time.GetUtcNow() > options.TokenRefreshMargin)
            {
                return current;
            }

            var fresh = await RequestAsync(cancellationToken);
            Volatile.Write(ref _current, fresh);
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="rejected"/> (the API answered 601/602 to it) unless a newer token already replaced it.</summary>
    public void Invalidate(string rejected)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && string.Equals(current.Value, rejected, StringComparison.Ordinal))
        {
            Interlocked.CompareExchange(ref _current, null, current);
            Log.TokenRejected(logger, connection);
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<MarketoToken> RequestAsync(CancellationToken cancellationToken)
    {
        // The spec puts the credentials in the query string for both GET and POST; POST keeps them out of proxy caches.
        var uri = new Uri(options.IdentityBase, "identity/oauth/token?grant_type=client_credentials"
            + "&client_id=" + Uri.EscapeDataString(options.ClientId)
            + "&client_secret=" + Uri.EscapeDataString(options.ClientSecret));
        traffic.RecordTokenRequest();
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri);
            response = await identityClient().SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            // The exception's message may carry the request URI, and so the secret: not kept.
            throw new ExternalApiException(SystemRole.Marketing, MarketoErrors.Product, ApiErrorKind.Transient, null, "IDENTITY_UNREACHABLE",
                $"the identity endpoint could not be reached ({ex.GetType().Name})");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var error = TryRead(text, MarketoJsonContext.Default.IdentityError);
                var kind = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest
                    ? ApiErrorKind.Authentication
                    : (int)response.StatusCode >= 500 ? ApiErrorKind.Transient : ApiErrorKind.Rejected;
                Log.TokenRefused(logger, connection, (int)response.StatusCode, error?.Error ?? "no error code");
                throw new ExternalApiException(SystemRole.Marketing, MarketoErrors.Product, kind, (int)response.StatusCode, error?.Error ?? "IDENTITY_REFUSED",
                    $"the identity endpoint refused the client credentials of the custom service ({error?.Error ?? "no error code"}); check ClientId and ClientSecret");
            }

            var body = TryRead(text, MarketoJsonContext.Default.IdentityResponse);
            if (body is not { AccessToken: { Length: > 0 } token, ExpiresIn: { } expiresIn })
            {
                throw new ExternalApiException(SystemRole.Marketing, MarketoErrors.Product, ApiErrorKind.MalformedResponse, 200, "MALFORMED_RESPONSE",
                    "the identity response has no access_token or expires_in");
            }

            var expiresAt = time.GetUtcNow().AddSeconds(Math.Max(0, expiresIn));
            Log.TokenObtained(logger, connection, expiresAt);
            return new MarketoToken(token, expiresAt);
        }
    }

    private static T? TryRead<T>(string text, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize(text, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
