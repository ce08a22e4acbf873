using System.Globalization;
using LeadSync.Sandbox.HubSpot;
using LeadSync.Sandbox.Salesforce;

namespace LeadSync.Sandbox.Seeding;

/// <summary>Which side(s) a seeded person exists on.</summary>
internal enum SeedSide
{
    BothMatched,
    BothUnmatched,
    HubSpotOnly,
    SalesforceOnly,
}

/// <summary>
/// Builds the initial world, deterministic for (Seed, LeadCount, RepCount) and the clock's "now".
/// Single pass, no LINQ per person: 100,000 people seed in a few seconds.
/// </summary>
internal static class SeedGenerator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Counters are small numbers: sharing their strings saves most of the seeding allocations at 100k people.</summary>
    private static readonly string[] SmallNumbers = [.. Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static string Num(int value) => value is >= 0 and < 1000 ? SmallNumbers[value] : value.ToString(Inv);

    public static void Seed(HubSpotStore hubSpot, SalesforceStore salesforce, SandboxOptions options, DateTimeOffset now)
    {
        var rng = new Random(options.Seed);
        var reps = SeedPeople(hubSpot, salesforce, options, now);
        var activeReps = reps.Where(r => r.SalesforceActive && !r.HubSpotArchived).ToList();
        var sides = Sides(options.LeadCount, rng);

        for (var i = 0; i < options.LeadCount; i++)
            SeedPerson(i, sides[i], rng, hubSpot, salesforce, activeReps, now);
    }

    private sealed record Rep(string UserId, string OwnerId, bool SalesforceActive, bool HubSpotArchived);

    /// <summary>Exact proportions (55/15/20/10) shuffled, so small and large worlds look alike.</summary>
    private static SeedSide[] Sides(int count, Random rng)
    {
        var sides = new SeedSide[count];
        var matched = (int)Math.Round(count * 0.55);
        var unmatched = (int)Math.Round(count * 0.15);
        var hubSpotOnly = (int)Math.Round(count * 0.20);
        for (var i = 0; i < count; i++)
        {
            sides[i] = i < matched ? SeedSide.BothMatched
                : i < matched + unmatched ? SeedSide.BothUnmatched
                : i < matched + unmatched + hubSpotOnly ? SeedSide.HubSpotOnly
                : SeedSide.SalesforceOnly;
        }

        rng.Shuffle(sides);
        return sides;
    }

    private static List<Rep> SeedPeople(HubSpotStore hubSpot, SalesforceStore salesforce, SandboxOptions options, DateTimeOffset now)
    {
        var integration = salesforce.Insert(SalesforceSchema.User, new Dictionary<string, object?>
        {
            ["Name"] = "LeadSync Integration",
            ["FirstName"] = "LeadSync",
            ["LastName"] = "Integration",
            ["Email"] = "integration@leadsync.example",
            ["Username"] = "integration@leadsync.example.sandbox",
            ["IsActive"] = true,
            ["UserType"] = "Standard",
            ["TimeZoneSidKey"] = "America/Los_Angeles",
        });
        salesforce.IntegrationUserId = integration.Id;

        var queue = salesforce.Insert(SalesforceSchema.Group, new Dictionary<string, object?>
        {
            ["Name"] = "Marketing Nurture",
            ["DeveloperName"] = "Marketing_Nurture",
            ["Type"] = "Queue",
        });
        salesforce.MarketingQueueId = queue.Id;
        salesforce.Insert(SalesforceSchema.Group, new Dictionary<string, object?> { ["Name"] = "Sales Overflow", ["DeveloperName"] = "Sales_Overflow", ["Type"] = "Queue" });
        salesforce.Insert(SalesforceSchema.Group, new Dictionary<string, object?> { ["Name"] = "All Sales", ["DeveloperName"] = "All_Sales", ["Type"] = "Regular" });

        // Reps get their own generator so the lead data does not shift when RepCount changes.
        var repRng = new Random(options.Seed ^ 0x5EED);
        var zones = new[] { "America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo" };
        var teams = new[] { ("1101", "North America Sales"), ("1102", "EMEA Sales"), ("1103", "APAC Sales") };
        var used = new HashSet<string>(StringComparer.Ordinal);
        var reps = new List<Rep>();
        for (var i = 0; i < options.RepCount; i++)
        {
            string first, last;
            do
            {
                first = SeedData.Pick(repRng, SeedData.FirstNames);
                last = SeedData.Pick(repRng, SeedData.LastNames);
            }
            while (!used.Add(first + " " + last));

            var email = $"{first}.{last}@example.com".ToLowerInvariant().Replace("'", string.Empty, StringComparison.Ordinal);
            // The last rep has left (inactive user, archived owner); the one before is inactive in Salesforce only.
            var leftCompany = options.RepCount >= 2 && i == options.RepCount - 1;
            var inactiveSalesforce = leftCompany || (options.RepCount >= 4 && i == options.RepCount - 2);
            var user = salesforce.Insert(SalesforceSchema.User, new Dictionary<string, object?>
            {
                ["Name"] = first + " " + last,
                ["FirstName"] = first,
                ["LastName"] = last,
                ["Email"] = email,
                ["Username"] = email + ".sandbox",
                ["IsActive"] = !inactiveSalesforce,
                ["UserType"] = "Standard",
                ["TimeZoneSidKey"] = zones[i % zones.Length],
            });
            var team = teams[i % teams.Length];
            var ownerId = (70_000_001 + (i * 37)).ToString(Inv);
            var created = now.AddDays(-400 + i);
            hubSpot.AddOwner(new SandboxOwner(ownerId, email, first, last, 9_100_001 + i, leftCompany, team.Item1, team.Item2,
                HubSpotFormat.TruncateToMs(created), HubSpotFormat.TruncateToMs(leftCompany ? now.AddDays(-20) : created.AddDays(3))));
            reps.Add(new Rep(user.Id, ownerId, !inactiveSalesforce, leftCompany));
        }

        return reps;
    }

    private static void SeedPerson(int i, SeedSide side, Random rng, HubSpotStore hubSpot, SalesforceStore salesforce, List<Rep> reps, DateTimeOffset now)
    {
        var first = SeedData.Pick(rng, SeedData.FirstNames);
        var last = SeedData.Pick(rng, SeedData.LastNames);
        var company = SeedData.Pick(rng, SeedData.CompanyStems) + " " + SeedData.Pick(rng, SeedData.CompanySuffixes);
        var title = SeedData.Weighted(rng, SeedData.Titles, t => t.Weight);
        var industry = SalesforceSchema.Industries[rng.Next(SalesforceSchema.Industries.Count)];
        var employees = SeedData.EmployeeBands[rng.Next(SeedData.EmployeeBands.Length)];
        var place = SeedData.Weighted(rng, SeedData.Places, p => p.Weight);
        var city = SeedData.Pick(rng, place.Cities);
        var state = place.States.Length > 0 ? place.States[Array.IndexOf(place.Cities, city) % place.States.Length] : null;
        var source = SeedData.Weighted(rng, SeedData.Sources, s => s.Weight);
        var domain = SeedData.Weighted(rng, SeedData.Domains, d => d.Weight).Domain;
        var dirty = rng.NextDouble() < 0.02 ? rng.Next(3) : -1;
        if (dirty == 2)
            last = "O'Brien";
        var email = $"{first}.{last}.{i.ToString(Inv)}@{domain}".ToLowerInvariant().Replace("-", string.Empty, StringComparison.Ordinal);
        var phone = $"+1 555 01{rng.Next(10, 99).ToString(Inv)} {rng.Next(1000, 9999).ToString(Inv)}";
        var revenue = employees * (50_000 + rng.Next(150_000));

        // Engagement tier: a few hot, some warm, most lukewarm.
        var tierRoll = rng.NextDouble();
        var tier = tierRoll < 0.08 ? 2 : tierRoll < 0.35 ? 1 : 0;
        var recentDays = tier switch { 2 => rng.Next(0, 7), 1 => rng.Next(3, 30), _ => rng.Next(20, 120) };
        var lastTouch = now.AddDays(-recentDays).AddMinutes(-rng.Next(0, 1440));
        var created = now.AddDays(-(recentDays + rng.Next(5, 300))).AddMinutes(-rng.Next(0, 1440));
        var modified = lastTouch.AddMinutes(rng.Next(0, 60));
        if (modified > now)
            modified = now.AddSeconds(-1);
        var pageViews = tier switch { 2 => rng.Next(15, 80), 1 => rng.Next(4, 20), _ => rng.Next(0, 5) };
        var visits = Math.Max(pageViews > 0 ? 1 : 0, pageViews / Math.Max(1, rng.Next(2, 5)));
        var opens = tier switch { 2 => rng.Next(5, 25), 1 => rng.Next(1, 10), _ => rng.Next(0, 4) };
        var clicks = Math.Min(opens, tier switch { 2 => rng.Next(2, 10), 1 => rng.Next(0, 4), _ => rng.Next(0, 2) });
        var conversions = tier switch { 2 => rng.Next(1, 5), 1 => rng.Next(0, 2), _ => rng.NextDouble() < 0.1 ? 1 : 0 };
        var downloads = Math.Min(conversions + 1, tier switch { 2 => rng.Next(1, 4), 1 => rng.Next(0, 2), _ => 0 });
        var demos = tier == 2 && rng.NextDouble() < 0.35 ? 1 : 0;
        var pricing = tier switch { 2 => rng.Next(1, 6), 1 => rng.Next(0, 2), _ => 0 };
        var webinars = tier >= 1 && rng.NextDouble() < 0.3 ? rng.Next(1, 3) : 0;
        var bounced = rng.NextDouble() < 0.02 ? 1 : 0;
        var optOut = rng.NextDouble() < 0.03;
        var score = Math.Clamp((tier * 25) + (title.Seniority * 6) + rng.Next(0, 15) + (demos * 10), 0, 100);
        var fitGrade = title.Seniority >= 4 ? "A" : title.Seniority >= 2 ? "B" : title.Seniority == 1 ? "C" : "D";

        var converted = side is SeedSide.BothMatched or SeedSide.SalesforceOnly && rng.NextDouble() < 0.03 * (1 / 0.65);
        var repOwned = !converted && side is SeedSide.BothMatched or SeedSide.SalesforceOnly && rng.NextDouble() < 0.15;
        var rep = reps.Count > 0 ? reps[rng.Next(reps.Count)] : null;
        if (rep is null)
            repOwned = false;

        var stage = converted ? (rng.NextDouble() < 0.5 ? "opportunity" : "customer")
            : repOwned ? (tier == 2 ? "salesqualifiedlead" : "marketingqualifiedlead")
            : tier switch { 2 => "marketingqualifiedlead", 1 => rng.NextDouble() < 0.3 ? "marketingqualifiedlead" : "lead", _ => rng.NextDouble() < 0.4 ? "subscriber" : "lead" };
        var sfStatus = converted ? SalesforceSchema.ConvertedStatus
            : repOwned ? SeedData.Pick(rng, ["Working - Contacted", "Working - Engaged", "Marketing Qualified"])
            : tier == 0 && rng.NextDouble() < 0.3 ? "Nurturing" : SalesforceSchema.DefaultStatus;
        if (dirty == 1 && !converted)
            sfStatus = SalesforceSchema.LegacyStatus;
        var hsStatus = sfStatus switch
        {
            "Working - Contacted" => "ATTEMPTED_TO_CONTACT",
            "Working - Engaged" => "CONNECTED",
            "Marketing Qualified" => "IN_PROGRESS",
            "Nurturing" => "BAD_TIMING",
            SalesforceSchema.ConvertedStatus => "OPEN_DEAL",
            _ => rng.NextDouble() < 0.2 ? "OPEN" : "NEW",
        };

        var sfId = side == SeedSide.HubSpotOnly ? null : salesforce.Ids.Next("00Q");
        string? hubSpotId = null;
        if (side != SeedSide.SalesforceOnly)
        {
            var props = new Dictionary<string, string>(40, StringComparer.Ordinal)
            {
                ["email"] = email,
                ["firstname"] = first,
                ["lastname"] = last,
                ["company"] = company,
                ["jobtitle"] = title.Title,
                ["industry"] = industry,
                ["numemployees"] = Num(employees),
                ["country"] = place.Country,
                ["city"] = city,
                ["phone"] = phone,
                ["lifecyclestage"] = stage,
                ["hs_lead_status"] = hsStatus,
                ["hubspotscore"] = Num(score),
                ["hs_analytics_source"] = source.HubSpot,
                ["hs_email_optout"] = optOut ? "true" : "false",
                ["annualrevenue"] = revenue.ToString(Inv),
                ["hs_analytics_num_page_views"] = Num(pageViews),
                ["hs_analytics_num_visits"] = Num(visits),
                ["num_conversion_events"] = Num(conversions),
                ["hs_email_open"] = Num(opens),
                ["hs_email_click"] = Num(clicks),
                ["hs_email_bounce"] = Num(bounced),
                ["content_downloads"] = Num(downloads),
                ["demo_requests"] = Num(demos),
                ["pricing_page_views"] = Num(pricing),
                ["webinars_attended"] = Num(webinars),
            };
            if (state is not null)
                props["state"] = state;
            if (visits > 0)
                props["hs_analytics_last_visit_timestamp"] = HubSpotFormat.Iso(lastTouch);
            if (opens > 0)
                props["hs_email_last_open_date"] = HubSpotFormat.Iso(lastTouch.AddHours(-rng.Next(0, 48)));
            if (clicks > 0)
                props["hs_email_last_click_date"] = HubSpotFormat.Iso(lastTouch.AddHours(-rng.Next(0, 72)));
            if (conversions > 0)
                props["recent_conversion_date"] = HubSpotFormat.Iso(lastTouch.AddHours(-rng.Next(0, 96)));
            if (repOwned)
                props["hubspot_owner_id"] = rep!.OwnerId;
            if (side == SeedSide.BothMatched)
                props["salesforceleadid"] = sfId!;
            hubSpotId = hubSpot.Seed(props, HubSpotFormat.TruncateToMs(created), HubSpotFormat.TruncateToMs(modified)).Id;
        }

        if (side == SeedSide.HubSpotOnly)
            return;

        // Dirty import: the same address in capitals. (Salesforce trims text fields on save, so surrounding blanks
        // never reach the API; case does, and SOQL compares it case-insensitively.)
        var sfEmail = dirty == 0 ? email.ToUpperInvariant() : email;
        var fields = Lead(sfId!, first, last, sfEmail, company, title.Title, industry, employees, place.Country, state, city, phone,
            source.Salesforce, sfStatus, tier, repOwned ? rep!.UserId : salesforce.MarketingQueueId, converted, revenue, optOut,
            created, modified, lastTouch, score, fitGrade, side == SeedSide.BothMatched ? hubSpotId : null);
        salesforce.Insert(SalesforceSchema.Lead, fields);

        if (rng.NextDouble() < 0.02)
        {
            // A duplicate lead for the same person (an old list import): same email, no HubSpot link, in the queue.
            var dupCreated = created.AddDays(-rng.Next(30, 200));
            var dup = Lead(salesforce.Ids.Next("00Q"), first, last, email, company.Split(' ')[0], title.Title, null, null,
                place.Country, null, null, null, "Purchased List", "Open - Not Contacted", 0, salesforce.MarketingQueueId, false, null, false,
                dupCreated, dupCreated.AddDays(1), null, null, null, null);
            salesforce.Insert(SalesforceSchema.Lead, dup);
        }
    }

    private static Dictionary<string, object?> Lead(
        string id, string first, string last, string email, string company, string title, string? industry, int? employees, string country,
        string? state, string? city, string? phone, string source, string status, int tier, string ownerId, bool converted, double? revenue,
        bool optOut, DateTimeOffset created, DateTimeOffset modified, DateTimeOffset? lastActivity, int? score, string? fitGrade, string? hubSpotId)
    {
        var stamp = TruncateToSecond(modified);
        return new Dictionary<string, object?>(28, StringComparer.Ordinal)
        {
            ["Id"] = id,
            ["FirstName"] = first,
            ["LastName"] = last,
            ["Email"] = email,
            ["Company"] = company,
            ["Title"] = title,
            ["Industry"] = industry,
            ["NumberOfEmployees"] = employees,
            ["Country"] = country,
            ["State"] = state,
            ["City"] = city,
            ["Phone"] = phone,
            ["LeadSource"] = source,
            ["Status"] = status,
            ["Rating"] = tier switch { 2 => "Hot", 1 => "Warm", _ => "Cold" },
            ["OwnerId"] = ownerId,
            ["IsConverted"] = converted,
            ["AnnualRevenue"] = revenue,
            ["HasOptedOutOfEmail"] = optOut,
            ["CreatedDate"] = TruncateToSecond(created),
            ["LastModifiedDate"] = stamp,
            ["SystemModstamp"] = stamp,
            ["LastActivityDate"] = lastActivity is { } a ? DateOnly.FromDateTime(a.UtcDateTime) : null,
            ["Score__c"] = score is { } s ? (double)s : null,
            ["Fit_Grade__c"] = fitGrade,
            ["HubSpot_Contact_Id__c"] = hubSpotId,
        };
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
