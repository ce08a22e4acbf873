using System.Net;
using LeadSync.Sandbox.Salesforce;

namespace LeadSync.Sandbox.Tests;

/// <summary>sObject Collections upsert by External ID (api-facts §2.4a) and the Unique flag behind it.</summary>
public sealed class SalesforceUpsertTests
{
    private const string Composite = "/services/data/v60.0/composite/sobjects";
    private const string Upsert = "/services/data/v60.0/composite/sobjects/Lead/LeadSync_Key__c";

    [Fact]
    public async Task Describe_Lead_FlagsTheKeyFieldAsExternalIdAndUnique()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var body = await Sandbox.ReadAsync(await sb.Salesforce.GetAsync("/services/data/v60.0/sobjects/Lead/describe"));
        var fields = body["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!, f => f!);

        Assert.True((bool)fields["LeadSync_Key__c"]["externalId"]!);
        Assert.True((bool)fields["LeadSync_Key__c"]["unique"]!);
        Assert.True((bool)fields["LeadSync_Key__c"]["createable"]!);
        Assert.False((bool)fields["Email"]["externalId"]!);
        Assert.False((bool)fields["HubSpot_Contact_Id__c"]["unique"]!);
    }

    [Fact]
    public async Task Upsert_NoMatchThenTheSameKeyAgain_CreatesOnceThenUpdatesThatLead()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var rep = sb.Server.Salesforce.ListUsers().First(u => u.IsActive && u.Id != sb.Server.Salesforce.IntegrationUserId);
        var before = sb.Server.Salesforce.LeadCount;
        object Body(string rating) => new
        {
            allOrNone = false,
            records = new[] { Lead("hs-512", ("LastName", "Lovelace"), ("Company", "Acme"), ("Email", "ada@acme.io"), ("OwnerId", rep.Id), ("Rating", rating)) },
        };

