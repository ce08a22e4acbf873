using System.Text.Json.Nodes;
using LeadSync.Domain.Planning;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Pardot.Tests.PardotTestHost;

namespace LeadSync.Connectors.Pardot.Tests;

/// <summary>PATCH shapes (facts §4) and the read cache after a write (facts §0.10).</summary>
public sealed class WriteTests : IDisposable
{
    private readonly PardotTestHost _host = new();

    public void Dispose() => _host.Dispose();

    private void StubPatch(long id, string updatedAt) =>
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/{id}").UsingPatch())
            .RespondWith(Json(200, new JsonObject { ["id"] = id, ["updatedAt"] = updatedAt }.ToJsonString()));

    [Fact]
    public async Task Update_ChangedFieldsOnly_TypedJsonAndFieldsParameter_OwnerStageAndLinkNotWritten()
    {
        StubPatch(1234567, "2026-11-20T09:00:10+00:00");
        var update = new MarketingUpdate(
            "1234567",
            new Dictionary<string, string?> { ["jobTitle"] = "CTO", ["isDoNotEmail"] = "false", ["phone"] = "" },
            LeadStatus: "Working",
            Stage: new StageWrite("salesqualifiedlead", MovesBack: false),
            Owner: new OwnerWrite("0055g00000XYZabAAH"),
            CrmId: "00Q5g00000AbCdEEAV",
            Score: new ScoreWrite(74, "A"));

        var outcome = Assert.Single(await _host.Marketing.UpdateAsync([update], CancellationToken.None));

        Assert.True(outcome.Success);
        var request = Assert.Single(_host.Requests());
        Assert.Equal("PATCH", request.Method);
        Assert.Equal(BusinessUnit, Header(request, "Pardot-Business-Unit-Id"));
        var body = JsonNode.Parse(request.Body!)!.AsObject();
        Assert.Equal(
            ["LeadSync_Grade__c", "LeadSync_Score__c", "Lead_Status__c", "isDoNotEmail", "jobTitle", "phone"],
            body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("CTO", (string?)body["jobTitle"]);
        Assert.False((bool)body["isDoNotEmail"]!);
        Assert.Null(body["phone"]);
        Assert.Equal("Working", (string?)body["Lead_Status__c"]);
        Assert.Equal("74", (string?)body["LeadSync_Score__c"]);
        Assert.Equal("A", (string?)body["LeadSync_Grade__c"]);
        Assert.Contains("updatedAt", Query(request)["fields"].Split(','));
    }

    [Fact]
    public async Task Update_ScoreToNativeScoreField_SentAsInteger()
    {
        using var host = new PardotTestHost(schema: new PardotProspectSchema(ScoreField: "score"));
        host.Api.Given(Request.Create().WithPath($"{Prospects}/5").UsingPatch())
            .RespondWith(Json(200, new JsonObject { ["id"] = 5, ["updatedAt"] = "2026-11-20T09:00:10+00:00" }.ToJsonString()));

        await host.Marketing.UpdateAsync([new MarketingUpdate("5", new Dictionary<string, string?>(), Score: new ScoreWrite(60, "B"))], CancellationToken.None);

        var body = JsonNode.Parse(Assert.Single(host.Requests()).Body!)!.AsObject();
        Assert.Equal(60, (int)body["score"]!);
        Assert.Single(body);
    }

    [Fact]
    public async Task Update_NothingToWriteForPardot_SendsNothingAndSucceeds()
    {
        var update = new MarketingUpdate("7", new Dictionary<string, string?>(), Owner: new OwnerWrite("0055g00000XYZabAAH"), CrmId: "00Q5g00000AbCdEEAV");

        var outcome = Assert.Single(await _host.Marketing.UpdateAsync([update], CancellationToken.None));

        Assert.True(outcome.Success);
        Assert.Empty(_host.Requests());
    }

    [Fact]
    public async Task Update_ReadOnlyField_FailsThatInputBeforeSending()
    {
        StubPatch(2, "2026-11-20T09:00:10+00:00");
        var outcomes = await _host.Marketing.UpdateAsync(
            [new MarketingUpdate("1", new Dictionary<string, string?> { ["grade"] = "A" }), new MarketingUpdate("2", new Dictionary<string, string?> { ["jobTitle"] = "VP" })],
            CancellationToken.None);

        Assert.False(outcomes[0].Success);
        Assert.Equal("NOT_WRITABLE", outcomes[0].ErrorCode);
        Assert.True(outcomes[1].Success);
        Assert.Equal($"{Prospects}/2", Assert.Single(_host.Requests()).Path);
    }

    [Fact]
    public async Task Update_ProspectInRecycleBin_FailsThatInputWithCode219()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/3").UsingPatch())
            .RespondWith(Json(400, Error(219, "Deleted records can't be updated")));
        StubPatch(4, "2026-11-20T09:00:10+00:00");

        var outcomes = await _host.Marketing.UpdateAsync(
            [new MarketingUpdate("3", new Dictionary<string, string?> { ["jobTitle"] = "VP" }), new MarketingUpdate("4", new Dictionary<string, string?> { ["jobTitle"] = "VP" })],
            CancellationToken.None);

        Assert.Equal("219", outcomes[0].ErrorCode);
        Assert.True(outcomes[1].Success);
    }

    [Fact]
    public async Task ReadAfterWrite_CachedReadOlderThanTheWrite_KeepsWrittenValues()
    {
        StubPatch(9, "2026-11-20T09:00:10+00:00");
        var stale = Prospect(9, "2026-11-20T08:59:00+00:00");
        stale["jobTitle"] = "Engineer";
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/9").UsingGet()).RespondWith(Json(200, stale.ToJsonString()));

        await _host.Marketing.UpdateAsync([new MarketingUpdate("9", new Dictionary<string, string?> { ["jobTitle"] = "CTO" })], CancellationToken.None);
        _host.Time.Advance(TimeSpan.FromSeconds(20));
        var person = Assert.Single(await _host.Marketing.ReadByIdsAsync(["9"], ["jobTitle"], CancellationToken.None));

        Assert.Equal("CTO", person.Fields["jobTitle"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 59, 0, TimeSpan.Zero), person.ModifiedAt);
    }

    [Fact]
    public async Task ReadAfterWrite_ReadNewerThanTheWrite_IsAPersonsChange()
    {
        StubPatch(9, "2026-11-20T09:00:10+00:00");
        var fresh = Prospect(9, "2026-11-20T09:00:40+00:00");
        fresh["jobTitle"] = "Founder";
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/9").UsingGet()).RespondWith(Json(200, fresh.ToJsonString()));

        await _host.Marketing.UpdateAsync([new MarketingUpdate("9", new Dictionary<string, string?> { ["jobTitle"] = "CTO" })], CancellationToken.None);
        var person = Assert.Single(await _host.Marketing.ReadByIdsAsync(["9"], ["jobTitle"], CancellationToken.None));

        Assert.Equal("Founder", person.Fields["jobTitle"]);
    }
}
