using System.Net;
using LeadSync.Sandbox.HubSpot;
using LeadSync.Sandbox.Marketo;
using LeadSync.Sandbox.Pardot;
using LeadSync.Sandbox.Salesforce;
using LeadSync.Sandbox.Seeding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Sandbox;

/// <summary>
/// Stateful fakes of HubSpot CRM v3 (under /crm), Salesforce REST (under /services), Marketo Engage (under
/// /identity and /rest) and Account Engagement v5 (under /api/v5, authenticated by the fake Salesforce org's tokens)
/// on one local port.
/// </summary>
/// <remarks>
/// A real Kestrel server on 127.0.0.1 rather than WireMock callbacks: connectors, demo and benchmarks then go
/// through real HTTP with real status codes and headers, and stateful behaviour (paging cursors, rate-limit
/// windows, writes visible to the next query) is simpler and more faithful as ordinary endpoints.
/// WireMock.Net is used in the connector contract tests instead, for pinned request/response shapes.
/// </remarks>
public sealed class SandboxServer : IAsyncDisposable
{
    public const string HubSpotSystem = "hubspot";
    public const string SalesforceSystem = "salesforce";
    public const string MarketoSystem = "marketo";
    public const string PardotSystem = "pardot";

    private readonly WebApplication _app;
    private readonly StatsCounters _stats;
    private readonly FaultInjector _faults;
    private readonly SalesforceApi _salesforceApi;
    private readonly MarketoApi _marketoApi;
    private readonly Lazy<MarketoStore> _marketo;
    private readonly PardotApi _pardotApi;
    private readonly TimeProvider _time;
    private int _disposed;

    private SandboxServer(WebApplication app, SandboxOptions options, TimeProvider time, StatsCounters stats, FaultInjector faults,
        HubSpotStore hubSpot, SalesforceStore salesforce, SalesforceApi salesforceApi, Lazy<MarketoStore> marketo, MarketoApi marketoApi,
        PardotStore pardot, PardotApi pardotApi, Uri baseUrl)
    {
        _marketo = marketo;
        _marketoApi = marketoApi;
        Pardot = pardot;
        _pardotApi = pardotApi;
        _app = app;
        Options = options;
        _time = time;
        _stats = stats;
        _faults = faults;
        HubSpot = hubSpot;
        Salesforce = salesforce;
        _salesforceApi = salesforceApi;
        BaseUrl = baseUrl;
    }

    public SandboxOptions Options { get; }

    /// <summary>http://127.0.0.1:{port}/ — both APIs live under it.</summary>
    public Uri BaseUrl { get; }

    public Uri HubSpotBaseUrl => BaseUrl;

    /// <summary>Where the OAuth token endpoint lives (/services/oauth2/token); the token's instance_url is the same base.</summary>
    public Uri SalesforceLoginUrl => BaseUrl;

    public string HubSpotAccessToken => Options.HubSpotAccessToken;

    public string SalesforceClientId => Options.SalesforceClientId;

    public string SalesforceClientSecret => Options.SalesforceClientSecret;

    public HubSpotStore HubSpot { get; }

    /// <summary>
    /// The fake Marketo instance: the same people as <see cref="HubSpot"/> (seeded from it on first use, so a sandbox
    /// nobody asks about Marketo costs nothing), at <see cref="MarketoBaseUrl"/>.
    /// </summary>
    public MarketoStore Marketo => _marketo.Value;

    /// <summary>The REST host (/identity/oauth/token and /rest/v1 live under it), like https://&lt;munchkin&gt;.mktorest.com.</summary>
    public Uri MarketoBaseUrl => BaseUrl;

    public string MarketoClientId => Options.MarketoClientId;

    public string MarketoClientSecret => Options.MarketoClientSecret;

    /// <summary>Marketo calls counted against today's quota.</summary>
    public long MarketoQuotaUsed => _marketoApi.QuotaUsed;

    public SalesforceStore Salesforce { get; }

    /// <summary>The fake Account Engagement business unit, seeded from the same world.</summary>
    public PardotStore Pardot { get; }

    /// <summary>Account Engagement's API host for the connector (the same local base).</summary>
    public Uri PardotBaseUrl => BaseUrl;

    public string PardotBusinessUnitId => Options.PardotBusinessUnitId;

    /// <summary>The most Account Engagement requests that were in flight at once.</summary>
    public int PardotPeakInFlight => _pardotApi.PeakInFlight;

    /// <summary>Every token the fake Salesforce org issued stops working (Account Engagement then answers 184 too).</summary>
    public void ExpireSalesforceTokens() => _salesforceApi.ExpireAllTokens();

    public SandboxStats Stats => _stats.Snapshot();

