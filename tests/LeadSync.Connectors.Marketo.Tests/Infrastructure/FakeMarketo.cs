using System.Collections.Concurrent;
using System.Globalization;
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

namespace LeadSync.Connectors.Marketo.Tests.Infrastructure;

/// <summary>A request as the fake received it; <see cref="Query"/> keeps repeated keys.</summary>
public sealed record Captured(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public IReadOnlyList<string> All(string key) => [.. Query.Where(q => q.Key == key).Select(q => q.Value)];

    public string? One(string key) => All(key).SingleOrDefault();

    public bool IsIdentity => Path == "/identity/oauth/token";

    public string? Bearer => Headers.TryGetValue("Authorization", out var value) && value.StartsWith("Bearer ", StringComparison.Ordinal) ? value["Bearer ".Length..] : null;
}

public sealed record Reply(int Status, string Body)
{
    public static Reply Json(string body) => new(200, body);

    public static Reply Error(string code, string message) =>
        Json($$"""{"requestId":"e42b#14272d07d78","success":false,"errors":[{"code":"{{code}}","message":"{{message}}"}]}""");
}

/// <summary>
/// WireMock with one catch-all mapping: the identity endpoint hands out numbered tokens (<c>tok-1</c>, <c>tok-2</c>…)
/// unless the test's handler answers it; every other request is answered by the handler. The connector is built
/// through the real <see cref="MarketoServiceCollectionExtensions.AddMarketoConnector"/>.
/// </summary>
public sealed class FakeMarketo : IDisposable
{
    public const string ClientId = "launchpoint-client-id-0815";
    public const string Secret = "SECRET-client-secret-4711";
    public const string Connection = "mkto-test";

    private readonly WireMockServer _server;
    private readonly ConcurrentQueue<Captured> _requests = new();
    private int _tokens;
    private ServiceProvider? _provider;

    public FakeMarketo(Func<Captured, Reply?> handler, long expiresIn = 3599)
    {
        _server = WireMockServer.Start();
        _server.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var captured = new Captured(
                    request.Method,
                    request.Path,
                    ParseQuery(request.RawQuery),
                    request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)
                        ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
                    request.Body ?? "");
                _requests.Enqueue(captured);
                Reply? reply;
                try
                {
                    reply = handler(captured);
                }
                catch (Exception ex)
                {
                    reply = new Reply(599, "test handler failed: " + ex.Message);
                }

                if (reply is null && captured.IsIdentity)
                {
                    var n = Interlocked.Increment(ref _tokens);
                    reply = Reply.Json(string.Create(CultureInfo.InvariantCulture,
                        $$"""{"access_token":"tok-{{n}}","token_type":"bearer","expires_in":{{expiresIn}},"scope":"apis@acme.example"}"""));
                }

                reply ??= new Reply(599, "no scripted answer for " + captured.Path);
                return new ResponseMessage
                {
                    StatusCode = reply.Status,
                    Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json;charset=UTF-8") },
                    BodyData = new BodyData { BodyAsString = reply.Body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
                };
            }));
    }

    public string Url => _server.Url!;

    public IReadOnlyList<Captured> Requests => [.. _requests];

    public IReadOnlyList<Captured> Rest => [.. _requests.Where(r => !r.IsIdentity)];

    public int TokensIssued => Volatile.Read(ref _tokens);

    public CapturingLoggerProvider Logs { get; } = new();

    public static MarketoOptions FastOptions(string baseUrl) => new()
    {
        BaseUrl = baseUrl,
        ClientId = ClientId,
        ClientSecret = Secret,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RateLimitRetryDelay = TimeSpan.FromMilliseconds(5),
        MaxRetries = 3,
        Activities = MarketoOptions.DefaultActivities(),
    };

    /// <summary>Builds the connector through DI. With a fake clock, timeouts are long so only the test moves time.</summary>
    public MarketoMarketingPlatform Connect(Action<MarketoOptions>? configure = null, FakeTimeProvider? clock = null)
    {
        var options = FastOptions(Url);
        if (clock is not null)
        {
            options.AttemptTimeout = TimeSpan.FromHours(1);
            options.TotalTimeout = TimeSpan.FromHours(2);
        }

        configure?.Invoke(options);
        var services = new ServiceCollection();
        if (clock is not null)
        {
            services.AddSingleton<TimeProvider>(clock);
        }

        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddMarketoConnector(Connection, options);
        _provider = services.BuildServiceProvider();
        return (MarketoMarketingPlatform)_provider.GetRequiredKeyedService<IMarketingPlatform>(Connection);
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string? raw)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var part in (raw ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            list.Add(new(key, value));
        }

        return list;
    }
}
