using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Salesforce;

/// <summary>
/// Outermost handler of the API client: points the relative request at the token's instance URL, adds the bearer token,
/// and on a 401 (INVALID_SESSION_ID) refreshes the token once and sends the request once more.
/// </summary>
public sealed class SalesforceAuthHandler : DelegatingHandler
{
    private readonly SalesforceTokenProvider tokens;
    private readonly Microsoft.Extensions.Logging.ILogger logger;
    private readonly string connectionName;

    public SalesforceAuthHandler(SalesforceTokenProvider tokens, Microsoft.Extensions.Logging.ILogger logger, string connectionName)
    {
        this.tokens = tokens;
        this.logger = logger;
        this.connectionName = connectionName;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken);
        Apply(request, token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        Log.SessionRefresh(logger, connectionName);
        var fresh = await tokens.RefreshAsync(token, cancellationToken);
        Apply(request, fresh);

        // A second 401 goes back to the caller, which reports it as Authentication: one refresh is all we try.
        return await base.SendAsync(request, cancellationToken);
    }

    private static void Apply(HttpRequestMessage request, SalesforceToken token)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        request.RequestUri = new UriBuilder(original)
        {
            Scheme = token.InstanceUrl.Scheme,
            Host = token.InstanceUrl.Host,
            Port = token.InstanceUrl.Port,
        }.Uri;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
    }
}

/// <summary>
/// Innermost handler: sees every HTTP attempt (retries and refreshes included), so it counts calls and
/// reads <c>Sforce-Limit-Info: api-usage=N/MAX</c> from every response.
/// </summary>
public sealed class SalesforceObservingHandler : DelegatingHandler
{
    private readonly SalesforceConnectionState state;

    public SalesforceObservingHandler(SalesforceConnectionState state) => this.state = state;

    /// <summary>Parses <c>api-usage=10018/100000; api-bursts=1/750</c>; null when absent or unreadable.</summary>
    public static ApiQuota? ParseLimitInfo(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("api-usage=", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var numbers = part["api-usage=".Length..].Split('/');
            if (numbers.Length == 2
                && long.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out var used)
                && long.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
                && max > 0)
            {
                return new ApiQuota(max, Math.Max(0, max - used));
            }
        }

        return null;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        state.CountAttempt();
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests
            || (response.StatusCode == HttpStatusCode.Forbidden
                && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal)))
        {
            state.CountThrottled();
        }

        if (response.Headers.TryGetValues("Sforce-Limit-Info", out var values)
            && ParseLimitInfo(values.FirstOrDefault()) is { } quota)
        {
            state.ObserveQuota(quota);
        }

        return response;
    }
}
