using System.Globalization;
using System.Text.Json;
using LeadSync.Connectors.Marketo.Tests.Infrastructure;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Marketo.Tests;

public sealed class WriteTests
{
    private static Reply? Instance(Captured r, Func<JsonElement, string>? perRecord = null) => r.Path switch
    {
        "/rest/v1/leads/describe2.json" => Reply.Json(Bodies.StandardDescribe()),
        "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1, 2, 10, 11, 104)),
        "/rest/v1/leads.json" when r.Method == "POST" => Reply.Json(Bodies.Sync(
            [.. JsonDocument.Parse(r.Body).RootElement.GetProperty("input").EnumerateArray().Select(i => perRecord?.Invoke(i)
                ?? $$"""{"id":{{i.GetProperty("id").GetInt64()}},"status":"updated"}""")])),
        _ => null,
    };

    private static MarketingUpdate Update(string id, string? status = "Sales Accepted") =>
        new(id, new Dictionary<string, string?> { ["title"] = "VP Sales", ["numberOfEmployees"] = "250" }, status,
            new StageWrite("MQL", MovesBack: true), new OwnerWrite("005000000000001"), CrmId: "00Q000000000001AAA", Score: new ScoreWrite(77, "A"));

    [Fact]
    public async Task UpdateAsync_SendsSyncLeadsUpdateOnlyByIdWithTypedValuesAndNoOwnerOrSfdcFields()
    {
        using var fake = new FakeMarketo(r => Instance(r));
        var system = fake.Connect(o => (o.StageField, o.ScoreField, o.GradeField) = ("lifecycleStage", "leadSyncScore", "fitGrade"));

        var outcomes = await system.UpdateAsync([Update("318581")], CancellationToken.None);

        Assert.True(Assert.Single(outcomes).Success);
        var post = Assert.Single(fake.Rest, r => r.Method == "POST");
        var body = JsonDocument.Parse(post.Body).RootElement;
        Assert.Equal("updateOnly", body.GetProperty("action").GetString());
        Assert.Equal("id", body.GetProperty("lookupField").GetString());
        var record = Assert.Single(body.GetProperty("input").EnumerateArray().ToList());
        Assert.Equal(318581, record.GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKind.Number, record.GetProperty("numberOfEmployees").ValueKind);
        Assert.Equal(77, record.GetProperty("leadSyncScore").GetInt32());
        Assert.Equal("A", record.GetProperty("fitGrade").GetString());
        Assert.Equal("MQL", record.GetProperty("lifecycleStage").GetString());
        Assert.Equal("Sales Accepted", record.GetProperty("leadStatus").GetString());
        Assert.DoesNotContain(record.EnumerateObject(), p => p.Name.StartsWith("sfdc", StringComparison.Ordinal) || p.Name.Contains("wner", StringComparison.Ordinal));
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task UpdateAsync_700Updates_ThreeCallsOfAtMost300InInputOrder()
    {
        using var fake = new FakeMarketo(r => Instance(r));
        var system = fake.Connect();
        var updates = Enumerable.Range(1, 700).Select(i => Update(i.ToString(CultureInfo.InvariantCulture))).ToList();

        var outcomes = await system.UpdateAsync(updates, CancellationToken.None);

        Assert.Equal([300, 300, 100], fake.Rest.Where(r => r.Method == "POST").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("input").GetArrayLength()));
        Assert.Equal(updates.Select(u => u.Id), outcomes.Select(o => o.Id));
        Assert.All(outcomes, o => Assert.True(o.Success));
    }

    [Fact]
    public async Task UpdateAsync_SkippedRecords_BecomePerRecordOutcomesWithTheirReasons()
    {
        using var fake = new FakeMarketo(r => Instance(r, i => i.GetProperty("id").GetInt64() switch
        {
            2 => """{"status":"skipped","reasons":[{"code":"1004","message":"Lead not found"}]}""",
            3 => """{"status":"skipped","reason":{"code":"1006","message":"Field 'fitGrade' not found"}}""",
            var id => $$"""{"id":{{id}},"status":"updated"}""",
        }));
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync([Update("1"), Update("2"), Update("3")], CancellationToken.None);

        Assert.Equal(
            [("1", true, null), ("2", false, "1004"), ("3", false, "1006")],
            outcomes.Select(o => (o.Id, o.Success, o.ErrorCode)));
        Assert.Equal("Lead not found", outcomes[1].Message);
    }

