using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace LeadSync.Connectors.Salesforce.Tests;

/// <summary>A login server, an instance server and a connector registered the way the host registers it.</summary>
internal sealed class SalesforceTestHost : IDisposable
{
    public const string Data = "/services/data/v60.0";
    public const string TokenPath = "/services/oauth2/token";

    private ServiceProvider? provider;

    public SalesforceTestHost(Action<SalesforceOptions>? configure = null, bool stubToken = true, SalesforceLeadSchema? schema = null)
    {
        Schema = schema ?? SalesforceLeadSchema.Default;
        Options = new SalesforceOptions
        {
            LoginUrl = Login.Url!,
            ClientId = "client-id",
            ClientSecret = "s3cret-value",
            QueryBatchSize = 200,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            // Generous bounds, not speed figures: a busy machine can take seconds to answer a local stub.
            AttemptTimeout = TimeSpan.FromMinutes(1),
            TotalTimeout = TimeSpan.FromMinutes(3),
            MaxRetries = 3,
        };
        configure?.Invoke(Options);
        if (stubToken)
        {
            Login.Given(Request.Create().WithPath(TokenPath).UsingPost())
                .RespondWith(Json(200, TokenJson("tok-1")));
        }
    }

    public WireMockServer Login { get; } = WireMockServer.Start();

    public WireMockServer Instance { get; } = WireMockServer.Start();

    public SalesforceOptions Options { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public SalesforceLeadSchema Schema { get; }

    public ICrmSystem Crm => Services.GetRequiredKeyedService<ICrmSystem>("acme");

    /// <summary>The same instance as <see cref="Crm"/>, for what only the Salesforce connector has.</summary>
    public SalesforceCrmSystem Salesforce => Services.GetRequiredKeyedService<SalesforceCrmSystem>("acme");

    public ServiceProvider Services => provider ??= new ServiceCollection()
        .AddLogging(builder => builder.AddProvider(Logs))
        .AddSalesforceConnector("acme", Options, Schema)
        .BuildServiceProvider();

    public string TokenJson(string token) => new JsonObject
    {
        ["access_token"] = token,
        ["instance_url"] = Instance.Url,
        ["id"] = "https://login.salesforce.com/id/00D5g000004ABCDEA2/0055g00000XYZabAAH",
        ["token_type"] = "Bearer",
        ["issued_at"] = "1714600000000",
    }.ToJsonString();

    public static IResponseBuilder Json(int status, string body, string? limitInfo = "api-usage=100/100000") =>
        limitInfo is null
            ? Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body)
            : Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("Sforce-Limit-Info", limitInfo).WithBody(body);

    public List<IRequestMessage> Requests(WireMockServer server) =>
        server.LogEntries.Select(entry => entry.RequestMessage!).OrderBy(m => m.DateTime).ToList();

    public static string? QueryParam(IRequestMessage message, string name)
    {
        var raw = message.RawQuery?.TrimStart('?') ?? string.Empty;
        foreach (var pair in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (Uri.UnescapeDataString(parts[0]) == name)
            {
                return parts.Length == 2 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
            }
        }

        return null;
    }

    public static string? Header(IRequestMessage message, string name) =>
        message.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    public static string LeadJson(string id, string stamp, string? email = "ada@example.com") =>
        new JsonObject
        {
            ["attributes"] = new JsonObject { ["type"] = "Lead", ["url"] = $"{Data}/sobjects/Lead/{id}" },
            ["Id"] = id,
            ["SystemModstamp"] = stamp,
            ["Email"] = email,
        }.ToJsonString();

    public static string QueryJson(IEnumerable<string> records, string? next = null) =>
        $"{{\"totalSize\":1000,\"done\":{(next is null ? "true" : "false")}{(next is null ? string.Empty : $",\"nextRecordsUrl\":\"{next}\"")},\"records\":[{string.Join(",", records)}]}}";

    public void Dispose()
    {
        provider?.Dispose();
        Login.Stop();
        Instance.Stop();
        Login.Dispose();
        Instance.Dispose();
    }
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((eventId, logLevel, formatter(state, exception)));
    }
}
