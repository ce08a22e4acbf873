namespace LeadSync.Sync.Reporting;

/// <summary>Lead-source performance: from lead to handoff to customer, and the revenue won.</summary>
public static partial class ReportBuilder
{
    /// <summary>The source of a lead no event names.</summary>
    public const string NoSource = "(none)";

    /// <summary>
    /// Per lead source, over the period: leads (people with any event), handoffs, leads converted, leads whose deal was
    /// won or lost, the revenue won (each deal once, at its last won amount) and conversion to customer (won / leads).
    /// A lead's source is the first one its events name, so a lead counts under one source only. The same per rep
    /// (the CRM owner of the converted lead).
    /// </summary>
    public static Report Sources(string connection, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<HistoryEntry> history)
    {
        var inPeriod = history.Where(h => h.At >= since && h.At < until).OrderBy(h => h.At).ThenBy(h => h.Id).ToList();
        var sourceOf = inPeriod
            .GroupBy(h => h.LeadKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(h => h.Source).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s)) ?? NoSource, StringComparer.Ordinal);

        var bySource = inPeriod
            .GroupBy(h => sourceOf[h.LeadKey], StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Row: Outcomes(g.ToList())))
            .OrderByDescending(r => r.Row.Revenue).ThenByDescending(r => r.Row.Leads).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => (IReadOnlyList<object?>)[r.Key, r.Row.Leads, r.Row.Handoffs, r.Row.Converted, r.Row.Won, r.Row.Lost, r.Row.Revenue, Rate(r.Row.Won, r.Row.Leads)])
            .ToList();
        var total = Outcomes(inPeriod);
        bySource.Add(["(all)", total.Leads, total.Handoffs, total.Converted, total.Won, total.Lost, total.Revenue, Rate(total.Won, total.Leads)]);

        var deals = inPeriod.Where(h => h.Kind is HistoryKinds.Converted or HistoryKinds.Won or HistoryKinds.Lost).ToList();
        var byRep = deals
            .GroupBy(h => h.Rep ?? "-", StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Row: Outcomes(g.ToList())))
            .OrderByDescending(r => r.Row.Revenue).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => (IReadOnlyList<object?>)[r.Key, r.Row.Converted, r.Row.Won, r.Row.Lost, r.Row.Revenue, Rate(r.Row.Won, r.Row.Won + r.Row.Lost)])
            .ToList();

        return new Report("sources", connection, since, until,
        [
            new ReportSection("by-source", ["source", "leads", "handoffs", "converted", "won", "lost", "won_revenue", "to_customer_rate"], bySource),
            new ReportSection("by-rep", ["rep", "converted", "won", "lost", "won_revenue", "win_rate"], byRep),
        ]);
    }

    /// <summary>The counts of one group of events; a lead counts once per outcome, a deal's revenue once.</summary>
    private static (int Leads, int Handoffs, int Converted, int Won, int Lost, decimal Revenue) Outcomes(IReadOnlyList<HistoryEntry> events)
    {
        int Leads(string kind) => events.Where(e => e.Kind == kind).Select(e => e.LeadKey).Distinct(StringComparer.Ordinal).Count();
        var won = events.Where(e => e.Kind == HistoryKinds.Won).ToList();
        var revenue = won.GroupBy(e => e.To ?? e.LeadKey, StringComparer.Ordinal).Sum(g => g.Last().Amount ?? 0m);
        return (
            events.Select(e => e.LeadKey).Distinct(StringComparer.Ordinal).Count(),
            events.Count(e => e.Kind == HistoryKinds.Handoff),
            Leads(HistoryKinds.Converted),
            Leads(HistoryKinds.Won),
            Leads(HistoryKinds.Lost),
            revenue);
    }

    /// <summary>
    /// The funnel past the CRM's conversion: leads converted, deals won (with the revenue, each deal once) and lost over
    /// the period, as the history recorded them.
    /// </summary>
    private static List<IReadOnlyList<object?>> Deals(IReadOnlyList<HistoryEntry> history, DateTimeOffset since, DateTimeOffset until)
    {
        var events = history.Where(h => h.At >= since && h.At < until).OrderBy(h => h.At).ThenBy(h => h.Id).ToList();
        IReadOnlyList<object?> Row(string kind) =>
        [
            kind,
            events.Where(e => e.Kind == kind).Select(e => e.LeadKey).Distinct(StringComparer.Ordinal).Count(),
            events.Where(e => e.Kind == kind).GroupBy(e => e.To ?? e.LeadKey, StringComparer.Ordinal).Sum(g => g.Last().Amount ?? 0m),
        ];
        return [Row(HistoryKinds.Converted), Row(HistoryKinds.Won), Row(HistoryKinds.Lost)];
    }

    private static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}
