using System.Net;
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
}
