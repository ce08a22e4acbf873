using LeadSync.Connectors.Marketo.Tests.Infrastructure;

namespace LeadSync.Connectors.Marketo.Tests;

public sealed class SpecCopyTests
{
    [Theory]
    [InlineData("swagger-mapi.json")]
    [InlineData("swagger-identity.json")]
    public void VendoredCopy_WhenSharedSpecIsBesideTheRepository_IsIdentical(string file)
    {
        var vendored = SwaggerValidator.VendoredPath(file);
        Assert.True(File.Exists(vendored), $"vendored spec missing at {vendored}");

        var shared = SwaggerValidator.SharedPath(file);
        if (shared is not null && File.Exists(shared))
        {
            Assert.Equal(File.ReadAllText(shared), File.ReadAllText(vendored));
        }
    }

    [Fact]
    public void Validator_CatchesWhatMarketoWouldRefuse()
    {
        var request = new Captured("GET", "/rest/v1/activities.json",
            [new("nextPageToken", "T"), new("batchSize", "x"), new("fields", "email")],
            new Dictionary<string, string>(), "");

        var errors = SwaggerValidator.LeadDatabase.Validate(request);

        Assert.Contains("query 'activityTypeIds': required parameter missing", errors);
        Assert.Contains("query 'batchSize': 'x' is not an integer", errors);
        Assert.Contains("query 'fields': not a parameter of /rest/v1/activities.json", errors);
    }

    [Fact]
    public void Validator_SyncLeadsBody_LeadIsOpenButTheRequestIsNot()
    {
        var request = new Captured("POST", "/rest/v1/leads.json", [],
            new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" },
            """{"action":"updateOnly","lookupFeld":"id","input":[{"id":"1","leadStatus":"New"}]}""");

        var errors = SwaggerValidator.LeadDatabase.Validate(request);

        Assert.Equal(["$.lookupFeld: property not declared by the schema", "$.input[0].id: expected integer, got String"], errors);
    }
}
