using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

public sealed class EdgeCaseTests
{
    private const string Collections = $"{Data}/composite/sobjects";

    [Fact]
    public async Task UpdateAsync_401OnPatch_ResendsSameBodyWithFreshToken()
    {
        using var host = new SalesforceTestHost(stubToken: false);
        host.Login.Given(Request.Create().WithPath(TokenPath).UsingPost()).InScenario("token").WillSetStateTo("second")
            .RespondWith(Json(200, host.TokenJson("tok-1"), null));
        host.Login.Given(Request.Create().WithPath(TokenPath).UsingPost()).InScenario("token").WhenStateIs("second")
            .RespondWith(Json(200, host.TokenJson("tok-2"), null));
        host.Instance.Given(Request.Create().WithPath(Collections).WithHeader("Authorization", "Bearer tok-1").UsingPatch())
            .RespondWith(Json(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));
        host.Instance.Given(Request.Create().WithPath(Collections).WithHeader("Authorization", "Bearer tok-2").UsingPatch())
            .RespondWith(Json(200, """[{"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]}]"""));

        var outcomes = await host.Crm.UpdateAsync(
            [new CrmUpdate("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["OwnerId"] = "0055g00000XYZabAAH" })], CancellationToken.None);

        Assert.True(Assert.Single(outcomes).Success);
        var requests = host.Requests(host.Instance);
        Assert.Equal(2, requests.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(requests[0].Body!), JsonNode.Parse(requests[1].Body!)));
        Assert.Equal("FALSE", Header(requests[1], "Sforce-Auto-Assign"));
    }

    [Fact]
    public async Task Request_429WithRetryAfter_IsRetried()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/limits").UsingGet()).InScenario("busy").WillSetStateTo("free")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0").WithBody("""[{"message":"busy","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"""));
        host.Instance.Given(Request.Create().WithPath($"{Data}/limits").UsingGet()).InScenario("busy").WhenStateIs("free")
            .RespondWith(Json(200, """{"DailyApiRequests":{"Max":10,"Remaining":9}}"""));

        var quota = await host.Crm.GetDailyQuotaAsync(CancellationToken.None);

        Assert.Equal(new ApiQuota(10, 9), quota);
        Assert.Equal(2, host.Requests(host.Instance).Count);
    }

    [Fact]
    public async Task Request_404_IsRejectedWithoutRetry()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/sobjects/Lead/describe").UsingGet())
            .RespondWith(Json(404, """[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetFieldsAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Rejected, error.Kind);
        Assert.Equal("NOT_FOUND", error.ErrorCode);
        Assert.Single(host.Requests(host.Instance));
    }

    [Fact]
    public async Task Request_ErrorBodyNotJson_KeepsStatusKindAndReadableMessage()
    {
        using var host = new SalesforceTestHost(o => o.MaxRetries = 1);
        host.Instance.Given(Request.Create().WithPath($"{Data}/limits").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody("<html>Bad gateway</html>"));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetDailyQuotaAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Transient, error.Kind);
        Assert.Equal("HTTP_502", error.ErrorCode);
    }

    [Fact]
    public async Task Request_InstanceUnreachable_ThrowsTransient()
    {
        using var host = new SalesforceTestHost(o => o.MaxRetries = 1);
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        host.Login.Reset();
        host.Login.Given(Request.Create().WithPath(TokenPath).UsingPost()).RespondWith(Json(200, $$"""
            {"access_token":"tok-1","instance_url":"http://127.0.0.1:{{closedPort}}","id":"https://login.salesforce.com/id/00D/005"}
            """, null));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetDailyQuotaAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Transient, error.Kind);
        Assert.Equal("NETWORK_ERROR", error.ErrorCode);
    }

    [Fact]
    public async Task Token_NonHttpsRemoteInstanceUrl_IsRefused()
    {
        using var host = new SalesforceTestHost(stubToken: false);
        host.Login.Given(Request.Create().WithPath(TokenPath).UsingPost()).RespondWith(Json(200, """
            {"access_token":"tok-1","instance_url":"http://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D/005"}
            """, null));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetDailyQuotaAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.MalformedResponse, error.Kind);
        Assert.DoesNotContain("tok-1", error.ToString(), StringComparison.Ordinal);
    }
}

public sealed class SalesforceRecordsTests
{
    [Theory]
    [InlineData("2024-05-02T10:11:12.000+0000", "2024-05-02T10:11:12.000+00:00")]
    [InlineData("2024-05-02T10:11:12.000Z", "2024-05-02T10:11:12.000+00:00")]
    [InlineData("2024-05-02T03:11:12.250-0700", "2024-05-02T10:11:12.250+00:00")]
    public void TryParseDateTime_SalesforceFormats_ReturnsUtcInstant(string text, string expected)
    {
        Assert.True(SalesforceRecords.TryParseDateTime(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    public void TryParseDateTime_Unreadable_ReturnsFalse(string? text) => Assert.False(SalesforceRecords.TryParseDateTime(text, out _));
}
