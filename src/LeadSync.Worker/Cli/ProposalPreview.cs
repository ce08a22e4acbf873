using System.Globalization;
using System.Text;
using System.Text.Json;
using LeadSync.Domain;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary>
/// <c>preview --proposed FILE</c>: the proposed file is laid over the current configuration like one more
/// <c>--config</c> layer and checked like it (every problem listed, exit 2). Every lead in the state store is read now
/// from both systems by its ids (reads only), and the planner decides each batch twice — current rules, proposed
/// rules, each with its own routing positions from the stored ones — so the comparison is what a cycle would do.
/// </summary>
public static class ProposalPreview
{
    private const int BatchSize = 100;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> RunAsync(CommandIo io, LoadedConfiguration loaded, FileInfo file, string? connectionName, int top, bool asJson, CancellationToken ct)
    {
        var proposalFile = ConfigurationLoader.LoadFile(file.FullName);
        var layered = ConfigurationLoader.LayerOver(loaded.Configuration, proposalFile);
        var (problems, proposedSettings) = LeadSyncHostFactory.Check(layered);
        if (problems.Count > 0 || proposedSettings is null)
        {
            await io.Error.WriteLineAsync($"error: {file.Name} is refused: laid over the current configuration it is not valid");
            LeadSyncHostFactory.Report(problems, io.Error);
            return ExitCodes.InvalidInput;
        }

        if (ConnectionChoice.Resolve(loaded.Settings, connectionName, out var choiceError) is not { } chosen)
        {
            await io.Error.WriteLineAsync(choiceError);
            return ExitCodes.InvalidInput;
        }

        if (proposedSettings.Connections.FirstOrDefault(c => string.Equals(c.Name, chosen.Name, StringComparison.OrdinalIgnoreCase)) is not { } proposedChosen)
        {
            await io.Error.WriteLineAsync($"error: {file.Name} has no connection named '{ConsoleText.Escape(chosen.Name)}' (it configures: {string.Join(", ", proposedSettings.Connections.Select(c => c.Name))})");
            return ExitCodes.InvalidInput;
        }

        using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
        var current = host.Services.GetRequiredService<ConnectionRegistry>().Find(chosen.Name)!;
        var proposed = current with { Model = new ConnectionModel(proposedChosen.Model) };
        var store = host.Services.GetRequiredService<IStateStore>();
        await store.MigrateAsync(ct);
        var time = host.Services.GetRequiredService<TimeProvider>();
        var result = await CompareAsync(current, proposed, store, time, ct);
        var report = Summarize(result, file.Name, current, top);
        io.Out.Write(asJson ? JsonSerializer.Serialize(report, Json) + Environment.NewLine : Render(report));
        return ExitCodes.Success;
    }

    private sealed record Compared(List<PersonComparison> People, List<(PersonPlan Current, PersonPlan Proposed)> Plans, int NotFound, int CurrentThreshold, int ProposedThreshold, DateTimeOffset Now);

