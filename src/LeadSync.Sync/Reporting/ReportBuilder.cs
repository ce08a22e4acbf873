using System.Globalization;
using System.Text.RegularExpressions;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Reporting;

/// <summary>A rep as configured, for the reps report: their CRM user id when the directory resolved it, and their cap.</summary>
public sealed record RepInfo(string OwnerId, string Email, string Team, int? Capacity);

/// <summary>
/// The reports, computed from the lead history, the lead records, the cycles and the quarantine — pure, so a test can
/// recompute every number from the same rows. Times are measured as the history says: handoff latency from the
/// person's change that crossed the threshold (not from when LeadSync noticed it).
/// </summary>
public static partial class ReportBuilder
{
    /// <summary>HubSpot's lifecycle stages in journey order; values not listed come after, alphabetically.</summary>
    public static IReadOnlyList<string> DefaultStageOrder { get; } =
        ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"];

    public static Report Funnel(
        string connection, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<LeadRecord> leads, IReadOnlyList<HistoryEntry> history,
        IReadOnlyList<string>? stageOrder = null)
    {
        var order = stageOrder ?? DefaultStageOrder;
        var stagesNow = leads
            .Select(l => Seen(l.LastSeenMarketing, SeenKeys.Stage))
            .Where(s => s is not null)
            .GroupBy(s => s!, StringComparer.Ordinal)
            .Select(g => (Stage: g.Key, Count: g.Count()))
            .ToList();
        var statusesNow = leads
            .SelectMany(l => new[] { ("Crm", Seen(l.LastSeenCrm, SeenKeys.Status)), ("Marketing", Seen(l.LastSeenMarketing, SeenKeys.Status)) })
            .Where(s => s.Item2 is not null)
            .GroupBy(s => (System: s.Item1, Status: s.Item2!))
            .OrderBy(g => g.Key.System, StringComparer.Ordinal).ThenByDescending(g => g.Count()).ThenBy(g => g.Key.Status, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<object?>)[g.Key.System, g.Key.Status, g.Count()])
            .ToList();

        var stageEvents = history
            .Where(h => h.Kind == HistoryKinds.Stage && h.System == SystemRole.Marketing && h.To is not null && h.At >= since && h.At < until)
            .OrderBy(h => h.At).ThenBy(h => h.Id)
            .ToList();
        var stages = Ordered(order, stagesNow.Select(s => s.Stage).Concat(stageEvents.Select(e => e.To!)));

        var conversion = new List<IReadOnlyList<object?>>();
        for (var i = 0; i + 1 < stages.Count; i++)
        {
            var from = stages[i];
            var later = stages.Skip(i + 1).ToHashSet(StringComparer.Ordinal);
            var entered = stageEvents.Where(e => e.To == from).GroupBy(e => e.LeadKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(e => e.At), StringComparer.Ordinal);
            var converted = entered.Count(kv => stageEvents.Any(e => e.LeadKey == kv.Key && e.At >= kv.Value && later.Contains(e.To!)));
            conversion.Add([from, stages[i + 1], entered.Count, converted, entered.Count == 0 ? null : Math.Round((double)converted / entered.Count, 4)]);
        }

        var byLead = stageEvents.GroupBy(e => e.LeadKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var timeInStage = stages.Select(stage =>
        {
            var durations = new List<TimeSpan>();
            foreach (var events in byLead.Values)
            {
                for (var k = 0; k + 1 < events.Count; k++)
                {
                    if (events[k].To == stage)
                    {
                        durations.Add(events[k + 1].At - events[k].At);
                    }
                }
            }

            return (IReadOnlyList<object?>)[stage, durations.Count, Hours(Percentile.Of(durations, 0.5))];
        }).ToList();

        return new Report("funnel", connection, since, until,
        [
            new ReportSection("stages", ["stage", "leads"], [.. stages.Select(s => (IReadOnlyList<object?>)[s, stagesNow.FirstOrDefault(n => n.Stage == s).Count])]),
            new ReportSection("statuses", ["system", "status", "leads"], statusesNow),
            new ReportSection("conversion", ["from", "to", "entered", "converted", "rate"], conversion),
            new ReportSection("time-in-stage", ["stage", "samples", "median_hours"], timeInStage),
            new ReportSection("deals", ["outcome", "leads", "amount"], Deals(history, since, until)),
        ]);
    }