    [Fact]
    public async Task UpdateAsync_OnlyOwnerAndCrossReference_SendsNothing()
    {
        using var fake = new FakeMarketo(r => Instance(r));
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync(
            [new MarketingUpdate("5", new Dictionary<string, string?>(), Owner: new OwnerWrite("005x"), CrmId: "00Qx", LinkCreatedCrmLead: true)], CancellationToken.None);

        Assert.True(Assert.Single(outcomes).Success);
        Assert.DoesNotContain(fake.Rest, r => r.Method == "POST");
    }

    [Fact]
    public async Task UpdateAsync_MappedSfdcField_IsRefusedForThatRecordOnly()
    {
        using var fake = new FakeMarketo(r => Instance(r));
        var system = fake.Connect();

        var outcomes = await system.UpdateAsync(
            [new MarketingUpdate("1", new Dictionary<string, string?> { ["sfdcLeadOwnerId"] = "005x" }), new MarketingUpdate("2", new Dictionary<string, string?>(), "New")],
            CancellationToken.None);

        Assert.Equal([("1", false, "READ_ONLY_FIELD"), ("2", true, null)], outcomes.Select(o => (o.Id, o.Success, o.ErrorCode)));
        Assert.Equal(1, JsonDocument.Parse(Assert.Single(fake.Rest, r => r.Method == "POST").Body).RootElement.GetProperty("input").GetArrayLength());
    }

    [Fact]
    public async Task UpdateAsync_WholeCallRejected_FailsThatChunkAndGoesOn()
    {
        var posts = 0;
        using var fake = new FakeMarketo(r => r.Method == "POST" && !r.IsIdentity && Interlocked.Increment(ref posts) == 1
            ? Reply.Error("1003", "Invalid data")
            : Instance(r));
        var system = fake.Connect();
        var updates = Enumerable.Range(1, 400).Select(i => Update(i.ToString(CultureInfo.InvariantCulture))).ToList();

        var outcomes = await system.UpdateAsync(updates, CancellationToken.None);

        Assert.All(outcomes.Take(300), o => Assert.Equal((false, "1003"), (o.Success, o.ErrorCode)));
        Assert.All(outcomes.Skip(300), o => Assert.True(o.Success));
    }

    [Fact]
    public async Task GetFieldsAsync_MarksCrmManagedReadOnlyAndAddsBehaviourFieldsOfExistingTypes()
    {
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/leads/describe2.json" => Reply.Json(Bodies.StandardDescribe()),
            "/rest/v1/activities/types.json" => Reply.Json(Bodies.ActivityTypes(1, 2, 10, 11)), // no 104 in this instance
            _ => null,
        });
        var system = fake.Connect();

        var fields = (await system.GetFieldsAsync(CancellationToken.None)).ToDictionary(f => f.Name);

        Assert.True(fields["leadStatus"].Writable);
        Assert.False(fields["sfdcLeadId"].Writable);
        Assert.False(fields["updatedAt"].Writable);
        Assert.False(fields[MarketoSignals.CountField(Domain.Scoring.Signal.FormSubmission)].Writable);
        Assert.DoesNotContain(MarketoSignals.CountField(Domain.Scoring.Signal.WebinarAttendance), fields.Keys);
        Assert.Equal(new CoreFieldNames("leadStatus", null, null, null, null, null), system.CoreFields);
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task GetOwnersAsync_NoCall_MarketoOwnersBelongToTheSalesforceSync()
    {
        using var fake = new FakeMarketo(_ => null);
        var system = fake.Connect();

        Assert.Empty(await system.GetOwnersAsync(CancellationToken.None));
        Assert.Empty(fake.Requests);
    }
}
