using System.Globalization;
using System.Text.Json;
using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Domain.Planning;

namespace LeadSync.Connectors.HubSpot.Tests;

public sealed class BatchTests
{
    private static IReadOnlyList<string> InputIds(string body) =>
        [.. JsonDocument.Parse(body).RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    [Fact]
    public async Task ReadByIdsAsync_150Ids_SendsTwoChunksAndTreatsNotFoundAsAbsent()
    {
        using var fake = new FakeHubSpot(r =>
        {
            var ids = InputIds(r.Body);
            var found = ids.Where(id => id != "999").Select(id => Contacts.Contact(id, Contacts.T0));
            return ids.Contains("999")
                ? Reply.Json(Contacts.Batch(found, [Contacts.Error("OBJECT_NOT_FOUND", "Object not found. objectId: 999", "999")]), 207)
                : Reply.Json(Contacts.Batch(found));
        });
        var system = fake.Connect();
        var ids = Enumerable.Range(1, 149).Select(i => i.ToString(CultureInfo.InvariantCulture)).Append("999").ToList();

        var contacts = await system.ReadByIdsAsync(ids, ["email", "hs_lead_status"], CancellationToken.None);

        Assert.Equal(149, contacts.Count);
        Assert.DoesNotContain(contacts, c => c.Id == "999");
        Assert.Equal(2, fake.Requests.Count);
        Assert.All(fake.Requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/crm/v3/objects/contacts/batch/read", r.Path);
            Assert.Equal("?archived=false", r.Query);
            Assert.Equal("Bearer " + FakeHubSpot.Token, r.Headers["Authorization"]);
            Spec.AssertValid(r.Body, "BatchReadInputSimplePublicObjectId");
        });
        Assert.Equal(100, InputIds(fake.Requests[0].Body).Count);
        Spec.AssertJsonEqual(
            """{"inputs":[{"id":"101"},{"id":"102"},{"id":"103"}],"properties":["email","hs_lead_status","firstname","lastname","company","hs_analytics_source","lifecyclestage","hubspot_owner_id","salesforceleadid","lastmodifieddate"],"propertiesWithHistory":[]}""",
            JsonSerializer.Serialize(new
            {
                inputs = InputIds(fake.Requests[1].Body).Take(3).Select(id => new { id }),
                properties = JsonDocument.Parse(fake.Requests[1].Body).RootElement.GetProperty("properties"),
                propertiesWithHistory = JsonDocument.Parse(fake.Requests[1].Body).RootElement.GetProperty("propertiesWithHistory"),
            }));
        Assert.False(JsonDocument.Parse(fake.Requests[0].Body).RootElement.TryGetProperty("idProperty", out _));
    }

    [Fact]
    public async Task ReadByEmailsAsync_Emails_SendsIdPropertyEmail()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(Contacts.Batch([Contacts.Contact("77", Contacts.T0, "ada@example.com")])));
        var system = fake.Connect();

        var contacts = await system.ReadByEmailsAsync(["ada@example.com", "nobody@example.org"], ["email"], CancellationToken.None);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("/crm/v3/objects/contacts/batch/read", request.Path);
        Assert.Equal("?archived=false", request.Query);
        Spec.AssertJsonEqual(
            """{"inputs":[{"id":"ada@example.com"},{"id":"nobody@example.org"}],"properties":["email","firstname","lastname","company","hs_analytics_source","hs_lead_status","lifecyclestage","hubspot_owner_id","salesforceleadid","lastmodifieddate"],"propertiesWithHistory":[],"idProperty":"email"}""",
            request.Body);
        Spec.AssertValid(request.Body, "BatchReadInputSimplePublicObjectId");
        Assert.Equal("ada@example.com", Assert.Single(contacts).Email);
    }

    [Fact]
    public async Task UpdateAsync_200_OneOkOutcomePerInputInOrderAndNullClears()
    {
        using var fake = new FakeHubSpot(r => Reply.Json(Contacts.Batch(InputIds(r.Body).Reverse().Select(id => Contacts.Contact(id, Contacts.T0)))));
        var system = fake.Connect();
        var updates = new List<MarketingUpdate>
        {
            new("1", new Dictionary<string, string?> { ["hs_lead_status"] = "IN_PROGRESS", ["hubspot_owner_id"] = "6166860" }),
            new("2", new Dictionary<string, string?> { ["hs_lead_status"] = null }),
        };

        var outcomes = await system.UpdateAsync(updates, CancellationToken.None);

        Assert.Equal([WriteOutcome.Ok("1"), WriteOutcome.Ok("2")], outcomes);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/crm/v3/objects/contacts/batch/update", request.Path);
        Assert.Equal("", request.Query);
        Spec.AssertJsonEqual(
            """{"inputs":[{"id":"1","properties":{"hs_lead_status":"IN_PROGRESS","hubspot_owner_id":"6166860"}},{"id":"2","properties":{"hs_lead_status":""}}]}""",
            request.Body);
        Spec.AssertValid(request.Body, "BatchInputSimplePublicObjectBatchInput");
    }

    [Fact]
    public async Task UpdateAsync_207WithPerInputErrors_MapsFailuresInInputOrderAndUnconfirmedAsFailed()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(
            Contacts.Batch(
                [Contacts.Contact("3", Contacts.T0), Contacts.Contact("1", Contacts.T0)],
                [
                    Contacts.Error("OBJECT_NOT_FOUND", "Object not found. objectId: 2", "2"),
                    Contacts.Error("VALIDATION_ERROR", "Property values were not valid", "4"),
                ]),
            207));
        var system = fake.Connect();
        var updates = new[] { "1", "2", "3", "4", "5" }
            .Select(id => new MarketingUpdate(id, new Dictionary<string, string?> { ["hs_lead_status"] = "NEW" })).ToList();

        var outcomes = await system.UpdateAsync(updates, CancellationToken.None);

        Assert.Equal(["1", "2", "3", "4", "5"], outcomes.Select(o => o.Id));
        Assert.Equal([true, false, true, false, false], outcomes.Select(o => o.Success));
        Assert.Equal("OBJECT_NOT_FOUND", outcomes[1].ErrorCode);
        Assert.Equal("VALIDATION_ERROR", outcomes[3].ErrorCode);
        Assert.Equal("NOT_CONFIRMED", outcomes[4].ErrorCode);
    }

    [Fact]
    public async Task UpdateAsync_250Updates_ChunksOf100AndRejectedChunkFailsOnlyItsInputs()
    {
        var call = 0;
        using var fake = new FakeHubSpot(r => Interlocked.Increment(ref call) == 2
            ? new Reply(400, """{"status":"error","message":"Property values were not valid","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"VALIDATION_ERROR"}""")
            : Reply.Json(Contacts.Batch(InputIds(r.Body).Select(id => Contacts.Contact(id, Contacts.T0)))));
        var system = fake.Connect();
        var updates = Enumerable.Range(1, 250)
            .Select(i => new MarketingUpdate(i.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string?> { ["hs_lead_status"] = "NEW" })).ToList();

        var outcomes = await system.UpdateAsync(updates, CancellationToken.None);

        Assert.Equal([100, 100, 50], fake.Requests.Select(r => InputIds(r.Body).Count));
        Assert.Equal(updates.Select(u => u.Id), outcomes.Select(o => o.Id));
        Assert.All(outcomes.Take(100).Concat(outcomes.Skip(200)), o => Assert.True(o.Success));
        Assert.All(outcomes.Skip(100).Take(100), o => Assert.Equal("VALIDATION_ERROR", o.ErrorCode));
    }
}