    /// <summary>Handoff latency of each completed handoff: from the person's change that crossed the threshold to the owner written.</summary>
    public static IReadOnlyList<(HistoryEntry Handoff, TimeSpan Latency, TimeSpan Noticed)> Latencies(IReadOnlyList<HistoryEntry> history)
    {
        var crossings = history.Where(h => h.Kind == HistoryKinds.Crossed).ToList();
        return
        [
            .. history.Where(h => h.Kind == HistoryKinds.Handoff).Select(h =>
            {
                var crossedAt = h.CrossedAt
                    ?? crossings.Where(c => c.LeadKey == h.LeadKey && c.Crossing == h.Crossing && c.At <= h.At).Select(c => (DateTimeOffset?)c.At).LastOrDefault()
                    ?? h.FirstSeenAt ?? h.At;
                var written = h.OwnerWrittenAt ?? h.At;
                return (h, NotNegative(written - crossedAt), NotNegative(written - (h.FirstSeenAt ?? written)));
            }),
        ];
    }

    public static Report Handoffs(string connection, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<HistoryEntry> history)
    {
        var all = Latencies(history).Where(l => l.Handoff.At >= since && l.Handoff.At < until).ToList();
        var latencies = all.Select(l => l.Latency).ToList();
        var summary = new List<IReadOnlyList<object?>>
        {
            new object?[] { "handoffs", all.Count },
            new object?[] { "p50_seconds", Seconds(Percentile.Of(latencies, 0.5)) },
            new object?[] { "p95_seconds", Seconds(Percentile.Of(latencies, 0.95)) },
            new object?[] { "max_seconds", Seconds(latencies.Count == 0 ? null : latencies.Max()) },
            new object?[] { "p50_since_noticed_seconds", Seconds(Percentile.Of([.. all.Select(l => l.Noticed)], 0.5)) },

            // People who were already hot when LeadSync first saw them (a first sync of a backlog) measure the backlog.
            new object?[] { "first_look_handoffs", all.Count(l => l.Handoff.From == HistoryKinds.FirstLook) },
            new object?[] { "p95_after_first_look_seconds", Seconds(Percentile.Of([.. all.Where(l => l.Handoff.From != HistoryKinds.FirstLook).Select(l => l.Latency)], 0.95)) },
        };
        var byTeam = all.GroupBy(l => l.Handoff.Team ?? "-", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<object?>)[g.Key, g.Count(), Seconds(Percentile.Of([.. g.Select(l => l.Latency)], 0.5)), Seconds(Percentile.Of([.. g.Select(l => l.Latency)], 0.95))])
            .ToList();
        var byRep = all.GroupBy(l => (Team: l.Handoff.Team ?? "-", Rep: l.Handoff.Rep ?? "-")).OrderBy(g => g.Key.Team, StringComparer.Ordinal).ThenBy(g => g.Key.Rep, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<object?>)[g.Key.Rep, g.Key.Team, g.Count(), Seconds(Percentile.Of([.. g.Select(l => l.Latency)], 0.5))])
            .ToList();
        var byDay = all.GroupBy(l => DateOnly.FromDateTime(l.Handoff.At.UtcDateTime)).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<object?>)[g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g.Count(), Seconds(Percentile.Of([.. g.Select(l => l.Latency)], 0.5)), Seconds(Percentile.Of([.. g.Select(l => l.Latency)], 0.95))])
            .ToList();
        return new Report("handoffs", connection, since, until,
        [
            new ReportSection("summary", ["metric", "value"], summary),
            new ReportSection("by-team", ["team", "handoffs", "p50_seconds", "p95_seconds"], byTeam),
            new ReportSection("by-rep", ["rep", "team", "handoffs", "p50_seconds"], byRep),
            new ReportSection("by-day", ["day", "handoffs", "p50_seconds", "p95_seconds"], byDay),
        ]);
    }

    public static Report Sla(string connection, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<HistoryEntry> history)
    {
        var inPeriod = history.Where(h => h.At >= since && h.At < until).ToList();
        IReadOnlyList<object?> Row(IEnumerable<HistoryEntry> events, params object?[] keys)
        {
            var list = events.ToList();
            int Count(string kind) => list.Count(e => e.Kind == kind);
            var met = Count(HistoryKinds.SlaMet);
            var missed = Count(HistoryKinds.SlaEscalated) + Count(HistoryKinds.SlaReassigned) + Count(HistoryKinds.SlaGaveUp);
            return [.. keys, Count(HistoryKinds.Handoff), met, Count(HistoryKinds.SlaEscalated), Count(HistoryKinds.SlaReassigned), Count(HistoryKinds.SlaGaveUp),
                met + missed == 0 ? null : Math.Round((double)met / (met + missed), 4)];
        }

        var relevant = inPeriod.Where(h => h.Kind is HistoryKinds.Handoff or HistoryKinds.SlaMet or HistoryKinds.SlaEscalated or HistoryKinds.SlaReassigned or HistoryKinds.SlaGaveUp).ToList();
        var byTeam = relevant.GroupBy(h => h.Team ?? "-", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g, g.Key)).ToList();
        var byRep = relevant.GroupBy(h => (Team: h.Team ?? "-", Rep: h.Rep ?? "-")).OrderBy(g => g.Key.Team, StringComparer.Ordinal).ThenBy(g => g.Key.Rep, StringComparer.Ordinal)
            .Select(g => Row(g, g.Key.Team, g.Key.Rep)).ToList();
        string[] counts = ["handoffs", "met", "escalated", "reassigned", "gave_up", "compliance"];
        return new Report("sla", connection, since, until,
        [
            new ReportSection("total", ["scope", .. counts], [Row(relevant, "all")]),
            new ReportSection("by-team", ["team", .. counts], byTeam),
            new ReportSection("by-rep", ["team", "rep", .. counts], byRep),
        ]);
    }

    public static Report Reps(
        string connection, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<HistoryEntry> history, RoutingState routing, IReadOnlyList<RepInfo> reps)
    {
        var inPeriod = history.Where(h => h.At >= since && h.At < until).ToList();
        var ids = inPeriod.Where(h => h.Kind == HistoryKinds.Handoff && h.Rep is not null).Select(h => h.Rep!)
            .Concat(routing.OpenLeadsByOwner.Keys).Concat(reps.Select(r => r.OwnerId))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var rows = ids.Select(id =>
        {
            var info = reps.FirstOrDefault(r => r.OwnerId == id);
            var assigned = inPeriod.Count(h => h.Kind == HistoryKinds.Handoff && h.Rep == id);
            var met = inPeriod.Count(h => h.Kind == HistoryKinds.SlaMet && h.Rep == id);
            var lost = inPeriod.Count(h => h.Kind == HistoryKinds.SlaReassigned && h.Rep == id);
            return (IReadOnlyList<object?>)
            [
                id, info?.Email, info?.Team ?? inPeriod.LastOrDefault(h => h.Rep == id && h.Team is not null)?.Team, assigned,
                routing.OpenLeadsByOwner.GetValueOrDefault(id), info?.Capacity, met, lost, assigned == 0 ? null : Math.Round((double)met / assigned, 4),
            ];
        }).ToList();
        return new Report("reps", connection, since, until,
            [new ReportSection("reps", ["rep", "email", "team", "assignments", "open", "capacity", "sla_met", "reassigned_away", "acceptance"], rows)]);
    }

    public static Report Health(
        string connection, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<CycleRecord> cycles, IReadOnlyList<QuarantineItem> quarantine, DateTimeOffset now,
        CycleRecord? lastSuccessful = null)
    {
        var inPeriod = cycles.Where(c => c.StartedAt >= since && c.StartedAt < until).ToList();
        var lastSuccess = lastSuccessful ?? cycles.Where(c => c.Succeeded).OrderByDescending(c => c.FinishedAt ?? c.StartedAt).FirstOrDefault();
        var lastAt = lastSuccess?.FinishedAt ?? lastSuccess?.StartedAt;
        var skipped = inPeriod.Count(c => c.Kind == "Skipped");
        var summary = new List<IReadOnlyList<object?>>
        {
            new object?[] { "cycles", inPeriod.Count },
            new object?[] { "succeeded", inPeriod.Count(c => c.Succeeded) },
            new object?[] { "failed", inPeriod.Count(c => !c.Succeeded && c.Kind != "Skipped") },
            new object?[] { "skipped", skipped },
            new object?[] { "last_success_at", lastAt?.ToString("O", CultureInfo.InvariantCulture) },
            new object?[] { "lag_seconds", lastAt is { } at ? Math.Round((now - at).TotalSeconds, 1) : null },
            new object?[] { "quarantined", quarantine.Count },
        };
        var failures = inPeriod.Where(c => !c.Succeeded)
            .GroupBy(c => c.Kind == "Skipped" ? "skipped" : FailureKind(c.Summary), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<object?>)[g.Key, g.Count(), g.OrderByDescending(c => c.StartedAt).First().StartedAt.ToString("O", CultureInfo.InvariantCulture)])
            .ToList();
        var calls = inPeriod
            .SelectMany(c => CallsPattern().Matches(c.Summary).Select(m => (System: m.Groups[1].Value, Calls: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))))
            .GroupBy(x => x.System, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<object?>)[g.Key, g.Sum(x => x.Calls)])
            .ToList();
        var reasons = quarantine.GroupBy(q => ReasonGroup(q.Reason), StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<object?>)[g.Key, g.Count(), g.Count(q => q.RetryRequested)])
            .ToList();
        return new Report("health", connection, since, until,
        [
            new ReportSection("summary", ["metric", "value"], summary),
            new ReportSection("failures", ["kind", "cycles", "last_at"], failures),
            new ReportSection("api-calls", ["system", "calls"], calls),
            new ReportSection("quarantine", ["reason", "records", "retry_requested"], reasons),
        ]);
    }

    /// <summary>
    /// The group a quarantine reason belongs to: its leading code or phrase (up to the first colon), so records failing
    /// for one cause are retried together.
    /// </summary>
    public static string ReasonGroup(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var colon = reason.IndexOf(':', StringComparison.Ordinal);
        var head = (colon > 0 ? reason[..colon] : reason).Trim();
        return head.Length > 80 ? head[..80] : head;
    }

    private static string FailureKind(string summary)
    {
        var error = summary.IndexOf("error=", StringComparison.Ordinal);
        return error < 0 ? "failed" : ReasonGroup(summary[(error + 6)..]);
    }

    [GeneratedRegex(@"\b([a-z0-9]+)_calls=(\d+)")]
    private static partial Regex CallsPattern();

    private static List<string> Ordered(IReadOnlyList<string> order, IEnumerable<string> seen)
    {
        var present = seen.ToHashSet(StringComparer.Ordinal);
        return [.. order.Where(present.Contains), .. present.Where(s => !order.Contains(s, StringComparer.Ordinal)).Order(StringComparer.Ordinal)];
    }

    private static string? Seen(IReadOnlyDictionary<string, string?> seen, string key) => seen.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static double? Seconds(TimeSpan? value) => value is { } v ? Math.Round(v.TotalSeconds, 1) : null;

    private static double? Hours(TimeSpan? value) => value is { } v ? Math.Round(v.TotalHours, 2) : null;

    private static TimeSpan NotNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}
