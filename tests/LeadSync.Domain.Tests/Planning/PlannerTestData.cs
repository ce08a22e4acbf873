using System.Globalization;
using System.Text;
using LeadSync.Domain.Planning;
using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Tests.Planning;

/// <summary>
/// People, owners and routing for planner tests, on the default connection model. Scores with the default scoring
/// (fit: VP title 15 + 1200 employees 15 + Technology 10 + United States 5 = 45 of 45 → 50 points, grade A;
/// behaviour: demo 25 + 0.2 per page view, of 70 → half of it): 1 demo and 22 views score 71, 1 demo and 15 views 70.
/// </summary>
internal static class PlannerTestData
{
    /// <summary>Tuesday 2026-11-24 15:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    public const string MarketingId = "101";
    public const string LeadKey = "hs-101";
    public const string CrmId = "00Q000000000101AAA";

    public const string IntegrationUser = "005000000000001AAA";
    public const string Ana = "005000000000011AAA";
    public const string Ben = "005000000000012AAA";
    public const string Cleo = "005000000000021AAA";
    public const string Dan = "005000000000022AAA";
    public const string SomeRep = "005000000000099AAA";
    public const string MarketingQueue = "00G000000000001AAA";
    public const string OverflowQueue = "00G000000000002AAA";

    public const string HsAna = "hs-owner-ana";
    public const string HsBen = "hs-owner-ben";
    public const string HsCleo = "hs-owner-cleo";
    public const string HsDan = "hs-owner-dan";

    public const string Vp = "VP of Operations";

    /// <summary>The behaviour of a score of 71 (with the full fit).</summary>
    public static readonly (int Demos, int Views) Hot = (1, 22);

    /// <summary>The behaviour of a score of 70 (with the full fit).</summary>
    public static readonly (int Demos, int Views) Warm = (1, 15);

    /// <summary>No behaviour: 50 with the full fit, 33 with <see cref="ColdTitle"/>.</summary>
    public static readonly (int Demos, int Views) Quiet = (0, 0);

    /// <summary>A title no fit rule rewards: fit 30 of 45.</summary>
    public const string ColdTitle = "Engineer";

    /// <summary>NA (Ana, Ben) catches everything; EMEA (Cleo, Dan) takes Germany, France and the UK; overflow queue last.</summary>
    public static RoutingOptions TwoTeams() => new()
    {
        Rules =
        [
            new RoutingRule
            {
                Id = "emea",
                Team = "EMEA",
                Conditions = [new RuleCondition { Field = "HubSpot.country", Operator = ConditionOperator.In, Values = ["Germany", "France", "United Kingdom"] }],
            },
            new RoutingRule { Id = "everyone-else", Team = "NA" },
        ],
        Teams =
        [
            new TeamOptions { Name = "NA", Reps = [new RepOptions { Email = "ana@acme.example" }, new RepOptions { Email = "ben@acme.example" }] },
            new TeamOptions { Name = "EMEA", Reps = [new RepOptions { Email = "cleo@acme.example" }, new RepOptions { Email = "dan@acme.example" }] },
        ],
        FallbackQueueDeveloperName = "Sales_Overflow",
    };

    public static ConnectionModelOptions Options(Action<ConnectionModelOptions>? configure = null)
    {
        var options = new ConnectionModelOptions { Routing = TwoTeams() };
        configure?.Invoke(options);
        return options;
    }

    public static LeadPlanner Planner(Action<ConnectionModelOptions>? configure = null) => new(new ConnectionModel(Options(configure)));

