using System.Collections.Concurrent;
using System.Text;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace LeadSync.Connectors.HubSpot.Tests.Infrastructure;

/// <summary>A request as the fake received it.</summary>
public sealed record Captured(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A reply the test scripts.</summary>
public sealed record Reply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static Reply Json(string body, int status = 200) => new(status, body);
}

/// <summary>
/// WireMock server with one catch-all mapping whose answers the test scripts per request, and a connector
/// registered through the real <see cref="HubSpotServiceCollectionExtensions.AddHubSpotConnector(Microsoft.Extensions.DependencyInjection.IServiceCollection, string, HubSpotOptions, HubSpotContactSchema)"/>.
/// </summary>
public sealed class FakeHubSpot : IDisposable
{
    public const string Token = "pat-na1-SECRET-test-token-4711";
    public const string Connection = "hs-test";

    private readonly WireMockServer _server;
    private readonly ConcurrentQueue<Captured> _requests = new();
    private ServiceProvider? _provider;

    public FakeHubSpot(Func<Captured, Reply> handler)
    {
        _server = WireMockServer.Start();
        _server.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var captured = new Captured(
                    request.Method,
                    request.Path,
                    request.RawQuery ?? "",
                    request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)
                        ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
                    request.Body ?? "");
                _requests.Enqueue(captured);
                Reply reply;
                try
                {
                    reply = handler(captured);
                }
                catch (Exception ex)
                {
                    reply = new Reply(599, "test handler failed: " + ex.Message);
                }

                var headers = new Dictionary<string, WireMockList<string>>
                {
                    ["Content-Type"] = new("application/json;charset=utf-8"),
                };
                foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
                {
                    headers[name] = new WireMockList<string>(value);
                }

                return new ResponseMessage
                {
                    StatusCode = reply.Status,
                    Headers = headers,
                    BodyData = new BodyData { BodyAsString = reply.Body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
                };
            }));
    }

    public string Url => _server.Url!;

    public IReadOnlyList<Captured> Requests => [.. _requests];

    public FakeTimeProvider? Clock { get; private set; }

    public CapturingLoggerProvider Logs { get; } = new();

    public static HubSpotOptions FastOptions(string baseUrl) => new()
    {
        BaseUrl = baseUrl,
        AccessToken = Token,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        TenSecondlyRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetries = 3,
        RequestsPerTenSeconds = 1000,
    };

    /// <summary>Builds the connector through DI. With a fake clock, timeouts are long so only the test moves time.</summary>
    public HubSpotMarketingSystem Connect(Action<HubSpotOptions>? configure = null, FakeTimeProvider? clock = null, HubSpotContactSchema? schema = null)
    {
        var options = FastOptions(Url);
        if (clock is not null)
        {
            options.AttemptTimeout = TimeSpan.FromHours(1);
            options.TotalTimeout = TimeSpan.FromHours(2);
            Clock = clock;
        }

        configure?.Invoke(options);
        var services = new ServiceCollection();
        if (clock is not null)
        {
            services.AddSingleton<TimeProvider>(clock);
        }

        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        if (schema is null)
        {
            services.AddHubSpotConnector(Connection, options);
        }
        else
        {
            services.AddHubSpotConnector(Connection, options, schema);
        }

        _provider = services.BuildServiceProvider();
        return (HubSpotMarketingSystem)_provider.GetRequiredKeyedService<IMarketingPlatform>(Connection);
    }

    public ServiceProvider Services => _provider ?? throw new InvalidOperationException("Connect first");

    public void Dispose()
    {
        _provider?.Dispose();
        _server.Stop();
        _server.Dispose();
    }
}
