namespace LeadSync.Connectors.Salesforce;

/// <summary>How the connector obtains its access token.</summary>
public enum SalesforceAuthFlow
{
    /// <summary>OAuth 2.0 client credentials (runs as the connected app's integration user).</summary>
    ClientCredentials,

    /// <summary>OAuth 2.0 JWT bearer: an RS256 assertion signed with <see cref="SalesforceOptions.PrivateKeyPath"/>.</summary>
    JwtBearer,
}

/// <summary>One Salesforce org connection. Validate with <see cref="SalesforceOptionsValidator"/> at start.</summary>
public sealed class SalesforceOptions
{
    /// <summary>The org's My Domain URL in practice (client credentials require it).</summary>
    public string LoginUrl { get; set; } = "https://login.salesforce.com";

    public string ClientId { get; set; } = string.Empty;

    public string ClientSecret { get; set; } = string.Empty;

    public SalesforceAuthFlow AuthFlow { get; set; } = SalesforceAuthFlow.ClientCredentials;

    /// <summary>JWT bearer only: the user the assertion is issued for.</summary>
    public string? Username { get; set; }

    /// <summary>JWT bearer only: PEM file with the connected app's RSA private key.</summary>
    public string? PrivateKeyPath { get; set; }

    public string ApiVersion { get; set; } = "v60.0";

    /// <summary>
    /// The Lead custom text field (External ID, Unique) that holds LeadSync's key of a person: leads are created by an
    /// upsert on it, so a retried create never makes a second lead. <c>validate-config --live</c> checks its attributes.
    /// </summary>
    public string ExternalKeyField { get; set; } = "LeadSync_Key__c";

    /// <summary>Writes stop when the used share of the org's daily API requests reaches this value.</summary>
    public double DailyApiReserveShare { get; set; } = 0.8;

    public int QueryBatchSize { get; set; } = 2000;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(120);

    public int MaxRetries { get; set; } = 4;

    /// <summary>
    /// Calls the circuit breaker must see in its sampling window before it may open (at half of them failing).
    /// Chaos tests raise it: their clock stands still within a cycle, so a window never rolls and an open circuit never closes.
    /// </summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Base of the jittered exponential back-off between retries (tests use milliseconds).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// In-flight requests per connection. Salesforce has no short-window rate limit, only the rolling 24 h quota,
    /// so this is courtesy towards the org rather than a throttle LeadSync must obey.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 4;
}
