using System.Net.Http.Headers;

namespace LeadSync.Connectors.Marketo;

/// <summary>
/// Innermost handler (inside the resilience pipeline, so it runs on every attempt): puts the current token in the
/// Authorization header, counts the attempt, and on a 601/602 envelope drops that token so the retry gets a new one.
/// </summary>
internal sealed class MarketoAuthHandler(MarketoTokenProvider tokens, MarketoTraffic traffic) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        traffic.RecordAttempt();
        var response = await base.SendAsync(request, cancellationToken);
        var code = await MarketoErrors.FailedCodeAsync(response, cancellationToken);
        if (code is "601" or "602" or "604" or "605" or "608" or "611")
        {
            traffic.NotCounted();
        }

        if (MarketoErrors.IsTokenProblem(code))
        {
            tokens.Invalidate(token.Value);
        }
        else if (code is "606" or "615" or "607")
        {
            traffic.RecordThrottled();
        }

        return response;
    }
}