        var (first, firstBody) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, Body("Warm"));
        sb.Time.Advance(TimeSpan.FromSeconds(5));
        var (second, secondBody) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, Body("Hot"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var created = firstBody[0]!;
        var updated = secondBody[0]!;
        Assert.True((bool)created["success"]!);
        Assert.True((bool)created["created"]!);
        Assert.Empty(created["errors"]!.AsArray());
        var id = (string)created["id"]!;
        Assert.StartsWith("00Q", id, StringComparison.Ordinal);
        Assert.True((bool)updated["success"]!);
        Assert.False((bool)updated["created"]!);
        Assert.Equal(id, (string?)updated["id"]);
        Assert.Equal(before + 1, sb.Server.Salesforce.LeadCount);
        var lead = sb.Server.Salesforce.GetLead(id)!;
        Assert.Equal("hs-512", lead.GetString("LeadSync_Key__c"));
        Assert.Equal("Hot", lead.GetString("Rating"));
        Assert.Equal(rep.Id, lead.OwnerId);
        Assert.Equal("Open - Not Contacted", lead.Status);
        Assert.Equal(Sandbox.Start.AddSeconds(5), lead.SystemModstamp);
    }

    [Fact]
    public async Task Upsert_KeyDiffersOnlyInCase_MatchesTheSameLead()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var (_, first) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, new { records = new[] { Lead("HS-7", ("LastName", "A"), ("Company", "B")) } });
        var (_, second) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, new { records = new[] { Lead("hs-7", ("Title", "CTO")) } });

        Assert.False((bool)second[0]!["created"]!);
        Assert.Equal((string?)first[0]!["id"], (string?)second[0]!["id"]);
    }

    [Fact]
    public async Task Upsert_BadRecords_FailOneByOneAndTheRestIsWritten()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var existing = sb.Server.Salesforce.ListLeads()[0];
        var converted = sb.Server.Salesforce.ListLeads().First(l => l.IsConverted);
        sb.Server.Salesforce.SetLeadFields(converted.Id, new Dictionary<string, object?> { ["LeadSync_Key__c"] = "hs-converted" });
        var before = sb.Server.Salesforce.LeadCount;
        var withId = Lead("hs-3", ("LastName", "C"), ("Company", "D"));
        withId["id"] = existing.Id;
        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, new
        {
            allOrNone = false,
            records = new[]
            {
                Lead(null, ("LastName", "NoKey"), ("Company", "X")),
                Lead("hs-1", ("LastName", "Twice"), ("Company", "X")),
                Lead("hs-1", ("LastName", "Twice"), ("Company", "X")),
                withId,
                Lead("hs-4", ("Company", "No last name")),
                Lead("hs-converted", ("Rating", "Hot")),
                Lead("hs-5", ("LastName", "Fine"), ("Company", "Ok")),
                Lead("", ("LastName", "EmptyKey"), ("Company", "X")),
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = body.AsArray();
        string Code(int i) => (string)results[i]!["errors"]![0]!["statusCode"]!;
        Assert.Equal("MISSING_ARGUMENT", Code(0));
        Assert.Equal("DUPLICATE_EXTERNAL_ID", Code(1));
        Assert.Equal("DUPLICATE_EXTERNAL_ID", Code(2));
        Assert.Equal("INVALID_FIELD", Code(3));
        Assert.Equal("REQUIRED_FIELD_MISSING", Code(4));
        Assert.Equal("CANNOT_UPDATE_CONVERTED_LEAD", Code(5));
        Assert.True((bool)results[6]!["success"]!);
        Assert.True((bool)results[6]!["created"]!);
        Assert.Equal("MISSING_ARGUMENT", Code(7));
        Assert.All(results.Where(r => !(bool)r!["success"]!), r => Assert.Null(r!["created"]));
        Assert.Equal(before + 1, sb.Server.Salesforce.LeadCount);
    }

    [Fact]
    public async Task Upsert_SeveralLeadsHoldTheKey_ReportsDuplicateExternalIdAndWritesNothing()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        // The API's Unique check keeps this from happening; a UI-style edit bypasses it, standing for an org whose field is
        // not marked Unique (or was made an External ID over data that already repeated a value).
        var leads = sb.Server.Salesforce.ListLeads().Where(l => !l.IsConverted).Take(2).ToList();
        foreach (var lead in leads)
            sb.Server.Salesforce.SetLeadFields(lead.Id, new Dictionary<string, object?> { ["LeadSync_Key__c"] = "hs-9" });
        var before = sb.Server.Salesforce.LeadCount;

        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, new { records = new[] { Lead("hs-9", ("Rating", "Cold")) } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = body[0]!;
        Assert.False((bool)result["success"]!);
        Assert.Equal("DUPLICATE_EXTERNAL_ID", (string?)result["errors"]![0]!["statusCode"]);
        Assert.Contains(leads[0].Id, (string)result["errors"]![0]!["message"]!, StringComparison.Ordinal);
        Assert.Equal(before, sb.Server.Salesforce.LeadCount);
        Assert.All(leads, l => Assert.Equal(l.GetString("Rating"), sb.Server.Salesforce.GetLead(l.Id)!.GetString("Rating")));
    }

    [Theory]
    [InlineData("Email")]
    [InlineData("Id")]
    [InlineData("Shoe_Size__c")]
    public async Task Upsert_FieldThatIsNotAnExternalId_FailsEveryRecord(string field)
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var before = sb.Server.Salesforce.LeadCount;
        var record = new Dictionary<string, object?> { ["attributes"] = new { type = "Lead" }, [field] = "ada@acme.io", ["LastName"] = "L", ["Company"] = "C" };

        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Patch, $"{Composite}/Lead/{field}", new { records = new[] { record } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("INVALID_FIELD", (string?)body[0]!["errors"]![0]!["statusCode"]);
        Assert.Equal(before, sb.Server.Salesforce.LeadCount);
    }

    [Fact]
    public async Task Upsert_AllOrNoneWithOneFailure_CreatesNothing()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var before = sb.Server.Salesforce.LeadCount;
        var (response, body) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, new
        {
            allOrNone = true,
            records = new[] { Lead("hs-20", ("LastName", "A"), ("Company", "B")), Lead("hs-21", ("LastName", "A")) },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ALL_OR_NONE_OPERATION_ROLLED_BACK", (string?)body[0]!["errors"]![0]!["statusCode"]);
        Assert.Equal("REQUIRED_FIELD_MISSING", (string?)body[1]!["errors"]![0]!["statusCode"]);
        Assert.Equal(before, sb.Server.Salesforce.LeadCount);
    }

    [Fact]
    public async Task Upsert_WithoutAutoAssignFalse_TheAssignmentRuleTakesTheOwner()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var rep = sb.Server.Salesforce.ListUsers().First(u => u.IsActive && u.Id != sb.Server.Salesforce.IntegrationUserId);

        var (_, body) = await sb.SalesforceSendAsync(
            HttpMethod.Patch, Upsert, new { records = new[] { Lead("hs-30", ("LastName", "A"), ("Company", "B"), ("OwnerId", rep.Id)) } }, autoAssign: null);

        Assert.Equal(sb.Server.Salesforce.MarketingQueueId, sb.Server.Salesforce.GetLead((string)body[0]!["id"]!)!.OwnerId);
    }

    [Fact]
    public async Task UniqueKey_TakenByAnotherLead_IsRefusedOnCreateAndUpdate()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var (_, created) = await sb.SalesforceSendAsync(HttpMethod.Patch, Upsert, new { records = new[] { Lead("hs-40", ("LastName", "A"), ("Company", "B")) } });
        var holder = (string)created[0]!["id"]!;
        var other = sb.Server.Salesforce.ListLeads().First(l => !l.IsConverted && l.Id != holder);
        var before = sb.Server.Salesforce.LeadCount;

        var (_, post) = await sb.SalesforceSendAsync(HttpMethod.Post, Composite, new
        {
            records = new[] { Lead("HS-40", ("LastName", "A"), ("Company", "B")), Lead("hs-41", ("LastName", "A"), ("Company", "B")), Lead("hs-41", ("LastName", "A"), ("Company", "B")) },
        });
        var update = new Dictionary<string, object?> { ["attributes"] = new { type = "Lead" }, ["id"] = other.Id, ["LeadSync_Key__c"] = "hs-40" };
        var (_, patch) = await sb.SalesforceSendAsync(HttpMethod.Patch, Composite, new { records = new[] { update } });

        Assert.Equal("DUPLICATE_VALUE", (string?)post[0]!["errors"]![0]!["statusCode"]);
        Assert.Contains(holder, (string)post[0]!["errors"]![0]!["message"]!, StringComparison.Ordinal);
        Assert.True((bool)post[1]!["success"]!);
        Assert.Equal("DUPLICATE_VALUE", (string?)post[2]!["errors"]![0]!["statusCode"]);
        Assert.Equal("DUPLICATE_VALUE", (string?)patch[0]!["errors"]![0]!["statusCode"]);
        Assert.Null(sb.Server.Salesforce.GetLead(other.Id)!.GetString("LeadSync_Key__c"));
        Assert.Equal(before + 1, sb.Server.Salesforce.LeadCount);
    }

    private static Dictionary<string, object?> Lead(string? key, params (string Name, object? Value)[] fields)
    {
        var record = new Dictionary<string, object?> { ["attributes"] = new { type = "Lead" } };
        if (key is not null)
            record[SalesforceSchema.ExternalKeyField] = key;
        foreach (var (name, value) in fields)
            record[name] = value;
        return record;
    }
}
