using System.Globalization;
using LeadSync.Sandbox.HubSpot;
using LeadSync.Sandbox.Salesforce;

namespace LeadSync.Sandbox.Seeding;

/// <summary>The world moving between sync cycles: prospects engage in HubSpot, reps work their leads in Salesforce.</summary>
internal static class WorldSimulator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Simulate(HubSpotStore hubSpot, SalesforceStore salesforce, int percent, int seed, DateTimeOffset now)
    {
        var rng = new Random(seed);
        var contacts = hubSpot.ListContacts();
        var engaged = Sample(contacts.Count, percent, rng);
        var nowIso = HubSpotFormat.Iso(now);
        foreach (var index in engaged)
        {
            var c = contacts[index];
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            void Add(string property, int by) =>
                values[property] = (int.TryParse(c.Get(property), NumberStyles.Integer, Inv, out var v) ? v + by : by).ToString(Inv);

            Add("hs_analytics_num_page_views", rng.Next(1, 9));
            Add("hs_analytics_num_visits", rng.Next(1, 3));
            values["hs_analytics_last_visit_timestamp"] = nowIso;
            if (rng.NextDouble() < 0.6)
            {
                Add("hs_email_open", rng.Next(1, 3));
                values["hs_email_last_open_date"] = nowIso;
                if (rng.NextDouble() < 0.5)
                {
                    Add("hs_email_click", 1);
                    values["hs_email_last_click_date"] = nowIso;
                }
            }

            if (rng.NextDouble() < 0.25)
                Add("pricing_page_views", 1);
            if (rng.NextDouble() < 0.15)
            {
                Add("num_conversion_events", 1);
                Add("content_downloads", 1);
                values["recent_conversion_date"] = nowIso;
            }

            if (rng.NextDouble() < 0.04)
            {
                Add("demo_requests", 1);
                Add("num_conversion_events", 1);
                values["recent_conversion_date"] = nowIso;
            }

            if (rng.NextDouble() < 0.05)
                Add("webinars_attended", 1);
            hubSpot.SetProperties(c.Id, values);
        }

        var activeReps = salesforce.ListUsers()
            .Where(u => u.IsActive && u.Id != salesforce.IntegrationUserId)
            .Select(u => u.Id)
            .ToList();
        if (activeReps.Count == 0)
            return;

        // Leads in an order that does not depend on when each was created: seeded leads (no key) as seeded, then the
        // leads a sync created, by their key. Two runs of one seed that created the same leads in a different order
        // (a chaos run and its fault-free reference) then see the same reps at work.
        var leads = salesforce.ListLeads()
            .Select((lead, position) => (Lead: lead, Position: position, Key: lead.Get(SalesforceSchema.ExternalKeyField) as string))
            .OrderBy(l => l.Key is null ? 0 : 1)
            .ThenBy(l => l.Key is null ? l.Position : 0)
            .ThenBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => l.Lead)
            .ToList();
        var repOwned = leads.Where(l => !l.IsConverted && l.OwnerId is { } o && o.StartsWith("005", StringComparison.Ordinal) && o != salesforce.IntegrationUserId).ToList();
        foreach (var index in Sample(repOwned.Count, percent, rng))
        {
            var lead = repOwned[index];
            var roll = rng.NextDouble();
            var change = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (roll < 0.7)
            {
                change["Status"] = lead.Status switch
                {
                    "Marketing Qualified" => "Working - Contacted",
                    "Working - Contacted" => "Working - Engaged",
                    "Working - Engaged" => rng.NextDouble() < 0.5 ? "Closed - Not Converted" : "Nurturing",
                    _ => "Working - Contacted",
                };
            }
            else
            {
                change["OwnerId"] = activeReps[rng.Next(activeReps.Count)];
            }

            salesforce.SetLeadFields(lead.Id, change);
        }

        // Now and then a rep picks a lead straight from the marketing queue: a human decision automation must respect.
        var queued = leads.Where(l => !l.IsConverted && l.OwnerId == salesforce.MarketingQueueId).ToList();
        var grabs = Math.Min(queued.Count, Math.Max(percent > 0 ? 1 : 0, queued.Count * percent / 1000));
        foreach (var index in Sample(queued.Count, grabs * 100.0 / Math.Max(1, queued.Count), rng).Take(grabs))
        {
            salesforce.SetLeadFields(queued[index].Id, new Dictionary<string, object?>
            {
                ["OwnerId"] = activeReps[rng.Next(activeReps.Count)],
                ["Status"] = "Working - Contacted",
            });
        }

        MoveDeals(salesforce, percent, seed);
    }

    /// <summary>
    /// Reps convert some of the leads they are working (lead → contact + open opportunity with an amount) and move open
    /// deals along: a stage forward, and from negotiation to won or lost; now and then a deal is lost early. Its own
    /// random sequence, drawn after everything above, so the rest of the world moves exactly as it did before deals.
    /// </summary>
    private static void MoveDeals(SalesforceStore salesforce, int percent, int seed)
    {
        var rng = new Random(unchecked((seed * 397) ^ 0x0DEA1));
        var open = salesforce.ListOpportunities().Where(o => o.Get("IsClosed") is not true).ToList();
        var stages = SalesforceSchema.OpportunityStages;
        foreach (var index in Sample(open.Count, Math.Min(100, percent * 3), rng))
        {
            var deal = open[index];
            var at = Enumerable.Range(0, stages.Count).First(i => stages[i].Name == deal.GetString("StageName"));
            var roll = rng.NextDouble();
            var next = roll < 0.1 ? "Closed Lost"
                : stages[at].Name == "Negotiation/Review" ? (roll < 0.65 ? "Closed Won" : "Closed Lost")
                : stages[at + 1].Name;
            salesforce.SetOpportunityStage(deal.Id, next);
        }

        var working = Ordered(salesforce)
            .Where(l => !l.IsConverted && l.Status is "Working - Engaged" or "Working - Contacted"
                && l.OwnerId is { } o && o.StartsWith("005", StringComparison.Ordinal) && o != salesforce.IntegrationUserId)
            .ToList();
        foreach (var index in Sample(working.Count, percent, rng))
        {
            var amount = 500.0 * rng.Next(10, 121); // 5,000 to 60,000 in steps of 500
            salesforce.ConvertLead(working[index].Id, amount);
        }
    }

    /// <summary>Leads in an order that does not depend on when each was created (see <see cref="Simulate"/>).</summary>
    private static List<SalesforceRecord> Ordered(SalesforceStore salesforce) =>
        salesforce.ListLeads()
            .Select((lead, position) => (Lead: lead, Position: position, Key: lead.Get(SalesforceSchema.ExternalKeyField) as string))
            .OrderBy(l => l.Key is null ? 0 : 1)
            .ThenBy(l => l.Key is null ? l.Position : 0)
            .ThenBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => l.Lead)
            .ToList();

    private static List<int> Sample(int count, double percent, Random rng)
    {
        var take = (int)Math.Round(count * Math.Clamp(percent, 0, 100) / 100.0);
        var indices = Enumerable.Range(0, count).ToArray();
        for (var i = 0; i < take; i++)
        {
            var j = rng.Next(i, count);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        var chosen = indices[..take];
        Array.Sort(chosen);
        return [.. chosen];
    }
}
