using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.Salesforce;

/// <summary>An access token and where to use it. Salesforce returns no expiry: it is used until a 401 says otherwise.</summary>
public sealed record SalesforceToken(string AccessToken, Uri InstanceUrl, string? IdentityUrl)
{
    // The token is a credential: keep it out of any record printing.
    public override string ToString() => $"SalesforceToken {{ InstanceUrl = {InstanceUrl}, IdentityUrl = {IdentityUrl} }}";
}

/// <summary>Obtains and caches the connection's access token; one token request at a time.</summary>
public sealed class SalesforceTokenProvider : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string connectionName;
    private readonly SalesforceOptions options;
    private readonly IHttpClientFactory httpClientFactory;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private SalesforceToken? current;

    public SalesforceTokenProvider(
        string connectionName, SalesforceOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    {
        this.connectionName = connectionName;
        this.options = options;
        this.httpClientFactory = httpClientFactory;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    public async ValueTask<SalesforceToken> GetAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref current) ?? await RefreshAsync(null, cancellationToken);

    /// <summary>
    /// Replaces <paramref name="stale"/> with a new token. When another request already replaced it,
    /// that newer token is returned instead of asking again.
    /// </summary>
    public async ValueTask<SalesforceToken> RefreshAsync(SalesforceToken? stale, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var cached = Volatile.Read(ref current);
            if (cached is not null && !ReferenceEquals(cached, stale))
            {
                return cached;
            }

            Volatile.Write(ref current, null);
            var fresh = await RequestTokenAsync(cancellationToken);
            Volatile.Write(ref current, fresh);
            Log.TokenObtained(logger, connectionName, options.AuthFlow, fresh.InstanceUrl.Host);
            return fresh;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<SalesforceToken> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(SalesforceServiceCollectionExtensions.TokenClientName(connectionName));
        var tokenUri = new Uri(new Uri(options.LoginUrl.TrimEnd('/') + "/"), "services/oauth2/token");
        using var content = new FormUrlEncodedContent(BuildForm());
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(tokenUri, content, cancellationToken);
        }
        catch (Exception ex) when (SalesforceErrors.FromTransport(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw TokenError(response, body);
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var accessToken = root.TryGetProperty("access_token", out var t) ? t.GetString() : null;
                var instance = root.TryGetProperty("instance_url", out var i) ? i.GetString() : null;
                var identity = root.TryGetProperty("id", out var id) ? id.GetString() : null;
                if (string.IsNullOrEmpty(accessToken) || !Uri.TryCreate(instance, UriKind.Absolute, out var instanceUrl))
                {
                    throw SalesforceErrors.Malformed("the token response lacks access_token or a valid instance_url", response);
                }

                if (instanceUrl.Scheme != Uri.UriSchemeHttps && !instanceUrl.IsLoopback)
                {
                    // A bearer token must never travel in clear text to a remote host.
                    throw SalesforceErrors.Malformed("the token response names a non-https instance_url", response);
                }

                return new SalesforceToken(accessToken, instanceUrl, identity);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                throw SalesforceErrors.Malformed("the token response is not the expected JSON object", response, ex);
            }
        }
    }

    private Dictionary<string, string> BuildForm()
    {
        if (options.AuthFlow == SalesforceAuthFlow.JwtBearer)
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(File.ReadAllText(options.PrivateKeyPath ?? string.Empty));
            var assertion = JwtAssertion.Create(
                options.ClientId, options.Username ?? string.Empty, options.LoginUrl.TrimEnd('/'), timeProvider.GetUtcNow(), rsa);
            return new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = assertion,
            };
        }

        return new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.ClientId,
            ["client_secret"] = options.ClientSecret,
        };
    }

    private static ExternalApiException TokenError(HttpResponseMessage response, string body)
    {
        string? error = null;
        string? description = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                error = document.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
                description = document.RootElement.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Fall back to the status code below.
        }

        var status = (int)response.StatusCode;
        var kind = response.StatusCode >= HttpStatusCode.InternalServerError || response.StatusCode == HttpStatusCode.RequestTimeout
            ? ApiErrorKind.Transient
            : ApiErrorKind.Authentication;
        return new ExternalApiException(
            SystemRole.Crm,
            SalesforceErrors.Product,
            kind,
            status,
            error ?? $"HTTP_{status}",
            description ?? "The token request was refused.");
    }
}
