using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Reporting;

namespace LeadSync.Sync.Tests;

/// <summary>The reports on a small history whose numbers can be worked out by hand.</summary>
public sealed class ReportBuilderTests
{
    private const string C = "c";
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Since = T0.AddDays(-1);
    private static readonly DateTimeOffset Until = T0.AddDays(10);

    private static HistoryEntry Stage(string lead, int hours, string? from, string to) =>
        new(C, lead, T0.AddHours(hours), HistoryKinds.Stage, SystemRole.Marketing, from, to, HistoryKinds.ByPerson);

    private static HistoryEntry Handoff(string lead, DateTimeOffset? crossedAt, TimeSpan latency, string rep, string team, DateTimeOffset firstSeen, string? from = null) =>
        new(C, lead, (crossedAt ?? firstSeen) + latency, HistoryKinds.Handoff, SystemRole.Crm, from, rep, Crossing: 1, Rep: rep, Team: team,
            CrossedAt: crossedAt, FirstSeenAt: firstSeen, OwnerWrittenAt: (crossedAt ?? firstSeen) + latency);

    [Fact]
    public void Handoffs_Latencies_FromTheCrossingChangeWithNearestRankPercentiles()
    {
        var crossedEarlier = new HistoryEntry(C, "k3", T0.AddMinutes(-30), HistoryKinds.Crossed, Crossing: 1, CrossedAt: T0.AddMinutes(-30));
        HistoryEntry[] history =
        [
            Handoff("k1", T0, TimeSpan.FromSeconds(60), "005A", "emea", T0.AddSeconds(50)),
            Handoff("k2", T0, TimeSpan.FromSeconds(120), "005B", "emea", T0.AddSeconds(100)),
            crossedEarlier,

            // Crossed in an earlier batch: its crossing event dates it (30 minutes before it was first seen, owner written 10 minutes after).
            Handoff("k3", null, TimeSpan.FromMinutes(10), "005A", "us", T0) with { OwnerWrittenAt = T0.AddMinutes(10) },
            Handoff("k4", T0.AddDays(-3), TimeSpan.FromDays(3), "005A", "us", T0, HistoryKinds.FirstLook),
        ];

        var report = ReportBuilder.Handoffs(C, Since, Until, history);

        var summary = report.Section("summary");
        Assert.Equal(4, summary.Cell("handoffs", "value"));
        // Latencies 60 s, 120 s, 2400 s (k3: 40 min from its crossing event), 259200 s (k4: three days, a first look).
        Assert.Equal(120d, summary.Cell("p50_seconds", "value"));
        Assert.Equal(259200d, summary.Cell("p95_seconds", "value"));
        Assert.Equal(1, summary.Cell("first_look_handoffs", "value"));
        Assert.Equal(2400d, summary.Cell("p95_after_first_look_seconds", "value"));
        Assert.Equal(2, report.Section("by-team").Cell("emea", "handoffs"));
    }

    [Fact]
    public void Funnel_StageEvents_ConversionAndMedianTimeInStage()
    {
        HistoryEntry[] history =
        [
            Stage("a", 0, null, "lead"), Stage("a", 10, "lead", "marketingqualifiedlead"), Stage("a", 30, "marketingqualifiedlead", "salesqualifiedlead"),
            Stage("b", 0, null, "lead"), Stage("b", 20, "lead", "marketingqualifiedlead"),
            Stage("c", 0, null, "lead"),
            Stage("d", -48, null, "lead"), // before the period: not counted
        ];
        LeadRecord Lead(string key, string stage, string? status) => new(
            C, key, key, null, new Dictionary<string, string?> { [SeenKeys.Stage] = stage, [SeenKeys.Status] = status }, new Dictionary<string, string?>(),
            50, "B", false, 0, null, T0);
        LeadRecord[] leads = [Lead("a", "salesqualifiedlead", "NEW"), Lead("b", "marketingqualifiedlead", "NEW"), Lead("c", "lead", null), Lead("d", "lead", "OPEN")];

        var report = ReportBuilder.Funnel(C, Since, Until, leads, history);

        Assert.Equal([("lead", 2), ("marketingqualifiedlead", 1), ("salesqualifiedlead", 1)], report.Section("stages").Rows.Select(r => ((string)r[0]!, (int)r[1]!)));
        var conversion = report.Section("conversion");
        Assert.Equal((3, 2, 0.6667), ((int)conversion.Cell("lead", "entered")!, (int)conversion.Cell("lead", "converted")!, (double)conversion.Cell("lead", "rate")!));
        Assert.Equal((2, 1, 0.5), ((int)conversion.Cell("marketingqualifiedlead", "entered")!, (int)conversion.Cell("marketingqualifiedlead", "converted")!, (double)conversion.Cell("marketingqualifiedlead", "rate")!));
        var time = report.Section("time-in-stage");
        Assert.Equal((2, 10d), ((int)time.Cell("lead", "samples")!, (double)time.Cell("lead", "median_hours")!)); // 10 h and 20 h → nearest rank 1 of 2
        Assert.Equal((1, 20d), ((int)time.Cell("marketingqualifiedlead", "samples")!, (double)time.Cell("marketingqualifiedlead", "median_hours")!));
        Assert.Contains(report.Section("statuses").Rows, r => (string)r[0]! == "Marketing" && (string)r[1]! == "NEW" && (int)r[2]! == 2);
    }

