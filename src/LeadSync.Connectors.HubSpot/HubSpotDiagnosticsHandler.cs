namespace LeadSync.Connectors.HubSpot;

/// <summary>Innermost handler: sees every attempt the resilience pipeline makes, so counts are real wire calls.</summary>
internal sealed class HubSpotDiagnosticsHandler(HubSpotRateLimitState state) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        state.RecordAttempt();
        var response = await base.SendAsync(request, cancellationToken);
        state.Observe(response);
        return response;
    }
}