    private static async Task<Compared> CompareAsync(SyncConnection current, SyncConnection proposed, IStateStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();

        // Each side's own directory: the proposal may name another integration user or queue.
        var currentOwners = await new ReferenceDataCache(time).GetAsync(current, ct);
        var proposedOwners = await new ReferenceDataCache(time).GetAsync(proposed, ct);
        var currentRouting = await store.GetRoutingStateAsync(current.Name, ct);
        var proposedRouting = currentRouting;
        var marketingFields = current.Model.MarketingFields.Union(proposed.Model.MarketingFields, StringComparer.Ordinal).ToList();
        var crmFields = current.Model.CrmFields.Union(proposed.Model.CrmFields, StringComparer.Ordinal).ToList();
        var currentPlanner = new LeadPlanner(current.Model);
        var proposedPlanner = new LeadPlanner(proposed.Model);
        var people = new List<PersonComparison>();
        var plans = new List<(PersonPlan, PersonPlan)>();
        var notFound = 0;
        var batch = new List<LeadRecord>(BatchSize);

        async Task PlanBatchAsync()
        {
            var contacts = (await current.Marketing.ReadByIdsAsync([.. batch.Select(r => r.MarketingId).OfType<string>()], marketingFields, ct))
                .GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var leads = (await current.Crm.ReadByIdsAsync([.. batch.Select(r => r.CrmId).OfType<string>()], crmFields, ct))
                .GroupBy(l => l.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var ledgers = (await store.GetAssignmentsAsync(current.Name, [.. batch.Select(r => r.LeadKey)], ct))
                .GroupBy(e => e.LeadKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<AssignmentEntry>)[.. g], StringComparer.Ordinal);
            var snapshots = new List<PersonSnapshot>();
            foreach (var record in batch)
            {
                var contact = record.MarketingId is { } m ? contacts.GetValueOrDefault(m) : null;
                var lead = record.CrmId is { } c ? leads.GetValueOrDefault(c) : null;
                if (contact is null && lead is null)
                {
                    notFound++;
                    continue;
                }

                snapshots.Add(new PersonSnapshot(record.LeadKey, contact, lead, record, ledgers.GetValueOrDefault(record.LeadKey) ?? []));
            }

            batch.Clear();
            if (snapshots.Count == 0)
            {
                return;
            }

            var currentPlan = currentPlanner.Plan(new BatchSnapshot(snapshots, currentOwners, currentRouting, now));
            var proposedPlan = proposedPlanner.Plan(new BatchSnapshot(snapshots, proposedOwners, proposedRouting, now));
            currentRouting = currentPlan.RoutingAfter;
            proposedRouting = proposedPlan.RoutingAfter;
            var byKey = proposedPlan.People.ToDictionary(p => p.LeadKey, StringComparer.Ordinal);
            foreach (var plan in currentPlan.People)
            {
                if (byKey.TryGetValue(plan.LeadKey, out var other))
                {
                    plans.Add((plan, other));
                    people.Add(PlanComparison.Compare(
                        plan, current.Model.Options.Handoff.Threshold, other, proposed.Model.Options.Handoff.Threshold, current.Marketing.SystemName, current.Crm.SystemName));
                }
            }
        }

        await foreach (var record in store.StreamLeadsAsync(current.Name, ct))
        {
            batch.Add(record);
            if (batch.Count == BatchSize)
            {
                await PlanBatchAsync();
            }
        }

        if (batch.Count > 0)
        {
            await PlanBatchAsync();
        }

        return new Compared(people, plans, notFound, current.Model.Options.Handoff.Threshold, proposed.Model.Options.Handoff.Threshold, now);
    }

    /// <summary>What --json prints; the text is rendered from the same.</summary>
    public sealed record PreviewReport(
        string Proposed,
        string Connection,
        DateTimeOffset AsOf,
        int Leads,
        int NotFound,
        PreviewTotals Totals,
        IReadOnlyList<ReceiverCount> Receivers,
        IReadOnlyList<Mover> Movers);

    public sealed record PreviewTotals(
        int CurrentThreshold,
        int ProposedThreshold,
        int CrossUp,
        int CrossDown,
        int ScoresChanged,
        int QuarantinedCurrent,
        int QuarantinedProposed,
        IReadOnlyDictionary<string, int> StatusChanges,
        IReadOnlyDictionary<string, int> StageChanges,
        IReadOnlyDictionary<string, FieldWriteTotals> FieldWrites,
        int HandoffsCurrent,
        int HandoffsProposed,
        int ReceiverChanges);

    public sealed record FieldWriteTotals(int Current, int Proposed, int LeadsDiffering);

    public sealed record ReceiverCount(string Team, string Rep, int Current, int Proposed);

    public sealed record Mover(
        string LeadKey,
        string? Email,
        int CurrentScore,
        int ProposedScore,
        bool SalesReadyNow,
        bool SalesReadyProposed,
        string? CurrentReceiver,
        string? ProposedReceiver,
        IReadOnlyList<ValueChange> Changes);

