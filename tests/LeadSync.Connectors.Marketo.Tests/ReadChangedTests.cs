using System.Globalization;
using LeadSync.Connectors.Marketo.Tests.Infrastructure;
using LeadSync.Domain.Planning;
using LeadSync.Domain.Scoring;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Connectors.Marketo.Tests;

public sealed class ReadChangedTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T09:00:00Z", CultureInfo.InvariantCulture);
    private static readonly string[] RuleFields = ["title", "numberOfEmployees", MarketoSignals.CountField(Signal.FormSubmission)];

    private static async Task<List<IReadOnlyList<MarketingPerson>>> ReadAllAsync(MarketoMarketingPlatform system, ChangeCursor since)
    {
        var pages = new List<IReadOnlyList<MarketingPerson>>();
        await foreach (var page in system.ReadChangedAsync(since, RuleFields, CancellationToken.None))
        {
            pages.Add(page);
        }

        return pages;
    }

    /// <summary>
    /// Lead changes: an empty page with moreResult:true, then one change. Activities: an empty page with more, then
    /// behaviour for two leads, then the last page (moreResult:false, still with a token).
    /// </summary>
    private static Reply? World(Captured r) => r.Path switch
    {
        "/rest/v1/activities/pagingtoken.json" => Reply.Json(Bodies.PagingToken("T0")),
        "/rest/v1/activities/leadchanges.json" => r.One("nextPageToken") switch
        {
            "T0" => Reply.Json(Bodies.Activities("LC1", more: true)),
            "LC1" => Reply.Json(Bodies.Activities("LC2", more: false,
                Bodies.Activity(900, 7, "2026-11-19T10:00:00+0000", 13, null, ("Reason", "Web service API")))),
            _ => Reply.Error("1003", "unexpected token " + r.One("nextPageToken")),
        },
        "/rest/v1/activities.json" => r.One("nextPageToken") switch
        {
            "T0" => Reply.Json(Bodies.Activities("A1", more: true)),
            "A1" => Reply.Json(Bodies.Activities("A2", more: true,
                Bodies.Activity(1, 5, "2026-11-18T10:00:00Z", 2, "Contact Us Form"),
                Bodies.Activity(2, 5, "2026-11-18T11:00:00Z", 2, "Demo Request Form"),
                Bodies.Activity(3, 7, "2026-11-19T12:00:00Z", 1, "www.acme.example/pricing"))),
            "A2" => Reply.Json(Bodies.Activities("A3-LAST", more: false,
                Bodies.Activity(2, 5, "2026-11-18T11:00:00Z", 2, "Demo Request Form"), // repeated on a later page: counted once
                Bodies.Activity(4, 5, "2026-11-18T11:30:00Z", 1, "www.acme.example/blog"),
                Bodies.Activity(5, 5, "2026-11-18T15:30:00Z", 1, "www.acme.example/docs"))),
            _ => Reply.Error("1003", "unexpected token " + r.One("nextPageToken")),
        },
        "/rest/v1/leads.json" when r.Method == "GET" && r.One("filterType") == "id" => Reply.Json(Bodies.Leads(
            [.. r.All("filterValues").Select(id => Bodies.Lead(long.Parse(id, CultureInfo.InvariantCulture), $"lead{id}@acme.example",
                ("firstName", "Ada"), ("leadStatus", "New"), ("sfdcLeadId", id == "5" ? "00Q000000000005AAA" : null), ("title", "VP Sales")))])),
        _ => null,
    };

    [Fact]
    public async Task ReadChangedAsync_FirstSync_FollowsMoreResultThroughEmptyPagesAndStopsOnTheLastToken()
    {
        using var fake = new FakeMarketo(World);
        var system = fake.Connect(clock: new FakeTimeProvider(Now));

        var pages = await ReadAllAsync(system, ChangeCursor.Beginning);

        var people = Assert.Single(pages);
        Assert.Equal(["5", "7"], people.Select(p => p.Id));
        Assert.Equal(3, fake.Rest.Count(r => r.Path == "/rest/v1/activities.json"));
        Assert.Equal(2, fake.Rest.Count(r => r.Path == "/rest/v1/activities/leadchanges.json"));
        Assert.DoesNotContain(fake.Rest, r => r.One("nextPageToken") is "A3-LAST" or "LC2");
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task ReadChangedAsync_FirstSync_TranslatesLeadsAndCountsBehaviourFromTheStream()
    {
        using var fake = new FakeMarketo(World);
        var system = fake.Connect(clock: new FakeTimeProvider(Now));

        var people = (await ReadAllAsync(system, ChangeCursor.Beginning)).SelectMany(p => p).ToDictionary(p => p.Id);

        var ada = people["5"];
        Assert.Equal(("lead5@acme.example", "Ada", "New", "00Q000000000005AAA"), (ada.Email, ada.FirstName, ada.LeadStatus, ada.CrmId));
        Assert.Null(ada.OwnerId);
        Assert.Equal(DateTimeOffset.Parse("2026-11-18T10:00:00Z", CultureInfo.InvariantCulture), ada.ModifiedAt);
        Assert.Equal("2", ada.Fields[MarketoSignals.CountField(Signal.FormSubmission)]);
        Assert.Equal("1", ada.Fields[MarketoSignals.CountField(Signal.DemoRequest)]);
        Assert.Equal("2", ada.Fields[MarketoSignals.CountField(Signal.PageView)]);
        Assert.Equal("1", ada.Fields[MarketoSignals.CountField(Signal.SiteVisit)]); // two page views, one day
        Assert.Equal("0", ada.Fields[MarketoSignals.CountField(Signal.PricingPageView)]);
        Assert.Equal("2026-11-18T11:00:00Z", ada.Fields[MarketoSignals.LastField(Signal.FormSubmission)]);
        Assert.Equal("VP Sales", ada.Fields["title"]);

        var bob = people["7"];
        Assert.Null(bob.CrmId);
        Assert.Equal("1", bob.Fields[MarketoSignals.CountField(Signal.PricingPageView)]);
        Assert.Equal(DateTimeOffset.Parse("2026-11-19T10:00:00Z", CultureInfo.InvariantCulture), bob.ModifiedAt); // "+0000" read
    }

    [Fact]
    public async Task ReadChangedAsync_RequestsOnlyNeededFieldsAndNeverTheBehaviourFields()
    {
        using var fake = new FakeMarketo(World);
        var system = fake.Connect(clock: new FakeTimeProvider(Now), configure: o => o.StageField = "lifecycleStage");

        await ReadAllAsync(system, ChangeCursor.Beginning);

        var leads = Assert.Single(fake.Rest, r => r.Path == "/rest/v1/leads.json");
        var fields = leads.All("fields");
        Assert.Contains("title", fields);
        Assert.Contains("sfdcLeadId", fields);
        Assert.Contains("lifecycleStage", fields);
        Assert.DoesNotContain(fields, f => f.StartsWith(MarketoSignals.Prefix, StringComparison.Ordinal));
        Assert.Equal(["5", "7"], leads.All("filterValues"));
        var changes = fake.Rest.First(r => r.Path == "/rest/v1/activities/leadchanges.json").All("fields");
        Assert.Contains("leadStatus", changes);
        Assert.DoesNotContain("id", changes);
        Assert.All(fake.Rest.Where(r => r.Path == "/rest/v1/activities.json"), r => Assert.True(r.All("activityTypeIds").Count <= 10));
    }

    [Fact]
    public async Task ReadChangedAsync_Incremental_SendsSinceAndReadsBehaviourPerThirtyLeadsOverTheLookback()
    {
        var since = Now.AddHours(-1);
        var leadIds = Enumerable.Range(1, 45).ToList();
        var lookbackTokens = 0;
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/activities/pagingtoken.json" when r.One("sinceDatetime") == "2026-11-20T08:00:00Z" => Reply.Json(Bodies.PagingToken("SINCE")),
            "/rest/v1/activities/pagingtoken.json" => Reply.Json(Bodies.PagingToken($"LOOKBACK-{Interlocked.Increment(ref lookbackTokens)}")),
            "/rest/v1/activities/leadchanges.json" => Reply.Json(Bodies.Activities("END", more: false,
                [.. leadIds.Select(i => Bodies.Activity(i, i, "2026-11-20T08:30:00Z", 13))])),
            "/rest/v1/activities.json" when r.One("nextPageToken") == "SINCE" => Reply.Json(Bodies.Activities("END", more: false)),
            "/rest/v1/activities.json" => Reply.Json(Bodies.Activities("END", more: false,
                [.. r.All("leadIds").Select(id => Bodies.Activity(1000 + long.Parse(id, CultureInfo.InvariantCulture), long.Parse(id, CultureInfo.InvariantCulture), "2026-10-01T08:00:00Z", 2, "Demo Request"))])),
            "/rest/v1/leads.json" => Reply.Json(Bodies.Leads([.. r.All("filterValues").Select(id => Bodies.Lead(long.Parse(id, CultureInfo.InvariantCulture), $"p{id}@acme.example"))])),
            _ => null,
        });
        var system = fake.Connect(clock: new FakeTimeProvider(Now));

        var people = (await ReadAllAsync(system, new ChangeCursor(since, null))).SelectMany(p => p).ToList();

        Assert.Equal(45, people.Count);
        Assert.All(people, p => Assert.Equal("1", p.Fields[MarketoSignals.CountField(Signal.DemoRequest)]));
        var perLead = fake.Rest.Where(r => r.Path == "/rest/v1/activities.json" && r.All("leadIds").Count > 0).ToList();
        Assert.Equal([30, 15], perLead.Select(r => r.All("leadIds").Count));
        Assert.Equal("2026-05-24T09:00:00Z", fake.Rest.Last(r => r.Path == "/rest/v1/activities/pagingtoken.json").One("sinceDatetime"));
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task ReadChangedAsync_CursorWithLastId_SkipsLeadsAlreadySettledAtThatInstant()
    {
        var at = "2026-11-20T08:00:00Z";
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/activities/pagingtoken.json" => Reply.Json(Bodies.PagingToken("T")),
            "/rest/v1/activities/leadchanges.json" => Reply.Json(Bodies.Activities("E", false,
                Bodies.Activity(1, 10, at, 13), Bodies.Activity(2, 11, at, 13), Bodies.Activity(3, 12, at, 13))),
            "/rest/v1/activities.json" => Reply.Json(Bodies.Activities("E", false)),
            "/rest/v1/leads.json" => Reply.Json(Bodies.Leads([.. r.All("filterValues").Select(id => Bodies.Lead(long.Parse(id, CultureInfo.InvariantCulture), $"p{id}@acme.example"))])),
            _ => null,
        });
        var system = fake.Connect(clock: new FakeTimeProvider(Now));

        var people = (await ReadAllAsync(system, new ChangeCursor(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), "11"))).SelectMany(p => p).ToList();

        Assert.Equal(["12"], people.Select(p => p.Id));
    }

    [Fact]
    public async Task ReadChangedAsync_EndlessEmptyPagesWithMoreResult_FailsInsteadOfLooping()
    {
        var page = 0;
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/activities/pagingtoken.json" => Reply.Json(Bodies.PagingToken("T")),
            "/rest/v1/activities/leadchanges.json" => Reply.Json(Bodies.Activities($"N{Interlocked.Increment(ref page)}", more: true)),
            _ => null,
        });
        var system = fake.Connect(o => o.MaxConsecutiveEmptyPages = 5, clock: new FakeTimeProvider(Now));

        var ex = await Assert.ThrowsAsync<ExternalApiException>(() => ReadAllAsync(system, ChangeCursor.Beginning));

        Assert.Equal(("EMPTY_PAGES", ApiErrorKind.Transient), (ex.ErrorCode, ex.Kind));
        Assert.Equal(5, fake.Rest.Count(r => r.Path == "/rest/v1/activities/leadchanges.json"));
    }

    [Fact]
    public async Task ReadChangedAsync_ManyChangedLeads_ReadsThemByIdInBatchesOf300()
    {
        var ids = Enumerable.Range(1, 650).ToList();
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/activities/pagingtoken.json" => Reply.Json(Bodies.PagingToken("T")),
            "/rest/v1/activities/leadchanges.json" => Reply.Json(Bodies.Activities("E", false, [.. ids.Select(i => Bodies.Activity(i, i, "2026-11-19T08:00:00Z", 12))])),
            "/rest/v1/activities.json" => Reply.Json(Bodies.Activities("E", false)),
            "/rest/v1/leads.json" => Reply.Json(Bodies.Leads([.. r.All("filterValues").Select(id => Bodies.Lead(long.Parse(id, CultureInfo.InvariantCulture), $"p{id}@acme.example"))])),
            _ => null,
        });
        var system = fake.Connect(clock: new FakeTimeProvider(Now));

        var pages = await ReadAllAsync(system, ChangeCursor.Beginning);

        Assert.Equal([300, 300, 50], pages.Select(p => p.Count));
        Assert.Equal([300, 300, 50], fake.Rest.Where(r => r.Path == "/rest/v1/leads.json").Select(r => r.All("filterValues").Count));
        Assert.Equal(ids.Select(i => i.ToString(CultureInfo.InvariantCulture)), pages.SelectMany(p => p).Select(p => p.Id));
    }

    [Fact]
    public async Task ReadByEmailsAsync_LongEmails_SplitsCallsUnderTheUriLimitAndKeepsDuplicates()
    {
        var emails = Enumerable.Range(1, 300).Select(i => $"someone.with.a.rather.long.name.{i}@subsidiary.acme.example").ToList();
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/activities/pagingtoken.json" => Reply.Json(Bodies.PagingToken("T")),
            "/rest/v1/activities.json" => Reply.Json(Bodies.Activities("E", false)),
            "/rest/v1/leads.json" => Reply.Json(Bodies.Leads(
                [.. r.All("filterValues").SelectMany(e => new[] { Bodies.Lead(e.GetHashCode(StringComparison.Ordinal) & 0xFFFFF, e), Bodies.Lead((e.GetHashCode(StringComparison.Ordinal) & 0xFFFFF) + 0x100000, e) })])),
            _ => null,
        });
        var system = fake.Connect(clock: new FakeTimeProvider(Now));

        var people = await system.ReadByEmailsAsync(emails, [], CancellationToken.None);

        Assert.Equal(600, people.Count);
        var calls = fake.Rest.Where(r => r.Path == "/rest/v1/leads.json").ToList();
        Assert.True(calls.Count >= 2, $"{calls.Count} calls");
        Assert.All(calls, c => Assert.True(string.Join("&", c.Query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}")).Length < 8_000));
        Assert.Equal(300, calls.Sum(c => c.All("filterValues").Count));
        Assert.All(calls, c => Assert.Equal("email", c.One("filterType")));
        Spec.AssertAllValid(fake.Requests);
    }

    [Fact]
    public async Task ReadByIdsAsync_IdThatIsNotANumber_IsNotSent()
    {
        using var fake = new FakeMarketo(r => r.Path switch
        {
            "/rest/v1/activities/pagingtoken.json" => Reply.Json(Bodies.PagingToken("T")),
            "/rest/v1/activities.json" => Reply.Json(Bodies.Activities("E", false)),
            "/rest/v1/leads.json" => Reply.Json(Bodies.Leads()),
            _ => null,
        });
        var system = fake.Connect(clock: new FakeTimeProvider(Now));

        var people = await system.ReadByIdsAsync(["0035000000abcde", "42"], [], CancellationToken.None);

        Assert.Empty(people);
        Assert.Equal(["42"], Assert.Single(fake.Rest, r => r.Path == "/rest/v1/leads.json").All("filterValues"));
    }
}
