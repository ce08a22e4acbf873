using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Connectors.HubSpot.Tests;

public sealed class ResilienceTests
{
    private const string Owners = """{"results":[]}""";

    private static Func<Captured, Reply> Sequence(params Reply[] replies)
    {
        var index = -1;
        return _ => replies[Math.Min(Interlocked.Increment(ref index), replies.Length - 1)];
    }

    private static Task<IReadOnlyList<Sync.Ports.FieldMetadata>> CallAsync(HubSpotMarketingSystem system) => system.GetFieldsAsync(CancellationToken.None);

    [Fact]
    public async Task GetFieldsAsync_429TenSecondlyWithRetryAfter_WaitsThatLongThenSucceeds()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var fake = new FakeHubSpot(Sequence(
            new Reply(429, """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"TEN_SECONDLY_ROLLING"}""",
                new Dictionary<string, string> { ["Retry-After"] = "3" }),
            Reply.Json(Owners)));
        var system = fake.Connect(clock: clock);

        var call = CallAsync(system);
        await WaitUntilAsync(() => fake.Requests.Count == 1);
        var throttledAt = clock.GetUtcNow();

        // Step fake time until the retry goes out. On a busy machine the retry's timer may be armed a little after the
        // 429 arrived (then it fires later in fake time, never earlier): the promise is "not before Retry-After".
        var started = TimeProvider.System.GetTimestamp();
        while (fake.Requests.Count < 2)
        {
            // A hang guard, not a speed assert: fake time decides when the retry is due; real time only bounds a hang.
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(3), "the retry never went out");
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }

        var retriedAfter = clock.GetUtcNow() - throttledAt;
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(retriedAfter >= TimeSpan.FromSeconds(3), $"retried after {retriedAfter.TotalSeconds:F1} s of a 3 s Retry-After");

        Assert.Empty(result);
        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal(2, system.CallCount);
        Assert.Equal(1, system.ThrottledCount);
    }

    [Fact]
    public async Task GetFieldsAsync_500Then503ThenOk_RetriesAndSucceeds()
    {
        using var fake = new FakeHubSpot(Sequence(new Reply(500, "oops"), new Reply(503, ""), Reply.Json(Owners)));
        var system = fake.Connect();

        var result = await CallAsync(system);

        Assert.Empty(result);
        Assert.Equal(3, system.CallCount);
        Assert.All(fake.Requests, r => Assert.Equal("/crm/v3/properties/contacts", r.Path));
    }

    [Fact]
    public async Task GetFieldsAsync_Persistent503_ThrowsTransientAfterMaxRetries()
    {
        using var fake = new FakeHubSpot(_ => new Reply(503, """{"status":"error","message":"Service unavailable","correlationId":"abc","category":"SERVICE_UNAVAILABLE"}"""));
        var system = fake.Connect(o => o.MaxRetries = 2);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));

        Assert.Equal(ApiErrorKind.Transient, ex.Kind);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("abc", ex.CorrelationId);
        Assert.Equal(3, system.CallCount);
    }

    [Fact]
    public async Task UpdateAsync_400_NotRetriedAndReportedPerInput()
    {
        using var fake = new FakeHubSpot(_ => new Reply(400, """{"status":"error","message":"Property values were not valid","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"VALIDATION_ERROR"}"""));
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync([new MarketingUpdate("1", new Dictionary<string, string?> { ["hs_lead_status"] = "BOGUS" })], CancellationToken.None);

        Assert.Equal(1, system.CallCount);
        var outcome = Assert.Single(outcomes);
        Assert.False(outcome.Success);
        Assert.Equal("VALIDATION_ERROR", outcome.ErrorCode);
    }

    [Fact]
    public async Task GetFieldsAsync_404_NotRetriedAndThrowsRejected()
    {
        using var fake = new FakeHubSpot(_ => new Reply(404, """{"status":"error","message":"not here","correlationId":"c1","category":"OBJECT_NOT_FOUND"}"""));
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));

        Assert.Equal((ApiErrorKind.Rejected, 404, "OBJECT_NOT_FOUND", "c1"), (ex.Kind, ex.StatusCode, ex.ErrorCode, ex.CorrelationId));
        Assert.Equal(1, system.CallCount);
    }

    [Fact]
    public async Task UpdateAsync_429Daily_ThrowsDailyLimitReachedAndPausesWritesUntilUtcMidnight()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T22:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var updateCalls = 0;
        using var fake = new FakeHubSpot(r => r.Path.EndsWith("/batch/update", StringComparison.Ordinal) && Interlocked.Increment(ref updateCalls) == 1
            ? new Reply(429, """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"DAILY","requestId":"3d3e35b7"}""")
            : Reply.Json(Contacts.Batch([Contacts.Contact("1", Contacts.T0)])));
        var system = fake.Connect(clock: clock);
        var update = new MarketingUpdate("1", new Dictionary<string, string?> { ["hs_lead_status"] = "NEW" });

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => system.UpdateAsync([update], CancellationToken.None));
        Assert.Equal((ApiErrorKind.DailyLimitReached, 429), (ex.Kind, ex.StatusCode));
        Assert.Equal(1, system.CallCount); // DAILY is not retried

        var refused = await Assert.ThrowsAsync<ExternalApiException>(() => system.UpdateAsync([update], CancellationToken.None));
        Assert.Equal(ApiErrorKind.DailyLimitReached, refused.Kind);
        Assert.Null(refused.StatusCode);
        Assert.Equal(1, system.CallCount); // refused locally
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), system.WritesPausedUntil);

        clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(system.WritesPausedUntil);
        var outcomes = await system.UpdateAsync([update], CancellationToken.None);
        Assert.True(Assert.Single(outcomes).Success);
        Assert.Contains(fake.Logs.Lines, l => l.Contains("writes are paused until 2026-11-21 00:00:00Z", StringComparison.Ordinal) && l.Contains("next UTC midnight", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_429DailyWithConfiguredResetTime_PausesUntilThatTime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var fake = new FakeHubSpot(_ => new Reply(429, """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c0","policyName":"DAILY"}"""));
        var system = fake.Connect(o => o.DailyLimitResetTimeOfDayUtc = TimeSpan.FromHours(8), clock);

        await Assert.ThrowsAsync<ExternalApiException>(() => system.GetOwnersAsync(CancellationToken.None));

        Assert.Equal(DateTimeOffset.Parse("2026-11-20T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), system.WritesPausedUntil);
    }

    [Fact]
    public async Task ReadChangedAsync_SearchFailsWith500Once_RetriesWithIdenticalBody()
    {
        using var fake = new FakeHubSpot(Sequence(new Reply(500, ""), Reply.Json(Contacts.SearchPage([Contacts.Contact("1", Contacts.T0)], null))));
        var system = fake.Connect();

        var count = 0;
        await foreach (var page in system.ReadChangedAsync(ChangeCursor.Beginning, ["email"], CancellationToken.None))
        {
            count += page.Count;
        }

        Assert.Equal(1, count);
        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal(fake.Requests[0].Body, fake.Requests[1].Body);
        Assert.NotEmpty(fake.Requests[1].Body);
        Assert.Contains(fake.Logs.Lines, l => l.Contains("HTTP 500", StringComparison.Ordinal) && l.Contains("retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetFieldsAsync_Persistent429TenSecondly_ThrowsRateLimitedAfterRetries()
    {
        using var fake = new FakeHubSpot(_ => new Reply(429, """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c1","policyName":"TEN_SECONDLY_ROLLING"}"""));
        var system = fake.Connect(o => o.MaxRetries = 2);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));

        Assert.Equal((ApiErrorKind.RateLimited, 429), (ex.Kind, ex.StatusCode));
        Assert.Equal(3, system.CallCount);
        Assert.Equal(2, fake.Logs.Lines.Count(l => l.Contains("throttled (TenSecondly", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GetFieldsAsync_NoServerListening_ThrowsTransient()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(Owners));
        var system = fake.Connect(o =>
        {
            o.BaseUrl = "http://127.0.0.1:1";
            o.MaxRetries = 1;
        });

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));

        Assert.Equal(ApiErrorKind.Transient, ex.Kind);
        Assert.Equal(2, system.CallCount);
        Assert.DoesNotContain(FakeHubSpot.Token, ex.ToString(), StringComparison.Ordinal);
        Assert.IsNotType<Refit.ApiRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task GetFieldsAsync_RepeatedServerErrors_OpenCircuitAndFailFastAsTransient()
    {
        using var fake = new FakeHubSpot(_ => new Reply(500, ""));
        var system = fake.Connect(o => o.MaxRetries = 0);

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));
        }

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));

        Assert.Equal(ApiErrorKind.Transient, ex.Kind);
        Assert.Contains("circuit is open", ex.Message, StringComparison.Ordinal);
        Assert.Equal(10, fake.Requests.Count);
        Assert.Contains(fake.Logs.Lines, l => l.Contains("circuit opened", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadByEmailsAsync_UnexpectedPerInputError_LogsWithMaskedEmailAndNoToken()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(
            Contacts.Batch([], [Contacts.Error("VALIDATION_ERROR", "Bad input ada@example.com", "ada@example.com")]), 207));
        var system = fake.Connect();

        var contacts = await system.ReadByEmailsAsync(["ada@example.com"], ["email"], CancellationToken.None);

        Assert.Empty(contacts);
        var lines = fake.Logs.Lines;
        Assert.Contains(lines, l => l.Contains("a***@example.com", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("ada@example.com", StringComparison.Ordinal) || l.Contains(FakeHubSpot.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetFieldsAsync_MalformedJson_ThrowsMalformedResponseWithClearMessage()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json("{\"results\":[{\"name\":\"x\","));
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));

        Assert.Equal(ApiErrorKind.MalformedResponse, ex.Kind);
        Assert.Equal(200, ex.StatusCode);
        Assert.Contains("properties: HubSpot answered HTTP 200 with a body that is not complete JSON", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, fake.Requests.Count); // an unreadable answer is retried like a 503 (MaxRetries 3)
    }

    [Fact]
    public async Task GetFieldsAsync_401_ThrowsAuthenticationWithoutToken()
    {
        using var fake = new FakeHubSpot(_ => new Reply(401,
            $$"""{"status":"error","message":"Authentication credentials not found. Token {{FakeHubSpot.Token}} rejected","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"INVALID_AUTHENTICATION"}"""));
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => CallAsync(system));

        Assert.Equal((ApiErrorKind.Authentication, 401, "INVALID_AUTHENTICATION"), (ex.Kind, ex.StatusCode, ex.ErrorCode));
        Assert.Equal("aeb5f871-7f07-4993-9211-075dc63e7cbf", ex.CorrelationId);
        Assert.DoesNotContain(FakeHubSpot.Token, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeHubSpot.Token, ex.ApiMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeHubSpot.Token, system.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Logs.Lines, l => l.Contains(FakeHubSpot.Token, StringComparison.Ordinal));
        Assert.Equal(1, system.CallCount);
    }

    [Fact]
    public async Task GetFieldsAsync_RateLimitHeaders_AreKeptInKeyedState()
    {
        using var fake = new FakeHubSpot(_ => new Reply(200, Owners, new Dictionary<string, string>
        {
            ["X-HubSpot-RateLimit-Max"] = "190",
            ["X-HubSpot-RateLimit-Remaining"] = "187",
            ["X-HubSpot-RateLimit-Daily"] = "650000",
            ["X-HubSpot-RateLimit-Daily-Remaining"] = "649000",
        }));
        var system = fake.Connect();

        await CallAsync(system);

        var state = fake.Services.GetRequiredKeyedService<HubSpotRateLimitState>(FakeHubSpot.Connection);
        Assert.Equal((190L, 187L, 650000L, 649000L, 1L), (state.TenSecondMax, state.TenSecondRemaining, state.DailyMax, state.DailyRemaining, state.Attempts));
    }

    [Fact]
    public async Task ReadChangedAsync_MoreSearchesThanPerSecondLimit_QueuesInsteadOfFailing()
    {
        var engine = new SearchEngine([("1", Contacts.T0), ("2", Contacts.T0 + 1), ("3", Contacts.T0 + 2), ("4", Contacts.T0 + 3)], window: 10_000);
        using var fake = new FakeHubSpot(engine.Handle);
        var system = fake.Connect(o =>
        {
            o.SearchRequestsPerSecond = 1;
            o.PageSize = 2;
        });
        var started = TimeProvider.System.GetTimestamp();

        var count = 0;
        await foreach (var page in system.ReadChangedAsync(ChangeCursor.Beginning, ["email"], CancellationToken.None))
        {
            count += page.Count;
        }

        Assert.Equal(4, count);
        Assert.Equal(3, engine.RequestBodies.Count);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(1.5), "three searches at 1/s need about two seconds");
    }

    [Fact]
    public async Task AddHubSpotConnector_TwoConnections_UseSeparateClientsAndTokens()
    {
        using var first = new FakeHubSpot(_ => Reply.Json(Owners));
        using var second = new FakeHubSpot(_ => Reply.Json(Owners));
        var services = new ServiceCollection();
        services.AddHubSpotConnector("eu", FakeHubSpot.FastOptions(first.Url));
        var secondOptions = FakeHubSpot.FastOptions(second.Url);
        secondOptions.AccessToken = "other-token";
        services.AddHubSpotConnector("us", secondOptions);
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<IMarketingPlatform>("eu").GetFieldsAsync(CancellationToken.None);
        await provider.GetRequiredKeyedService<IMarketingPlatform>("us").GetFieldsAsync(CancellationToken.None);

        Assert.Equal("Bearer " + FakeHubSpot.Token, Assert.Single(first.Requests).Headers["Authorization"]);
        Assert.Equal("Bearer other-token", Assert.Single(second.Requests).Headers["Authorization"]);
        Assert.Equal(1, provider.GetRequiredKeyedService<IMarketingPlatform>("eu").CallCount);
    }

    [Fact]
    public async Task GetFieldsAsync_BaseUrlWithPathPrefix_KeepsThePrefix()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(Owners));
        var system = fake.Connect(o => o.BaseUrl = fake.Url + "/hubspot-proxy/");

        await CallAsync(system);

        Assert.Equal("/hubspot-proxy/crm/v3/properties/contacts", Assert.Single(fake.Requests).Path);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            // A hang guard for an event, generous for a loaded machine; no test depends on how fast it comes.
            Assert.True(TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromMinutes(3), "condition not reached within 3 minutes");
            await Task.Delay(10);
        }
    }
}
