using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LeadSync.Domain;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Reporting;
using LeadSync.Worker.Cli;
using LeadSync.Worker.Hosting;
using LeadSync.Worker.Reporting;

namespace LeadSync.Worker.WebConsole;

/// <summary>
/// The console's pages, server-rendered from the state through the same <see cref="ReportService"/> the CLI uses, so a
/// page shows the numbers <c>leadsync report</c> prints. Null = no such connection.
/// </summary>
public sealed partial class ConsolePages(
    IStateStore store, IHistoryStore history, TimeProvider time, ConnectionRegistry registry, ConsoleEnvironment environment, IServiceProvider services)
{
    private static readonly string[] PeriodChoices = ["1d", "7d", "30d", "90d", "365d"];

    private ReportService Reports => new(store, history, time);

    public async Task<string?> OverviewAsync(ConsoleRole role, string? connection, CancellationToken ct)
    {
        if (Resolve(connection) is not { } name)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var html = new Html(role);
        html.H1("Sync health");
        var health = await Reports.BuildAsync(ReportKind.Health, name, now.AddHours(-24), null, ct);
        var summary = health.Section("summary");
        html.Card("last successful cycle", summary.Cell("last_success_at", "value") is string at ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture).ToString("u", CultureInfo.InvariantCulture) : "never", "last-success");
        html.Card("lag (s)", summary.Cell("lag_seconds", "value") ?? "-", "lag");
        html.Card("cycles, 24 h", summary.Cell("cycles", "value"), "cycles");
        html.Card("failed, 24 h", summary.Cell("failed", "value"), "failed");
        html.Card("quarantined", summary.Cell("quarantined", "value"), "quarantined");

        var cycles = await history.GetCyclesAsync(name, now.AddHours(-24), 60, ct);
        html.H2("Recent cycles (green: succeeded, red: failed; height: people read)");
        html.Columns("cycles of the last 24 hours", [.. cycles.Reverse().Select(c => (c.StartedAt.ToString("u", CultureInfo.InvariantCulture), (double)LeadsRead(c.Summary), c.Succeeded))]);
        html.Section(health.Section("failures"), "Errors by kind (24 h)");
        html.Section(health.Section("api-calls"), "API calls (24 h)");
        if (environment.Live && registry.Find(name) is { } live)
        {
            html.H2("API quotas as last reported");
            var quota = new StringBuilder("<table data-testid=\"quotas\"><tr><th>system</th><th>calls by this process</th><th>throttled</th><th>daily limit</th><th>remaining</th><th>used</th></tr>");
            foreach (var system in new IApiTraffic[] { live.Marketing, live.Crm })
            {
                var q = system.LastObservedQuota;
                quota.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{html.Text(system.SystemName)}</td><td class=\"n\">{system.CallCount}</td><td class=\"n\">{system.ThrottledCount}</td><td class=\"n\">{q?.Max.ToString(CultureInfo.InvariantCulture) ?? "-"}</td><td class=\"n\">{q?.Remaining.ToString(CultureInfo.InvariantCulture) ?? "-"}</td><td class=\"n\">{(q is null ? "-" : q.UsedShare.ToString("P1", CultureInfo.InvariantCulture))}</td></tr>");
            }

            html.Raw(quota.Append("</table>").ToString());
        }

        html.Section(health.Section("quarantine"), "Quarantine by reason");
        html.H2("Cycle log");
        var log = new StringBuilder("<table data-testid=\"cycle-log\"><tr><th>started</th><th>kind</th><th>outcome</th><th>summary</th></tr>");
        foreach (var c in cycles.Take(20))
        {
            log.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{html.Text(c.StartedAt.ToString("u", CultureInfo.InvariantCulture))}</td><td>{html.Text(c.Kind)}</td><td class=\"{(c.Succeeded ? "ok" : "bad")}\">{(c.Succeeded ? "succeeded" : "failed")}</td><td>{html.Text(c.Summary)}</td></tr>");
        }

        html.Raw(log.Append("</table>").ToString());
        return html.Page("Sync health", "/console/", name, ConsoleEndpoints.Names(registry));
    }

    public async Task<string?> FunnelAsync(ConsoleRole role, string? connection, string since, CancellationToken ct)
    {
        if (Resolve(connection) is not { } name)
        {
            return null;
        }

        var html = new Html(role);
        html.H1("Funnel");
        var from = Since(since, html);
        var report = await Reports.BuildAsync(ReportKind.Funnel, name, from, null, ct);
        Periods(html, "/console/funnel", name, since);
        var stages = report.Section("stages");
        html.BarChart("leads per lifecycle stage now", [.. stages.Rows.Select(r => (Html.ReportCellText(r[0]), Convert.ToDouble(r[1], CultureInfo.InvariantCulture)))]);
        html.Section(stages, "Leads per lifecycle stage (now)");
        html.Section(report.Section("statuses"), "Leads per Lead Status (now)");
        html.Section(report.Section("conversion"), "Stage-to-stage conversion in the period");
        html.Section(report.Section("time-in-stage"), "Median time in stage in the period");
        return html.Page("Funnel", "/console/funnel", name, ConsoleEndpoints.Names(registry));
    }

    public async Task<string?> HandoffsAsync(ConsoleRole role, string? connection, string since, CancellationToken ct)
    {
        if (Resolve(connection) is not { } name)
        {
            return null;
        }

        var html = new Html(role);
        html.H1("Handoffs & SLA");
        var from = Since(since, html);
        Periods(html, "/console/handoffs", name, since);
        var handoffs = await Reports.BuildAsync(ReportKind.Handoffs, name, from, null, ct);
        var summary = handoffs.Section("summary");
        html.Card("handoffs", summary.Cell("handoffs", "value"), "handoffs");
        html.Card("p50 latency (s)", summary.Cell("p50_seconds", "value") ?? "-", "p50");
        html.Card("p95 latency (s)", summary.Cell("p95_seconds", "value") ?? "-", "p95");
        html.Card("p95 after the first look (s)", summary.Cell("p95_after_first_look_seconds", "value") ?? "-", "p95-steady");
        html.P(FormattableString.Invariant(
            $"Latency runs from the person's change that crossed the threshold to the lead owned by a rep. {summary.Cell("first_look_handoffs", "value")} handoff(s) were of people already hot when LeadSync first saw them (a first sync's backlog)."), "muted");
        var byDay = handoffs.Section("by-day");
        html.BarChart("median handoff latency per day (s)", [.. byDay.Rows.Select(r => (Html.ReportCellText(r[0]), Convert.ToDouble(r[2] ?? 0d, CultureInfo.InvariantCulture)))], " s");
        html.Section(byDay, "Latency over time");
        html.Section(handoffs.Section("by-team"), "Per team");
        var sla = await Reports.BuildAsync(ReportKind.Sla, name, from, null, ct);
        html.Section(sla.Section("total"), "SLA compliance");
        html.Section(sla.Section("by-rep"), "SLA per rep");
        var reps = environment.Live ? await RepLookup.ResolveAsync(services, name, ct) : [];
        var load = await Reports.BuildAsync(ReportKind.Reps, name, from, reps, ct);
        var rows = load.Section("reps");
        html.BarChart("open leads per rep", [.. rows.Rows.Select(r => (Html.ReportCellText(r[1] ?? r[0]), Convert.ToDouble(r[4] ?? 0, CultureInfo.InvariantCulture)))]);
        html.Section(rows, "Assignments per rep against capacity");
        return html.Page("Handoffs & SLA", "/console/handoffs", name, ConsoleEndpoints.Names(registry));
    }

    public async Task<string?> QuarantineAsync(ConsoleRole role, string? connection, string token, string? done, CancellationToken ct)
    {
        if (Resolve(connection) is not { } name)
        {
            return null;
        }

        var html = new Html(role);
        html.H1("Quarantine");
        if (done is not null)
        {
            html.P($"Retry requested for {done} record(s): the next cycle reads them again.", "ok");
        }

        var items = await store.ListQuarantineAsync(name, ct);
        if (items.Count == 0)
        {
            html.P("Nothing is quarantined.", "muted");
            return html.Page("Quarantine", "/console/quarantine", name, ConsoleEndpoints.Names(registry));
        }

        var leads = await store.FindLeadsAsync(
            name, [.. items.Where(i => i.System == SystemRole.Marketing).Select(i => i.RecordId)], [.. items.Where(i => i.System == SystemRole.Crm).Select(i => i.RecordId)], ct);
        string? EmailOf(QuarantineItem item) =>
            leads.FirstOrDefault(l => item.System == SystemRole.Marketing ? l.MarketingId == item.RecordId : l.CrmId == item.RecordId) is { } lead ? EmailIn(lead) : null;
        var hidden = $"<input type=\"hidden\" name=\"__token\" value=\"{Html.Attr(token)}\"><input type=\"hidden\" name=\"connection\" value=\"{Html.Attr(name)}\">";
        foreach (var group in items.GroupBy(i => ReportBuilder.ReasonGroup(i.Reason), StringComparer.Ordinal).OrderByDescending(g => g.Count()))
        {
            html.H2($"{group.Key} — {group.Count()} record(s)");
            html.P(WhatToDo(group.Key), "muted");
            if (role == ConsoleRole.Admin)
            {
                html.Raw($"<form method=\"post\" action=\"/console/quarantine/retry\" class=\"inline\">{hidden}<input type=\"hidden\" name=\"reason\" value=\"{Html.Attr(group.Key)}\"><button data-testid=\"retry-reason\">Retry all {group.Count()}</button></form>");
            }

            var table = new StringBuilder("<table><tr><th>id</th><th>system</th><th>record</th><th>email</th><th>attempts</th><th>first seen</th><th>last seen</th><th>reason</th><th></th></tr>");
            foreach (var item in group)
            {
                var action = role != ConsoleRole.Admin ? string.Empty
                    : item.RetryRequested ? "retry requested"
                    : $"<form method=\"post\" action=\"/console/quarantine/retry\" class=\"inline\">{hidden}<input type=\"hidden\" name=\"id\" value=\"{item.Id}\"><button data-testid=\"retry\">Retry</button></form>";
                table.Append(CultureInfo.InvariantCulture,
                    $"<tr data-testid=\"q-{Html.Attr(item.System.ToString())}-{Html.Attr(item.RecordId)}\"><td>{item.Id}</td><td>{html.Text(item.System.ToString())}</td><td>{html.Text(item.RecordId)}</td><td data-testid=\"email\">{html.Text(EmailOf(item) ?? "-")}</td><td class=\"n\">{item.Attempts}</td><td>{html.Text(item.FirstSeenAt.ToString("u", CultureInfo.InvariantCulture))}</td><td>{html.Text(item.LastSeenAt.ToString("u", CultureInfo.InvariantCulture))}</td><td>{html.Text(item.Reason)}</td><td>{action}</td></tr>");
            }

            html.Raw(table.Append("</table>").ToString());
        }

        return html.Page("Quarantine", "/console/quarantine", name, ConsoleEndpoints.Names(registry));
    }

    /// <summary>Marks the given items, and every item of the reason group, for retry in the next cycle; returns how many.</summary>
    public async Task<int> RetryAsync(string connection, IReadOnlyList<long> ids, string reason, CancellationToken ct)
    {
        if (Resolve(connection) is not { } name)
        {
            return 0;
        }

        var targets = ids.ToHashSet();
        if (reason.Length > 0)
        {
            foreach (var item in await store.ListQuarantineAsync(name, ct))
            {
                if (string.Equals(ReportBuilder.ReasonGroup(item.Reason), reason, StringComparison.Ordinal))
                {
                    targets.Add(item.Id);
                }
            }
        }

        var done = 0;
        foreach (var id in targets)
        {
            done += await store.RequestRetryAsync(name, id, ct) ? 1 : 0;
        }

        return done;
    }

    public async Task<string?> AuditAsync(ConsoleRole role, string? connection, string? q, string? since, string? until, CancellationToken ct)
    {
        if (Resolve(connection) is not { } name)
        {
            return null;
        }

        var html = new Html(role);
        var now = time.GetUtcNow();
        html.H1("Audit");
        DateTimeOffset? from = since is null ? null : ReportCommand.TryParseSince(since, now, out var s) ? s : null;
        DateTimeOffset? to = until is null ? null : ReportCommand.TryParseSince(until, now, out var u) ? u : null;
        html.Raw($"<form method=\"get\" action=\"/console/audit\"><input type=\"hidden\" name=\"connection\" value=\"{Html.Attr(name)}\">" +
                 $"<label>email, record id, lead key or rep <input name=\"q\" size=\"34\" value=\"{html.Text(q)}\"></label> " +
                 $"<label>since <input name=\"since\" size=\"12\" value=\"{html.Text(since)}\" placeholder=\"7d or 2026-11-01\"></label> " +
                 $"<label>until <input name=\"until\" size=\"12\" value=\"{html.Text(until)}\"></label> <button>search</button></form>");
        var (keys, what) = await LeadKeysAsync(name, q, ct);
        if (what is not null)
        {
            html.P(what, "muted");
        }

        var audit = await history.SearchAuditAsync(name, new AuditQuery(keys, from, to, keys is null ? q : null, 200), ct);
        if (keys is { Count: 1 })
        {
            var events = await history.GetHistoryAsync(name, new HistoryQuery(Since: from, Until: to, LeadKeys: keys), ct);
            var record = await store.GetLeadAsync(name, keys.First(), ct);
            html.H2($"Lead {keys.First()} {(record is null ? string.Empty : EmailIn(record))}");
            if (record is not null)
            {
                html.P(FormattableString.Invariant($"score {record.Score?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({record.Grade ?? "-"}), {(record.InSales ? "with sales" : "with marketing")}, crossings {record.Crossings}, marketing {record.MarketingId ?? "-"}, CRM {record.CrmId ?? "-"}"));
            }

            var path = new StringBuilder("<table data-testid=\"lead-history\"><tr><th>when</th><th>what</th><th>system</th><th>from</th><th>to</th><th>by</th><th>rep</th><th>team</th><th>rule</th></tr>");
            foreach (var e in events)
            {
                path.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{html.Text(e.At.ToString("u", CultureInfo.InvariantCulture))}</td><td>{html.Text(e.Kind)}</td><td>{html.Text(e.System?.ToString())}</td><td>{html.Text(e.From)}</td><td>{html.Text(e.To)}</td><td>{html.Text(e.By)}</td><td>{html.Text(e.Rep)}</td><td>{html.Text(e.Team)}</td><td>{html.Text(e.Rule)}</td></tr>");
            }

            html.H2("The path it took");
            html.Raw(path.Append("</table>").ToString());
        }

        html.H2($"Audit entries ({audit.Count}{(audit.Count == 200 ? ", newest 200" : string.Empty)})");
        var table = new StringBuilder("<table data-testid=\"audit\"><tr><th>when</th><th>lead</th><th>action</th><th>details</th></tr>");
        foreach (var entry in audit)
        {
            table.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{html.Text(entry.At.ToString("u", CultureInfo.InvariantCulture))}</td><td><a href=\"/console/audit?connection={Html.Attr(Uri.EscapeDataString(name))}&amp;q={Html.Attr(Uri.EscapeDataString(entry.LeadKey))}\">{html.Text(entry.LeadKey)}</a></td><td>{html.Text(entry.Action)}</td><td>{html.Text(entry.Details)}</td></tr>");
        }

        html.Raw(table.Append("</table>").ToString());
        return html.Page("Audit", "/console/audit", name, ConsoleEndpoints.Names(registry));
    }

    /// <summary>The leads a search names: by email (as LeadSync last saw it), lead key, record id or rep; null = search the text.</summary>
    private async Task<(IReadOnlyCollection<string>? Keys, string? What)> LeadKeysAsync(string connection, string? q, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return (null, null);
        }

        var query = q.Trim();
        if (query.Contains('@', StringComparison.Ordinal))
        {
            var wanted = EmailMask.Normalize(query);
            var keys = new List<string>();
            await foreach (var lead in store.StreamLeadsAsync(connection, ct))
            {
                if (EmailMask.Normalize(EmailIn(lead)) == wanted)
                {
                    keys.Add(lead.LeadKey);
                }
            }

            return (keys, $"{keys.Count} lead(s) with that email");
        }

        if (LeadKeyPattern().IsMatch(query) && await store.GetLeadAsync(connection, query, ct) is { } byKey)
        {
            return ([byKey.LeadKey], null);
        }

        var byId = await store.FindLeadsAsync(connection, [query], [query], ct);
        if (byId.Count > 0)
        {
            return ([.. byId.Select(l => l.LeadKey)], $"{byId.Count} lead(s) with that record id");
        }

        var byRep = await history.GetHistoryAsync(connection, new HistoryQuery(Rep: query, Limit: 5_000), ct);
        if (byRep.Count > 0)
        {
            var keys = byRep.Select(h => h.LeadKey).Distinct(StringComparer.Ordinal).ToList();
            return (keys, $"{keys.Count} lead(s) handed to or followed up for rep {query}");
        }

        return (null, "no lead, record or rep by that name: searching the audit text");
    }

    private static string? EmailIn(LeadRecord lead) =>
        lead.LastSeenMarketing.Concat(lead.LastSeenCrm).FirstOrDefault(kv => string.Equals(kv.Key, "email", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(kv.Value)).Value;

    private static string WhatToDo(string reason) => reason switch
    {
        _ when reason.Contains("ambiguous", StringComparison.OrdinalIgnoreCase) || reason.Contains("several", StringComparison.OrdinalIgnoreCase) =>
            "Several records share one email: merge the duplicates in the CRM (or link the right one), then retry.",
        _ when reason.Contains("map", StringComparison.OrdinalIgnoreCase) || reason.Contains("value", StringComparison.OrdinalIgnoreCase) =>
            "A value no map covers: add it to the status or stage map (LeadSync:Lifecycle) or correct it on the record, then retry.",
        _ when reason.Contains("rep", StringComparison.OrdinalIgnoreCase) || reason.Contains("owner", StringComparison.OrdinalIgnoreCase) =>
            "No rep could take the lead: check the routing teams, reps' capacity and active users, then retry.",
        _ => "The API refused the write: correct the record as the reason says, then retry.",
    };

    private static long LeadsRead(string summary) =>
        LeadsPattern().Match(summary) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    private static void Periods(Html html, string path, string connection, string current)
    {
        var links = string.Join(" · ", PeriodChoices.Select(p =>
            p == current ? $"<b>{p}</b>" : $"<a href=\"{Html.Attr($"{path}?connection={Uri.EscapeDataString(connection)}&since={p}")}\">{p}</a>"));
        html.Raw($"<p class=\"muted\">period: {links}</p>");
    }

    private DateTimeOffset Since(string since, Html html)
    {
        var now = time.GetUtcNow();
        if (ReportCommand.TryParseSince(since, now, out var from))
        {
            return from;
        }

        html.P($"'{since}' is not a period; showing 30 days", "bad");
        return now.AddDays(-30);
    }

    private string? Resolve(string? connection) =>
        connection is null ? registry.All.FirstOrDefault()?.Name : registry.Find(connection)?.Name;

    [GeneratedRegex(@"\bleads=(\d+)")]
    private static partial Regex LeadsPattern();

    [GeneratedRegex("^(hs|sf)-[A-Za-z0-9]+$")]
    private static partial Regex LeadKeyPattern();
}
