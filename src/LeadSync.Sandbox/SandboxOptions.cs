namespace LeadSync.Sandbox;

/// <summary>How the sandbox world is seeded and how strict its fake APIs are.</summary>
public sealed class SandboxOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks any free port.</summary>
    public int Port { get; set; }

    public int Seed { get; set; } = 42;

    /// <summary>Number of people seeded (split between HubSpot-only, Salesforce-only and both).</summary>
    public int LeadCount { get; set; } = 200;

    public int RepCount { get; set; } = 8;

    public string HubSpotAccessToken { get; set; } = "sandbox-hubspot-token";

    public string SalesforceClientId { get; set; } = "sandbox-client-id";

    public string SalesforceClientSecret { get; set; } = "sandbox-client-secret";

    public string MarketoClientId { get; set; } = "sandbox-marketo-client-id";

    public string MarketoClientSecret { get; set; } = "sandbox-marketo-client-secret";

    /// <summary>Marketo's rolling 20-second allowance per instance (606 beyond it); 0 disables.</summary>
    public int MarketoCallsPerTwentySeconds { get; set; } = 100;

    /// <summary>Marketo's concurrent-call limit (615 beyond it); 0 disables.</summary>
    public int MarketoMaxConcurrent { get; set; } = 10;

    /// <summary>Marketo's daily quota (607 beyond it), reset at midnight CST (06:00 UTC); 0 disables.</summary>
    public long MarketoDailyQuota { get; set; } = 50_000;

    /// <summary>Rolling 10-second request allowance per token (HubSpot's published private-app limit); 0 disables.</summary>
    public int HubSpotRequestsPerTenSeconds { get; set; } = 100;

    /// <summary>Search endpoint allowance per second (exempt from the 10-second window); 0 disables.</summary>
    public int HubSpotSearchRequestsPerSecond { get; set; } = 4;

    /// <summary>Requests per UTC day (per the injected clock); 0 disables.</summary>
    public long HubSpotDailyLimit { get; set; } = 250_000;

    /// <summary>Salesforce org-wide daily REST allowance reported by /limits and Sforce-Limit-Info; 0 disables.</summary>
    public long SalesforceDailyApiRequests { get; set; } = 100_000;

    /// <summary>Default SOQL page size when no Sforce-Query-Options header is sent.</summary>
    public int SalesforceQueryBatchSize { get; set; } = 2000;

    /// <summary>The fake Account Engagement business unit (the Pardot-Business-Unit-Id it accepts).</summary>
    public string PardotBusinessUnitId { get; set; } = "0Uv5g000000SBX1CAG";

    /// <summary>How far Account Engagement reads lag writes (v5 serves reads from a cache up to about a minute behind).</summary>
    public TimeSpan PardotReadCacheLag { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests in flight per business unit before a sixth is refused with code 66; 0 disables.</summary>
    public int PardotMaxConcurrentRequests { get; set; } = 5;

    /// <summary>Account Engagement calls per UTC day before code 122 (Growth edition: 25,000); 0 disables.</summary>
    public long PardotDailyLimit { get; set; } = 25_000;

    /// <summary>Records one nextPageToken sequence serves before it stops with warning 203 (documented: 100,000).</summary>
    public int PardotTokenSequenceCap { get; set; } = 100_000;

    /// <summary>How long a HubSpot write takes to become visible to search (eventual consistency).</summary>
    public TimeSpan SearchIndexLag { get; set; } = TimeSpan.Zero;

    public FaultOptions Faults { get; set; } = new();
}

/// <summary>Random fault injection, with its own seed so a chaos run is reproducible.</summary>
public sealed class FaultOptions
{
    public int Seed { get; set; } = 7;

    /// <summary>Probability (0..1) that a HubSpot request is answered 429 TEN_SECONDLY_ROLLING and a Marketo one 606.
    /// Salesforce has no short-window throttle, so this does not apply to it.</summary>
    public double RateLimitRate { get; set; }

    /// <summary>Probability (0..1) that a request to either system is answered 503.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Probability (0..1) that a request is answered 200 with a truncated JSON body.</summary>
    public double MalformedBodyRate { get; set; }

    /// <summary>Probability (0..1) that a write (create, update, upsert, delete; not a search or batch read) is applied
    /// and its answer then lost: 503, or an aborted connection with <see cref="ResponseLostAbort"/>.</summary>
    public double ResponseLostRate { get; set; }

    /// <summary>A lost response aborts the connection instead of answering 503.</summary>
    public bool ResponseLostAbort { get; set; }

    /// <summary>Added latency per request, in milliseconds (real time: Kestrel has no fake clock).</summary>
    public int LatencyMs { get; set; }
}
