using LeadSync.Domain.Planning;
using LeadSync.Sync.Reporting;

namespace LeadSync.Sync.Tests;

/// <summary>The sources report on a history small enough to count by hand.</summary>
public sealed class SourcesReportTests
{
    private const string C = "c";
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static HistoryEntry Event(string lead, int hours, string kind, string? source = null, string? deal = null, decimal? amount = null, string? rep = null) =>
        new(C, lead, T0.AddHours(hours), kind, SystemRole.Crm, To: deal, Rep: rep, Source: source, Amount: amount);

    [Fact]
    public void Sources_LeadsHandoffsConversionsAndRevenue_PerSourceAndPerRep()
    {
        HistoryEntry[] history =
        [
            // Webinar: three leads, two handed off, both converted, one won 12,000 (its amount corrected once), one lost.
            Event("w1", 0, HistoryKinds.Stage, "Webinar"),
            Event("w1", 1, HistoryKinds.Handoff, "Webinar", rep: "005A"),
            Event("w1", 2, HistoryKinds.Converted, "Webinar", "006W1", 10_000m, "005A"),
            Event("w1", 30, HistoryKinds.Won, "Webinar", "006W1", 11_000m, "005A"),
            Event("w1", 31, HistoryKinds.Won, "Webinar", "006W1", 12_000m, "005A"),
            Event("w2", 0, HistoryKinds.Handoff, "Webinar", rep: "005B"),
            Event("w2", 3, HistoryKinds.Converted, "Webinar", "006W2", 4_000m, "005B"),
            Event("w2", 40, HistoryKinds.Lost, "Webinar", "006W2", 4_000m, "005B"),
            Event("w3", 0, HistoryKinds.Stage, "Webinar"),

            // Web: one lead won 5,000 — its later events name no source, it stays under its first one.
            Event("x1", 0, HistoryKinds.Handoff, "Web", rep: "005B"),
            Event("x1", 5, HistoryKinds.Converted, null, "006X1", 5_000m, "005B"),
            Event("x1", 6, HistoryKinds.Won, null, "006X1", 5_000m, "005B"),

            // No source at all; and a win before the period, which does not count.
            Event("n1", 0, HistoryKinds.Stage),
            Event("old", -100, HistoryKinds.Won, "Web", "006OLD", 99_000m, "005A"),
        ];

        var report = ReportBuilder.Sources(C, T0.AddDays(-1), T0.AddDays(10), history);

        var sources = report.Section("by-source");
        Assert.Equal(["Webinar", "Web", ReportBuilder.NoSource, "(all)"], sources.Rows.Select(r => (string)r[0]!));
        Assert.Equal<object?>(["Webinar", 3, 2, 2, 1, 1, 12_000m, 0.3333], sources.Rows[0]);
        Assert.Equal<object?>(["Web", 1, 1, 1, 1, 0, 5_000m, 1.0], sources.Rows[1]);
        Assert.Equal<object?>([ReportBuilder.NoSource, 1, 0, 0, 0, 0, 0m, 0.0], sources.Rows[2]);
        Assert.Equal<object?>(["(all)", 5, 3, 3, 2, 1, 17_000m, 0.4], sources.Rows[3]);

        var reps = report.Section("by-rep");
        Assert.Equal<object?>(["005A", 1, 1, 0, 12_000m, 1.0], reps.Rows[0]);
        Assert.Equal<object?>(["005B", 2, 1, 1, 5_000m, 0.5], reps.Rows[1]);
    }

    [Fact]
    public void Funnel_DealsSection_CountsConvertedWonLostAndRevenue()
    {
        HistoryEntry[] history =
        [
            Event("a", 1, HistoryKinds.Converted, "Web", "006A", 1_000m),
            Event("a", 2, HistoryKinds.Won, "Web", "006A", 1_500m),
            Event("b", 1, HistoryKinds.Converted, "Web", "006B", 2_000m),
            Event("b", 3, HistoryKinds.Lost, "Web", "006B", 2_000m),
        ];

        var report = ReportBuilder.Funnel(C, T0.AddDays(-1), T0.AddDays(1), [], history);

        var deals = report.Section("deals");
        Assert.Equal<object?>([HistoryKinds.Converted, 2, 3_000m], deals.Rows[0]);
        Assert.Equal<object?>([HistoryKinds.Won, 1, 1_500m], deals.Rows[1]);
        Assert.Equal<object?>([HistoryKinds.Lost, 1, 2_000m], deals.Rows[2]);
    }
}
