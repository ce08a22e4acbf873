using System.Text.Json.Nodes;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using WireMock.RequestBuilders;
using static LeadSync.Connectors.Pardot.Tests.PardotTestHost;

namespace LeadSync.Connectors.Pardot.Tests;

/// <summary>Request shapes of the reads against the facts sheet (§0–§3), paging and ties on updatedAt.</summary>
public sealed class ReadTests : IDisposable
{
    private readonly PardotTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task ReadChanged_FirstPage_BothHeadersFieldsFilterOrderAndLimit()
    {
        _host.Api.Given(Request.Create().WithPath(Prospects).UsingGet())
            .RespondWith(Json(200, Page([Prospect(1, "2026-11-20T08:00:00-04:00")])));

        var since = new ChangeCursor(new DateTimeOffset(2026, 11, 20, 10, 0, 30, 500, TimeSpan.Zero), "7");
        var people = await ReadAllAsync(_host.Marketing, since, "jobTitle");

        var request = Assert.Single(_host.Requests(Prospects));
        Assert.Equal("Bearer tok-1", Header(request, "Authorization"));
        Assert.Equal(BusinessUnit, Header(request, "Pardot-Business-Unit-Id"));
        var query = Query(request);
        var fields = query["fields"].Split(',');
        Assert.Contains("id", fields);
        Assert.Contains("email", fields);
        Assert.Contains("salesforceId", fields);
        Assert.Contains("updatedAt", fields);
        Assert.Contains("jobTitle", fields);
        Assert.Contains("Lead_Status__c", fields);

        // The look-back of one read-cache lag (60 s), whole seconds, +00:00 sent URL-encoded as %2B00:00.
        Assert.Equal("2026-11-20T09:59:30+00:00", query["updatedAtAfterOrEqualTo"]);
        Assert.Contains("%2B00%3A00", request.RawQuery!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("updatedAt,id", query["orderBy"]);
        Assert.Equal("2", query["limit"]);

        var person = Assert.Single(people);
        Assert.Equal("1", person.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero), person.ModifiedAt);
    }

