using System.Globalization;
using LeadSync.Connectors.Marketo.Tests.Infrastructure;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Connectors.Marketo.Tests;

public sealed class ResilienceTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T09:00:00Z", CultureInfo.InvariantCulture);

    private static Reply Describe() => Reply.Json(Bodies.StandardDescribe());

    private static Task<IReadOnlyList<FieldMetadata>> DescribeAsync(MarketoMarketingPlatform system) => system.GetFieldsAsync(CancellationToken.None);

    /// <summary>Steps fake time until <paramref name="done"/>; real time only bounds the wait for the connector's own work.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider clock, Func<bool> done, TimeSpan step)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!done())
        {
            // A hang guard, not a speed assert: generous so a loaded machine never trips it.
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(3), "the connector never got there");
            clock.Advance(step);
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task GetFieldsAsync_606Storm_WaitsAFullWindowBetweenAttemptsThenSucceeds()
    {
        var clock = new FakeTimeProvider(Now);
        var describes = 0;
        var sentAt = new List<DateTimeOffset>();
        using var fake = new FakeMarketo(r =>
        {
            if (r.Path != "/rest/v1/leads/describe2.json")
            {
                return r.Path == "/rest/v1/activities/types.json" ? Reply.Json(Bodies.ActivityTypes(1)) : null;
            }

            lock (sentAt)
            {
                sentAt.Add(clock.GetUtcNow());
            }

            return Interlocked.Increment(ref describes) <= 3 ? Reply.Error("606", "Max rate limit '100' exceeded with in '20' secs") : Describe();
        });
        var system = fake.Connect(o => (o.RateLimitRetryDelay, o.MaxRetries) = (TimeSpan.FromSeconds(20), 5), clock);

        var call = DescribeAsync(system);
        await AdvanceUntilAsync(clock, () => Volatile.Read(ref describes) >= 4, TimeSpan.FromSeconds(1));
        var fields = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEmpty(fields);
        Assert.Equal(4, describes);
        Assert.All(sentAt.Zip(sentAt.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(20), $"retried after {(pair.Second - pair.First).TotalSeconds} s"));
        Assert.Equal(3, system.ThrottledCount);
    }

    [Fact]
    public async Task GetFieldsAsync_606OutlastsRetries_ThrowsRateLimited()
    {
        using var fake = new FakeMarketo(r => r.IsIdentity ? null : Reply.Error("606", "Max rate limit '100' exceeded with in '20' secs"));
        var system = fake.Connect(o => o.MaxRetries = 2);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => DescribeAsync(system));

        Assert.Equal((ApiErrorKind.RateLimited, "606", 200), (ex.Kind, ex.ErrorCode, ex.StatusCode));
        Assert.Equal(3, fake.Rest.Count);
    }

    [Theory]
    [InlineData("615")]
    [InlineData("604")]
    [InlineData("608")]
    [InlineData("611")]
    public async Task GetFieldsAsync_TransientEnvelopeCode_IsRetried(string code)
    {
        var calls = 0;
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/leads/describe2.json" => Interlocked.Increment(ref calls) == 1 ? Reply.Error(code, "try again") : Describe(),
            "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1)),
            _ => null,
        });
        var system = fake.Connect();

        Assert.NotEmpty(await DescribeAsync(system));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task GetFieldsAsync_603AccessDenied_NotRetriedAndAuthentication()
    {
        using var fake = new FakeMarketo(r => r.IsIdentity ? null : Reply.Error("603", "Access denied"));
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => DescribeAsync(system));

        Assert.Equal((ApiErrorKind.Authentication, "603"), (ex.Kind, ex.ErrorCode));
        Assert.Single(fake.Rest);
    }

    [Fact]
    public async Task Token_IsReusedThenRenewedBeforeItExpires()
    {
        var clock = new FakeTimeProvider(Now);
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/leads/describe2.json" => Describe(),
            "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1)),
            _ => null,
        }, expiresIn: 3599);
        var system = fake.Connect(clock: clock);

        await DescribeAsync(system);
        clock.Advance(TimeSpan.FromSeconds(3500)); // 99 s left: still used
        await DescribeAsync(system);
        clock.Advance(TimeSpan.FromSeconds(60)); // 39 s left: under the 60 s margin
        await DescribeAsync(system);

        Assert.Equal(2, fake.TokensIssued);
        Assert.Equal(["tok-1", "tok-1", "tok-1", "tok-1", "tok-2", "tok-2"], fake.Rest.Select(r => r.Bearer));
        var identity = fake.Requests.First(r => r.IsIdentity);
        Assert.Equal(("POST", "client_credentials", FakeMarketo.ClientId), (identity.Method, identity.One("grant_type"), identity.One("client_id")));
        Spec.AssertAllValid(fake.Requests);
    }

    [Theory]
    [InlineData("601", "Access token invalid")]
    [InlineData("602", "Access token expired")]
    public async Task Token_RejectedByTheApi_IsReplacedAndTheCallRepeated(string code, string message)
    {
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/leads/describe2.json" when r.Bearer == "tok-1" => Reply.Error(code, message),
            "/rest/v1/leads/describe2.json" => Describe(),
            "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1)),
            _ => null,
        });
        var system = fake.Connect();

        Assert.NotEmpty(await DescribeAsync(system));

        Assert.Equal(2, fake.TokensIssued);
        Assert.Equal(["tok-1", "tok-2", "tok-2"], fake.Rest.Select(r => r.Bearer));
    }

    [Fact]
    public async Task Token_BadCredentials_AuthenticationErrorWithoutTheSecretAnywhere()
    {
        using var fake = new FakeMarketo(r => r.IsIdentity ? new Reply(401, """{"error":"invalid_client","error_description":"Bad client credentials"}""") : null);
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => DescribeAsync(system));

        Assert.Equal((ApiErrorKind.Authentication, "invalid_client", 401), (ex.Kind, ex.ErrorCode, ex.StatusCode));
        Assert.Empty(fake.Rest);
        Assert.DoesNotContain(FakeMarketo.Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Logs.Lines, l => l.Contains(FakeMarketo.Secret, StringComparison.Ordinal) || l.Contains("tok-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_AfterRetriesAndRefreshes_NeverCarryTokenOrSecret()
    {
        var calls = 0;
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/leads/describe2.json" => Interlocked.Increment(ref calls) switch { 1 => Reply.Error("602", "Access token expired"), 2 => Reply.Error("606", "rate"), _ => Describe() },
            "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1)),
            _ => null,
        });
        var system = fake.Connect();

        await DescribeAsync(system);

        Assert.NotEmpty(fake.Logs.Lines);
        Assert.DoesNotContain(fake.Logs.Lines, l => l.Contains(FakeMarketo.Secret, StringComparison.Ordinal) || l.Contains("tok-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_607DailyQuota_ThrowsDailyLimitReachedAndPausesWritesUntilMidnightCentral()
    {
        var clock = new FakeTimeProvider(Now);
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/leads/describe2.json" => Describe(),
            "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1)),
            "/rest/v1/leads.json" => Reply.Error("607", "Daily quota reached"),
            _ => null,
        });
        var system = fake.Connect(clock: clock);
        var update = new MarketingUpdate("1", new Dictionary<string, string?>(), "New");

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => system.UpdateAsync([update], CancellationToken.None));
        var posts = fake.Rest.Count(r => r.Method == "POST");
        var again = await Assert.ThrowsAsync<ExternalApiException>(() => system.UpdateAsync([update], CancellationToken.None));

        Assert.Equal((ApiErrorKind.DailyLimitReached, "607"), (ex.Kind, ex.ErrorCode));
        Assert.Equal(ApiErrorKind.DailyLimitReached, again.Kind);
        Assert.Equal(1, posts);
        Assert.Equal(posts, fake.Rest.Count(r => r.Method == "POST"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T06:00:00Z", CultureInfo.InvariantCulture), system.WritesPausedUntil);

        clock.Advance(TimeSpan.FromHours(21));
        Assert.Null(system.WritesPausedUntil);
    }

    [Fact]
    public async Task UpdateAsync_OwnCallsReachTheWriteReserve_RefusedLocallyAndQuotaReported()
    {
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/leads/describe2.json" => Describe(),
            "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1)),
            _ => null,
        });
        var system = fake.Connect(o => (o.DailyQuota, o.WriteReserveShare) = (4, 0.5));

        await DescribeAsync(system); // two calls of four: the reserve of 50 % is reached
        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => system.UpdateAsync([new MarketingUpdate("1", new Dictionary<string, string?>(), "New")], CancellationToken.None));

        Assert.Equal((ApiErrorKind.DailyLimitReached, "WRITE_RESERVE"), (ex.Kind, ex.ErrorCode));
        Assert.Equal(new ApiQuota(4, 2), system.LastObservedQuota);
        Assert.DoesNotContain(fake.Rest, r => r.Method == "POST");
    }

    [Fact]
    public async Task GetFieldsAsync_TruncatedBodyEveryTime_MalformedResponseAfterTheRetries()
    {
        var describes = 0;
        using var fake = new FakeMarketo(r =>
        {
            if (r.Path == "/rest/v1/leads/describe2.json")
            {
                Interlocked.Increment(ref describes);
            }

            return r.IsIdentity ? null : Reply.Json("""{"requestId":"1","success":true,"result":[{"name":"API Le""");
        });
        var system = fake.Connect(o => o.MaxRetries = 2);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => DescribeAsync(system));

        Assert.Equal(ApiErrorKind.MalformedResponse, ex.Kind);
        Assert.Equal(3, describes);
    }

    [Fact]
    public async Task GetFieldsAsync_OneTruncatedBody_RetriedLikeA5xxThenSucceeds()
    {
        var describes = 0;
        using var fake = new FakeMarketo(r =>
        {
            if (r.Path != "/rest/v1/leads/describe2.json")
            {
                return r.Path == "/rest/v1/activities/types.json" ? Reply.Json(Bodies.ActivityTypes(1)) : null;
            }

            return Interlocked.Increment(ref describes) == 1 ? Reply.Json("""{"requestId":"1","success":true,"result":[{"name":"API Le""") : Describe();
        });
        var system = fake.Connect();

        var fields = await DescribeAsync(system);

        Assert.NotEmpty(fields);
        Assert.Equal(2, describes);
    }
}
