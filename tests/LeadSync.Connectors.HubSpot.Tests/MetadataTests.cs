using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Domain.Planning;

namespace LeadSync.Connectors.HubSpot.Tests;

public sealed class MetadataTests
{
    [Fact]
    public async Task GetOwnersAsync_PagedActiveAndArchived_FollowsPagingAndFlagsArchived()
    {
        using var fake = new FakeHubSpot(r => (r.Query) switch
        {
            "?limit=100&archived=false" => Reply.Json("""{"results":[{"id":"1","email":"a@example.com","firstName":"Ann","lastName":"A","type":"PERSON","archived":false,"createdAt":"2019-10-30T03:30:17.883Z","updatedAt":"2019-12-07T16:50:06.678Z"}],"paging":{"next":{"after":"MQ%3D%3D","link":"?after=MQ%3D%3D"}}}"""),
            "?limit=100&after=MQ%3D%3D&archived=false" => Reply.Json("""{"results":[{"id":"2","email":"b@example.com","type":"QUEUE","archived":false,"createdAt":"2019-10-30T03:30:17.883Z","updatedAt":"2019-12-07T16:50:06.678Z"}]}"""),
            "?limit=100&archived=true" => Reply.Json("""{"results":[{"id":"3","email":"c@example.com","firstName":"Cy","type":"PERSON","archived":true,"createdAt":"2019-10-30T03:30:17.883Z","updatedAt":"2019-12-07T16:50:06.678Z"}]}"""),
            _ => new Reply(404, $$"""{"message":"unexpected query {{r.Query}}","category":"OBJECT_NOT_FOUND","correlationId":"x"}"""),
        });
        var system = fake.Connect();

        var owners = await system.GetOwnersAsync(CancellationToken.None);

        Assert.Equal(
            ["?limit=100&archived=false", "?limit=100&after=MQ%3D%3D&archived=false", "?limit=100&archived=true"],
            fake.Requests.Select(r => r.Query));
        Assert.All(fake.Requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("/crm/v3/owners", r.Path);
            Assert.Equal("Bearer " + FakeHubSpot.Token, r.Headers["Authorization"]);
        });
        Assert.Equal(
            [
                new MarketingOwner("1", "a@example.com", "Ann", "A", false, "PERSON"),
                new MarketingOwner("2", "b@example.com", null, null, false, "QUEUE"),
                new MarketingOwner("3", "c@example.com", "Cy", null, true, "PERSON"),
            ],
            owners);
    }

    [Fact]
    public async Task GetFieldsAsync_Properties_MapsWritableAndOptions()
    {
        const string body = """
            {"results":[
              {"name":"hs_lead_status","label":"Lead Status","type":"enumeration","fieldType":"radio","groupName":"sales_properties","description":"","hubspotDefined":true,
               "modificationMetadata":{"readOnlyValue":false,"readOnlyDefinition":true,"archivable":false},
               "options":[{"label":"New","value":"NEW","hidden":false,"displayOrder":0},{"label":"Open","value":"OPEN","hidden":false,"displayOrder":1}]},
              {"name":"hubspotscore","label":"HubSpot Score","type":"number","fieldType":"number","groupName":"contactinformation","description":"","calculated":true,
               "modificationMetadata":{"readOnlyValue":false,"readOnlyDefinition":true,"archivable":false},"options":[]},
              {"name":"lastmodifieddate","label":"Last Modified Date","type":"datetime","fieldType":"date","groupName":"contactinformation","description":"",
               "modificationMetadata":{"readOnlyValue":true,"readOnlyDefinition":true,"archivable":false},"options":[]}]}
            """;
        using var fake = new FakeHubSpot(_ => Reply.Json(body));
        var system = fake.Connect();

        var properties = await system.GetFieldsAsync(CancellationToken.None);

        var request = Assert.Single(fake.Requests);
        Assert.Equal(("GET", "/crm/v3/properties/contacts", ""), (request.Method, request.Path, request.Query));
        Assert.Equal(["hs_lead_status", "hubspotscore", "lastmodifieddate"], properties.Select(p => p.Name));
        Assert.Equal([true, false, false], properties.Select(p => p.Writable));
        Assert.Equal(["NEW", "OPEN"], properties[0].AllowedValues);
        Assert.Equal("enumeration", properties[0].Type);
        Assert.Empty(properties[1].AllowedValues);
    }
}
