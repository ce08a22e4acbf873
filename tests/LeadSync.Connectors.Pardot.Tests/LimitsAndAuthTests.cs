using System.Text.Json.Nodes;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;
using static LeadSync.Connectors.Pardot.Tests.PardotTestHost;

namespace LeadSync.Connectors.Pardot.Tests;

/// <summary>Error codes (facts §1, §2), the concurrency limit and the daily allowance (facts §5).</summary>
public sealed class LimitsAndAuthTests : IDisposable
{
    private readonly PardotTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task ExpiredToken_Code184_RefreshesOnceAndSendsAgain()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").WithHeader("Authorization", "Bearer tok-1").UsingGet())
            .RespondWith(Json(401, Error(184, "access_token is invalid, unknown, or malformed: Inactive token")));
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").WithHeader("Authorization", "Bearer tok-2").UsingGet())
            .RespondWith(Json(200, Prospect(1, "2026-11-20T09:00:00+00:00").ToJsonString()));

        var people = await _host.Marketing.ReadByIdsAsync(["1"], [], CancellationToken.None);

        Assert.Single(people);
        Assert.Equal(2, _host.TokensIssued);
        Assert.Equal(["Bearer tok-1", "Bearer tok-2"], _host.Requests().Select(r => Header(r, "Authorization")));
    }

    [Fact]
    public async Task ExpiredToken_StillRefusedAfterRefresh_AuthenticationErrorNamingTheScope()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingGet())
            .RespondWith(Json(400, Error(184, "access_token is invalid, unknown, or malformed")));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => _host.Marketing.ReadByIdsAsync(["1"], [], CancellationToken.None));

        Assert.Equal(ApiErrorKind.Authentication, error.Kind);
        Assert.Equal("184", error.ErrorCode);
        Assert.Contains("pardot_api", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _host.TokensIssued);
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains("tok-1", StringComparison.Ordinal) || l.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongBusinessUnit_Code201_ConfigurationProblemNamingIdAndHost()
    {
        _host.Api.Given(Request.Create().WithPath(Prospects).UsingGet())
            .RespondWith(Json(400, Error(201, "Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.")));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => ReadAllAsync(_host.Marketing, ChangeCursor.Beginning));

        Assert.Equal(ApiErrorKind.Authentication, error.Kind);
        Assert.Equal("201", error.ErrorCode);
        Assert.Contains("configuration", error.Message, StringComparison.Ordinal);
        Assert.Contains(BusinessUnit, error.Message, StringComparison.Ordinal);
        Assert.Contains("pi.demo.pardot.com", error.Message, StringComparison.Ordinal);
        Assert.Single(_host.Requests()); // not retried
    }

    [Fact]
    public async Task MissingHeader_Code181_ConfigurationProblem()
    {
        _host.Api.Given(Request.Create().WithPath(Prospects).UsingGet()).RespondWith(Json(400, Error(181, "A required header is missing")));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => ReadAllAsync(_host.Marketing, ChangeCursor.Beginning));

        Assert.Equal(ApiErrorKind.Authentication, error.Kind);
        Assert.StartsWith("Pardot 181", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentLimit_Code66_RetriedAndCountedAsThrottled()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingGet()).InScenario("66").WillSetStateTo("ok")
            .RespondWith(Json(400, Error(66, "You have exceeded your concurrent request limit. Please wait, before trying again")));
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingGet()).InScenario("66").WhenStateIs("ok")
            .RespondWith(Json(200, Prospect(1, "2026-11-20T09:00:00+00:00").ToJsonString()));

        var people = await _host.Marketing.ReadByIdsAsync(["1"], [], CancellationToken.None);

        Assert.Single(people);
        Assert.Equal(2, _host.Marketing.CallCount);
        Assert.Equal(1, _host.Marketing.ThrottledCount);
    }

    [Fact]
    public async Task TruncatedBody_RetriedLikeA5xx_ThenRead()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingGet()).InScenario("cut").WillSetStateTo("ok")
            .RespondWith(Json(200, """{"id":1,"email":"""));
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingGet()).InScenario("cut").WhenStateIs("ok")
            .RespondWith(Json(200, Prospect(1, "2026-11-20T09:00:00+00:00").ToJsonString()));

        var people = await _host.Marketing.ReadByIdsAsync(["1"], [], CancellationToken.None);

        Assert.Equal("1", Assert.Single(people).Id);
        Assert.Equal(2, _host.Marketing.CallCount);
    }

    [Fact]
    public async Task TruncatedBody_BeyondTheRetries_MalformedResponse()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingGet()).RespondWith(Json(200, """{"id":1,"email":"""));

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _host.Marketing.ReadByIdsAsync(["1"], [], CancellationToken.None));

        Assert.Equal(ApiErrorKind.MalformedResponse, ex.Kind);
        Assert.Equal(1 + _host.Options.MaxRetries, _host.Marketing.CallCount);
    }

    [Fact]
    public async Task DailyLimit_Code122_PausesWritesUntilReset()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingPatch()).RespondWith(Json(400, Error(122, "Daily API rate limit met")));
        var write = new MarketingUpdate("1", new Dictionary<string, string?> { ["jobTitle"] = "CTO" });

        var outcome = Assert.Single(await _host.Marketing.UpdateAsync([write], CancellationToken.None));
        Assert.Equal(nameof(ApiErrorKind.DailyLimitReached), outcome.ErrorCode);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), _host.Pardot.WritesPausedUntil);

        var refused = await Assert.ThrowsAsync<ExternalApiException>(() => _host.Marketing.UpdateAsync([write], CancellationToken.None));
        Assert.Equal(ApiErrorKind.DailyLimitReached, refused.Kind);
        Assert.Single(_host.Requests());

        _host.Time.Advance(TimeSpan.FromHours(15));
        Assert.Null(_host.Pardot.WritesPausedUntil);
    }

    [Fact]
    public async Task DailyAllowance_EditionAsConfigured_CallsCountedAgainstIt()
    {
        using var host = new PardotTestHost(o => o.Edition = PardotEdition.Plus);
        host.Api.Given(Request.Create().WithPath(Prospects).UsingGet()).RespondWith(Json(200, Page([])));

        await ReadAllAsync(host.Marketing, ChangeCursor.Beginning);

        Assert.Equal(new ApiQuota(50_000, 49_999), host.Marketing.LastObservedQuota);
        host.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new ApiQuota(50_000, 50_000), host.Marketing.LastObservedQuota);
    }

    [Fact]
    public async Task ReadByIds_ManyIds_NeverMoreThanFiveInFlight()
    {
        var inFlight = 0;
        var peak = 0;
        _host.Api.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher($"^{Prospects}/\\d+$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                Thread.Sleep(30); // holds the slot so overlapping requests would show; nothing is asserted on time
                Interlocked.Decrement(ref inFlight);
                var id = long.Parse(request.Path.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
                return new ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new BodyData { BodyAsString = Prospect(id, "2026-11-20T09:00:00+00:00").ToJsonString(), DetectedBodyType = BodyType.String },
                };
            }));

        var people = await _host.Marketing.ReadByIdsAsync([.. Enumerable.Range(1, 25).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], [], CancellationToken.None);

        Assert.Equal(25, people.Count);
        Assert.InRange(peak, 1, 5);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    [Fact]
    public async Task ErrorBody_EmailInMessage_Masked()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingPatch())
            .RespondWith(Json(400, new JsonObject { ["code"] = 4, ["message"] = "Invalid prospect email address ada@acme.io" }.ToJsonString()));

        var outcome = Assert.Single(await _host.Marketing.UpdateAsync([new MarketingUpdate("1", new Dictionary<string, string?> { ["email"] = "ada@acme.io" })], CancellationToken.None));

        Assert.Equal("4", outcome.ErrorCode);
        Assert.DoesNotContain("ada@acme.io", outcome.Message, StringComparison.Ordinal);
    }
}
