using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace LeadSync.Sandbox.Tests;

public sealed class HubSpotApiTests
{
    [Fact]
    public async Task Request_WithoutOrWithWrongToken_Returns401WithCorrelationId()
    {
        await using var sb = await Sandbox.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = sb.Server.HubSpotBaseUrl };
        using var missing = await anonymous.GetAsync("/crm/v3/objects/contacts");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        using var wrong = await anonymous.GetAsync("/crm/v3/objects/contacts");

        foreach (var response in new[] { missing, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await Sandbox.ReadAsync(response);
            Assert.Equal("error", (string?)body["status"]);
            Assert.Equal("INVALID_AUTHENTICATION", (string?)body["category"]);
            Assert.True(Guid.TryParse((string?)body["correlationId"], out _));
            Assert.True(response.Headers.Contains("x-hubspot-correlation-id"));
        }
    }

    [Fact]
    public async Task List_PagesWithOpaqueCursor_VisitsEveryContactOnce()
    {
        await using var sb = await Sandbox.StartAsync();
        var seen = new HashSet<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var url = "/crm/v3/objects/contacts?limit=100&properties=email,lifecyclestage" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after));
            var body = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync(url));
            foreach (var r in body["results"]!.AsArray())
            {
                Assert.True(seen.Add((string)r!["id"]!));
                Assert.NotNull(r["properties"]!["lastmodifieddate"]);
                Assert.True(r["properties"]!.AsObject().ContainsKey("lifecyclestage"));
                Assert.False(r["properties"]!.AsObject().ContainsKey("company"));
            }

            after = (string?)body["paging"]?["next"]?["after"];
            pages++;
        }
        while (after is not null);

        Assert.Equal(sb.Server.HubSpot.Count, seen.Count);
        Assert.Equal((sb.Server.HubSpot.Count + 99) / 100, pages);
    }

    [Fact]
    public async Task List_DefaultLimit_Is10AndMoreThan100Rejected()
    {
        await using var sb = await Sandbox.StartAsync();
        var body = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync("/crm/v3/objects/contacts"));
        using var tooMany = await sb.HubSpot.GetAsync("/crm/v3/objects/contacts?limit=101");

        Assert.Equal(10, body["results"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task Search_PagingToTheEndWithFilterAndSort_ReturnsAllMatchesInOrder()
    {
        await using var sb = await Sandbox.StartAsync(o => o.LeadCount = 600);
        var since = Sandbox.Start.AddDays(-60);
        var expected = sb.Server.HubSpot.ListContacts().Where(c => c.UpdatedAt >= since).ToList();
        var results = new List<JsonNode>();
        string? after = null;
        do
        {
            var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new
            {
                filterGroups = new[] { new { filters = new[] { new { propertyName = "lastmodifieddate", @operator = "GTE", value = since.ToUnixTimeMilliseconds().ToString() } } } },
                sorts = new[] { new { propertyName = "lastmodifieddate", direction = "ASCENDING" } },
                properties = new[] { "hs_lead_status" },
                limit = 50,
                after,
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected.Count, (int)body["total"]!);
            results.AddRange(body["results"]!.AsArray().Select(r => r!));
            after = (string?)body["paging"]?["next"]?["after"];
        }
        while (after is not null);

        Assert.Equal(expected.Count, results.Count);
        Assert.Equal(expected.Count, results.Select(r => (string)r["id"]!).Distinct().Count());
        var stamps = results.Select(r => DateTimeOffset.Parse((string)r["properties"]!["lastmodifieddate"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(stamps.Order(), stamps);
        var props = results[0]["properties"]!.AsObject().Select(p => p.Key).Order().ToList();
        Assert.Equal(["createdate", "email", "firstname", "hs_lead_status", "hs_object_id", "lastmodifieddate", "lastname"], props);
    }

    [Fact]
    public async Task Search_StringSortsAndOrGroups_AreAccepted()
    {
        await using var sb = await Sandbox.StartAsync();
        var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new
        {
            filterGroups = new object[]
            {
                new { filters = new[] { new { propertyName = "lifecyclestage", @operator = "EQ", value = "subscriber" } } },
                new { filters = new[] { new { propertyName = "lifecyclestage", @operator = "IN", values = new[] { "customer", "opportunity" } } } },
            },
            sorts = new[] { "-hs_object_id" },
            limit = 200,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var all = sb.Server.HubSpot.ListContacts();
        var expected = all.Count(c => c.LifecycleStage is "subscriber" or "customer" or "opportunity");
        Assert.Equal(expected, (int)body["total"]!);
        var ids = body["results"]!.AsArray().Select(r => long.Parse((string)r!["id"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.OrderDescending(), ids);
    }

    [Fact]
    public async Task Search_PastTheTenThousandWindow_Returns400()
    {
        await using var sb = await Sandbox.StartAsync();
        var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new { limit = 200, after = "9900" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", (string?)body["category"]);
        Assert.Contains("10,000", (string?)body["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(6, 1, 201)]
    [InlineData(1, 11, 10)]
    [InlineData(3, 9, 10)]
    [InlineData(1, 1, 201)]
    public async Task Search_BeyondDocumentedLimits_Returns400(int groups, int filtersPerGroup, int limit)
    {
        await using var sb = await Sandbox.StartAsync();
        var filterGroups = Enumerable.Range(0, groups).Select(_ => new
        {
            filters = Enumerable.Range(0, filtersPerGroup).Select(i => new { propertyName = "email", @operator = "HAS_PROPERTY" }).ToArray(),
        }).ToArray();
        var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new { filterGroups, limit });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", (string?)body["category"]);
    }

    [Fact]
    public async Task BatchUpdate_AllValid_Returns200AndAdvancesLastModified()
    {
        await using var sb = await Sandbox.StartAsync();
        var contacts = sb.Server.HubSpot.ListContacts().Take(3).ToList();
        sb.Time.Advance(TimeSpan.FromMinutes(5));
        var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/update", new
        {
            inputs = contacts.Select(c => new { id = c.Id, properties = new Dictionary<string, string> { ["hs_lead_status"] = "IN_PROGRESS" } }),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("COMPLETE", (string?)body["status"]);
        Assert.Equal(3, body["results"]!.AsArray().Count);
        foreach (var c in contacts)
        {
            var now = sb.Server.HubSpot.GetContact(c.Id)!;
            Assert.Equal("IN_PROGRESS", now.LeadStatus);
            Assert.True(now.UpdatedAt > c.UpdatedAt);
            Assert.Equal(Sandbox.Start.AddMinutes(5), now.UpdatedAt);
        }

        Assert.Equal(3, sb.Server.Stats.HubSpotWrites);
    }

    [Fact]
    public async Task BatchUpdate_ConcurrentBatchesAtOneInstant_GetDistinctIncreasingTimestamps()
    {
        await using var sb = await Sandbox.StartAsync();
        var contacts = sb.Server.HubSpot.ListContacts().Take(40).ToList();
        var batches = contacts.Chunk(4).Select((chunk, i) => sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/update", new
        {
            inputs = chunk.Select(c => new { id = c.Id, properties = new Dictionary<string, string> { ["city"] = "City " + i } }),
        }));
        var responses = await Task.WhenAll(batches);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        var stamps = contacts.Select(c => sb.Server.HubSpot.GetContact(c.Id)!.UpdatedAt).ToList();
        Assert.Equal(10, stamps.Distinct().Count());                                   // one timestamp per batch
        Assert.All(stamps, t => Assert.InRange(t, Sandbox.Start, Sandbox.Start.AddMilliseconds(9)));
        Assert.Equal(40, sb.Server.Stats.HubSpotWrites);
    }

    [Fact]
    public async Task BatchUpdate_MixedInputs_Returns207WithPerInputErrors()
    {
        await using var sb = await Sandbox.StartAsync();
        var ids = sb.Server.HubSpot.ListContacts().Take(4).Select(c => c.Id).ToList();
        var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/update", new
        {
            inputs = new object[]
            {
                new { id = ids[0], properties = new Dictionary<string, string> { ["hs_lead_status"] = "CONNECTED" } },
                new { id = "999999999", properties = new Dictionary<string, string> { ["hs_lead_status"] = "NEW" } },
                new { id = ids[1], properties = new Dictionary<string, string> { ["hubspotscore"] = "99" } },
                new { id = ids[2], properties = new Dictionary<string, string> { ["hs_lead_status"] = "HOT" } },
                new { id = ids[3], properties = new Dictionary<string, string> { ["no_such_property"] = "x" } },
            },
        });

        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        Assert.Equal(4, (int)body["numErrors"]!);
        Assert.Single(body["results"]!.AsArray());
        var errors = body["errors"]!.AsArray();
        Assert.Equal("OBJECT_NOT_FOUND", (string?)errors[0]!["category"]);
        Assert.Equal("999999999", (string?)errors[0]!["context"]!["ids"]![0]);
        Assert.Equal(["READ_ONLY_VALUE", "INVALID_OPTION", "PROPERTY_DOESNT_EXIST"], errors.Skip(1).Select(e => (string)e!["errors"]![0]!["code"]!));
        Assert.All(errors.Skip(1), e => Assert.Equal("VALIDATION_ERROR", (string?)e!["category"]));
        Assert.Equal("CONNECTED", sb.Server.HubSpot.GetContact(ids[0])!.LeadStatus);
    }

    [Fact]
    public async Task BatchUpdate_DuplicateIdsOrTooManyInputs_Returns400()
    {
        await using var sb = await Sandbox.StartAsync();
        var id = sb.Server.HubSpot.ListContacts()[0].Id;
        var props = new Dictionary<string, string> { ["city"] = "Oslo" };
        var (dup, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/update", new { inputs = new[] { new { id, properties = props }, new { id, properties = props } } });
        var (many, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/update", new { inputs = Enumerable.Range(0, 101).Select(i => new { id = i.ToString(), properties = props }) });

        Assert.Equal(HttpStatusCode.BadRequest, dup.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
    }

    [Fact]
    public async Task BatchUpdate_EarlierLifecycleStage_IsIgnoredUntilCleared()
    {
        await using var sb = await Sandbox.StartAsync();
        var contact = sb.Server.HubSpot.ListContacts().First(c => c.LifecycleStage == "marketingqualifiedlead");
        async Task<HttpStatusCode> SetStage(string value)
        {
            var (response, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/update", new
            {
                inputs = new[] { new { id = contact.Id, properties = new Dictionary<string, string> { ["lifecyclestage"] = value } } },
            });
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SetStage("lead"));
        var unchanged = sb.Server.HubSpot.GetContact(contact.Id)!;
        Assert.Equal("marketingqualifiedlead", unchanged.LifecycleStage);
        Assert.Equal(contact.UpdatedAt, unchanged.UpdatedAt);

        Assert.Equal(HttpStatusCode.OK, await SetStage("salesqualifiedlead"));
        Assert.Equal("salesqualifiedlead", sb.Server.HubSpot.GetContact(contact.Id)!.LifecycleStage);

        Assert.Equal(HttpStatusCode.OK, await SetStage(string.Empty));
        Assert.Null(sb.Server.HubSpot.GetContact(contact.Id)!.LifecycleStage);
        Assert.Equal(HttpStatusCode.OK, await SetStage("lead"));
        Assert.Equal("lead", sb.Server.HubSpot.GetContact(contact.Id)!.LifecycleStage);
    }

    [Fact]
    public async Task BatchRead_ByEmailWithMissing_Returns207AndFindsCaseInsensitively()
    {
        await using var sb = await Sandbox.StartAsync();
        var contact = sb.Server.HubSpot.ListContacts()[5];
        var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/read", new
        {
            idProperty = "email",
            inputs = new[] { new { id = contact.Email!.ToUpperInvariant() }, new { id = "nobody@example.com" } },
            properties = new[] { "salesforceleadid" },
            propertiesWithHistory = Array.Empty<string>(),
        });

        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        Assert.Equal(contact.Id, (string?)body["results"]![0]!["id"]);
        Assert.Equal("OBJECT_NOT_FOUND", (string?)body["errors"]![0]!["category"]);

        var (allFound, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/read", new
        {
            inputs = new[] { new { id = contact.Id } },
            properties = new[] { "email" },
            propertiesWithHistory = Array.Empty<string>(),
        });
        Assert.Equal(HttpStatusCode.OK, allFound.StatusCode);
    }

    [Fact]
    public async Task BatchCreate_ThenSearch_NewContactVisibleWithNewestTimestamp()
    {
        await using var sb = await Sandbox.StartAsync();
        var (response, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/create", new
        {
            inputs = new[] { new { properties = new Dictionary<string, string> { ["email"] = "New.Person@Example.com", ["lifecyclestage"] = "lead" } } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)body["results"]![0]!["id"]!;

        var (_, search) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "email", @operator = "EQ", value = "new.person@example.com" } } } },
        });
        Assert.Equal(id, (string?)search["results"]![0]!["id"]);

        var (conflict, conflictBody) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/create", new
        {
            inputs = new[] { new { properties = new Dictionary<string, string> { ["email"] = "new.person@example.com" } } },
        });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains(id, (string?)conflictBody["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owners_TrailingSlashAndArchived_ListTheRightOwners()
    {
        await using var sb = await Sandbox.StartAsync();
        var active = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync("/crm/v3/owners/"));
        var archived = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync("/crm/v3/owners?archived=true"));
        var firstId = (string)active["results"]![0]!["id"]!;
        var one = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync("/crm/v3/owners/" + firstId));
        var paged = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync("/crm/v3/owners?limit=2"));

        Assert.Equal(7, active["results"]!.AsArray().Count);
        Assert.Single(archived["results"]!.AsArray());
        Assert.True((bool)archived["results"]![0]!["archived"]!);
        Assert.Equal(firstId, (string?)one["id"]);
        Assert.NotNull(paged["paging"]?["next"]?["after"]);
    }

    [Fact]
    public async Task Properties_ListsVocabularyWithOptionsAndReadOnlyFlags()
    {
        await using var sb = await Sandbox.StartAsync();
        var body = await Sandbox.ReadAsync(await sb.HubSpot.GetAsync("/crm/v3/properties/contacts"));
        var props = body["results"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);

        Assert.Equal(8, props["lifecyclestage"]["options"]!.AsArray().Count);
        Assert.Equal("enumeration", (string?)props["hs_lead_status"]["type"]);
        Assert.True((bool)props["hubspotscore"]["modificationMetadata"]!["readOnlyValue"]!);
        Assert.False((bool)props["salesforceleadid"]["modificationMetadata"]!["readOnlyValue"]!);
        Assert.True(props.ContainsKey("webinars_attended"));
    }

    [Fact]
    public async Task RateLimit_TenSecondWindow_Returns429WithBodyAndHeadersThenRecovers()
    {
        await using var sb = await Sandbox.StartAsync(o => o.HubSpotRequestsPerTenSeconds = 5);
        HttpResponseMessage last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await sb.HubSpot.GetAsync("/crm/v3/objects/contacts?limit=1");
            Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        }

        Assert.Equal("5", last.Headers.GetValues("X-HubSpot-RateLimit-Max").Single());
        Assert.Equal("0", last.Headers.GetValues("X-HubSpot-RateLimit-Remaining").Single());
        Assert.Equal("10000", last.Headers.GetValues("X-HubSpot-RateLimit-Interval-Milliseconds").Single());
        Assert.True(last.Headers.Contains("X-HubSpot-RateLimit-Daily-Remaining"));

        using var limited = await sb.HubSpot.GetAsync("/crm/v3/objects/contacts?limit=1");
        var body = await Sandbox.ReadAsync(limited);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("You have reached your ten_secondly_rolling limit.", (string?)body["message"]);
        Assert.Equal("RATE_LIMIT", (string?)body["errorType"]);
        Assert.Equal("TEN_SECONDLY_ROLLING", (string?)body["policyName"]);
        Assert.NotNull(body["correlationId"]);

        // Search is exempt from the ten-second window.
        var (search, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new { limit = 1 });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);

        sb.Time.Advance(TimeSpan.FromSeconds(10));
        using var recovered = await sb.HubSpot.GetAsync("/crm/v3/objects/contacts?limit=1");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(1, sb.Server.Stats.Http429s);
    }

    [Fact]
    public async Task RateLimit_SearchPerSecond_Returns429SecondlyMessage()
    {
        await using var sb = await Sandbox.StartAsync(o => o.HubSpotSearchRequestsPerSecond = 4);
        for (var i = 0; i < 4; i++)
        {
            var (ok, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new { limit = 1 });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.False(ok.Headers.Contains("X-HubSpot-RateLimit-Max"));
        }

        var (limited, body) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new { limit = 1 });
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("You have reached your secondly limit.", (string?)body["message"]);

        sb.Time.Advance(TimeSpan.FromSeconds(1));
        var (again, _) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", new { limit = 1 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task RateLimit_DailyAllowanceSpent_Returns429Daily()
    {
        await using var sb = await Sandbox.StartAsync(o => o.HubSpotDailyLimit = 2);
        await sb.HubSpot.GetAsync("/crm/v3/owners");
        await sb.HubSpot.GetAsync("/crm/v3/owners");
        using var limited = await sb.HubSpot.GetAsync("/crm/v3/owners");
        var body = await Sandbox.ReadAsync(limited);

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("DAILY", (string?)body["policyName"]);
        sb.Time.Advance(TimeSpan.FromDays(1));
        using var nextDay = await sb.HubSpot.GetAsync("/crm/v3/owners");
        Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
    }

    [Fact]
    public async Task SearchIndexLag_RecentWriteInvisibleUntilLagElapses()
    {
        await using var sb = await Sandbox.StartAsync(o => o.SearchIndexLag = TimeSpan.FromSeconds(5));
        var contact = sb.Server.HubSpot.ListContacts()[0];
        await sb.HubSpotPostAsync("/crm/v3/objects/contacts/batch/update", new
        {
            inputs = new[] { new { id = contact.Id, properties = new Dictionary<string, string> { ["city"] = "Reykjavik" } } },
        });
        var query = new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "city", @operator = "EQ", value = "Reykjavik" } } } },
        };

        var (_, before) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", query);
        sb.Time.Advance(TimeSpan.FromSeconds(6));
        var (_, after) = await sb.HubSpotPostAsync("/crm/v3/objects/contacts/search", query);

        Assert.Equal(0, (int)before["total"]!);
        Assert.Equal(1, (int)after["total"]!);
    }
}
