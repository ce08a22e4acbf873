using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Reporting;

/// <summary>The reports a person can ask for.</summary>
public enum ReportKind
{
    Funnel,
    Handoffs,
    Sla,
    Reps,
    Sources,
    Health,
}

/// <summary>
/// Reads what a report needs from the state (one history read, plus lead records, routing, cycles or quarantine as the
/// report requires) and hands it to <see cref="ReportBuilder"/>. The CLI and the console both use it, so a page shows the
/// numbers the command prints.
/// </summary>
public sealed class ReportService(IStateStore store, IHistoryStore history, TimeProvider time)
{
    public async Task<Report> BuildAsync(
        ReportKind kind, string connection, DateTimeOffset since, IReadOnlyList<RepInfo>? reps, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now.AddTicks(1);
        switch (kind)
        {
            case ReportKind.Funnel:
            {
                var leads = new List<LeadRecord>();
                await foreach (var lead in store.StreamLeadsAsync(connection, cancellationToken))
                {
                    leads.Add(lead);
                }

                var events = await history.GetHistoryAsync(connection, new HistoryQuery(Since: since, Kinds: [HistoryKinds.Stage, HistoryKinds.Converted, HistoryKinds.Won, HistoryKinds.Lost]), cancellationToken);
                return ReportBuilder.Funnel(connection, since, until, leads, events);
            }

            case ReportKind.Handoffs:
                return ReportBuilder.Handoffs(
                    connection, since, until,
                    await history.GetHistoryAsync(connection, new HistoryQuery(Since: since, Kinds: [HistoryKinds.Handoff, HistoryKinds.Crossed]), cancellationToken));
            case ReportKind.Sla:
                return ReportBuilder.Sla(connection, since, until, await history.GetHistoryAsync(connection, new HistoryQuery(Since: since), cancellationToken));
            case ReportKind.Reps:
                return ReportBuilder.Reps(
                    connection, since, until,
                    await history.GetHistoryAsync(connection, new HistoryQuery(Since: since), cancellationToken),
                    await store.GetRoutingStateAsync(connection, cancellationToken),
                    reps ?? []);
            case ReportKind.Sources:
                return ReportBuilder.Sources(connection, since, until, await history.GetHistoryAsync(connection, new HistoryQuery(Since: since), cancellationToken));
            default:
                return ReportBuilder.Health(
                    connection, since, until,
                    await history.GetCyclesAsync(connection, since, 100_000, cancellationToken),
                    await store.ListQuarantineAsync(connection, cancellationToken),
                    now,
                    await store.GetLastSuccessfulCycleAsync(connection, cancellationToken));
        }
    }
}
