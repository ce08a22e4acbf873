using System.Text.Json;
using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Connectors.HubSpot.Tests;

/// <summary>The port's typed values and write intents in HubSpot's property names, value quirks and write sequences.</summary>
public sealed class TranslationTests
{
    private static readonly Dictionary<string, string?> NoFields = [];

    private static IReadOnlyList<string> InputIds(string body) =>
        [.. JsonDocument.Parse(body).RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    private static Reply AllOk(Captured request) =>
        Reply.Json(Contacts.Batch(InputIds(request.Body).Select(id => Contacts.Contact(id, Contacts.T0))));

    [Fact]
    public async Task ReadByIdsAsync_VendorProperties_FillTypedValuesAndFieldsKeepsEveryProperty()
    {
        const string body = """
            {"status":"COMPLETE","results":[
              {"id":"42","properties":{"hs_object_id":"42","email":"ada@example.com","firstname":"Ada","lastname":"Lovelace","company":"Analytical Engines",
                "hs_analytics_source":"ORGANIC_SEARCH","hs_lead_status":"IN_PROGRESS","lifecyclestage":"marketingqualifiedlead","hubspot_owner_id":"6166860",
                "sf_lead__c":"00Q5g00000AbCdEFGH","salesforceleadid":"not-the-configured-one","jobtitle":"Analyst","lastmodifieddate":"2026-11-20T09:00:00.000Z"},
               "createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-11-20T09:00:00.000Z","archived":false},
              {"id":"43","properties":{"hs_object_id":"43","email":"","firstname":null,"lifecyclestage":"","lastmodifieddate":"2026-11-20T09:00:00.000Z"},
               "createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-11-20T09:00:00.000Z","archived":false}],
             "startedAt":"2026-11-20T09:15:00.000Z","completedAt":"2026-11-20T09:15:00.120Z"}
            """;
        using var fake = new FakeHubSpot(_ => Reply.Json(body));
        var system = fake.Connect(schema: new HubSpotContactSchema("sf_lead__c"));

        var people = await system.ReadByIdsAsync(["42", "43"], ["jobtitle"], CancellationToken.None);

        // The rules named only jobtitle: the connector asks for everything its typed values need besides.
        Assert.Equal(
            ["jobtitle", "email", "firstname", "lastname", "company", "hs_analytics_source", "hs_lead_status", "lifecyclestage", "hubspot_owner_id", "sf_lead__c", "lastmodifieddate"],
            JsonDocument.Parse(Assert.Single(fake.Requests).Body).RootElement.GetProperty("properties").EnumerateArray().Select(p => p.GetString()));
        var ada = people[0];
        Assert.Equal(
            ("42", "ada@example.com", "Ada", "Lovelace", "Analytical Engines", "ORGANIC_SEARCH", "IN_PROGRESS", "marketingqualifiedlead", "6166860", "00Q5g00000AbCdEFGH"),
            (ada.Id, ada.Email, ada.FirstName, ada.LastName, ada.Company, ada.Source, ada.LeadStatus, ada.LifecycleStage, ada.OwnerId, ada.CrmId));
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture), ada.ModifiedAt);
        Assert.Equal(13, ada.Fields.Count); // every property read, by HubSpot name, typed ones and unconfigured ones included
        Assert.Equal("Analyst", ada.Fields["jobtitle"]);
        Assert.Equal("not-the-configured-one", ada.Fields["salesforceleadid"]);
        Assert.Equal("IN_PROGRESS", ada.Fields["hs_lead_status"]);
        Assert.Equal("42", ada.Fields["hs_object_id"]);