    public static OwnerDirectory Owners(bool anaActive = true, bool benActive = true, bool withOverflowQueue = true) => OwnerDirectory.Create(
        [
            new CrmUser(IntegrationUser, "LeadSync", "integration@acme.example", true),
            new CrmUser(Ana, "Ana", "ana@acme.example", anaActive),
            new CrmUser(Ben, "Ben", "ben@acme.example", benActive),
            new CrmUser(Cleo, "Cleo", "cleo@acme.example", true),
            new CrmUser(Dan, "Dan", "dan@acme.example", true),
            new CrmUser(SomeRep, "Sam", "sam@acme.example", true),
        ],
        withOverflowQueue
            ? [new CrmQueue(MarketingQueue, "Marketing Nurture", "Marketing_Nurture"), new CrmQueue(OverflowQueue, "Sales Overflow", "Sales_Overflow")]
            : [new CrmQueue(MarketingQueue, "Marketing Nurture", "Marketing_Nurture")],
        [
            new MarketingOwner(HsAna, "ana@acme.example", "Ana", "Alder", false, "PERSON"),
            new MarketingOwner(HsBen, "ben@acme.example", "Ben", "Birch", false, "PERSON"),
            new MarketingOwner(HsCleo, "cleo@acme.example", "Cleo", "Cedar", false, "PERSON"),
            new MarketingOwner(HsDan, "dan@acme.example", "Dan", "Dogwood", false, "PERSON"),
        ],
        integrationUserId: null,
        integrationUserEmail: "integration@acme.example",
        marketingQueueDeveloperName: "Marketing_Nurture");

    public static Dictionary<string, string?> MarketingBag((int Demos, int Views) behaviour, string title = Vp, string country = "United States") => new(StringComparer.Ordinal)
    {
        ["firstname"] = "Ada",
        ["lastname"] = "Lovelace",
        ["company"] = "Acme",
        ["email"] = "ada@acme.example",
        ["jobtitle"] = title,
        ["numemployees"] = "1200",
        ["industry"] = "Technology",
        ["country"] = country,
        ["demo_requests"] = behaviour.Demos.ToString(CultureInfo.InvariantCulture),
        ["hs_analytics_num_page_views"] = behaviour.Views.ToString(CultureInfo.InvariantCulture),
    };

    public static Dictionary<string, string?> CrmBag(string title = Vp, string country = "United States") => new(StringComparer.Ordinal)
    {
        ["FirstName"] = "Ada",
        ["LastName"] = "Lovelace",
        ["Company"] = "Acme",
        ["Email"] = "ada@acme.example",
        ["Title"] = title,
        ["NumberOfEmployees"] = "1200",
        ["Industry"] = "Technology",
        ["Country"] = country,
    };

    public static MarketingPerson Contact(
        (int Demos, int Views) behaviour,
        string? status = "NEW",
        string? stage = "lead",
        string? owner = null,
        string? crmId = CrmId,
        string title = Vp,
        string country = "United States",
        string id = MarketingId) =>
        new(id, "ada@acme.example", "Ada", "Lovelace", "Acme", "Webinar", status, stage, owner, crmId, MarketingBag(behaviour, title, country), Now.AddHours(-1));

    public static CrmPerson Lead(
        string? status = "Open - Not Contacted",
        string? owner = IntegrationUser,
        bool ownerIsQueue = false,
        bool converted = false,
        string? score = null,
        string? grade = null,
        string? marketingId = MarketingId,
        string title = Vp,
        string country = "United States",
        string id = CrmId) =>
        new(id, "ada@acme.example", "Ada", "Lovelace", "Acme", "Webinar", status, owner, ownerIsQueue, converted, marketingId, score, grade, null, CrmBag(title, country), Now.AddHours(-2));

    /// <summary>What LeadSync remembers after settling exactly these records (their fields and typed values as last seen).</summary>
    public static LeadRecord Record(MarketingPerson? contact, CrmPerson? lead, bool inSales = false, int crossings = 0, int? score = null) => new(
        "test",
        LeadKey,
        contact?.Id,
        lead?.Id,
        contact is null ? new Dictionary<string, string?>() : SeenMarketing(contact),
        lead is null ? new Dictionary<string, string?>() : SeenCrm(lead),
        score,
        "A",
        inSales,
        crossings,
        null,
        Now.AddDays(-1));

