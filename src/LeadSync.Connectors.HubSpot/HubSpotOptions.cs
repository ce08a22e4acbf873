namespace LeadSync.Connectors.HubSpot;

/// <summary>One HubSpot portal connection. Bound from configuration; checked by <see cref="HubSpotOptionsValidator"/>.</summary>
public sealed class HubSpotOptions
{
    public string BaseUrl { get; set; } = "https://api.hubapi.com";

    /// <summary>Private-app token. Secret: never logged, never part of <see cref="ToString"/>.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>The portal's ten-second allowance (100 for Free/Starter, 190 for Professional/Enterprise).</summary>
    public int RequestsPerTenSeconds { get; set; } = 100;

    /// <summary>Search API allowance per second per token (4 documented at the time of writing).</summary>
    public int SearchRequestsPerSecond { get; set; } = 4;

    /// <summary>Search page size; the search API accepts up to 200.</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>
    /// Contact property the unified score is written to (a custom number property such as <c>leadsync_score</c>); empty =
    /// not written. Never <c>hubspotscore</c>: that is HubSpot's own calculated score, read-only, and may feed the blend.
    /// </summary>
    public string? ScoreProperty { get; set; }

    /// <summary>Contact property the fit grade is written to (a custom text property such as <c>leadsync_fit_grade</c>); empty = not written.</summary>
    public string? GradeProperty { get; set; }

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public int MaxRetries { get; set; } = 4;

    /// <summary>
    /// Calls the circuit breaker must see in its sampling window before it may open (at half of them failing).
    /// Chaos tests raise it: their clock stands still within a cycle, so a window never rolls and an open circuit never closes.
    /// </summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>First delay of the jittered exponential backoff for 5xx, 408 and network errors.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait after a TEN_SECONDLY_ROLLING 429 that carries no Retry-After: one full window.</summary>
    public TimeSpan TenSecondlyRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time of day (UTC) at which the portal's daily allowance resets. The portal's time zone cannot be read
    /// through the API, so null means "next UTC midnight"; admins who know the portal's zone can set it.
    /// </summary>
    public TimeSpan? DailyLimitResetTimeOfDayUtc { get; set; }

    public override string ToString() =>
        $"HubSpotOptions {{ BaseUrl = {BaseUrl}, AccessToken = {(string.IsNullOrEmpty(AccessToken) ? "<empty>" : "***")}, " +
        $"RequestsPerTenSeconds = {RequestsPerTenSeconds}, SearchRequestsPerSecond = {SearchRequestsPerSecond}, PageSize = {PageSize} }}";

    internal HubSpotOptions Clone() => (HubSpotOptions)MemberwiseClone();
}