    private static PreviewReport Summarize(Compared compared, string proposedName, SyncConnection connection, int top)
    {
        var people = compared.People;
        var systems = new[] { connection.Crm.SystemName, connection.Marketing.SystemName };
        int Count(string system, string what) => people.Count(p => p.Changes.Any(c => c.System == system && c.What == what));
        var fieldWrites = new Dictionary<string, FieldWriteTotals>(StringComparer.Ordinal)
        {
            [connection.Crm.SystemName] = new(
                compared.Plans.Sum(p => PlanComparison.CrmFields(p.Current)?.Count ?? 0),
                compared.Plans.Sum(p => PlanComparison.CrmFields(p.Proposed)?.Count ?? 0),
                people.Count(p => p.Changes.Any(c => c.System == connection.Crm.SystemName && c.What.StartsWith("field ", StringComparison.Ordinal)))),
            [connection.Marketing.SystemName] = new(
                compared.Plans.Sum(p => p.Current.MarketingWrite?.Fields.Count ?? 0),
                compared.Plans.Sum(p => p.Proposed.MarketingWrite?.Fields.Count ?? 0),
                people.Count(p => p.Changes.Any(c => c.System == connection.Marketing.SystemName && c.What.StartsWith("field ", StringComparison.Ordinal)))),
        };
        var totals = new PreviewTotals(
            compared.CurrentThreshold,
            compared.ProposedThreshold,
            people.Count(p => !p.SalesReadyNow && p.SalesReadyProposed),
            people.Count(p => p.SalesReadyNow && !p.SalesReadyProposed),
            people.Count(p => p.ScoreChange != 0),
            compared.Plans.Count(p => p.Current.Blocked is not null),
            compared.Plans.Count(p => p.Proposed.Blocked is not null),
            systems.ToDictionary(s => s, s => Count(s, "status"), StringComparer.Ordinal),
            new Dictionary<string, int>(StringComparer.Ordinal) { [connection.Marketing.SystemName] = Count(connection.Marketing.SystemName, "stage") },
            fieldWrites,
            people.Count(p => p.CurrentReceiver is not null),
            people.Count(p => p.ProposedReceiver is not null),
            people.Count(p => p.ReceiverChanges));

        var receivers = people.Select(p => p.CurrentReceiver).Concat(people.Select(p => p.ProposedReceiver)).OfType<Receiver>().Distinct()
            .Select(r => new ReceiverCount(r.Team, r.Rep, people.Count(p => p.CurrentReceiver == r), people.Count(p => p.ProposedReceiver == r)))
            .Where(r => r.Current != r.Proposed)
            .OrderByDescending(r => Math.Abs(r.Proposed - r.Current)).ThenBy(r => r.Team, StringComparer.Ordinal).ThenBy(r => r.Rep, StringComparer.Ordinal)
            .ToList();

        var movers = people.Where(p => p.Differs)
            .OrderByDescending(p => Math.Abs(p.ScoreChange))
            .ThenByDescending(p => p.SalesReadyNow != p.SalesReadyProposed)
            .ThenByDescending(p => p.ReceiverChanges)
            .ThenByDescending(p => p.Changes.Count)
            .ThenBy(p => p.LeadKey, StringComparer.Ordinal)
            .Take(top)
            .Select(p => new Mover(
                p.LeadKey,
                EmailMask.Mask(p.Email),
                p.CurrentScore,
                p.ProposedScore,
                p.SalesReadyNow,
                p.SalesReadyProposed,
                Describe(p.CurrentReceiver),
                Describe(p.ProposedReceiver),
                [.. p.Changes.Select(c => c with { Current = Shown(c.Current), Proposed = Shown(c.Proposed) })]))
            .ToList();

        return new PreviewReport(proposedName, connection.Name, compared.Now, people.Count, compared.NotFound, totals, receivers, movers);
    }

    /// <summary>Values from the APIs as they may be shown: emails, tokens and secrets masked (escaping is the writer's).</summary>
    private static string? Shown(string? value) => value is null ? null : Logging.LogRedactionEnricher.RedactText(value);

    private static string? Describe(Receiver? receiver) => receiver is null ? null : $"{receiver.Rep} ({receiver.Team})";

