using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Domain.Planning;
using LeadSync.Sandbox;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Connectors.HubSpot.Tests;

/// <summary>
/// The connector against the sandbox (written independently from the API documentation), over real HTTP:
/// a misreading of the API on either side shows up here.
/// </summary>
public sealed class SandboxEndToEndTests : IAsyncLifetime
{
    private static readonly string[] Props = ["email", "firstname", "lifecyclestage", "hs_lead_status", "hubspot_owner_id", "lastmodifieddate"];
    private static readonly Dictionary<string, string?> NoFields = [];
    private SandboxServer _sandbox = null!;
    private ServiceProvider _provider = null!;
    private IMarketingPlatform _system = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { LeadCount = 300, Seed = 11 });
        _provider = Build(_sandbox.HubSpotAccessToken);
        _system = _provider.GetRequiredKeyedService<IMarketingPlatform>(FakeHubSpot.Connection);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private ServiceProvider Build(string token)
    {
        var options = FakeHubSpot.FastOptions(_sandbox.HubSpotBaseUrl.ToString());
        options.AccessToken = token;
        var services = new ServiceCollection();
        services.AddHubSpotConnector(FakeHubSpot.Connection, options);
        return services.BuildServiceProvider();
    }

    private async Task<List<MarketingPerson>> ReadAllAsync(ChangeCursor cursor)
    {
        var all = new List<MarketingPerson>();
        await foreach (var page in _system.ReadChangedAsync(cursor, Props, CancellationToken.None))
        {
            all.AddRange(page);
        }

        return all;
    }

    [Fact]
    public async Task ReadChangedAsync_FromBeginning_ReturnsEveryContactOnceInModifiedOrder()
    {
        var contacts = await ReadAllAsync(ChangeCursor.Beginning);

        var expected = _sandbox.HubSpot.ListContacts().Where(c => !c.Archived).Select(c => c.Id).Order().ToList();
        Assert.Equal(expected, contacts.Select(c => c.Id).Order().ToList());
        Assert.Equal(contacts.OrderBy(c => c.ModifiedAt).Select(c => c.ModifiedAt), contacts.Select(c => c.ModifiedAt));
        Assert.All(contacts, c => Assert.False(string.IsNullOrEmpty(c.Email)));
    }

    [Fact]
    public async Task UpdateAsync_ThenReadByIdsAndIncrementalRead_SeesTheWrite()
    {
        var target = _sandbox.HubSpot.ListContacts().First(c => !c.Archived);
        var before = await ReadAllAsync(ChangeCursor.Beginning);
        var cursor = new ChangeCursor(before.Max(c => c.ModifiedAt), before.MaxBy(c => c.ModifiedAt)!.Id);

        var outcomes = await _system.UpdateAsync(
            [
                new MarketingUpdate(target.Id, new Dictionary<string, string?> { ["hs_lead_status"] = "IN_PROGRESS" }),
                new MarketingUpdate("999999999", new Dictionary<string, string?> { ["hs_lead_status"] = "NEW" }),
            ],
            CancellationToken.None);

        Assert.True(outcomes[0].Success);
        Assert.False(outcomes[1].Success);
        Assert.Equal("IN_PROGRESS", _sandbox.HubSpot.GetContact(target.Id)!.LeadStatus);
        var read = Assert.Single(await _system.ReadByIdsAsync([target.Id, "999999999"], Props, CancellationToken.None));
        Assert.Equal("IN_PROGRESS", read.Fields["hs_lead_status"]);
        Assert.Equal("IN_PROGRESS", read.LeadStatus);
        var changed = await ReadAllAsync(cursor);
        Assert.Contains(changed, c => c.Id == target.Id);
    }

    [Fact]
    public async Task ReadByEmailsAsync_KnownAndUnknown_ReturnsOnlyKnown()
    {
        var target = _sandbox.HubSpot.ListContacts().First(c => !c.Archived && c.Email is not null);

        var contacts = await _system.ReadByEmailsAsync([target.Email!, "nobody-here@example.net"], Props, CancellationToken.None);

        Assert.Equal(target.Id, Assert.Single(contacts).Id);
    }

    [Fact]
    public async Task ReadByIdsAsync_SeededContacts_TypedValuesAreTheirHubSpotProperties()
    {
        var seeded = _sandbox.HubSpot.ListContacts().Where(c => !c.Archived).Take(50).ToList();

        var people = await _system.ReadByIdsAsync([.. seeded.Select(c => c.Id)], ["jobtitle"], CancellationToken.None);

        Assert.Equal(seeded.Count, people.Count);
        Assert.Contains(people, p => p.CrmId is not null);
        Assert.Contains(people, p => p.OwnerId is not null);
        foreach (var person in people)
        {
            var contact = seeded.Single(c => c.Id == person.Id);
            Assert.Equal(
                (contact.Email, contact.Get("firstname"), contact.Get("lastname"), contact.Get("company"), contact.Get("hs_analytics_source"),
                    contact.LeadStatus, contact.LifecycleStage, contact.OwnerId, contact.SalesforceLeadId),
                (person.Email, person.FirstName, person.LastName, person.Company, person.Source,
                    person.LeadStatus, person.LifecycleStage, person.OwnerId, person.CrmId));
            Assert.Equal(contact.Get("jobtitle"), person.Fields.GetValueOrDefault("jobtitle"));
            Assert.Equal(contact.UpdatedAt, person.ModifiedAt);
        }
    }

    [Fact]
    public async Task UpdateAsync_StageMovesBack_SandboxEndsAtTheEarlierStage()
    {
        var contacts = _sandbox.HubSpot.ListContacts().Where(c => !c.Archived).Take(2).ToList();
        foreach (var contact in contacts)
        {
            _sandbox.HubSpot.SetProperties(contact.Id, new Dictionary<string, string?> { ["lifecyclestage"] = "opportunity" });
        }

        var outcomes = await _system.UpdateAsync(
            [
                new MarketingUpdate(contacts[0].Id, NoFields, LeadStatus: "OPEN", Stage: new StageWrite("lead", MovesBack: true)),
                // Without MovesBack the sandbox, like HubSpot, keeps the later stage and still answers with success.
                new MarketingUpdate(contacts[1].Id, NoFields, Stage: new StageWrite("lead", MovesBack: false)),
            ],
            CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.Success, o.Message));
        Assert.Equal(("lead", "OPEN"), (_sandbox.HubSpot.GetContact(contacts[0].Id)!.LifecycleStage, _sandbox.HubSpot.GetContact(contacts[0].Id)!.LeadStatus));
        Assert.Equal("opportunity", _sandbox.HubSpot.GetContact(contacts[1].Id)!.LifecycleStage);
        var read = await _system.ReadByIdsAsync([contacts[0].Id], Props, CancellationToken.None);
        Assert.Equal("lead", Assert.Single(read).LifecycleStage);
    }

    [Fact]
    public async Task UpdateAsync_StageMovesBackAndTheSetIsRejectedForOneRecord_ThatRecordFailsWithItsStageBlank()
    {
        var contacts = _sandbox.HubSpot.ListContacts().Where(c => !c.Archived).Take(2).ToList();
        foreach (var contact in contacts)
        {
            _sandbox.HubSpot.SetProperties(contact.Id, new Dictionary<string, string?> { ["lifecyclestage"] = "customer" });
        }

        var outcomes = await _system.UpdateAsync(
            [
                new MarketingUpdate(contacts[0].Id, NoFields, Stage: new StageWrite("not_a_stage", MovesBack: true)),
                new MarketingUpdate(contacts[1].Id, NoFields, Stage: new StageWrite("salesqualifiedlead", MovesBack: true)),
            ],
            CancellationToken.None);

        Assert.Equal([contacts[0].Id, contacts[1].Id], outcomes.Select(o => o.Id));
        Assert.False(outcomes[0].Success);
        Assert.Equal("VALIDATION_ERROR", outcomes[0].ErrorCode);
        Assert.Contains("stage is now blank", outcomes[0].Message, StringComparison.Ordinal);
        Assert.True(outcomes[1].Success, outcomes[1].Message);
        Assert.Null(_sandbox.HubSpot.GetContact(contacts[0].Id)!.LifecycleStage);
        Assert.Equal("salesqualifiedlead", _sandbox.HubSpot.GetContact(contacts[1].Id)!.LifecycleStage);
    }

    [Fact]
    public async Task UpdateAsync_OwnerCleared_SandboxContactHasNoOwner()
    {
        var owner = _sandbox.HubSpot.ListOwners().First(o => !o.Archived);
        var contact = _sandbox.HubSpot.ListContacts().First(c => !c.Archived);
        _sandbox.HubSpot.SetProperties(contact.Id, new Dictionary<string, string?> { ["hubspot_owner_id"] = owner.Id });

        var outcome = Assert.Single(await _system.UpdateAsync([new MarketingUpdate(contact.Id, NoFields, Owner: new OwnerWrite(null))], CancellationToken.None));

        Assert.True(outcome.Success, outcome.Message);
        Assert.Null(_sandbox.HubSpot.GetContact(contact.Id)!.OwnerId);
        Assert.Null(Assert.Single(await _system.ReadByIdsAsync([contact.Id], Props, CancellationToken.None)).OwnerId);
    }

    [Fact]
    public async Task UpdateAsync_LinkCreatedCrmLeadWithCrmIdFilled_SetsTheCrossReference()
    {
        var contact = _sandbox.HubSpot.ListContacts().First(c => !c.Archived && c.SalesforceLeadId is null);

        var outcome = Assert.Single(await _system.UpdateAsync(
            [new MarketingUpdate(contact.Id, NoFields, CrmId: "00Q5g00000AbCdEFGH", LinkCreatedCrmLead: true)],
            CancellationToken.None));

        Assert.True(outcome.Success, outcome.Message);
        Assert.Equal("00Q5g00000AbCdEFGH", _sandbox.HubSpot.GetContact(contact.Id)!.SalesforceLeadId);
        Assert.Equal("00Q5g00000AbCdEFGH", Assert.Single(await _system.ReadByIdsAsync([contact.Id], Props, CancellationToken.None)).CrmId);
    }

    [Fact]
    public async Task GetOwnersAndProperties_Sandbox_MatchTheSeededPortal()
    {
        var owners = await _system.GetOwnersAsync(CancellationToken.None);
        var properties = await _system.GetFieldsAsync(CancellationToken.None);

        Assert.Equal(_sandbox.HubSpot.ListOwners().Select(o => (o.Id, o.Archived)).Order(), owners.Select(o => (o.Id, o.Archived)).Order());
        var leadStatus = Assert.Single(properties, p => p.Name == "hs_lead_status");
        Assert.True(leadStatus.Writable);
        Assert.Contains("IN_PROGRESS", leadStatus.AllowedValues);
        Assert.False(Assert.Single(properties, p => p.Name == "lastmodifieddate").Writable);
    }

    [Fact]
    public async Task Faults_TenSecondlyThen5xx_AreRetriedAndDailyStopsWrites()
    {
        _sandbox.InjectFault(SandboxServer.HubSpotSystem, 429, 1);
        _sandbox.InjectFault(SandboxServer.HubSpotSystem, 503, 1);
        Assert.NotEmpty(await _system.GetFieldsAsync(CancellationToken.None));

        _sandbox.InjectFault(SandboxServer.HubSpotSystem, 429, 1, "DAILY");
        var update = new MarketingUpdate(_sandbox.HubSpot.ListContacts()[0].Id, new Dictionary<string, string?> { ["hs_lead_status"] = "NEW" });
        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => _system.UpdateAsync([update], CancellationToken.None));
        Assert.Equal(ApiErrorKind.DailyLimitReached, ex.Kind);
        var calls = _system.CallCount;
        await Assert.ThrowsAsync<ExternalApiException>(() => _system.UpdateAsync([update], CancellationToken.None));
        Assert.Equal(calls, _system.CallCount);
    }

    [Fact]
    public async Task AnyCall_WrongToken_ThrowsAuthenticationWithoutToken()
    {
        await using var provider = Build("wrong-token-123");
        var system = provider.GetRequiredKeyedService<IMarketingPlatform>(FakeHubSpot.Connection);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => system.GetFieldsAsync(CancellationToken.None));

        Assert.Equal(ApiErrorKind.Authentication, ex.Kind);
        Assert.DoesNotContain("wrong-token-123", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadChangedAsync_OneTruncatedBody_IsRetriedAndReadsEverything()
    {
        var expected = (await ReadAllAsync(ChangeCursor.Beginning)).Count;
        _sandbox.InjectMalformedBody(SandboxServer.HubSpotSystem, 1);

        var contacts = await ReadAllAsync(ChangeCursor.Beginning);

        Assert.Equal(expected, contacts.Count);
        Assert.Equal(1, _sandbox.Stats.Faults.TruncatedBody);
    }

    [Fact]
    public async Task ReadChangedAsync_TruncatedBodyBeyondTheRetries_ThrowsMalformedResponse()
    {
        // FastOptions retries 3 times: four truncated answers in a row outlast them.
        _sandbox.InjectMalformedBody(SandboxServer.HubSpotSystem, 4);

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => ReadAllAsync(ChangeCursor.Beginning));

        Assert.Equal(ApiErrorKind.MalformedResponse, ex.Kind);
        Assert.Equal(4, _sandbox.Stats.Faults.TruncatedBody);
    }
}
