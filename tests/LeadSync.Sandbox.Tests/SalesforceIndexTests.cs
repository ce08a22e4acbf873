using System.Globalization;
using LeadSync.Sandbox.Salesforce;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Sandbox.Tests;

/// <summary>
/// The indexed query path returns exactly what a full scan returns (same records, same order), over a random org that
/// keeps changing: a property-style test with a fixed seed, the scan (<see cref="Soql.Execute"/> over every row) as the reference.
/// </summary>
public sealed class SalesforceIndexTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Query_RandomOrgAndQueries_IndexedEqualsFullScan()
    {
        var rng = new Random(1717);
        var time = new FakeTimeProvider(Epoch);
        var store = new SalesforceStore(time, seed: 3);
        var emails = Enumerable.Range(0, 40).Select(i => $"p{i}@ex{i % 7}.com").ToArray();
        var keys = Enumerable.Range(0, 400).Select(i => "hs-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var queries = 0;
        for (var round = 0; round < 6; round++)
        {
            for (var i = 0; i < 60; i++)
                Insert(store, rng, emails, keys);
            for (var i = 0; i < 40; i++)
            {
                // Updates move records in the time indexes and between value buckets.
                time.Advance(TimeSpan.FromSeconds(rng.Next(0, 3)));
                var leads = store.ListLeads();
                var lead = leads[rng.Next(leads.Count)];
                store.SetLeadFields(lead.Id, new Dictionary<string, object?>
                {
                    ["Email"] = rng.Next(4) == 0 ? null : Variant(rng, emails[rng.Next(emails.Length)]),
                    ["HubSpot_Contact_Id__c"] = rng.Next(3) == 0 ? null : rng.Next(1, 80).ToString(CultureInfo.InvariantCulture),
                });
            }

            for (var q = 0; q < 80; q++, queries++)
            {
                var text = RandomQuery(rng, store, emails, time.GetUtcNow());
                var query = Soql.Parse(text);
                var expected = Soql.Execute(query, store.Rows("Lead")).Select(r => r.Id).ToList();
                var actual = store.Query(query).Select(r => r.Id).ToList();
                Assert.True(expected.SequenceEqual(actual), $"{text}\nexpected {expected.Count}: {string.Join(",", expected)}\nactual {actual.Count}: {string.Join(",", actual)}");
            }

            foreach (var email in emails.Take(10))
            {
                var wanted = Variant(rng, email);
                var scan = store.ListLeads().Where(l => l.Email is { } e && string.Equals(e.Trim(), wanted.Trim(), StringComparison.OrdinalIgnoreCase)).Select(l => l.Id);
                Assert.Equal(scan, store.FindLeadsByEmail(wanted).Select(l => l.Id));
            }
        }

        Assert.Equal(480, queries);
    }

    [Fact]
    public void Query_UpdatedLead_MovesToTheEndOfTheModstampOrder()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = new SalesforceStore(time, seed: 5);
        var rng = new Random(5);
        for (var i = 0; i < 30; i++)
            Insert(store, rng, ["a@b.com"], ["k" + i.ToString(CultureInfo.InvariantCulture)]);
        var first = store.ListLeads()[0];
        time.Advance(TimeSpan.FromDays(400));
        store.SetLeadFields(first.Id, new Dictionary<string, object?> { ["Title"] = "Moved" });

        var since = Soql.Parse($"SELECT Id FROM Lead WHERE SystemModstamp >= {Epoch.AddDays(399):yyyy-MM-ddTHH:mm:ssZ} ORDER BY SystemModstamp, Id");
        var before = Soql.Parse($"SELECT Id FROM Lead WHERE SystemModstamp < {Epoch.AddDays(399):yyyy-MM-ddTHH:mm:ssZ} ORDER BY SystemModstamp, Id");

        Assert.Equal([first.Id], store.Query(since).Select(r => r.Id));
        Assert.DoesNotContain(first.Id, store.Query(before).Select(r => r.Id));
        Assert.Equal(29, store.Query(before).Count);
    }

    private static void Insert(SalesforceStore store, Random rng, string[] emails, string[] keys)
    {
        // Few distinct times, so ORDER BY SystemModstamp has many ties for the Id to break.
        var stamp = Epoch.AddSeconds(-rng.Next(0, 12) * 30);
        var fields = new Dictionary<string, object?>
        {
            ["LastName"] = "L",
            ["Company"] = "C",
            ["Status"] = "Open - Not Contacted",
            ["Email"] = rng.Next(5) == 0 ? null : Variant(rng, emails[rng.Next(emails.Length)]),
            ["HubSpot_Contact_Id__c"] = rng.Next(3) == 0 ? null : rng.Next(1, 80).ToString(CultureInfo.InvariantCulture),
            [SalesforceSchema.ExternalKeyField] = rng.Next(2) == 0 ? null : keys[rng.Next(keys.Length)] + (rng.Next(3) == 0 ? "X" : "x"),
            ["SystemModstamp"] = stamp,
            ["LastModifiedDate"] = rng.Next(3) == 0 ? null : stamp.AddSeconds(-rng.Next(0, 4) * 30),
        };
        store.Insert(SalesforceSchema.Lead, fields);
    }

    private static string Variant(Random rng, string email) => rng.Next(4) switch
    {
        0 => email.ToUpperInvariant(),
        1 => " " + email,
        _ => email,
    };

    private static string RandomQuery(Random rng, SalesforceStore store, string[] emails, DateTimeOffset now)
    {
        var leads = store.ListLeads();
        // Half the bounds are a lead's own SystemModstamp, so > and >= (< and <=) differ on the boundary.
        string Time() => (rng.Next(2) == 0 ? leads[rng.Next(leads.Count)].SystemModstamp!.Value : now.AddSeconds(-rng.Next(-2, 14) * 30))
            .ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string Op() => new[] { ">", ">=", "<", "<=", "=", "!=" }[rng.Next(6)];
        string Quote(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        string AnId()
        {
            var id = leads[rng.Next(leads.Count)].Id;
            return rng.Next(6) switch
            {
                0 => id[..15],
                1 => id.ToLowerInvariant(),
                2 => id[..15].ToLowerInvariant(), // another (absent) id: 15-character ids are case-sensitive
                _ => id,
            };
        }

        string Values(Func<string> one) => string.Join(", ", Enumerable.Range(0, rng.Next(1, 8)).Select(_ => Quote(one())));
        string Condition(int depth)
        {
            var pick = rng.Next(depth > 1 ? 9 : 11);
            return pick switch
            {
                0 => $"SystemModstamp {Op()} {Time()}",
                1 => $"LastModifiedDate {Op()} {Time()}",
                2 => $"Id IN ({Values(AnId)})",
                3 => $"Id {Op()} {Quote(AnId())}",
                4 => $"Email IN ({Values(() => Variant(rng, emails[rng.Next(emails.Length)]).Trim())})",
                5 => $"Email = {Quote(Variant(rng, emails[rng.Next(emails.Length)]).Trim())}",
                6 => $"HubSpot_Contact_Id__c IN ({Values(() => rng.Next(1, 90).ToString(CultureInfo.InvariantCulture))})",
                7 => $"{SalesforceSchema.ExternalKeyField} = {Quote("hs-" + rng.Next(0, 400).ToString(CultureInfo.InvariantCulture) + "X")}",
                8 => rng.Next(2) == 0 ? "Email = null" : "HubSpot_Contact_Id__c NOT IN ('1', '2', '3')",
                9 => $"({Condition(depth + 1)} AND {Condition(depth + 1)})",
                _ => rng.Next(3) == 0 ? $"(NOT {Condition(depth + 1)})" : $"({Condition(depth + 1)} OR {Condition(depth + 1)})",
            };
        }

        var order = rng.Next(4) switch
        {
            0 => string.Empty,
            1 => " ORDER BY SystemModstamp, Id",
            2 => " ORDER BY Id DESC",
            _ => " ORDER BY LastModifiedDate DESC NULLS LAST, Email",
        };
        var page = rng.Next(4) == 0 ? $" LIMIT {rng.Next(1, 30)}" + (rng.Next(2) == 0 ? $" OFFSET {rng.Next(0, 10)}" : string.Empty) : string.Empty;
        return $"SELECT Id, Email FROM Lead WHERE {Condition(0)}{order}{page}";
    }
}
