using System.Globalization;
using LeadSync.Sandbox.HubSpot;
using LeadSync.Sandbox.Salesforce;

namespace LeadSync.Sandbox.Pardot;

/// <summary>
/// The Account Engagement side of the seeded world, made from the same people: every marketing person of the world
/// is a prospect (same id, email, names, firmographics), linked by <c>salesforceId</c> where the native connector
/// would have linked it (the people matched on both sides), unlinked otherwise; every twentieth linked person also has
/// an unlinked second prospect with the same email (allowed with AMPSEA). Engagement becomes visitor activities.
/// </summary>
internal static class PardotWorld
{
    /// <summary>Form ids the seeded activities use: the demo-request form and every other form.</summary>
    public const long DemoFormId = 2002;

    public const long OtherFormId = 2001;

    private const int MaxPerSignal = 12;

    public static void Seed(PardotStore pardot, HubSpotStore hubSpot, SalesforceStore salesforce, SandboxOptions options, DateTimeOffset now)
    {
        var rng = new Random(options.Seed ^ 0x9A2D07);
        var linked = 0;
        foreach (var contact in hubSpot.ListContacts())
        {
            if (!long.TryParse(contact.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                continue;
            var leadId = contact.SalesforceLeadId;
            var lead = leadId is null ? null : salesforce.GetLead(leadId);
            var fields = Fields(contact, lead);
            pardot.SeedProspect(id, fields, contact.CreatedAt, contact.UpdatedAt);
            SeedActivities(pardot, id, contact, rng, now);
            if (lead is not null && ++linked % 20 == 0)
            {
                // A second prospect with this email (a form fill before AMPSEA matched it): no link, little activity.
                var twin = Fields(contact, null);
                var twinRow = pardot.SeedProspect(null, twin, contact.CreatedAt.AddDays(3), contact.UpdatedAt.AddMinutes(-7));
                pardot.AddActivity(twinRow.Id, 4, "Form", now.AddDays(-rng.Next(5, 60)), formId: OtherFormId, details: "Contact us", seeded: true);
            }
        }

        var nurture = pardot.AddList("Nurture - Engagement Studio", isDynamic: false);
        pardot.AddList("All Prospects", isDynamic: true);
        pardot.AddList("Webinar Invitees", isDynamic: false, isPublic: true);
        foreach (var prospect in pardot.CurrentProspects().Where(p => p.GetString("salesforceId") is null).Take(10))
            pardot.AddMembership(nurture.Id, prospect.Id, optedOut: false);
    }

    /// <summary>
    /// Moves the world on: <paramref name="percent"/>% of prospects engage now (opens, clicks, forms, now and then a
    /// demo request), which moves their lastActivityAt but not their updatedAt; a few of them edit their job title.
    /// </summary>
    public static void Simulate(PardotStore pardot, int percent, int seed, DateTimeOffset now)
    {
        var rng = new Random(seed ^ 0x51A7);
        foreach (var prospect in pardot.CurrentProspects())
        {
            if (prospect.IsDeleted || rng.Next(100) >= percent)
                continue;
            var id = prospect.Id;
            pardot.AddActivity(id, 11, "Email", now, emailId: 555 + rng.Next(5), details: "Newsletter");
            if (rng.Next(2) == 0)
                pardot.AddActivity(id, 1, "Email", now, emailId: 555, details: "Newsletter link");
            if (rng.Next(3) == 0)
                pardot.AddActivity(id, 4, "Form", now, formId: OtherFormId, details: "Whitepaper");
            if (rng.Next(6) == 0)
                pardot.AddActivity(id, 4, "Form", now, formId: DemoFormId, details: "Request a demo");
            if (rng.Next(10) == 0)
                pardot.Update(id, new Dictionary<string, object?> { ["jobTitle"] = "Director of Operations" });
        }
    }

    private static Dictionary<string, object?> Fields(SandboxContact contact, SalesforceRecord? lead)
    {
        long? score = long.TryParse(contact.Get("hubspotscore"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null;
        var employees = contact.Get("numemployees");
        var title = contact.Get("jobtitle") ?? string.Empty;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["email"] = contact.Email,
            ["firstName"] = contact.Get("firstname"),
            ["lastName"] = contact.Get("lastname"),
            ["company"] = contact.Get("company"),
            ["jobTitle"] = contact.Get("jobtitle"),
            ["industry"] = contact.Get("industry"),
            ["employees"] = employees,
            ["annualRevenue"] = contact.Get("annualrevenue"),
            ["country"] = contact.Get("country"),
            ["state"] = contact.Get("state"),
            ["city"] = contact.Get("city"),
            ["phone"] = contact.Get("phone"),
            ["source"] = contact.Get("hs_analytics_source"),
            ["score"] = score,
            ["grade"] = Grade(title, employees),
            ["isDoNotEmail"] = contact.Get("hs_email_optout") == "true",
            ["isDoNotCall"] = false,
            ["optedOut"] = contact.Get("hs_email_optout") == "true",
            ["salesforceId"] = lead?.Id,
            ["salesforceLeadId"] = lead?.Id,
            ["salesforceContactId"] = null,
            ["salesforceOwnerId"] = lead?.OwnerId,
            ["assignedToId"] = null,
            ["Lead_Status__c"] = contact.LeadStatus,
            ["LeadSync_Score__c"] = null,
            ["LeadSync_Grade__c"] = null,
            ["lastActivityAt"] = null,
        };
    }

    /// <summary>A profile-driven grade in Account Engagement's letters (A+ … F).</summary>
    private static string Grade(string title, string? employees)
    {
        var points = 0;
        var t = title.ToUpperInvariant();
        if (t.Contains("CHIEF", StringComparison.Ordinal) || t.Contains("VP", StringComparison.Ordinal) || t.Contains("HEAD", StringComparison.Ordinal))
            points += 2;
        else if (t.Contains("DIRECTOR", StringComparison.Ordinal))
            points += 1;
        if (int.TryParse(employees, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            points += n >= 500 ? 2 : n >= 50 ? 1 : 0;
        return points switch { >= 4 => "A+", 3 => "A", 2 => "B+", 1 => "C", _ => "D" };
    }

    private static void SeedActivities(PardotStore pardot, long id, SandboxContact contact, Random rng, DateTimeOffset now)
    {
        int Count(string property) => Math.Min(MaxPerSignal, int.TryParse(contact.Get(property), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0);
        DateTimeOffset When() => now.AddDays(-rng.Next(1, 90)).AddMinutes(-rng.Next(0, 1440));

        for (var i = Count("hs_email_open"); i > 0; i--)
            pardot.AddActivity(id, 11, "Email", When(), emailId: 555 + rng.Next(5), details: "Newsletter", seeded: true);
        for (var i = Count("hs_email_click"); i > 0; i--)
            pardot.AddActivity(id, 1, "Email", When(), emailId: 555 + rng.Next(5), details: "Newsletter link", seeded: true);
        for (var i = Count("num_conversion_events"); i > 0; i--)
            pardot.AddActivity(id, 4, "Form", When(), formId: OtherFormId, details: "Whitepaper", seeded: true);
        for (var i = Count("demo_requests"); i > 0; i--)
            pardot.AddActivity(id, 4, "Form", When(), formId: DemoFormId, details: "Request a demo", seeded: true);
        for (var i = Count("content_downloads"); i > 0; i--)
            pardot.AddActivity(id, 1, "File", When(), fileId: 880 + rng.Next(3), details: "Buyer's guide.pdf", seeded: true);
        for (var i = Count("pricing_page_views"); i > 0; i--)
            pardot.AddActivity(id, 2, "Visit", When(), details: "/pricing", seeded: true);
        for (var i = Count("hs_analytics_num_page_views"); i > 0; i--)
            pardot.AddActivity(id, 2, "Visit", When(), details: "/blog", seeded: true);
        for (var i = Count("webinars_attended"); i > 0; i--)
            pardot.AddActivity(id, 24, "Webinar", When(), details: "Quarterly webinar", seeded: true);
    }
}
