using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeadSync.Sandbox.Tests;

public sealed class FaultInjectionTests
{
    [Theory]
    [InlineData(null, "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.")]
    [InlineData("DAILY", "DAILY", "You have reached your daily limit.")]
    [InlineData("SECONDLY", "SECONDLY", "You have reached your secondly limit.")]
    public async Task InjectFault_HubSpot429_NextRequestsFailWithPolicyBodyThenRecover(string? policy, string expectedPolicy, string expectedMessage)
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.InjectFault("hubspot", 429, 2, policy);
        using var first = await sb.HubSpot.GetAsync("/crm/v3/owners");
        using var second = await sb.HubSpot.GetAsync("/crm/v3/owners");
        using var third = await sb.HubSpot.GetAsync("/crm/v3/owners");
        var body = await Sandbox.ReadAsync(first);

        Assert.Equal((HttpStatusCode)429, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(expectedPolicy, (string?)body["policyName"]);
        Assert.Equal(expectedMessage, (string?)body["message"]);
        Assert.Equal(2, sb.Server.Stats.Http429s);
        Assert.Equal(3, sb.Server.Stats.HubSpotCalls);
    }

    [Fact]
    public async Task InjectFault_HubSpot503_ReturnsErrorBodyWithCorrelationId()
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.InjectFault("hubspot", 503, 1);
        using var failed = await sb.HubSpot.GetAsync("/crm/v3/owners");
        var body = await Sandbox.ReadAsync(failed);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.NotNull(body["correlationId"]);
        Assert.Equal(1, sb.Server.Stats.Http5xxs);
    }

    [Fact]
    public async Task InjectFault_Salesforce401_ExpiresTokenUntilReauthentication()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        sb.Server.InjectFault("salesforce", 401, 1);
        var (expired, body) = await sb.SoqlAsync("SELECT Id FROM User");
        var (stillExpired, _) = await sb.SoqlAsync("SELECT Id FROM User");
        await sb.SalesforceLoginAsync();
        var (renewed, _) = await sb.SoqlAsync("SELECT Id FROM User");

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("INVALID_SESSION_ID", (string?)body[0]!["errorCode"]);
        Assert.Equal(HttpStatusCode.Unauthorized, stillExpired.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Fact]
    public async Task InjectFault_Salesforce503_ReturnsServerUnavailableArray()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        sb.Server.InjectFault("salesforce", 503, 1);
        var (failed, body) = await sb.SoqlAsync("SELECT Id FROM User");
        var (ok, _) = await sb.SoqlAsync("SELECT Id FROM User");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("SERVER_UNAVAILABLE", (string?)body[0]!["errorCode"]);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Theory]
    [InlineData("hubspot")]
    [InlineData("salesforce")]
    public async Task InjectMalformedBody_ReturnsTruncatedJson(string system)
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        sb.Server.InjectMalformedBody(system, 1);
        using var response = system == "hubspot"
            ? await sb.HubSpot.GetAsync("/crm/v3/owners")
            : await sb.Salesforce.GetAsync("/services/data/v60.0/limits");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
    }

    [Fact]
    public async Task InjectFault_UnknownSystem_Throws()
    {
        await using var sb = await Sandbox.StartAsync();

        Assert.Throws<ArgumentException>(() => sb.Server.InjectFault("pipedrive", 500, 1));
    }

    [Fact]
    public async Task RandomFaults_SameFaultSeed_FailTheSameRequests()
    {
        static async Task<string> RunAsync()
        {
            await using var sb = await Sandbox.StartAsync(o => o.Faults = new FaultOptions { Seed = 11, RateLimitRate = 0.2, ServerErrorRate = 0.2, MalformedBodyRate = 0.1 });
            var codes = new List<int>();
            for (var i = 0; i < 30; i++)
            {
                using var r = await sb.HubSpot.GetAsync("/crm/v3/owners");
                codes.Add((int)r.StatusCode);
            }

            return string.Join(",", codes);
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains("429", first, StringComparison.Ordinal);
        Assert.Contains("503", first, StringComparison.Ordinal);
        Assert.Contains("200", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetStats_ZeroesCounters()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.HubSpot.GetAsync("/crm/v3/owners");
        Assert.Equal(1, sb.Server.Stats.HubSpotCalls);

        sb.Server.ResetStats();

        Assert.Equal(0, sb.Server.Stats.HubSpotCalls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InjectLostResponse_HubSpotCreate_IsAppliedButItsAnswerIsLost(bool abort)
    {
        await using var sb = await Sandbox.StartAsync();
        sb.Server.InjectLostResponse("hubspot", 1, abort);
        using (var read = await sb.HubSpot.GetAsync("/crm/v3/owners"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode); // reads pass: only a write loses its answer
        }

        var create = sb.HubSpot.PostAsJsonAsync("/crm/v3/objects/contacts/batch/create", new
        {
            inputs = new[] { new { properties = new Dictionary<string, string> { ["email"] = "lost.answer@example.com" } } },
        });
        if (abort)
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => create);
        }
        else
        {
            using var response = await create;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("error", (string?)(await Sandbox.ReadAsync(response))["status"]);
        }

        Assert.Single(sb.Server.HubSpot.ListContacts(), c => c.Get("email") == "lost.answer@example.com");
        Assert.Equal(1, sb.Server.Stats.Faults.ResponseLost);
        Assert.Equal(1, sb.Server.Stats.InjectedFaults);
    }

    [Fact]
    public async Task InjectLostResponse_SalesforceCreate_IsAppliedThenAnswered503()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var before = sb.Server.Salesforce.LeadCount;
        sb.Server.InjectLostResponse("salesforce", 1);

        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Post, "/services/data/v60.0/composite/sobjects", new
        {
            allOrNone = false,
            records = new[] { new Dictionary<string, object> { ["attributes"] = new { type = "Lead" }, ["LastName"] = "Lost", ["Company"] = "Answer Inc", ["Email"] = "lost.lead@example.com" } },
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("SERVER_UNAVAILABLE", (string?)body[0]!["errorCode"]);
        Assert.Equal(before + 1, sb.Server.Salesforce.LeadCount);
        Assert.Single(sb.Server.Salesforce.ListLeads(), l => l.Email == "lost.lead@example.com");
        Assert.Equal(1, sb.Server.Stats.Faults.ResponseLost);
    }

    [Fact]
    public async Task RandomLostResponses_NeverHitReads()
    {
        await using var sb = await Sandbox.StartAsync(o => o.Faults = new FaultOptions { Seed = 3, ResponseLostRate = 1 });

        for (var i = 0; i < 10; i++)
        {
            using var read = await sb.HubSpot.GetAsync("/crm/v3/owners");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var (write, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/create", new
        {
            inputs = new[] { new { properties = new Dictionary<string, string> { ["email"] = "every.write@example.com" } } },
        });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal(1, sb.Server.Stats.Faults.ResponseLost);
    }

    [Fact]
    public async Task StatsEndpoint_CountsInjectedFaultsByKind()
    {
        await using var sb = await Sandbox.StartAsync(o => o.Faults = new FaultOptions { LatencyMs = 1 });
        sb.Server.InjectFault("hubspot", 429, 2);
        sb.Server.InjectFault("hubspot", 503, 1);
        sb.Server.InjectMalformedBody("hubspot", 1);
        for (var i = 0; i < 5; i++)
        {
            (await sb.HubSpot.GetAsync("/crm/v3/owners")).Dispose();
        }

        sb.Server.InjectLostResponse("hubspot", 1);
        await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/create", new
        {
            inputs = new[] { new { properties = new Dictionary<string, string> { ["email"] = "counted@example.com" } } },
        });

        using var stats = await sb.HubSpot.GetAsync("/_sandbox/stats");
        var body = await Sandbox.ReadAsync(stats);
        var faults = body["faults"]!;

        Assert.Equal(2, (long)faults["rateLimited"]!);
        Assert.Equal(1, (long)faults["serverError"]!);
        Assert.Equal(1, (long)faults["truncatedBody"]!);
        Assert.Equal(1, (long)faults["responseLost"]!);
        Assert.Equal(0, (long)faults["otherStatus"]!);
        Assert.Equal(6, (long)faults["latency"]!);
        Assert.Equal(5, (long)body["injectedFaults"]!);
    }

    [Fact]
    public async Task SimulateEndpoint_FaultParameters_ReplaceTheRandomFaults()
    {
        await using var sb = await Sandbox.StartAsync();

        using (var configure = await sb.HubSpot.PostAsync("/_sandbox/simulate?rate503=1&faultSeed=4", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, configure.StatusCode);
        }

        using (var failing = await sb.HubSpot.GetAsync("/crm/v3/owners"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        }

        using (var off = await sb.HubSpot.PostAsync("/_sandbox/simulate?rate503=0", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        }

        using (var ok = await sb.HubSpot.GetAsync("/crm/v3/owners"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var bad = await sb.HubSpot.PostAsync("/_sandbox/simulate?rate503=1.5&lost=abc", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Sandbox.ReadAsync(bad))["errors"]!.AsArray().Select(e => (string?)e).ToList();
        Assert.Contains("rate503 must be a probability from 0 to 1", errors);
        Assert.Contains("lost must be a probability from 0 to 1", errors);
    }

    [Fact]
    public async Task Latency_DelaysEveryRequestAtLeastThatLong()
    {
        await using var sb = await Sandbox.StartAsync(o => o.Faults = new FaultOptions { LatencyMs = 150 });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await sb.HubSpot.GetAsync("/crm/v3/owners");
        watch.Stop();

        // A lower bound only: a busy machine can make it slower, never faster.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(140), $"answered after {watch.Elapsed}");
        Assert.Equal(1, sb.Server.Stats.Faults.Latency);
    }
}