    [Fact]
    public async Task ReadChanged_NextPageToken_NextRequestCarriesOnlyFieldsAndToken()
    {
        _host.Api.Given(Request.Create().WithPath(Prospects).WithParam("nextPageToken", "tok-page-2").UsingGet())
            .AtPriority(1)
            .RespondWith(Json(200, Page([Prospect(3, "2026-11-20T09:00:02+00:00")])));
        _host.Api.Given(Request.Create().WithPath(Prospects).UsingGet())
            .AtPriority(2)
            .RespondWith(Json(200, Page([Prospect(1, "2026-11-20T09:00:00+00:00"), Prospect(2, "2026-11-20T09:00:01+00:00")], "tok-page-2")));

        var people = await ReadAllAsync(_host.Marketing, ChangeCursor.Beginning);

        Assert.Equal(["1", "2", "3"], people.Select(p => p.Id));
        var second = Query(_host.Requests(Prospects)[1]);
        Assert.Equal(["fields", "nextPageToken"], second.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadChanged_TiesOnUpdatedAtAcrossPages_EachOnceInIdOrder()
    {
        const string second = "2026-11-20T09:00:00+00:00";
        _host.Api.Given(Request.Create().WithPath(Prospects).WithParam("nextPageToken", "p2").UsingGet()).AtPriority(1)
            .RespondWith(Json(200, Page([Prospect(12, second), Prospect(11, second)], "p3")));
        _host.Api.Given(Request.Create().WithPath(Prospects).WithParam("nextPageToken", "p3").UsingGet()).AtPriority(1)
            // A server that ignores the tie order may repeat one: it is yielded once.
            .RespondWith(Json(200, Page([Prospect(11, second), Prospect(13, "2026-11-20T09:00:01+00:00")])));
        _host.Api.Given(Request.Create().WithPath(Prospects).UsingGet()).AtPriority(2)
            .RespondWith(Json(200, Page([Prospect(10, second), Prospect(9, second)], "p2")));

        var pages = new List<IReadOnlyList<MarketingPerson>>();
        await foreach (var page in _host.Marketing.ReadChangedAsync(ChangeCursor.Beginning, [], CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.Equal(["9", "10"], pages[0].Select(p => p.Id));
        Assert.Equal(["11", "12"], pages[1].Select(p => p.Id));
        Assert.Equal(["13"], pages[2].Select(p => p.Id));
    }

    [Fact]
    public async Task ReadChanged_SequenceCapWarning_ReanchorsOnLastTimestamp()
    {
        _host.Api.Given(Request.Create().WithPath(Prospects).WithParam("updatedAtAfterOrEqualTo", "2026-11-20T09:00:05+00:00").UsingGet()).AtPriority(1)
            .RespondWith(Json(200, Page([Prospect(2, "2026-11-20T09:00:05+00:00"), Prospect(3, "2026-11-20T09:00:06+00:00")])));
        _host.Api.Given(Request.Create().WithPath(Prospects).UsingGet()).AtPriority(2)
            .RespondWith(Json(200, Page([Prospect(1, "2026-11-20T09:00:00+00:00"), Prospect(2, "2026-11-20T09:00:05+00:00")]))
                .WithHeader("Pardot-Warning", "203;Record count for nextPageToken sequence has been exceeded. No page token returned."));

        var people = await ReadAllAsync(_host.Marketing, ChangeCursor.Beginning);

        Assert.Equal(["1", "2", "3"], people.Select(p => p.Id));
        Assert.Equal("2026-11-20T09:00:05+00:00", Query(_host.Requests(Prospects)[1])["updatedAtAfterOrEqualTo"]);
    }

    [Fact]
    public async Task ReadChanged_DeletedProspectInPage_Dropped()
    {
        var deleted = Prospect(2, "2026-11-20T09:00:00+00:00");
        deleted["isDeleted"] = true;
        _host.Api.Given(Request.Create().WithPath(Prospects).UsingGet())
            .RespondWith(Json(200, Page([Prospect(1, "2026-11-20T09:00:00+00:00"), deleted])));

        var people = await ReadAllAsync(_host.Marketing, ChangeCursor.Beginning);

        Assert.Equal(["1"], people.Select(p => p.Id));
    }

    [Fact]
    public async Task ReadByIds_OneGetPerId_NotFoundIsAbsent()
    {
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/1").UsingGet())
            .RespondWith(Json(200, Prospect(1, "2026-11-20T09:00:00+00:00", salesforceId: "00Q5g00000AbCdEEAV").ToJsonString()));
        _host.Api.Given(Request.Create().WithPath($"{Prospects}/2").UsingGet())
            .RespondWith(Json(404, Error(192, "The object specified does not exist")));

        var people = await _host.Marketing.ReadByIdsAsync(["1", "2"], ["jobTitle"], CancellationToken.None);

        var person = Assert.Single(people);
        Assert.Equal("00Q5g00000AbCdEEAV", person.CrmId);
        Assert.All(_host.Requests(), r => Assert.Contains("jobTitle", Query(r)["fields"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadByEmails_TwoProspectsShareAnEmail_BothReturned()
    {
        _host.Api.Given(Request.Create().WithPath(Prospects).WithParam("email", "ada@acme.io").UsingGet())
            .RespondWith(Json(200, Page([Prospect(1, "2026-11-20T09:00:00+00:00", "ada@acme.io"), Prospect(2, "2026-11-20T09:00:00+00:00", "ada@acme.io")])));

        var people = await _host.Marketing.ReadByEmailsAsync(["ada@acme.io"], [], CancellationToken.None);

        Assert.Equal(["1", "2"], people.Select(p => p.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadByIds_ActivitySignalsConfigured_CountsVisitorActivitiesByType()
    {
        using var host = new PardotTestHost(o => o.ActivitySignals =
        [
            new ActivitySignalOptions { Field = "activity_email_open", Types = [11] },
            new ActivitySignalOptions { Field = "activity_email_click", Types = [1], RequireEmailId = true },
        ]);
        host.Api.Given(Request.Create().WithPath($"{Prospects}/5").UsingGet())
            .RespondWith(Json(200, Prospect(5, "2026-11-20T09:00:00+00:00").ToJsonString()));
        host.Api.Given(Request.Create().WithPath(Activities).UsingGet())
            .RespondWith(Json(200, new JsonObject
            {
                ["values"] = new JsonArray(
                    new JsonObject { ["id"] = 1, ["type"] = 11, ["prospectId"] = 5, ["emailId"] = 555, ["createdAt"] = "2026-11-19T09:00:01-04:00" },
                    new JsonObject { ["id"] = 2, ["type"] = 11, ["prospectId"] = 5, ["emailId"] = 556, ["createdAt"] = "2026-11-18T09:00:01-04:00" },
                    new JsonObject { ["id"] = 3, ["type"] = 1, ["prospectId"] = 5, ["emailId"] = 555, ["createdAt"] = "2026-11-19T09:05:00-04:00" },
                    new JsonObject { ["id"] = 4, ["type"] = 1, ["prospectId"] = 5, ["createdAt"] = "2026-11-19T09:06:00-04:00" }),
                ["nextPageToken"] = null,
            }.ToJsonString()));

        var person = Assert.Single(await host.Marketing.ReadByIdsAsync(["5"], ["activity_email_open"], CancellationToken.None));

        Assert.Equal("2", person.Fields["activity_email_open"]);
        Assert.Equal("1", person.Fields["activity_email_click"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 19, 13, 0, 1, TimeSpan.Zero), DateTimeOffset.Parse(person.Fields["activity_email_open_last"]!, System.Globalization.CultureInfo.InvariantCulture));
        var activityQuery = Query(Assert.Single(host.Requests(Activities)));
        Assert.Equal("5", activityQuery["prospectId"]);
        Assert.Contains("type", activityQuery["fields"].Split(','));
        // The computed signal fields are never asked of the API.
        Assert.DoesNotContain("activity_email_open", Query(Assert.Single(host.Requests($"{Prospects}/5")))["fields"].Split(','));
    }
}
