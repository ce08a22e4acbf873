using System.Net;
using System.Text.RegularExpressions;

namespace LeadSync.Sandbox.Tests;

public sealed partial class SeedingTests
{
    [GeneratedRegex(@"@(example\.(com|org|net)|mail\.example|leadsync\.example)$")]
    private static partial Regex ReservedDomain();

    [Fact]
    public async Task Seed_SameOptions_ProducesIdenticalWorlds()
    {
        await using var a = await Sandbox.StartAsync(o => o.Seed = 7);
        await using var b = await Sandbox.StartAsync(o => o.Seed = 7);
        await using var c = await Sandbox.StartAsync(o => o.Seed = 8);

        static string Fingerprint(SandboxServer s) => string.Join("|",
            s.HubSpot.ListContacts().Select(x => string.Join(",", x.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)))
                .Concat(s.Salesforce.ListLeads().Select(l => string.Join(",", l.Fields.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))))
                .Concat(s.Salesforce.ListUsers().Select(u => u.Id + u.Email)));

        Assert.Equal(Fingerprint(a.Server), Fingerprint(b.Server));
        Assert.NotEqual(Fingerprint(a.Server), Fingerprint(c.Server));
    }

    [Fact]
    public async Task Seed_TwoThousandPeople_HasDocumentedProportions()
    {
        await using var sb = await Sandbox.StartAsync(o => o.LeadCount = 2000);
        var contacts = sb.Server.HubSpot.ListContacts();
        var leads = sb.Server.Salesforce.ListLeads();
        var hubSpotEmails = contacts.Select(c => c.Email!).ToHashSet(StringComparer.Ordinal);
        var salesforceEmails = leads.Select(l => l.Email!.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(1800, contacts.Count);                                          // 55% + 15% + 20%
        Assert.Equal(1100, contacts.Count(c => c.SalesforceLeadId is not null));      // matched
        Assert.Equal(1100, leads.Count(l => l.HubSpotContactId is not null));
        Assert.Equal(300, contacts.Count(c => c.SalesforceLeadId is null && salesforceEmails.Contains(c.Email!)));  // same email, no cross ids
        Assert.Equal(200, salesforceEmails.Count(e => !hubSpotEmails.Contains(e)));   // Salesforce only
        Assert.InRange(leads.Count - 1600, 15, 60);                                   // ~2% duplicate leads
        Assert.InRange(leads.Count(l => l.IsConverted), 30, 95);                      // ~3% converted
        Assert.True(leads.Count(l => l.OwnerId == sb.Server.Salesforce.MarketingQueueId) > leads.Count * 0.6);
        Assert.Contains(leads, l => l.OwnerId!.StartsWith("005", StringComparison.Ordinal));
        Assert.Contains(leads, l => l.Status == "Legacy - Imported");
        Assert.Contains(leads, l => l.Email!.Contains('\'', StringComparison.Ordinal));
        Assert.Contains(leads, l => !string.Equals(l.Email, l.Email!.Trim().ToLowerInvariant(), StringComparison.Ordinal));
        Assert.All(contacts, c => Assert.Matches(ReservedDomain(), c.Email!));
        Assert.All(leads, l => Assert.Matches(ReservedDomain(), l.Email!.Trim().ToLowerInvariant()));
        Assert.All(leads, l => Assert.True(l.SystemModstamp <= Sandbox.Start));
        Assert.All(contacts, c => Assert.True(c.UpdatedAt <= Sandbox.Start && c.UpdatedAt >= Sandbox.Start.AddDays(-130)));
        var hot = contacts.Count(c => int.Parse(c.Get("hs_analytics_num_page_views")!, System.Globalization.CultureInfo.InvariantCulture) >= 20);
        Assert.InRange(hot, 90, 220);                                          // ~8% hot
    }

    [Fact]
    public async Task Seed_Reps_ExistInBothSystemsWithInactiveAndArchived()
    {
        await using var sb = await Sandbox.StartAsync(o => o.RepCount = 8);
        var users = sb.Server.Salesforce.ListUsers();
        var owners = sb.Server.HubSpot.ListOwners();

        Assert.Equal(9, users.Count);
        Assert.Contains(users, u => u.Email == "integration@leadsync.example" && u.GetString("Name") == "LeadSync Integration");
        Assert.Equal(8, owners.Count);
        Assert.All(owners, o => Assert.Contains(users, u => u.Email == o.Email));
        Assert.All(owners, o => Assert.Matches(@"^[a-z]+\.[a-z]+@example\.com$", o.Email));
        Assert.Equal(2, users.Count(u => !u.IsActive));
        Assert.Single(owners, o => o.Archived);
        Assert.Contains(sb.Server.Salesforce.ListGroups(), g => g.GetString("DeveloperName") == "Marketing_Nurture" && g.GetString("Type") == "Queue");
    }

    [Fact]
    public async Task Seed_HundredThousandLeads_SeedsTheWholeWorld()
    {
        // Correctness only: how fast seeding is belongs to the benchmarks (docs/benchmarks.md), not to a test that a busy
        // machine would fail.
        await using var sb = await Sandbox.StartAsync(o => o.LeadCount = 100_000);

        Assert.Equal(90_000, sb.Server.HubSpot.Count);
        Assert.InRange(sb.Server.Salesforce.LeadCount, 80_000, 83_000);
        Assert.Equal(sb.Server.HubSpot.Count, sb.Server.HubSpot.ListContacts().Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Simulate_SameSeed_IsDeterministicAndMovesTheWorld()
    {
        await using var a = await Sandbox.StartAsync(o => o.LeadCount = 500);
        await using var b = await Sandbox.StartAsync(o => o.LeadCount = 500);
        a.Time.Advance(TimeSpan.FromMinutes(15));
        b.Time.Advance(TimeSpan.FromMinutes(15));
        a.Server.Simulate(10, seed: 3);
        b.Server.Simulate(10, seed: 3);
        var since = Sandbox.Start.AddMinutes(15);

        var changedA = a.Server.HubSpot.ListContacts().Where(c => c.UpdatedAt >= since).Select(c => c.Id + c.Get("hs_analytics_num_page_views")).ToList();
        var changedB = b.Server.HubSpot.ListContacts().Where(c => c.UpdatedAt >= since).Select(c => c.Id + c.Get("hs_analytics_num_page_views")).ToList();
        Assert.Equal(45, changedA.Count);                                             // 10% of 450 contacts
        Assert.Equal(changedA, changedB);
        var leadsA = a.Server.Salesforce.ListLeads().Where(l => l.SystemModstamp >= since).Select(l => l.Id + l.Status + l.OwnerId).ToList();
        var leadsB = b.Server.Salesforce.ListLeads().Where(l => l.SystemModstamp >= since).Select(l => l.Id + l.Status + l.OwnerId).ToList();
        Assert.NotEmpty(leadsA);
        Assert.Equal(leadsA, leadsB);

        // The engagement is visible to the next incremental search.
        var (response, body) = await a.HubSpotPostAsync("/crm/v3/objects/contacts/search", new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "lastmodifieddate", @operator = "GTE", value = since.ToString("O") } } } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(45, (int)body["total"]!);
    }

    [Fact]
    public async Task HumanEdits_AdvanceTimestamps_StrictlyInHubSpotAndToTheSecondInSalesforce()
    {
        await using var sb = await Sandbox.StartAsync();
        var contacts = sb.Server.HubSpot.ListContacts().Take(3).ToList();
        var first = sb.Server.HubSpot.SetProperties(contacts[0].Id, new Dictionary<string, string?> { ["city"] = "Lima" });
        var second = sb.Server.HubSpot.SetProperties(contacts[1].Id, new Dictionary<string, string?> { ["city"] = "Quito" });
        var lead = sb.Server.Salesforce.ListLeads()[0];
        sb.Time.Advance(TimeSpan.FromMilliseconds(400));
        var edited = sb.Server.Salesforce.SetLeadFields(lead.Id, new Dictionary<string, object?> { ["Status"] = "Working - Contacted" });

        Assert.Equal(Sandbox.Start, first.UpdatedAt);
        Assert.Equal(Sandbox.Start.AddMilliseconds(1), second.UpdatedAt);
        Assert.Equal(Sandbox.Start, edited.SystemModstamp);
        Assert.Equal("Working - Contacted", sb.Server.Salesforce.GetLead(lead.Id)!.Status);
    }
}
