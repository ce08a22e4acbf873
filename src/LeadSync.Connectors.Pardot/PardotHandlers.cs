using System.Net;
using System.Net.Http.Headers;
using LeadSync.Connectors.Salesforce;
using Microsoft.Extensions.Logging;

namespace LeadSync.Connectors.Pardot;

/// <summary>
/// Outermost handler: every request carries <c>Authorization: Bearer</c> (a Salesforce token) and
/// <c>Pardot-Business-Unit-Id</c>. When the token is refused — HTTP 401, or code 184 in the body whatever the status
/// (the status for 184 is not documented; a third-party client sees 401: facts §1, T) — it gets a new token once and
/// sends the request once more.
/// </summary>
internal sealed class PardotAuthHandler(SalesforceTokenProvider tokens, string businessUnitId, string connection, ILogger logger) : DelegatingHandler
{
    internal const string BusinessUnitHeader = "Pardot-Business-Unit-Id";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken);
        Apply(request, token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        var body = await PardotErrorBody.ReadAsync(response, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized && body?.Code != PardotErrorCodes.InvalidToken)
        {
            return response;
        }

        Log.TokenRefresh(logger, connection, (int)response.StatusCode, body?.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        response.Dispose();
        var fresh = await tokens.RefreshAsync(token, cancellationToken);
        Apply(request, fresh);

        // A second refusal goes back to the caller, which reports it as Authentication: one refresh is all we try.
        return await base.SendAsync(request, cancellationToken);
    }

    private void Apply(HttpRequestMessage request, SalesforceToken token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        request.Headers.Remove(BusinessUnitHeader);
        request.Headers.TryAddWithoutValidation(BusinessUnitHeader, businessUnitId);
    }
}

/// <summary>Innermost handler: sees every attempt (retries and refreshes included), so it counts calls and throttled answers.</summary>
internal sealed class PardotObservingHandler(PardotConnectionState state) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        state.RecordAttempt();
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && PardotErrorCodes.IsThrottle((await PardotErrorBody.ReadAsync(response, cancellationToken))?.Code))
        {
            state.RecordThrottled();
        }

        return response;
    }
}
