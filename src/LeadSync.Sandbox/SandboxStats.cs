namespace LeadSync.Sandbox;

/// <summary>What the fake APIs were asked to do since start or the last reset.</summary>
public sealed record SandboxStats(
    long HubSpotCalls,
    long HubSpotSearchCalls,
    long HubSpotWrites,
    long SalesforceCalls,
    long SalesforceQueryCalls,
    long SalesforceWrites,
    long TasksCreated,
    long PardotCalls,
    long PardotWrites,
    long Http429s,
    long Http5xxs,
    long Http401s,
    long InjectedFaults,
    InjectedFaultCounts Faults,
    long MarketoCalls = 0,
    long MarketoWrites = 0,
    long MarketoThrottled = 0,
    long MarketoTokens = 0,
    long PardotQueryCalls = 0,
    long PardotThrottled = 0);

/// <summary>Injected faults by kind; <see cref="Latency"/> counts requests that were delayed.</summary>
public sealed record InjectedFaultCounts(long RateLimited, long ServerError, long TruncatedBody, long ResponseLost, long OtherStatus, long Latency);

internal sealed class StatsCounters
{
    public long HubSpotCalls;
    public long HubSpotSearchCalls;
    public long HubSpotWrites;
    public long SalesforceCalls;
    public long SalesforceQueryCalls;
    public long SalesforceWrites;
    public long TasksCreated;
    public long PardotCalls;
    public long PardotWrites;
    public long Http429s;
    public long Http5xxs;
    public long Http401s;
    public long InjectedFaults;
    public long FaultsRateLimited;
    public long FaultsServerError;
    public long FaultsTruncatedBody;
    public long FaultsResponseLost;
    public long FaultsOtherStatus;
    public long FaultsLatency;
    public long MarketoCalls;
    public long MarketoWrites;
    public long MarketoThrottled;
    public long MarketoTokens;
    public long PardotQueryCalls;
    public long PardotThrottled;

    public EndpointStats Endpoints { get; } = new();

    /// <summary>Counts a fault that is answered instead of the request (a lost response counts itself once applied).</summary>
    public void CountServed(Fault fault)
    {
        Interlocked.Increment(ref InjectedFaults);
        switch (fault)
        {
            case { Kind: FaultKind.MalformedBody }:
                Interlocked.Increment(ref FaultsTruncatedBody);
                break;
            case { StatusCode: 429 }:
                Interlocked.Increment(ref FaultsRateLimited);
                break;
            case { StatusCode: >= 500 }:
                Interlocked.Increment(ref FaultsServerError);
                break;
            default:
                Interlocked.Increment(ref FaultsOtherStatus);
                break;
        }
    }

    public SandboxStats Snapshot() => new(
        Interlocked.Read(ref HubSpotCalls),
        Interlocked.Read(ref HubSpotSearchCalls),
        Interlocked.Read(ref HubSpotWrites),
        Interlocked.Read(ref SalesforceCalls),
        Interlocked.Read(ref SalesforceQueryCalls),
        Interlocked.Read(ref SalesforceWrites),
        Interlocked.Read(ref TasksCreated),
        Interlocked.Read(ref PardotCalls),
        Interlocked.Read(ref PardotWrites),
        Interlocked.Read(ref Http429s),
        Interlocked.Read(ref Http5xxs),
        Interlocked.Read(ref Http401s),
        Interlocked.Read(ref InjectedFaults),
        new InjectedFaultCounts(
            Interlocked.Read(ref FaultsRateLimited),
            Interlocked.Read(ref FaultsServerError),
            Interlocked.Read(ref FaultsTruncatedBody),
            Interlocked.Read(ref FaultsResponseLost),
            Interlocked.Read(ref FaultsOtherStatus),
            Interlocked.Read(ref FaultsLatency)),
        Interlocked.Read(ref MarketoCalls),
        Interlocked.Read(ref MarketoWrites),
        Interlocked.Read(ref MarketoThrottled),
        Interlocked.Read(ref MarketoTokens),
        Interlocked.Read(ref PardotQueryCalls),
        Interlocked.Read(ref PardotThrottled));

    public void Reset()
    {
        Interlocked.Exchange(ref HubSpotCalls, 0);
        Interlocked.Exchange(ref HubSpotSearchCalls, 0);
        Interlocked.Exchange(ref HubSpotWrites, 0);
        Interlocked.Exchange(ref SalesforceCalls, 0);
        Interlocked.Exchange(ref SalesforceQueryCalls, 0);
        Interlocked.Exchange(ref SalesforceWrites, 0);
        Interlocked.Exchange(ref TasksCreated, 0);
        Interlocked.Exchange(ref PardotCalls, 0);
        Interlocked.Exchange(ref PardotWrites, 0);
        Interlocked.Exchange(ref Http429s, 0);
        Interlocked.Exchange(ref Http5xxs, 0);
        Interlocked.Exchange(ref Http401s, 0);
        Interlocked.Exchange(ref InjectedFaults, 0);
        Interlocked.Exchange(ref FaultsRateLimited, 0);
        Interlocked.Exchange(ref FaultsServerError, 0);
        Interlocked.Exchange(ref FaultsTruncatedBody, 0);
        Interlocked.Exchange(ref FaultsResponseLost, 0);
        Interlocked.Exchange(ref FaultsOtherStatus, 0);
        Interlocked.Exchange(ref FaultsLatency, 0);
        Endpoints.Reset();
        Interlocked.Exchange(ref MarketoCalls, 0);
        Interlocked.Exchange(ref MarketoWrites, 0);
        Interlocked.Exchange(ref MarketoThrottled, 0);
        Interlocked.Exchange(ref MarketoTokens, 0);
        Interlocked.Exchange(ref PardotQueryCalls, 0);
        Interlocked.Exchange(ref PardotThrottled, 0);
    }
}
