using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Salesforce.Tests.SalesforceTestHost;

namespace LeadSync.Connectors.Salesforce.Tests;

public sealed class QuotaTests
{
    private static readonly CrmUpdate Update = new("00Q5g00000AbCdEEAV", new Dictionary<string, string?> { ["Status"] = "Nurturing" });

    [Fact]
    public async Task Writes_UsageAtReserve_AreRefusedOnceLoggedAndResumeWhenLimitsShowRoom()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(200, QueryJson([]), "api-usage=80000/100000; api-bursts=1/750"));
        host.Instance.Given(Request.Create().WithPath($"{Data}/limits").UsingGet())
            .RespondWith(Json(200, """{"DailyApiRequests":{"Max":100000,"Remaining":30000}}""", "api-usage=70001/100000"));
        host.Instance.Given(Request.Create().WithPath($"{Data}/composite/sobjects").UsingPatch())
            .RespondWith(Json(200, """[{"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]}]"""));

        await host.Crm.GetUsersAsync(CancellationToken.None);
        Assert.Equal(new ApiQuota(100000, 20000), host.Crm.LastObservedQuota);

        var first = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.UpdateAsync([Update], CancellationToken.None));
        var second = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.CreateTasksAsync(
            [new CrmTask("00Q5g00000AbCdEEAV", "0055g00000XYZabAAH", "Handoff", "High", "Not Started", new DateOnly(2024, 5, 3), "why")], CancellationToken.None));

        Assert.Equal(ApiErrorKind.DailyLimitReached, first.Kind);
        Assert.Equal("API_RESERVE_REACHED", first.ErrorCode);
        Assert.Equal("API_RESERVE_REACHED", second.ErrorCode);
        Assert.DoesNotContain(host.Requests(host.Instance), r => r.Method is "PATCH" or "POST");
        Assert.Single(host.Logs.Entries, e => e.Id.Id == 4101 && e.Level == LogLevel.Warning && e.Message.Contains("80.0%", StringComparison.Ordinal));

        var quota = await host.Crm.GetDailyQuotaAsync(CancellationToken.None);
        var outcomes = await host.Crm.UpdateAsync([Update], CancellationToken.None);

        Assert.Equal(new ApiQuota(100000, 30000), quota);
        Assert.True(Assert.Single(outcomes).Success);
        Assert.Single(host.Logs.Entries, e => e.Id.Id == 4102);
    }

    [Fact]
    public async Task Request_403RequestLimitExceeded_ThrowsDailyLimitReached()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/query").UsingGet())
            .RespondWith(Json(403, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"""));

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.GetLeadQueuesAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.DailyLimitReached, error.Kind);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", error.ErrorCode);
        Assert.Equal(403, error.StatusCode);
        Assert.Single(host.Requests(host.Instance));
        Assert.Equal(1, host.Crm.ThrottledCount);
        Assert.Equal(new ApiQuota(100000, 0), host.Crm.LastObservedQuota);
        var write = await Assert.ThrowsAsync<ExternalApiException>(() => host.Crm.UpdateAsync([Update], CancellationToken.None));
        Assert.Equal("API_RESERVE_REACHED", write.ErrorCode);
        Assert.Single(host.Requests(host.Instance));
    }

    [Fact]
    public async Task UpdateAsync_ReserveReachedAfterFirstChunk_ReportsWrittenChunkAndFailsTheRest()
    {
        using var host = new SalesforceTestHost();
        host.Instance.Given(Request.Create().WithPath($"{Data}/composite/sobjects").UsingPatch())
            .RespondWith(WireMock.ResponseBuilders.Response.Create()
                .WithCallback(request =>
                {
                    var count = System.Text.Json.Nodes.JsonNode.Parse(request.Body!)!["records"]!.AsArray().Count;
                    var body = $"[{string.Join(",", Enumerable.Repeat("""{"success":true,"errors":[]}""", count))}]";
                    return new WireMock.ResponseMessage
                    {
                        StatusCode = 200,
                        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Sforce-Limit-Info"] = new("api-usage=95000/100000") },
                        BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
                    };
                }));
        var updates = Enumerable.Range(0, 250).Select(i => new CrmUpdate($"00Q{i:D12}AAA", Update.Fields)).ToList();

        var outcomes = await host.Crm.UpdateAsync(updates, CancellationToken.None);

        Assert.Equal(250, outcomes.Count);
        Assert.True(outcomes.Take(200).All(o => o.Success));
        Assert.True(outcomes.Skip(200).All(o => !o.Success && o.ErrorCode == "API_RESERVE_REACHED"));
        Assert.Equal(updates.Select(u => u.Id), outcomes.Select(o => o.Id));
        Assert.Single(host.Requests(host.Instance));
    }
}
