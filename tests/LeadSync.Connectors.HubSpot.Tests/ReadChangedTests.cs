using System.Globalization;
using LeadSync.Connectors.HubSpot.Tests.Infrastructure;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.HubSpot.Tests;

public sealed class ReadChangedTests
{
    private static readonly string[] Props = ["email", "hs_lead_status", "lastmodifieddate"];

    private static async Task<List<IReadOnlyList<MarketingPerson>>> ReadAllAsync(HubSpotMarketingSystem system, ChangeCursor cursor, IReadOnlyCollection<string>? props = null)
    {
        var pages = new List<IReadOnlyList<MarketingPerson>>();
        await foreach (var page in system.ReadChangedAsync(cursor, props ?? Props, CancellationToken.None))
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public async Task ReadChangedAsync_FirstPage_SendsExactSpecValidSearchWithBearerToken()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(Contacts.SearchPage([Contacts.Contact("512", Contacts.T0)], null)));
        var system = fake.Connect();

        var pages = await ReadAllAsync(system, new ChangeCursor(DateTimeOffset.FromUnixTimeMilliseconds(Contacts.T0), null));

        var request = Assert.Single(fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/crm/v3/objects/contacts/search", request.Path);
        Assert.Equal("", request.Query);
        Assert.Equal("Bearer " + FakeHubSpot.Token, request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var t0 = Contacts.T0.ToString(CultureInfo.InvariantCulture);
        Spec.AssertJsonEqual(
            $$"""{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE","value":"{{t0}}"}]}],"sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],"properties":["email","hs_lead_status","lastmodifieddate","firstname","lastname","company","hs_analytics_source","lifecyclestage","hubspot_owner_id","salesforceleadid"],"limit":200}""",
            request.Body);
        Spec.AssertValid(request.Body, "PublicObjectSearchRequest", Spec.SearchAfterOmitted);
        var contact = Assert.Single(Assert.Single(pages));
        Assert.Equal("512", contact.Id);
        Assert.Equal("c512@example.com", contact.Email);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Contacts.T0), contact.ModifiedAt);
        Assert.Equal(1, system.CallCount);
    }

    [Fact]
    public async Task ReadChangedAsync_SeveralPages_ReanchorsEveryPageOnItsLastTimestampInsteadOfPagingByOffset()
    {
        var records = Enumerable.Range(1, 4).Select(i => (i.ToString(CultureInfo.InvariantCulture), Contacts.T0 + i - 1)).ToList();
        var engine = new SearchEngine(records, window: 10_000);
        using var fake = new FakeHubSpot(engine.Handle);
        var system = fake.Connect(o => o.PageSize = 2);

        var result = await ReadAllAsync(system, ChangeCursor.Beginning, ["email"]);

        // The records at a page's last timestamp come back with the next search (re-anchored GTE that timestamp).
        Assert.Equal([1, 1, 2], result.Select(p => p.Count));
        Assert.Equal(["1", "2", "3", "4"], result.SelectMany(p => p).Select(c => c.Id));
        Assert.Equal(3, engine.RequestBodies.Count);
        var t1 = (Contacts.T0 + 1).ToString(CultureInfo.InvariantCulture);
        Spec.AssertJsonEqual(
            $$"""{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE","value":"{{t1}}"}]}],"sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],"properties":["email","firstname","lastname","company","hs_analytics_source","hs_lead_status","lifecyclestage","hubspot_owner_id","salesforceleadid","lastmodifieddate"],"limit":2}""",
            engine.RequestBodies[1]);
        Assert.All(engine.RequestBodies, b => Spec.AssertValid(b, "PublicObjectSearchRequest", Spec.SearchAfterOmitted));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task ReadChangedAsync_ContactsWrittenWhileReading_EveryContactIsYieldedExactlyOnce(int seed)
    {
        // The engine writes each page before it asks for the next; a write moves the contact to the end of the sort.
        // Paging by offset then skips as many unread contacts as were written before the offset.
        var random = new Random(seed);
        var records = Enumerable.Range(1, 60)
            .Select(i => (Id: i.ToString(CultureInfo.InvariantCulture), Ms: Contacts.T0 + random.Next(0, 25)))
            .ToList();
        var engine = new SearchEngine(records, window: 10_000);
        using var fake = new FakeHubSpot(engine.Handle);
        var system = fake.Connect(o => o.PageSize = 5);
        var writeMs = Contacts.T0 + 1_000;

        var seen = new List<string>();
        await foreach (var page in system.ReadChangedAsync(ChangeCursor.Beginning, Props, CancellationToken.None))
        {
            seen.AddRange(page.Select(c => c.Id));
            foreach (var contact in page.Where(_ => random.Next(3) > 0))
            {
                engine.Touch(contact.Id, writeMs++);
            }
        }

        Assert.Equal(records.Select(r => r.Id).Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task ReadChangedAsync_SearchThatIgnoresItsFilter_FailsClearlyInsteadOfLooping()
    {
        var page = Contacts.SearchPage([Contacts.Contact("1", Contacts.T0), Contacts.Contact("2", Contacts.T0 + 1)], "2");
        using var fake = new FakeHubSpot(_ => Reply.Json(page));
        var system = fake.Connect(o => o.PageSize = 2);

        var error = await Assert.ThrowsAsync<ExternalApiException>(() => ReadAllAsync(system, ChangeCursor.Beginning));

        Assert.Equal("SEARCH_NOT_MOVING", error.ErrorCode);
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task ReadChangedAsync_CursorWithLastId_SkipsIdsAtCursorTimestampUpToLastId()
    {
        using var fake = new FakeHubSpot(_ => Reply.Json(Contacts.SearchPage(
            [Contacts.Contact("5", Contacts.T0), Contacts.Contact("10", Contacts.T0), Contacts.Contact("11", Contacts.T0), Contacts.Contact("3", Contacts.T0 + 1)], null)));
        var system = fake.Connect();

        var pages = await ReadAllAsync(system, new ChangeCursor(DateTimeOffset.FromUnixTimeMilliseconds(Contacts.T0), "10"));

        Assert.Equal(["11", "3"], pages.SelectMany(p => p).Select(c => c.Id));
    }

    [Fact]
    public async Task ReadChangedAsync_EpochMillisecondsModifiedDate_ParsesAndFallsBackToUpdatedAt()
    {
        const string body = """
            {"total":2,"results":[
              {"id":"7","properties":{"lastmodifieddate":"1763629200000"},"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z","archived":false},
              {"id":"8","properties":{"email":"x@example.org"},"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-11-20T09:00:00.000Z","archived":false}]}
            """;
        using var fake = new FakeHubSpot(_ => Reply.Json(body));
        var system = fake.Connect();

        var contacts = (await ReadAllAsync(system, ChangeCursor.Beginning)).SelectMany(p => p).ToList();

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763629200000), contacts[0].ModifiedAt);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T09:00:00Z", CultureInfo.InvariantCulture), contacts[1].ModifiedAt);
    }

    [Fact]
    public async Task ReadChangedAsync_WindowExceededWithManyRecordsSharingOneTimestamp_ReanchorsWithoutSkipsOrRepeats()
    {
        // 3 early records, 23 sharing one timestamp (more than the window of 10), 6 later ones.
        var records = new List<(string Id, long Ms)>();
        for (var i = 1; i <= 3; i++)
        {
            records.Add((i.ToString(CultureInfo.InvariantCulture), Contacts.T0 + i));
        }

        for (var i = 100; i < 123; i++)
        {
            records.Add((i.ToString(CultureInfo.InvariantCulture), Contacts.T0 + 10));
        }

        for (var i = 200; i < 206; i++)
        {
            records.Add((i.ToString(CultureInfo.InvariantCulture), Contacts.T0 + 20 + (i % 2)));
        }

        var engine = new SearchEngine(records, window: 10);
        using var fake = new FakeHubSpot(engine.Handle);
        var system = fake.Connect(o =>
        {
            o.PageSize = 4;
        });

        var ids = (await ReadAllAsync(system, new ChangeCursor(DateTimeOffset.FromUnixTimeMilliseconds(Contacts.T0), null)))
            .SelectMany(p => p).Select(c => c.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(records.Select(r => r.Id).Order(), ids.Order());
        Assert.Equal(InCursorOrder(records), ids);
        // Completing at all proves no request paged past the window (the engine answers those with 400).
        // The crowded timestamp was walked by id, pinned to that timestamp.
        Assert.Contains(engine.RequestBodies, b => b.Contains("\"propertyName\":\"hs_object_id\",\"direction\":\"ASCENDING\"", StringComparison.Ordinal));
        foreach (var body in engine.RequestBodies)
        {
            Spec.AssertValid(body, "PublicObjectSearchRequest", Spec.SearchAfterOmitted);
        }
    }

    [Theory]
    [InlineData("100")]
    [InlineData("110")]
    [InlineData("122")]
    public async Task ReadChangedAsync_ResumedMidTimestamp_YieldsExactlyTheRest(string lastId)
    {
        var records = Enumerable.Range(100, 23).Select(i => (i.ToString(CultureInfo.InvariantCulture), Contacts.T0 + 10))
            .Concat([("7", Contacts.T0 + 11), ("3", Contacts.T0 + 12)]).ToList();
        var engine = new SearchEngine(records, window: 10);
        using var fake = new FakeHubSpot(engine.Handle);
        var system = fake.Connect(o =>
        {
            o.PageSize = 4;
        });

        var ids = (await ReadAllAsync(system, new ChangeCursor(DateTimeOffset.FromUnixTimeMilliseconds(Contacts.T0 + 10), lastId)))
            .SelectMany(p => p).Select(c => c.Id).ToList();

        var expected = InCursorOrder(records).Where(id => id.Length < 3 || string.CompareOrdinal(id, lastId) > 0).ToList();
        Assert.Equal(expected, ids);
    }

    private static List<string> InCursorOrder(IEnumerable<(string Id, long Ms)> records) =>
        [.. records.OrderBy(r => r.Ms).ThenBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).Select(r => r.Id)];

    [Fact]
    public async Task ReadChangedAsync_WindowExceededAcrossTimestamps_ReanchorsOnLastTimestampSeen()
    {
        var records = Enumerable.Range(1, 30).Select(i => (i.ToString(CultureInfo.InvariantCulture), Contacts.T0 + (i / 3))).ToList();
        var engine = new SearchEngine(records, window: 10);
        using var fake = new FakeHubSpot(engine.Handle);
        var system = fake.Connect(o =>
        {
            o.PageSize = 5;
        });

        var ids = (await ReadAllAsync(system, ChangeCursor.Beginning)).SelectMany(p => p).Select(c => c.Id).ToList();

        Assert.Equal(InCursorOrder(records), ids);
        Assert.DoesNotContain(engine.RequestBodies, b => b.Contains("hs_object_id", StringComparison.Ordinal));
    }
}
