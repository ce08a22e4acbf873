using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LeadSync.Connectors.Salesforce;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace LeadSync.Connectors.Pardot.Tests;

/// <summary>
/// A Salesforce login server and an Account Engagement server (WireMock, pinned shapes from the facts sheet) and a
/// connector registered the way the host registers it: the Salesforce connector for the token, Pardot beside it.
/// </summary>
internal sealed class PardotTestHost : IDisposable
{
    public const string BusinessUnit = "0Uv5g000000XYZ1CAG";
    public const string TokenPath = "/services/oauth2/token";
    public const string Prospects = "/api/v5/objects/prospects";
    public const string Activities = "/api/v5/objects/visitor-activities";

    private ServiceProvider? provider;
    private int tokenNumber;

    public PardotTestHost(Action<PardotOptions>? configure = null, PardotProspectSchema? schema = null)
    {
        Schema = schema ?? new PardotProspectSchema("Lead_Status__c", "LeadSync_Score__c", "LeadSync_Grade__c");
        Salesforce = new SalesforceOptions
        {
            LoginUrl = Login.Url!,
            ClientId = "client-id",
            ClientSecret = "s3cret-value",
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = TimeSpan.FromMinutes(1),
            TotalTimeout = TimeSpan.FromMinutes(3),
        };
        Options = new PardotOptions
        {
            BaseUrl = Api.Url!,
            BusinessUnitId = BusinessUnit,
            PageSize = 2,
            // Zero back-off: the pipeline runs on the fake clock, which only moves when a test moves it.
            RetryBaseDelay = TimeSpan.Zero,
            MaxRetries = 3,
            // Generous bounds, not speed figures: a busy machine can take seconds to answer a local stub.
            AttemptTimeout = TimeSpan.FromMinutes(1),
            TotalTimeout = TimeSpan.FromMinutes(3),
        };
        configure?.Invoke(Options);
        Login.Given(Request.Create().WithPath(TokenPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                var n = Interlocked.Increment(ref tokenNumber);
                return new ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData { BodyAsString = TokenJson($"tok-{n}"), DetectedBodyType = WireMock.Types.BodyType.String },
                };
            }));
    }

    public WireMockServer Login { get; } = WireMockServer.Start();

    public WireMockServer Api { get; } = WireMockServer.Start();

    public PardotOptions Options { get; }

    public SalesforceOptions Salesforce { get; }

    public PardotProspectSchema Schema { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));

    public CapturingLoggerProvider Logs { get; } = new();

    public int TokensIssued => Volatile.Read(ref tokenNumber);

    public IMarketingPlatform Marketing => Services.GetRequiredKeyedService<IMarketingPlatform>("acme");

    public PardotMarketingPlatform Pardot => Services.GetRequiredKeyedService<PardotMarketingPlatform>("acme");

    public ServiceProvider Services => provider ??= new ServiceCollection()
        .AddLogging(builder => builder.AddProvider(Logs))
        .AddSingleton<TimeProvider>(Time)
        .AddSalesforceConnector("acme", Salesforce)
        .AddPardotConnector("acme", Options, Schema)
        .BuildServiceProvider();

    public string TokenJson(string token) => new JsonObject
    {
        ["access_token"] = token,
        ["instance_url"] = Login.Url,
        ["id"] = "https://login.salesforce.com/id/00D5g000004ABCDEA2/0055g00000XYZabAAH",
        ["token_type"] = "Bearer",
        ["issued_at"] = "1714600000000",
    }.ToJsonString();

    public static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    public static string Error(int code, string message) => new JsonObject { ["code"] = code, ["message"] = message }.ToJsonString();

    public static JsonObject Prospect(long id, string updatedAt, string? email = null, string? salesforceId = null) => new()
    {
        ["id"] = id,
        ["email"] = email ?? $"p{id}@example.com",
        ["salesforceId"] = salesforceId,
        ["updatedAt"] = updatedAt,
    };

    public static string Page(IEnumerable<JsonObject> values, string? next = null) => new JsonObject
    {
        ["values"] = new JsonArray([.. values]),
        ["nextPageToken"] = next,
        ["nextPageUrl"] = next is null ? null : $"https://pi.pardot.com{Prospects}?nextPageToken={next}",
    }.ToJsonString();

    public List<IRequestMessage> Requests(string? path = null) =>
        Api.LogEntries.Select(e => e.RequestMessage!).Where(m => path is null || m.Path == path).OrderBy(m => m.DateTime).ToList();

    /// <summary>The query as sent, decoded once (a '+' stays a '+' only when it was sent as %2B).</summary>
    public static Dictionary<string, string> Query(IRequestMessage message)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (message.RawQuery ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            result[Uri.UnescapeDataString(parts[0])] = parts.Length == 2 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
        }

        return result;
    }

    public static string? Header(IRequestMessage message, string name) =>
        message.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    public static async Task<List<MarketingPerson>> ReadAllAsync(IMarketingPlatform marketing, ChangeCursor since, params string[] fields)
    {
        var all = new List<MarketingPerson>();
        await foreach (var page in marketing.ReadChangedAsync(since, fields, CancellationToken.None))
        {
            all.AddRange(page);
        }

        return all;
    }

    public void Dispose()
    {
        provider?.Dispose();
        Login.Stop();
        Api.Stop();
        Login.Dispose();
        Api.Dispose();
    }
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(Lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
    }
}