    [Fact]
    public void Sla_Outcomes_CountedPerRepWithCompliance()
    {
        var first = T0.AddMinutes(-5);
        HistoryEntry Outcome(string lead, string kind, string rep) => new(C, lead, T0.AddHours(2), kind, SystemRole.Crm, Crossing: 1, Rep: rep, Team: "emea");
        HistoryEntry[] history =
        [
            Handoff("k1", first, TimeSpan.FromMinutes(1), "005A", "emea", first), Handoff("k2", first, TimeSpan.FromMinutes(1), "005A", "emea", first),
            Handoff("k3", first, TimeSpan.FromMinutes(1), "005B", "emea", first),
            Outcome("k1", HistoryKinds.SlaMet, "005A"), Outcome("k2", HistoryKinds.SlaReassigned, "005A"), Outcome("k2", HistoryKinds.SlaMet, "005B"),
            Outcome("k3", HistoryKinds.SlaEscalated, "005B"),
        ];

        var report = ReportBuilder.Sla(C, Since, Until, history);

        var total = report.Section("total");
        Assert.Equal((3, 2, 1, 1, 0.5), ((int)total.Cell("all", "handoffs")!, (int)total.Cell("all", "met")!, (int)total.Cell("all", "escalated")!, (int)total.Cell("all", "reassigned")!, (double)total.Cell("all", "compliance")!));
        var byRep = report.Section("by-rep").Rows.ToDictionary(r => (string)r[1]!);
        Assert.Equal([2, 1, 0, 1, 0, 0.5], byRep["005A"].Skip(2).Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([1, 1, 1, 0, 0, 0.5], byRep["005B"].Skip(2).Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Health_Cycles_FailuresByKindApiCallsAndQuarantineByReason()
    {
        CycleRecord Cycle(int minutes, bool ok, string summary, string kind = "Incremental") =>
            new(C, $"c{minutes}", kind, T0.AddMinutes(minutes), T0.AddMinutes(minutes).AddSeconds(5), ok, summary);
        CycleRecord[] cycles =
        [
            Cycle(0, true, "leads=3 hubspot_calls=4 salesforce_calls=6"),
            Cycle(1, false, "leads=0 hubspot_calls=2 salesforce_calls=0 error=HubSpot: 503 Service Unavailable after 3 tries"),
            Cycle(2, false, "another worker holds the lock", "Skipped"),
            Cycle(3, true, "leads=1 hubspot_calls=1 salesforce_calls=2"),
        ];
        QuarantineItem Item(long id, string reason) => new(id, C, SystemRole.Crm, $"00Q{id}", reason, T0, T0, 1, id == 2);
        QuarantineItem[] quarantine = [Item(1, "ambiguous match: 2 CRM leads"), Item(2, "ambiguous match: 3 CRM leads"), Item(3, "unmapped status: 'Legacy'")];

        var report = ReportBuilder.Health(C, Since, Until, cycles, quarantine, T0.AddMinutes(4));

        var summary = report.Section("summary");
        Assert.Equal((4, 2, 1, 1, 55d, 3), ((int)summary.Cell("cycles", "value")!, (int)summary.Cell("succeeded", "value")!, (int)summary.Cell("failed", "value")!, (int)summary.Cell("skipped", "value")!, (double)summary.Cell("lag_seconds", "value")!, (int)summary.Cell("quarantined", "value")!));
        Assert.Equal(1, report.Section("failures").Cell("HubSpot", "cycles"));
        Assert.Equal(1, report.Section("failures").Cell("skipped", "cycles"));
        Assert.Equal((7L, 8L), ((long)report.Section("api-calls").Cell("hubspot", "calls")!, (long)report.Section("api-calls").Cell("salesforce", "calls")!));
        Assert.Equal((2, 1), ((int)report.Section("quarantine").Cell("ambiguous match", "records")!, (int)report.Section("quarantine").Cell("ambiguous match", "retry_requested")!));
    }
}
