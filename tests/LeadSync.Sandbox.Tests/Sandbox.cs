using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Sandbox.Tests;

/// <summary>A started sandbox with a fake clock and HTTP clients for both APIs; rate limits off unless a test turns them on.</summary>
internal sealed class Sandbox : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private Sandbox(SandboxServer server, FakeTimeProvider time)
    {
        Server = server;
        Time = time;
        HubSpot = new HttpClient { BaseAddress = server.HubSpotBaseUrl };
        HubSpot.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.HubSpotAccessToken);
        Salesforce = new HttpClient { BaseAddress = server.BaseUrl };
    }

    public SandboxServer Server { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient HubSpot { get; }

    public HttpClient Salesforce { get; }

    public static async Task<Sandbox> StartAsync(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { HubSpotRequestsPerTenSeconds = 0, HubSpotSearchRequestsPerSecond = 0 };
        configure?.Invoke(options);
        var time = new FakeTimeProvider(Start);
        var server = await SandboxServer.StartAsync(options, time);
        return new Sandbox(server, time);
    }

    public async Task<string> SalesforceLoginAsync()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Server.SalesforceClientId,
            ["client_secret"] = Server.SalesforceClientSecret,
        });
        using var response = await Salesforce.PostAsync(new Uri(Server.SalesforceLoginUrl, "services/oauth2/token"), form);
        response.EnsureSuccessStatusCode();
        var body = await ReadAsync(response);
        var token = body["access_token"]!.GetValue<string>();
        Salesforce.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return token;
    }

    public async Task<(HttpResponseMessage Response, JsonNode Body)> SoqlAsync(string soql, string version = "v60.0")
    {
        var response = await Salesforce.GetAsync($"/services/data/{version}/query?q={Uri.EscapeDataString(soql)}");
        return (response, await ReadAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonNode Body)> HubSpotPostAsync(string path, object body)
    {
        var response = await HubSpot.PostAsJsonAsync(path, body);
        return (response, await ReadAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonNode Body)> SalesforceSendAsync(HttpMethod method, string path, object body, string? autoAssign = "FALSE")
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (autoAssign is not null)
            request.Headers.Add("Sforce-Auto-Assign", autoAssign);
        var response = await Salesforce.SendAsync(request);
        return (response, await ReadAsync(response));
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    public async ValueTask DisposeAsync()
    {
        HubSpot.Dispose();
        Salesforce.Dispose();
        await Server.DisposeAsync();
    }
}
