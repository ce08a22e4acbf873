using System.Globalization;
using LeadSync.Sandbox.HubSpot;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Sandbox.Tests;

/// <summary>
/// The indexed search returns exactly the page and total of the full scan (every contact through Matches, then the
/// scan's sort), over a random portal that keeps changing: a property-style test with a fixed seed.
/// </summary>
public sealed class HubSpotSearchIndexTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Stages = ["lead", "marketingqualifiedlead", "customer"];

    [Fact]
    public void Search_RandomPortalAndRequests_IndexedEqualsFullScan()
    {
        var rng = new Random(2024);
        var time = new FakeTimeProvider(Epoch);
        var store = new HubSpotStore(time, TimeSpan.Zero);
        var emails = Enumerable.Range(0, 300).Select(i => $"c{i}@ex{i % 9}.org").ToArray();
        var indexed = 0;
        var requests = 0;
        for (var round = 0; round < 6; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                // Few distinct times, so sorting on lastmodifieddate has ties for the id to break.
                var updated = Epoch.AddMilliseconds(-rng.Next(0, 20) * 250);
                var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["lifecyclestage"] = Stages[rng.Next(Stages.Length)] };
                if (rng.Next(6) != 0)
                    values["email"] = emails[(round * 50) + i];
                store.Seed(values, updated.AddDays(-3), updated);
            }

            for (var i = 0; i < 40; i++)
            {
                // Writes move contacts to the end of the lastmodifieddate order (and change emails).
                var all = store.ListContacts();
                var contact = all[rng.Next(all.Count)];
                time.Advance(TimeSpan.FromMilliseconds(rng.Next(0, 400)));
                store.SetProperties(contact.Id, new Dictionary<string, string?>
                {
                    ["lifecyclestage"] = Stages[rng.Next(Stages.Length)],
                    ["email"] = rng.Next(3) == 0 ? "moved" + i.ToString(CultureInfo.InvariantCulture) + "r" + round.ToString(CultureInfo.InvariantCulture) + "@ex.org" : contact.Email,
                });
            }

            for (var q = 0; q < 100; q++, requests++)
            {
                var request = RandomRequest(rng, store, time.GetUtcNow());
                var scan = store.ListContacts().Where(c => !c.Archived && HubSpotSearch.Matches(c, request)).ToList();
                HubSpotSearch.Sort(scan, request.Sorts);
                if (store.Search(request) is not { } result)
                    continue;
                indexed++;
                var expected = scan.Skip(request.After).Take(request.Limit).Select(c => c.Id).ToList();
                var actual = result.Page.Select(c => c.Id).ToList();
                var description = string.Join(" OR ", request.FilterGroups.Select(g => string.Join(" AND ", g.Select(f => $"{f.PropertyName} {f.Operator} {f.Value}{string.Join(",", f.Values)}"))))
                    + $" sort {string.Join(",", request.Sorts.Select(s => s.PropertyName + (s.Descending ? " desc" : string.Empty)))} after {request.After} limit {request.Limit}";
                Assert.True(expected.SequenceEqual(actual), $"{description}\nexpected {string.Join(",", expected)}\nactual   {string.Join(",", actual)}");
                Assert.True(scan.Count == result.Total, $"{description}: total {result.Total}, scan {scan.Count}");
            }
        }

        Assert.Equal(600, requests);
        Assert.InRange(indexed, 450, 600); // nearly every request is one an index answers (the rest fall back to the scan)
    }

    [Fact]
    public void Search_ChangeFeedAfterWrite_WrittenContactComesLast()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = new HubSpotStore(time, TimeSpan.Zero);
        for (var i = 0; i < 20; i++)
            store.Seed(new Dictionary<string, string>(StringComparer.Ordinal) { ["email"] = $"x{i}@y.org" }, Epoch.AddDays(-1), Epoch.AddMinutes(-i));
        var first = store.ListContacts()[0];
        time.Advance(TimeSpan.FromMinutes(1));
        store.SetProperties(first.Id, new Dictionary<string, string?> { ["firstname"] = "Moved" });
        var request = new SearchRequest(
            [[new SearchFilter("lastmodifieddate", "GTE", Epoch.AddMinutes(-30).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), [], null)]],
            [new SearchSort("lastmodifieddate", false)], null, 200, 0, null);

        var result = store.Search(request)!.Value;

        Assert.Equal(20, result.Total);
        Assert.Equal(first.Id, result.Page[^1].Id);
        Assert.Equal(result.Page.Select(c => c.UpdatedAt).Order(), result.Page.Select(c => c.UpdatedAt));
    }

    private static SearchRequest RandomRequest(Random rng, HubSpotStore store, DateTimeOffset now)
    {
        var contacts = store.ListContacts();
        // Half the bounds are a contact's own time, so GT/GTE and LT/LTE differ on the boundary.
        string Ms() => (rng.Next(2) == 0 ? contacts[rng.Next(contacts.Count)].UpdatedAt : now.AddMilliseconds(-rng.Next(-2, 30) * 250))
            .ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        string Iso() => now.AddMilliseconds(-rng.Next(-2, 30) * 250).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string AnId() => contacts[rng.Next(contacts.Count)].Id;
        string AnEmail()
        {
            var email = contacts[rng.Next(contacts.Count)].Email ?? "none@ex.org";
            return rng.Next(3) switch { 0 => email.ToUpperInvariant(), 1 => " " + email + " ", _ => email };
        }

        SearchFilter F(string name, string op, string? value) => new(name, op, value, [], null);
        List<SearchFilter> Group()
        {
            switch (rng.Next(9))
            {
                case 0:
                case 1:
                    return [F("lastmodifieddate", rng.Next(2) == 0 ? "GTE" : "GT", rng.Next(3) == 0 ? Iso() : Ms())];
                case 2:
                    var ms = contacts[rng.Next(contacts.Count)].UpdatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                    List<SearchFilter> byId = [F("lastmodifieddate", "GTE", ms), F("lastmodifieddate", "LTE", ms)];
                    if (rng.Next(3) != 0)
                        byId.Add(F("hs_object_id", "GT", AnId()));
                    return byId;
                case 3:
                    return [F("lastmodifieddate", new[] { "LT", "LTE", "EQ" }[rng.Next(3)], Ms()), F("lifecyclestage", "EQ", Stages[rng.Next(Stages.Length)])];
                case 4:
                    return [new SearchFilter("lastmodifieddate", "BETWEEN", Ms(), [], Ms())];
                case 5:
                    return [new SearchFilter("email", "IN", null, [.. Enumerable.Range(0, rng.Next(1, 6)).Select(_ => AnEmail())], null)];
                case 6:
                    return [F("email", "EQ", AnEmail()), F("lifecyclestage", "NEQ", "customer")];
                case 7:
                    return rng.Next(2) == 0
                        ? [new SearchFilter("hs_object_id", "IN", null, [.. Enumerable.Range(0, rng.Next(1, 6)).Select(_ => AnId())], null)]
                        : [F("hs_object_id", "EQ", AnId())];
                default:
                    return [F("hs_object_id", rng.Next(2) == 0 ? "GT" : "LTE", AnId()), F("lastmodifieddate", "GTE", Ms())];
            }
        }

        var groups = Enumerable.Range(0, rng.Next(4) == 0 ? rng.Next(2, 4) : 1).Select(_ => (IReadOnlyList<SearchFilter>)Group()).ToList();
        IReadOnlyList<SearchSort> sorts = rng.Next(6) switch
        {
            0 => [],
            1 => [new SearchSort("hs_object_id", false)],
            2 => [new SearchSort("lastmodifieddate", true)],
            3 => [new SearchSort("email", false)],
            _ => [new SearchSort("lastmodifieddate", false)],
        };
        return new SearchRequest(groups, sorts, null, rng.Next(1, 60), rng.Next(3) == 0 ? rng.Next(0, 80) : 0, null);
    }
}