        // A blank property ("" or null) is no typed value; Fields keeps what HubSpot sent.
        var blank = people[1];
        Assert.Equal(
            (null, null, null, null, null, null, null, null, null),
            (blank.Email, blank.FirstName, blank.LastName, blank.Company, blank.Source, blank.LeadStatus, blank.LifecycleStage, blank.OwnerId, blank.CrmId));
        Assert.Equal("", blank.Fields["email"]);
        Assert.Null(blank.Fields["firstname"]);
    }

    [Fact]
    public void CoreFields_DefaultAndConfiguredSchema_NameHubSpotsPropertiesAndTheSchemas()
    {
        using var fake = new FakeHubSpot(AllOk);
        Assert.Equal(
            new CoreFieldNames("hs_lead_status", "lifecyclestage", "hubspot_owner_id", null, null, "salesforceleadid"),
            fake.Connect().CoreFields);
        Assert.Equal("HubSpot", fake.Connect().SystemName);
        Assert.Equal(
            new CoreFieldNames("hs_lead_status", "lifecyclestage", "hubspot_owner_id", "leadsync_score", "leadsync_grade", "sf_id"),
            fake.Connect(schema: new HubSpotContactSchema("sf_id", "leadsync_score", "leadsync_grade")).CoreFields);
    }

    [Theory]
    [InlineData(" ", null, null)]
    [InlineData("hs_lead_status", null, null)]
    [InlineData("lastmodifieddate", null, null)]
    [InlineData("salesforceleadid", "salesforceleadid", null)]
    [InlineData("salesforceleadid", "score", "score")]
    [InlineData("salesforceleadid", "lifecyclestage", null)]
    [InlineData("salesforceleadid", null, "")]
    public void AddHubSpotConnector_SchemaWithBlankOrSharedProperty_Throws(string crmId, string? score, string? grade)
    {
        var services = new ServiceCollection();

        Assert.ThrowsAny<ArgumentException>(() =>
            services.AddHubSpotConnector("x", FakeHubSpot.FastOptions("http://127.0.0.1:1"), new HubSpotContactSchema(crmId, score, grade)));
    }

    [Fact]
    public async Task UpdateAsync_TypedIntents_TranslatedToHubSpotPropertiesInOneRequest()
    {
        using var fake = new FakeHubSpot(AllOk);
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync(
            [
                new MarketingUpdate("1", new Dictionary<string, string?> { ["jobtitle"] = "CTO", ["industry"] = null }, LeadStatus: "IN_PROGRESS", Owner: new OwnerWrite("6166860")),
                new MarketingUpdate("2", NoFields, Owner: new OwnerWrite(null)),
                new MarketingUpdate("3", NoFields, CrmId: "00Q5g00000AbCdEFGH", Stage: new StageWrite("salesqualifiedlead", MovesBack: false)),
                new MarketingUpdate("4", NoFields, CrmId: "00Q5g00000ZyXwVUTS", LinkCreatedCrmLead: true),
                new MarketingUpdate("5", new Dictionary<string, string?> { ["hs_lead_status"] = "NEW", ["hubspot_owner_id"] = "1" }, LeadStatus: "OPEN", Owner: new OwnerWrite("2")),
            ],
            CancellationToken.None);

        Assert.Equal(new[] { "1", "2", "3", "4", "5" }.Select(WriteOutcome.Ok), outcomes);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("/crm/v3/objects/contacts/batch/update", request.Path);
        // Owner null clears (""); the cross-reference goes to the schema's property; a typed intent wins over a field of the same name.
        Spec.AssertJsonEqual(
            """
            {"inputs":[
              {"id":"1","properties":{"jobtitle":"CTO","industry":"","hs_lead_status":"IN_PROGRESS","hubspot_owner_id":"6166860"}},
              {"id":"2","properties":{"hubspot_owner_id":""}},
              {"id":"3","properties":{"salesforceleadid":"00Q5g00000AbCdEFGH","lifecyclestage":"salesqualifiedlead"}},
              {"id":"4","properties":{"salesforceleadid":"00Q5g00000ZyXwVUTS"}},
              {"id":"5","properties":{"hs_lead_status":"OPEN","hubspot_owner_id":"2"}}]}
            """,
            request.Body);
        Spec.AssertValid(request.Body, "BatchInputSimplePublicObjectBatchInput");
    }

    [Fact]
    public async Task UpdateAsync_ScoreWithoutConfiguredProperties_IsNotWrittenAndEmptyUpdatesAreNotSent()
    {
        using var fake = new FakeHubSpot(AllOk);
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync(
            [
                new MarketingUpdate("1", NoFields, Score: new ScoreWrite(87, "A")),
                new MarketingUpdate("2", NoFields),
                new MarketingUpdate("3", NoFields, LeadStatus: "NEW", Score: new ScoreWrite(12, "D")),
            ],
            CancellationToken.None);

        Assert.Equal(new[] { "1", "2", "3" }.Select(WriteOutcome.Ok), outcomes);
        Spec.AssertJsonEqual("""{"inputs":[{"id":"3","properties":{"hs_lead_status":"NEW"}}]}""", Assert.Single(fake.Requests).Body);
    }

    [Fact]
    public async Task UpdateAsync_NothingToWrite_SendsNoRequest()
    {
        using var fake = new FakeHubSpot(AllOk);
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync([new MarketingUpdate("1", NoFields, Score: new ScoreWrite(87, "A"))], CancellationToken.None);

        Assert.Equal([WriteOutcome.Ok("1")], outcomes);
        Assert.Empty(fake.Requests);
        Assert.Equal(0, system.CallCount);
    }

    [Fact]
    public async Task UpdateAsync_ScoreWithConfiguredProperties_WritesScoreAndGradeThere()
    {
        using var fake = new FakeHubSpot(AllOk);
        var system = fake.Connect(schema: new HubSpotContactSchema("salesforceleadid", "leadsync_score", "leadsync_grade"));

        await system.UpdateAsync([new MarketingUpdate("1", NoFields, Score: new ScoreWrite(87, "A"))], CancellationToken.None);

        Spec.AssertJsonEqual(
            """{"inputs":[{"id":"1","properties":{"leadsync_score":"87","leadsync_grade":"A"}}]}""",
            Assert.Single(fake.Requests).Body);
    }

    [Fact]
    public async Task UpdateAsync_LinkCreatedCrmLeadWithoutCrmId_ThrowsBeforeAnyRequest()
    {
        using var fake = new FakeHubSpot(AllOk);
        var system = fake.Connect();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => system.UpdateAsync(
            [
                new MarketingUpdate("1", NoFields, LeadStatus: "NEW"),
                new MarketingUpdate("2", NoFields, LinkCreatedCrmLead: true),
            ],
            CancellationToken.None));

        Assert.Contains("contact 2", ex.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task UpdateAsync_StageMovesBack_ClearsWithTheUpdateThenSetsInASecondRequest()
    {
        using var fake = new FakeHubSpot(AllOk);
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync(
            [
                new MarketingUpdate("1", NoFields, LeadStatus: "OPEN", Stage: new StageWrite("lead", MovesBack: true)),
                new MarketingUpdate("2", NoFields, Stage: new StageWrite("opportunity", MovesBack: false)),
                new MarketingUpdate("3", NoFields, Stage: new StageWrite("subscriber", MovesBack: true)),
                new MarketingUpdate("4", NoFields, Stage: new StageWrite("", MovesBack: true)),
            ],
            CancellationToken.None);

        Assert.Equal(new[] { "1", "2", "3", "4" }.Select(WriteOutcome.Ok), outcomes);
        Assert.Equal(2, fake.Requests.Count);
        Spec.AssertJsonEqual(
            """
            {"inputs":[
              {"id":"1","properties":{"hs_lead_status":"OPEN","lifecyclestage":""}},
              {"id":"2","properties":{"lifecyclestage":"opportunity"}},
              {"id":"3","properties":{"lifecyclestage":""}},
              {"id":"4","properties":{"lifecyclestage":""}}]}
            """,
            fake.Requests[0].Body);
        Spec.AssertJsonEqual(
            """{"inputs":[{"id":"1","properties":{"lifecyclestage":"lead"}},{"id":"3","properties":{"lifecyclestage":"subscriber"}}]}""",
            fake.Requests[1].Body);
        Assert.All(fake.Requests, r => Spec.AssertValid(r.Body, "BatchInputSimplePublicObjectBatchInput"));
    }

    [Fact]
    public async Task UpdateAsync_StageMovesBackAndClearFails_DoesNotSetAndReportsTheClearsFailure()
    {
        using var fake = new FakeHubSpot(r => Reply.Json(
            Contacts.Batch(
                InputIds(r.Body).Where(id => id != "2").Select(id => Contacts.Contact(id, Contacts.T0)),
                InputIds(r.Body).Contains("2") ? [Contacts.Error("OBJECT_NOT_FOUND", "Object not found. objectId: 2", "2")] : null),
            207));
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync(
            [
                new MarketingUpdate("1", NoFields, Stage: new StageWrite("lead", MovesBack: true)),
                new MarketingUpdate("2", NoFields, Stage: new StageWrite("lead", MovesBack: true)),
            ],
            CancellationToken.None);

        Assert.Equal([true, false], outcomes.Select(o => o.Success));
        Assert.Equal("OBJECT_NOT_FOUND", outcomes[1].ErrorCode);
        Assert.Equal(["1"], InputIds(fake.Requests[1].Body));
    }

    [Fact]
    public async Task UpdateAsync_StageMovesBackAndSecondRequestFails_ReportsBlankStagePerRecordInsteadOfThrowing()
    {
        using var fake = new FakeHubSpot(r => r.Body.Contains("\"lifecyclestage\":\"lead\"", StringComparison.Ordinal)
            ? new Reply(503, """{"status":"error","message":"Service unavailable","correlationId":"abc","category":"SERVICE_UNAVAILABLE"}""")
            : AllOk(r));
        var system = fake.Connect(o => o.MaxRetries = 0);

        var outcomes = await system.UpdateAsync(
            [
                new MarketingUpdate("1", NoFields, Stage: new StageWrite("lead", MovesBack: true)),
                new MarketingUpdate("2", NoFields, LeadStatus: "NEW"),
            ],
            CancellationToken.None);

        Assert.Equal(2, fake.Requests.Count);
        Assert.False(outcomes[0].Success);
        Assert.Equal("1", outcomes[0].Id);
        Assert.Equal(nameof(ApiErrorKind.Transient), outcomes[0].ErrorCode);
        Assert.Contains("stage is now blank", outcomes[0].Message, StringComparison.Ordinal);
        Assert.Equal(WriteOutcome.Ok("2"), outcomes[1]);
    }

    [Fact]
    public async Task UpdateAsync_DailyLimitDuringTheClears_SetIsRefusedLocallyAndReportedPerRecord()
    {
        var calls = 0;
        using var fake = new FakeHubSpot(r => Interlocked.Increment(ref calls) == 2
            ? new Reply(429, """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"DAILY"}""")
            : AllOk(r));
        var system = fake.Connect();
        var updates = Enumerable.Range(1, 150)
            .Select(i => new MarketingUpdate(i.ToString(System.Globalization.CultureInfo.InvariantCulture), NoFields, Stage: new StageWrite("lead", MovesBack: true)))
            .ToList();

        var outcomes = await system.UpdateAsync(updates, CancellationToken.None);

        Assert.Equal(2, fake.Requests.Count); // the first chunk's clears and the refused second chunk; no set is sent
        Assert.Equal(updates.Select(u => u.Id), outcomes.Select(o => o.Id));
        Assert.All(outcomes, o => Assert.Equal((false, nameof(ApiErrorKind.DailyLimitReached)), (o.Success, o.ErrorCode)));
        Assert.All(outcomes.Take(100), o => Assert.Contains("stage is now blank", o.Message, StringComparison.Ordinal));
        Assert.All(outcomes.Skip(100), o => Assert.DoesNotContain("stage is now blank", o.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_250StageResets_BothRequestsGoInChunksOf100()
    {
        using var fake = new FakeHubSpot(AllOk);
        var system = fake.Connect();
        var updates = Enumerable.Range(1, 250)
            .Select(i => new MarketingUpdate(i.ToString(System.Globalization.CultureInfo.InvariantCulture), NoFields, Stage: new StageWrite("lead", MovesBack: true)))
            .ToList();

        var outcomes = await system.UpdateAsync(updates, CancellationToken.None);

        Assert.Equal([100, 100, 50, 100, 100, 50], fake.Requests.Select(r => InputIds(r.Body).Count));
        Assert.Equal(updates.Select(u => WriteOutcome.Ok(u.Id)), outcomes);
        Assert.All(fake.Requests.Take(3), r => Assert.Contains("\"lifecyclestage\":\"\"", r.Body, StringComparison.Ordinal));
        Assert.All(fake.Requests.Skip(3), r => Assert.DoesNotContain("\"lifecyclestage\":\"\"", r.Body, StringComparison.Ordinal));
    }
}