    /// <summary>Salesforce API requests counted today (what Sforce-Limit-Info reports).</summary>
    public long SalesforceApiUsage => _salesforceApi.ApiUsage;

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LeadCount < 0 || options.RepCount < 0 || options.Port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(options), "LeadCount and RepCount must be >= 0 and Port within 0..65535.");
        time ??= TimeProvider.System;

        var stats = new StatsCounters();
        var faults = new FaultInjector(options.Faults);
        var hubSpot = new HubSpotStore(time, options.SearchIndexLag);
        var salesforce = new SalesforceStore(time, options.Seed);
        SeedGenerator.Seed(hubSpot, salesforce, options, time.GetUtcNow());
        var pardot = new PardotStore(time, options.PardotReadCacheLag);
        PardotWorld.Seed(pardot, hubSpot, salesforce, options, time.GetUtcNow());

        var hubSpotApi = new HubSpotApi(hubSpot, options, stats, faults, time);
        var salesforceApi = new SalesforceApi(salesforce, options, stats, faults, time);
        var marketo = new Lazy<MarketoStore>(() =>
        {
            var store = new MarketoStore(time);
            MarketoWorld.Seed(store, hubSpot, options.Seed, time.GetUtcNow());
            return store;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        var marketoApi = new MarketoApi(() => marketo.Value, options, stats, faults, time);
        var pardotApi = new PardotApi(pardot, options, stats, faults, time, salesforceApi.IsIssued);

        // The empty builder reads no appsettings/environment, so a host's own Kestrel or URL settings cannot leak in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        builder.Services.AddSingleton(time);
        var app = builder.Build();
        app.Run(async context =>
        {
            try
            {
                var path = context.Request.Path;
                if (!path.StartsWithSegments("/_sandbox"))
                    stats.Endpoints.Call(context);
                if (path.StartsWithSegments("/crm"))
                    await hubSpotApi.HandleAsync(context);
                else if (path.StartsWithSegments("/services"))
                    await salesforceApi.HandleAsync(context);
                else if (path.StartsWithSegments("/rest") || path.StartsWithSegments("/identity"))
                    await marketoApi.HandleAsync(context);
                else if (path.StartsWithSegments("/api/v5"))
                    await pardotApi.HandleAsync(context);
                else if (path.StartsWithSegments("/_sandbox"))
                    await SandboxAdmin.HandleAsync(context, stats, faults, hubSpot, salesforce, time, () => new SandboxAdmin.OtherCounts(
                        marketo.IsValueCreated ? marketo.Value.Count : 0, marketo.IsValueCreated ? marketo.Value.ActivityCount : 0,
                        pardot.CurrentProspects().Count, pardot.Activities().Count));
                else
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
            catch (Exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                // A sandbox bug must read as a server error to the client, never as a dropped connection.
                Interlocked.Increment(ref stats.Http5xxs);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        });

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri(address.TrimEnd('/') + "/");
        salesforceApi.BaseUrl = address.TrimEnd('/');
        return new SandboxServer(app, options, time, stats, faults, hubSpot, salesforce, salesforceApi, marketo, marketoApi, pardot, pardotApi, baseUrl);
    }

    public void ResetStats() => _stats.Reset();

    /// <summary>
    /// The next <paramref name="count"/> authenticated requests to <paramref name="system"/> fail with <paramref name="statusCode"/>:
    /// 429 with HubSpot's body for <paramref name="policyName"/> (TEN_SECONDLY_ROLLING by default, or SECONDLY / DAILY);
    /// 5xx; for Salesforce 401 INVALID_SESSION_ID also expires every issued token, so the client must authenticate again.
    /// </summary>
    public void InjectFault(string system, int statusCode, int count, string? policyName = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _faults.Enqueue(System(system), new Fault(FaultKind.Status, statusCode, policyName), count);
    }

    /// <summary>
    /// The next <paramref name="count"/> Marketo REST calls are answered with the HTTP-200 envelope error
    /// <paramref name="code"/> (606, 615, 604, 608, 611, 607, 601, 602…); nothing is executed.
    /// </summary>
    public void InjectMarketoError(string code, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _faults.Enqueue(MarketoSystem, new Fault(FaultKind.Status, 200, code), count);
    }

    /// <summary>Every Marketo token issued so far stops working: the next calls get 602 until the client asks for a new one.</summary>
    public void ExpireMarketoTokens() => _marketoApi.ExpireTokens();

    /// <summary>
    /// The next <paramref name="count"/> writes to <paramref name="system"/> are applied and their answers lost: 503, or
    /// the connection aborted with <paramref name="abort"/>. Reads in between are served normally.
    /// </summary>
    public void InjectLostResponse(string system, int count, bool abort = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _faults.Enqueue(System(system), new Fault(FaultKind.ResponseLost, 503, null, abort), count);
    }

    /// <summary>Replaces the random fault rates and latency (and reseeds them), as <c>/_sandbox/simulate</c> does.</summary>
    public void ConfigureFaults(FaultOptions faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        _faults.Configure(faults);
    }

    /// <summary>The next <paramref name="count"/> requests to <paramref name="system"/> get 200 with a truncated JSON body (nothing is executed).</summary>
    public void InjectMalformedBody(string system, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _faults.Enqueue(System(system), new Fault(FaultKind.MalformedBody, 200, null), count);
    }

    /// <summary>
    /// Moves the world on, deterministically for <paramref name="seed"/> and the current state: <paramref name="percent"/>%
    /// of contacts engage (page views, opens, clicks, forms, now and then a demo request, stamped "now"), and about
    /// <paramref name="percent"/>% of rep-owned leads get a status or owner change from their rep.
    /// </summary>
    public void Simulate(int percent, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        WorldSimulator.Simulate(HubSpot, Salesforce, percent, seed, _time.GetUtcNow());
        if (_marketo.IsValueCreated)
            MarketoWorld.Simulate(_marketo.Value, percent, seed, _time.GetUtcNow());
        PardotWorld.Simulate(Pardot, percent, seed, _time.GetUtcNow());
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string System(string system) => system?.Trim().ToLowerInvariant() switch
    {
        HubSpotSystem => HubSpotSystem,
        SalesforceSystem => SalesforceSystem,
        MarketoSystem => MarketoSystem,
        PardotSystem => PardotSystem,
        _ => throw new ArgumentException($"Unknown system '{system}': use \"{HubSpotSystem}\", \"{SalesforceSystem}\", \"{MarketoSystem}\" or \"{PardotSystem}\".", nameof(system)),
    };
}