    private static string Render(PreviewReport report)
    {
        var t = report.Totals;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"preview of {report.Proposed} against the current rules: {report.Leads} leads known to LeadSync (connection {report.Connection}), read now, as of {report.AsOf:u}");
        if (report.NotFound > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ({report.NotFound} known leads were found in neither system and are left out)");
        }

        text.AppendLine();
        text.AppendLine("totals (current → proposed):");
        var totals = new TextTable("what", "change");
        totals.Add("threshold", Arrow(t.CurrentThreshold, t.ProposedThreshold));
        totals.Add("would cross up to sales", Number(t.CrossUp));
        totals.Add("would drop below threshold", Number(t.CrossDown));
        totals.Add("scores that change", Number(t.ScoresChanged));
        totals.Add("quarantined", Arrow(t.QuarantinedCurrent, t.QuarantinedProposed));
        foreach (var (system, count) in t.StatusChanges)
        {
            totals.Add($"{system} status changes", Number(count));
        }

        foreach (var (system, count) in t.StageChanges)
        {
            totals.Add($"{system} stage changes", Number(count));
        }

        foreach (var (system, writes) in t.FieldWrites)
        {
            totals.Add($"{system} field writes", $"{Arrow(writes.Current, writes.Proposed)} ({Number(writes.LeadsDiffering)} leads differ)");
        }

        totals.Add("handoffs", Arrow(t.HandoffsCurrent, t.HandoffsProposed));
        totals.Add("leads with another receiver", Number(t.ReceiverChanges));
        text.Append(totals);

        if (report.Receivers.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("who would receive leads (only where the count changes):");
            var receivers = new TextTable("team", "rep", "current", "proposed");
            foreach (var receiver in report.Receivers)
            {
                receivers.Add(receiver.Team, receiver.Rep, Number(receiver.Current), Number(receiver.Proposed));
            }

            text.Append(receivers);
        }

        text.AppendLine();
        if (report.Movers.Count == 0)
        {
            text.AppendLine("no lead would be decided differently");
            return text.ToString();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"largest movers (top {report.Movers.Count}):");
        var movers = new TextTable("lead", "email", "score", "sales-ready", "receiver", "changes");
        foreach (var mover in report.Movers)
        {
            movers.Add(
                mover.LeadKey,
                mover.Email ?? "-",
                $"{mover.CurrentScore} → {mover.ProposedScore}",
                mover.SalesReadyNow == mover.SalesReadyProposed ? (mover.SalesReadyNow ? "yes" : "no") : $"{(mover.SalesReadyNow ? "yes" : "no")} → {(mover.SalesReadyProposed ? "yes" : "no")}",
                mover.CurrentReceiver == mover.ProposedReceiver ? mover.CurrentReceiver ?? "-" : $"{mover.CurrentReceiver ?? "-"} → {mover.ProposedReceiver ?? "-"}",
                DescribeChanges(mover.Changes));
        }

        text.Append(movers);
        return text.ToString();
    }

    /// <summary>
    /// Status, stage, owner and quarantine with their values; mapped fields by name only (their values are people's
    /// names, phones, titles: --json has them), at most four names per system.
    /// </summary>
    private static string DescribeChanges(IReadOnlyList<ValueChange> changes)
    {
        var parts = changes.Where(c => !c.What.StartsWith("field ", StringComparison.Ordinal))
            .Select(c => $"{c.System} {c.What} {Quote(c.Current)} → {Quote(c.Proposed)}")
            .ToList();
        foreach (var system in changes.Where(c => c.What.StartsWith("field ", StringComparison.Ordinal)).GroupBy(c => c.System, StringComparer.Ordinal))
        {
            var names = system.Select(c => c.What["field ".Length..]).ToList();
            parts.Add($"{system.Key} field writes differ: {string.Join(", ", names.Take(4))}{(names.Count > 4 ? $" +{names.Count - 4} more" : string.Empty)}");
        }

        return string.Join("; ", parts);
    }

    private static string Quote(string? value) => value is null ? "-" : $"'{value}'";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Arrow(int current, int proposed) =>
        current == proposed ? Number(current) : $"{Number(current)} → {Number(proposed)}";
}
