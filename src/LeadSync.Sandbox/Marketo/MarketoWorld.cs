using System.Globalization;
using LeadSync.Sandbox.HubSpot;

namespace LeadSync.Sandbox.Marketo;

/// <summary>
/// The same world as the other fakes, as a Marketo instance would hold it: every marketing person of the seeded world
/// becomes a lead (names in Marketo's REST field names, Lead Status in Salesforce's values because the native sync maps
/// Status ↔ Status), people synced to Salesforce carry <c>sfdcLeadId</c>/<c>sfdcType</c>, and behaviour is an
/// activity log (page visits, forms, email opens and clicks, webinar attendance) instead of counters. A few people
/// exist twice by email (an old list import), as Marketo allows.
/// </summary>
internal static class MarketoWorld
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] LastTouchProperties = ["hs_analytics_last_visit_timestamp", "hs_email_last_open_date", "recent_conversion_date"];

    private static readonly string[] Pages = ["/", "/product", "/blog/lead-scoring", "/docs/getting-started", "/customers", "/integrations", "/about"];

    public static void Seed(MarketoStore store, HubSpotStore hubSpot, int seed, DateTimeOffset now)
    {
        var rng = new Random(seed ^ 0x4D4B544F);
        store.BeginSeeding();
        store.AddList("Nurture - Early Stage", "Nurture 2026");
        store.AddList("Webinar Invitees", "Webinar Q4");
        store.AddProgram("Webinar Q4", MarketoSchema.WebinarStatuses);
        foreach (var contact in hubSpot.ListContacts().Where(c => !c.Archived))
        {
            var lead = store.Seed(Fields(contact), contact.CreatedAt, contact.UpdatedAt);
            store.Log(lead.Id, contact.CreatedAt, 12, null, [new("Source Type", "Web form fillout")]);
            LogBehaviour(store, lead.Id, contact, rng);
            if (rng.NextDouble() < 0.02)
            {
                // The same person imported again from an old list: same email, few fields, not synced to Salesforce.
                var created = contact.CreatedAt.AddDays(-rng.Next(30, 200));
                var duplicate = store.Seed(new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["email"] = contact.Email,
                    ["firstName"] = contact.Get("firstname"),
                    ["lastName"] = contact.Get("lastname"),
                    ["company"] = contact.Get("company")?.Split(' ')[0],
                    ["leadSource"] = "List Import",
                    ["leadStatus"] = "Open - Not Contacted",
                    ["createdAt"] = MarketoFormat.Date(created),
                    ["updatedAt"] = MarketoFormat.Date(created.AddDays(1)),
                }, created, created.AddDays(1));
                store.Log(duplicate.Id, created, 12, null, [new("Source Type", "List import")]);
            }
        }

        store.SortLog();
    }

    /// <summary>Between cycles: <paramref name="percent"/>% of the leads engage now (visits, opens, clicks, forms, now and then a demo request).</summary>
    public static void Simulate(MarketoStore store, int percent, int seed, DateTimeOffset now)
    {
        var rng = new Random(seed ^ 0x4D4B544F);
        var leads = store.ListLeads();
        var count = (int)Math.Round(leads.Count * percent / 100.0);
        foreach (var lead in leads.OrderBy(_ => rng.Next()).Take(count))
        {
            var at = now.AddSeconds(-rng.Next(0, 60));
            for (var i = rng.Next(1, 9); i > 0; i--)
                store.Log(lead.Id, at, 1, "www.leadsync.example" + Pages[rng.Next(Pages.Length)], [new("Client IP Address", "10.0.19.252")]);
            if (rng.NextDouble() < 0.25)
                store.Log(lead.Id, at, 1, "www.leadsync.example/pricing");
            if (rng.NextDouble() < 0.6)
            {
                store.Log(lead.Id, at, 10, "Newsletter " + at.ToString("yyyy-MM", Inv));
                if (rng.NextDouble() < 0.5)
                    store.Log(lead.Id, at, 11, "Newsletter " + at.ToString("yyyy-MM", Inv), [new("Link", "https://www.leadsync.example/blog")]);
            }

            if (rng.NextDouble() < 0.15)
                store.Log(lead.Id, at, 2, "Whitepaper Download Form", [new("Webpage ID", "44")]);
            if (rng.NextDouble() < 0.04)
                store.Log(lead.Id, at, 2, "Demo Request Form", [new("Webpage ID", "45")]);
        }
    }

    private static Dictionary<string, string?> Fields(SandboxContact c)
    {
        var sfdc = c.SalesforceLeadId;
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["email"] = c.Email,
            ["firstName"] = c.Get("firstname"),
            ["lastName"] = c.Get("lastname"),
            ["company"] = c.Get("company"),
            ["title"] = c.Get("jobtitle"),
            ["industry"] = c.Get("industry"),
            ["numberOfEmployees"] = c.Get("numemployees"),
            ["annualRevenue"] = c.Get("annualrevenue"),
            ["phone"] = c.Get("phone"),
            ["country"] = c.Get("country"),
            ["state"] = c.Get("state"),
            ["city"] = c.Get("city"),
            ["leadSource"] = Source(c.Get("hs_analytics_source")),
            ["leadStatus"] = Status(c.LeadStatus),
            ["leadScore"] = c.Get("hubspotscore"),
            ["unsubscribed"] = c.Get("hs_email_optout") ?? "false",
            ["emailInvalid"] = c.Get("hs_email_bounce") is "0" or null ? "false" : "true",
            ["lifecycleStage"] = Stage(c.LifecycleStage),
            ["sfdcLeadId"] = sfdc,
            ["sfdcId"] = sfdc,
            ["sfdcType"] = sfdc is null ? null : "Lead",
            ["createdAt"] = MarketoFormat.Date(c.CreatedAt),
            ["updatedAt"] = MarketoFormat.Date(c.UpdatedAt),
        };
    }

    /// <summary>The person's counters as the activities that would have produced them, near their last touch.</summary>
    private static void LogBehaviour(MarketoStore store, int leadId, SandboxContact c, Random rng)
    {
        int N(string property) => int.TryParse(c.Get(property), NumberStyles.Integer, Inv, out var n) ? n : 0;
        var last = LastTouchProperties
            .Select(p => HubSpotFormat.TryParseMillis(c.Get(p), out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null)
            .OfType<DateTimeOffset>().DefaultIfEmpty(c.UpdatedAt).Max();
        var span = Math.Max(1, Math.Min(45, (int)(last - c.CreatedAt).TotalDays));
        DateTimeOffset When(int dayBack) => last.AddDays(-Math.Min(dayBack, span)).AddMinutes(-rng.Next(0, 600));

        // Page views on "visits" distinct days.
        var visits = Math.Max(1, N("hs_analytics_num_visits"));
        var views = N("hs_analytics_num_page_views");
        var days = Enumerable.Range(0, visits).Select(i => i * span / visits).ToArray();
        for (var i = 0; i < views; i++)
            store.Log(leadId, When(days[i % days.Length]), 1, "www.leadsync.example" + Pages[rng.Next(Pages.Length)]);
        for (var i = N("pricing_page_views"); i > 0; i--)
            store.Log(leadId, When(days[rng.Next(days.Length)]), 1, "www.leadsync.example/pricing");

        var downloads = N("content_downloads");
        var forms = N("num_conversion_events");
        for (var i = 0; i < forms; i++)
            store.Log(leadId, When(rng.Next(span)), 2, i < downloads ? "Whitepaper Download Form" : "Contact Us Form");
        for (var i = N("demo_requests"); i > 0; i--)
            store.Log(leadId, When(rng.Next(Math.Min(span, 7))), 2, "Demo Request Form");

        var opens = N("hs_email_open");
        for (var i = 0; i < opens; i++)
        {
            var at = When(rng.Next(span));
            var mailing = "Newsletter " + at.ToString("yyyy-MM", Inv);
            store.Log(leadId, at.AddHours(-1), 7, mailing);
            store.Log(leadId, at, 10, mailing);
        }

        for (var i = N("hs_email_click"); i > 0; i--)
            store.Log(leadId, When(rng.Next(span)), 11, "Newsletter", [new("Link", "https://www.leadsync.example/blog")]);
        for (var i = N("webinars_attended"); i > 0; i--)
            store.Log(leadId, When(rng.Next(span)), 104, "Webinar Q4", [new("New Status", "Attended"), new("Old Status", "Registered")]);
        if (N("hs_email_bounce") > 0)
            store.Log(leadId, When(0), 8, "Newsletter", [new("Details", "550 mailbox unavailable")]);
    }

    private static string? Source(string? hubSpot) => hubSpot switch
    {
        "ORGANIC_SEARCH" or "PAID_SEARCH" or "DIRECT_TRAFFIC" or "SOCIAL_MEDIA" => "Web",
        "REFERRALS" => "Partner Referral",
        "OFFLINE" => "Trade Show",
        "EMAIL_MARKETING" or "OTHER_CAMPAIGNS" => "Other",
        _ => null,
    };

    /// <summary>Marketo's Lead Status mirrors Salesforce's Status through the native sync.</summary>
    private static string? Status(string? hubSpot) => hubSpot switch
    {
        "ATTEMPTED_TO_CONTACT" => "Working - Contacted",
        "CONNECTED" => "Working - Engaged",
        "IN_PROGRESS" => "Marketing Qualified",
        "BAD_TIMING" => "Nurturing",
        "OPEN_DEAL" => "Closed - Converted",
        "UNQUALIFIED" => "Closed - Not Converted",
        null => null,
        _ => "Open - Not Contacted",
    };

    private static string? Stage(string? hubSpot) => hubSpot switch
    {
        "subscriber" => "Subscriber",
        "lead" => "Lead",
        "marketingqualifiedlead" => "MQL",
        "salesqualifiedlead" => "SQL",
        "opportunity" => "Opportunity",
        "customer" => "Customer",
        "evangelist" => "Evangelist",
        null => null,
        _ => "Other",
    };
}
