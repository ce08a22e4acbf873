using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

public sealed class AuthAndResilienceTests
{
    private const string Limits = $"{Data}/limits";
    private const string LimitsBody = """{"DailyApiRequests":{"Max":100000,"Remaining":89982},"SingleEmail":{"Max":15,"Remaining":15}}""";

    [Fact]
    public async Task GetDailyQuotaAsync_TwoCalls_PostsTokenFormOnceAndUsesInstanceUrl()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Limits).UsingGet()).RespondWith(Json(200, LimitsBody));

        var first = await host.Crm.GetDailyQuotaAsync(CancellationToken.None);
        var second = await host.Crm.GetDailyQuotaAsync(CancellationToken.None);

        var token = Assert.Single(host.Requests(host.Login));
        Assert.Equal("POST", token.Method);
        Assert.Equal(TokenPath, token.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", Header(token, "Content-Type"), StringComparison.Ordinal);
        Assert.Equal("grant_type=client_credentials&client_id=client-id&client_secret=s3cret-value", token.Body);
        var calls = host.Requests(host.Instance);
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("Bearer tok-1", Header(c, "Authorization")));
        Assert.All(calls, c => Assert.Equal(Limits, c.Path));
        Assert.Equal(new ApiQuota(100000, 89982), first);
        Assert.Equal(first, second);
        Assert.Equal(3, host.Crm.CallCount);
    }

    [Fact]
    public async Task TwoConnections_EachUsesItsOwnTokenAndInstance()
    {
        using var acme = new SalesforceTestHost();
        using var globex = new SalesforceTestHost(o => o.ClientId = "globex-client");
        acme.Instance.Given(Request.Create().WithPath(Limits).UsingGet()).RespondWith(Json(200, LimitsBody));
        globex.Instance.Given(Request.Create().WithPath(Limits).UsingGet()).RespondWith(Json(200, """{"DailyApiRequests":{"Max":5000,"Remaining":10}}"""));
        using var services = new ServiceCollection()
            .AddSalesforceConnector("acme", acme.Options)
            .AddSalesforceConnector("globex", globex.Options)
            .BuildServiceProvider();

        var acmeQuota = await services.GetRequiredKeyedService<ICrmSystem>("acme").GetDailyQuotaAsync(CancellationToken.None);
        var globexQuota = await services.GetRequiredKeyedService<ICrmSystem>("globex").GetDailyQuotaAsync(CancellationToken.None);

        Assert.Equal(100000, acmeQuota.Max);
        Assert.Equal(5000, globexQuota.Max);
        Assert.Contains("client_id=globex-client", Assert.Single(globex.Requests(globex.Login)).Body, StringComparison.Ordinal);
        Assert.Single(acme.Requests(acme.Instance));
        Assert.Equal(2, services.GetRequiredKeyedService<ICrmSystem>("globex").CallCount);
    }

    [Fact]
    public async Task Request_401InvalidSession_RefreshesTokenOnceAndSucceeds()
    {
        using var host = new SalesforceTestHost(stubToken: false);
        host.Login.Given(Request.Create().WithPath(TokenPath).UsingPost()).InScenario("token").WillSetStateTo("second")
            .RespondWith(Json(200, host.TokenJson("tok-1"), null));
        host.Login.Given(Request.Create().WithPath(TokenPath).UsingPost()).InScenario("token").WhenStateIs("second")
            .RespondWith(Json(200, host.TokenJson("tok-2"), null));
        host.Instance.Given(Request.Create().WithPath(Limits).WithHeader("Authorization", "Bearer tok-1").UsingGet())
            .RespondWith(Json(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));
        host.Instance.Given(Request.Create().WithPath(Limits).WithHeader("Authorization", "Bearer tok-2").UsingGet())
            .RespondWith(Json(200, LimitsBody));

        var quota = await host.Crm.GetDailyQuotaAsync(CancellationToken.None);

        Assert.Equal(89982, quota.Remaining);
        Assert.Equal(2, host.Requests(host.Login).Count);
        Assert.Equal(["Bearer tok-1", "Bearer tok-2"], host.Requests(host.Instance).Select(r => Header(r, "Authorization")));
    }

    [Fact]
    public async Task Request_401AfterRefresh_ThrowsAuthenticationWithoutRetryingAgain()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Limits).UsingGet())
            .RespondWith(Json(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetDailyQuotaAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Authentication, error.Kind);
        Assert.Equal("INVALID_SESSION_ID", error.ErrorCode);
        Assert.Equal(401, error.StatusCode);
        Assert.Equal(2, host.Requests(host.Instance).Count);
        Assert.Equal(2, host.Requests(host.Login).Count);
    }

    [Fact]
    public async Task Token_InvalidClient_ThrowsAuthenticationWithDescriptionAndNoSecret()
    {
        using var host = new SalesforceTestHost(stubToken: false);
        host.Login.Given(Request.Create().WithPath(TokenPath).UsingPost())
            .RespondWith(Json(400, """{"error":"invalid_client","error_description":"invalid client credentials"}""", null));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetDailyQuotaAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Authentication, error.Kind);
        Assert.Equal("invalid_client", error.ErrorCode);
        Assert.Equal("invalid client credentials", error.ApiMessage);
        Assert.DoesNotContain("s3cret-value", error.ToString(), StringComparison.Ordinal);
        Assert.Single(host.Requests(host.Login));
        Assert.Empty(host.Requests(host.Instance));
    }

    [Fact]
    public async Task Request_503ThenSuccess_RetriesAndSucceeds()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath(Limits).UsingGet()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Json(503, """[{"message":"Server unavailable","errorCode":"SERVER_UNAVAILABLE"}]"""));
        host.Instance.Given(Request.Create().WithPath(Limits).UsingGet()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Json(200, LimitsBody));

        var quota = await host.Crm.GetDailyQuotaAsync(CancellationToken.None);

        Assert.Equal(100000, quota.Max);
        Assert.Equal(2, host.Requests(host.Instance).Count);
        Assert.Equal(3, host.Crm.CallCount);
    }

    [Fact]
    public async Task Request_503Always_ThrowsTransientAfterMaxRetries()
    {
        using var host = new SalesforceTestHost(o => o.MaxRetries = 2);
        host.Instance.Given(Request.Create().WithPath(Limits).UsingGet())
            .RespondWith(Json(503, """[{"message":"Server unavailable","errorCode":"SERVER_UNAVAILABLE"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetDailyQuotaAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Transient, error.Kind);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(3, host.Requests(host.Instance).Count);
    }

    [Fact]
    public async Task Query_400MalformedQuery_IsNotRetriedAndIsRejected()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Response.Create()
            .WithStatusCode(400)
            .WithHeader("Content-Type", "application/json")
            .WithHeader("X-Request-Id", "req-42")
            .WithBody("""[{"message":"unexpected token: FROM","errorCode":"MALFORMED_QUERY"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetUsersAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Rejected, error.Kind);
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.Equal("unexpected token: FROM", error.ApiMessage);
        Assert.Equal("req-42", error.CorrelationId);
        Assert.Single(host.Requests(host.Instance));
    }

    [Fact]
    public async Task CreateTasksAsync_503_IsNotRetriedBecauseTheAnswerMayHaveBeenLostAfterTheWrite()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/composite/sobjects").UsingPost())
            .RespondWith(Json(503, """[{"message":"Server is unavailable","errorCode":"SERVER_UNAVAILABLE"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.CreateTasksAsync(
            [new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "Handoff", "High", "Not Started", new DateOnly(2024, 5, 3), "why")],
            CancellationToken.None));

        Assert.Equal(ApiErrorKind.Transient, error.Kind);
        Assert.Single(host.Requests(host.Instance));
    }

    [Fact]
    public async Task CreateTasksAsync_500_IsNotRetriedBecausePostMayHaveLanded()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/composite/sobjects").UsingPost())
            .RespondWith(Json(500, """[{"message":"An unexpected error occurred","errorCode":"UNKNOWN_EXCEPTION"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.CreateTasksAsync(
            [new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "Handoff", "High", "Not Started", new DateOnly(2024, 5, 3), "why")],
            CancellationToken.None));

        Assert.Equal(ApiErrorKind.Transient, error.Kind);
        Assert.Single(host.Requests(host.Instance));
    }

    [Fact]
    public async Task Response_MalformedJson_ThrowsMalformedResponse()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet()).RespondWith(Json(200, """{"totalSize":1,"done":true,"records":[{"Id":"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetUsersAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.MalformedResponse, error.Kind);
        Assert.Contains("not complete JSON", error.Message, StringComparison.Ordinal);

        // A GET with an unreadable answer is retried like a 503 before it is reported.
        Assert.Equal(1 + host.Options.MaxRetries, host.Requests(host.Instance).Count);
    }

    [Fact]
    public async Task Request_AttemptTimeout_RetriesThenThrowsTransient()
    {
        using var host = new SalesforceTestHost(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetries = 1;
        });
        host.Instance.Given(Request.Create().WithPath(Limits).UsingGet())
            .RespondWith(Json(200, LimitsBody).WithDelay(TimeSpan.FromSeconds(2)));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetDailyQuotaAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Transient, error.Kind);
        Assert.Equal("TIMEOUT", error.ErrorCode);

        // WireMock logs a request only once it has answered, so count attempts on our side: token + first try + one retry.
        Assert.Equal(3, host.Crm.CallCount);
    }
}