    public static Dictionary<string, string?> SeenMarketing(MarketingPerson contact) => new(contact.Fields, StringComparer.Ordinal)
    {
        [SeenKeys.Owner] = contact.OwnerId,
        [SeenKeys.Status] = contact.LeadStatus,
        [SeenKeys.Stage] = contact.LifecycleStage,
        [SeenKeys.ModifiedAt] = contact.ModifiedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    public static Dictionary<string, string?> SeenCrm(CrmPerson lead) => new(lead.Fields, StringComparer.Ordinal)
    {
        [SeenKeys.Owner] = lead.OwnerId,
        [SeenKeys.Status] = lead.Status,
        [SeenKeys.ModifiedAt] = lead.ModifiedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    public static PersonSnapshot Person(MarketingPerson? contact, CrmPerson? lead, LeadRecord? record = null, IReadOnlyList<AssignmentEntry>? ledger = null, string key = LeadKey) =>
        new(key, contact, lead, record, ledger ?? []);

    public static BatchSnapshot Batch(params PersonSnapshot[] people) => new(people, Owners(), RoutingState.Empty, Now);

    public static PersonPlan PlanOne(PersonSnapshot person, Action<ConnectionModelOptions>? configure = null, OwnerDirectory? owners = null, RoutingState? routing = null) =>
        Planner(configure).PlanOne(person, owners ?? Owners(), routing ?? RoutingState.Empty, Now);

    public static RoutingState Positions(params (string Team, long Position)[] positions) =>
        new(positions.ToDictionary(p => p.Team, p => p.Position, StringComparer.Ordinal), new Dictionary<string, int>(StringComparer.Ordinal));

    public static AssignmentEntry Entry(int crossing, string owner, string? marketingOwner = null, string team = "NA", bool closed = false, AssignmentNote? note = null, string? crmLeadId = CrmId) => new(
        "test", LeadKey, crossing, crmLeadId, owner, marketingOwner, team, "routed earlier", AssignmentSteps.None, null,
        Now.AddHours(-3), Now.AddHours(-3), null, null, 0, Now.AddHours(1), closed, note);

    /// <summary>
    /// A canonical, order-stable rendering of a batch plan (records holding dictionaries do not compare by value):
    /// every decided value of every person, dictionaries sorted by key.
    /// </summary>
    public static string Render(BatchPlan plan)
    {
        var text = new StringBuilder();
        foreach (var p in plan.People)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{p.LeadKey}] score {p.Score} {p.Grade} blocked {p.Blocked} released {p.Released} untouchable {p.Untouchable} ");
            text.Append(CultureInfo.InvariantCulture, $"inSales {p.InSalesAfter} crossings {p.CrossingsAfter} firstSeen {p.FirstSeenAboveThresholdAt:O} ");
            text.Append(CultureInfo.InvariantCulture, $"status {p.StatusBefore}→{p.StatusAfter} stage {p.StageBefore}→{p.StageAfter}\n");
            if (p.MarketingWrite is { } m)
            {
                text.Append(CultureInfo.InvariantCulture, $"  M {m.Id} status {m.LeadStatus} stage {m.Stage} owner {m.Owner} crm {m.CrmId} link {m.LinkCreatedCrmLead} score {m.Score} {Bag(m.Fields)}\n");
            }

            if (p.CrmWrite is { } c)
            {
                text.Append(CultureInfo.InvariantCulture, $"  C {c.Id} status {c.Status} owner {c.Owner} marketing {c.MarketingId} score {c.Score} {Bag(c.Fields)}\n");
            }

            if (p.CrmCreate is { } n)
            {
                text.Append(CultureInfo.InvariantCulture, $"  N {n.Key} {n.Email} {n.FirstName} {n.LastName} {n.Company} {n.Status} {n.OwnerId} {n.MarketingId} {n.Score} {Bag(n.Fields)}\n");
            }

            if (p.Handoff is { } h)
            {
                text.Append(CultureInfo.InvariantCulture, $"  H {h.Crossing} {h.OwnerId} {h.MarketingOwnerId} {h.Team} {h.RepEmail} {h.SlaDueAt:O} resumed {h.Resumed} {h.Note} | {h.Reason} | {h.Entry}\n");
            }

            foreach (var closed in p.Closes)
            {
                text.Append(CultureInfo.InvariantCulture, $"  X {closed}\n");
            }

            foreach (var reason in p.Reasons)
            {
                text.Append(CultureInfo.InvariantCulture, $"  R {reason}\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"advances {Bag(plan.RoutingAdvances)} positions {Bag(plan.RoutingAfter.Positions)} loads {Bag(plan.RoutingAfter.OpenLeadsByOwner)}");
        return text.ToString();
    }

    private static string Bag<T>(IReadOnlyDictionary<string, T> values) =>
        "{" + string.Join(", ", values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}")) + "}";
}
