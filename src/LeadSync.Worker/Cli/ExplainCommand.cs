using System.CommandLine;
using System.Globalization;
using LeadSync.Domain;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary><c>explain &lt;email|id&gt;</c>: why a lead has its score, status, stage and owner, and what LeadSync did with it.</summary>
public static class ExplainCommand
{
    public static Command Create(CommandIo io)
    {
        var target = new Argument<string>("lead") { Description = "An email, a lead key as other commands print it (hs-374, sf-00Q…), a HubSpot contact id (digits) or a Salesforce Lead id (00Q…)" };
        var connectionOption = ConnectionChoice.CreateOption();
        var command = new Command(
            "explain",
            "Show a lead's score breakdown, grade, status and stage in both systems with the mappings that produced them, the routing path, its handoffs and its audit history.\n\nExamples:\n  leadsync explain ada@example.com\n  leadsync explain 00Q5g00000AbCdEEAV")
        {
            target, connectionOption,
        };
        command.SetAction(async (parse, ct) =>
        {
            var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
            if (loaded is null)
            {
                return ExitCodes.InvalidInput;
            }

            if (ConnectionChoice.Resolve(loaded.Settings, parse.GetValue(connectionOption), out var choiceError) is not { } chosen)
            {
                await io.Error.WriteLineAsync(choiceError);
                return ExitCodes.InvalidInput;
            }

            using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
            var connection = host.Services.GetRequiredService<ConnectionRegistry>().Find(chosen.Name)!;

            var store = host.Services.GetRequiredService<IStateStore>();
            await store.MigrateAsync(ct);
            var explainer = new LeadExplainer(connection, store, host.Services.GetRequiredService<ReferenceDataCache>(), host.Services.GetRequiredService<TimeProvider>());
            var text = await explainer.ExplainAsync(parse.GetValue(target)!, ct);
            if (text is null)
            {
                await io.Error.WriteLineAsync("error: no lead found for that email or id in either system");
                return ExitCodes.InvalidInput;
            }

            io.Out.Write(text);
            return ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>
/// Builds the explanation from live reads (both systems) and the state store. The decision shown is the planner's own
/// (the same code a cycle runs), with routing positions as stored now, so "what would happen" is what would happen.
/// </summary>
public sealed class LeadExplainer(SyncConnection connection, IStateStore store, ReferenceDataCache referenceData, TimeProvider time)
{
    public async Task<string?> ExplainAsync(string target, CancellationToken cancellationToken)
    {
        var model = connection.Model;
        MarketingPerson? contact = null;
        CrmPerson? lead = null;
        LeadRecord? record = null;
        var trimmed = target.Trim();
        if (trimmed.Contains('@', StringComparison.Ordinal))
        {
            contact = (await connection.Marketing.ReadByEmailsAsync([trimmed], model.MarketingFields, cancellationToken)).FirstOrDefault();
            var leads = await connection.Crm.ReadByEmailsAsync([trimmed], model.CrmFields, cancellationToken);
            lead = leads.FirstOrDefault(l => !l.IsConverted) ?? leads.FirstOrDefault();
        }
        else if (trimmed.StartsWith("hs-", StringComparison.Ordinal) || trimmed.StartsWith("sf-", StringComparison.Ordinal))
        {
            record = await store.GetLeadAsync(connection.Name, trimmed, cancellationToken);
            if (record is null && trimmed.StartsWith("hs-", StringComparison.Ordinal))
            {
                contact = (await connection.Marketing.ReadByIdsAsync([trimmed[3..]], model.MarketingFields, cancellationToken)).FirstOrDefault();
            }
            else if (record is null)
            {
                lead = (await connection.Crm.ReadByIdsAsync([trimmed[3..]], model.CrmFields, cancellationToken)).FirstOrDefault();
            }
        }
        else if (trimmed.StartsWith("00Q", StringComparison.Ordinal))
        {
            lead = (await connection.Crm.ReadByIdsAsync([trimmed], model.CrmFields, cancellationToken)).FirstOrDefault();
        }
        else if (trimmed.All(char.IsAsciiDigit))
        {
            contact = (await connection.Marketing.ReadByIdsAsync([trimmed], model.MarketingFields, cancellationToken)).FirstOrDefault();
        }

        record ??= (await store.FindLeadsAsync(
            connection.Name,
            contact is null ? [] : [contact.Id],
            lead is null ? [] : [lead.Id],
            cancellationToken)).FirstOrDefault();
        if (contact is null && record?.MarketingId is { } marketingId)
        {
            contact = (await connection.Marketing.ReadByIdsAsync([marketingId], model.MarketingFields, cancellationToken)).FirstOrDefault();
        }

        if (lead is null && record?.CrmId is { } crmId)
        {
            lead = (await connection.Crm.ReadByIdsAsync([crmId], model.CrmFields, cancellationToken)).FirstOrDefault();
        }

        if (contact is null && lead is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var marketing = connection.Marketing.SystemName;
        var crm = connection.Crm.SystemName;
        var explanation = model.Scoring.Explain(model.Scoring.Extract(contact?.Fields ?? new Dictionary<string, string?>(), lead?.Fields), now);
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"lead {EmailMask.Mask(contact?.Email ?? lead?.Email)}  {marketing} {contact?.Id ?? "-"}  {crm} {lead?.Id ?? "-"}  (as of {now:u})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"score {explanation.Score.Value}/100 — behaviour {explanation.Score.Behaviour}%, fit {explanation.Score.Fit}%, grade {explanation.Score.Grade}; threshold {model.Options.Handoff.Threshold} ({(explanation.Score.Value >= model.Options.Handoff.Threshold ? "sales-ready" : "stays with marketing")})");
        var table = new TextTable("kind", "rule", "points", "why");
        foreach (var line in explanation.Contributions)
        {
            table.Add(line.Kind.ToString(), line.RuleId ?? string.Empty, line.Points.ToString("+0;-0;0", CultureInfo.InvariantCulture), line.Phrase);
        }

        text.Append(table);
        text.AppendLine(CultureInfo.InvariantCulture, $"grade: {explanation.GradeReason}");
        text.AppendLine(CultureInfo.InvariantCulture, $"decay: {explanation.Decay.Detail}");
        text.AppendLine();

        var crmStatus = lead?.Status;
        var marketingStatus = contact?.LeadStatus;
        var canonical = model.Statuses.TryFromCrm(crmStatus, out var fromCrm) ? fromCrm.ToString()
            : model.Statuses.TryFromMarketing(marketingStatus, out var fromMarketing) ? fromMarketing.ToString() : "unmapped";
        text.AppendLine(CultureInfo.InvariantCulture, $"Lead Status: {crm} '{crmStatus ?? "-"}' ↔ canonical {canonical} ↔ {marketing} '{marketingStatus ?? "-"}' (maps: LeadSync:Lifecycle:StatusMap)");
        text.AppendLine(CultureInfo.InvariantCulture, $"lifecycle stage ({marketing}): '{contact?.LifecycleStage ?? "-"}'");
        text.AppendLine(CultureInfo.InvariantCulture, $"owner: {crm} {lead?.OwnerId ?? "-"}, {marketing} {contact?.OwnerId ?? "-"}");
        if (record is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"LeadSync state: key {record.LeadKey}, last score {record.Score?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({record.Grade ?? "-"}), in sales: {(record.InSales ? "yes" : "no")}, crossings {record.Crossings}, updated {record.UpdatedAt:u}");
            if (record.Disqualified is { } disqualified)
            {
                // Why a hot lead is not handed off: a person's "no", and what ends it.
                text.AppendLine(CultureInfo.InvariantCulture, $"not handed off while: {model.Handoff.DescribeDisqualification(disqualified)}");
            }
        }
        else
        {
            text.AppendLine("LeadSync state: not synced yet");
        }

        text.AppendLine();
        var key = record?.LeadKey ?? (contact is not null ? $"hs-{contact.Id}" : $"sf-{lead!.Id}");
        var ledger = await store.GetAssignmentsAsync(connection.Name, key, cancellationToken);
        var owners = await referenceData.GetAsync(connection, cancellationToken);
        var routing = await store.GetRoutingStateAsync(connection.Name, cancellationToken);
        var plan = new LeadPlanner(model, connection.Marketing.CoreFields?.ScoreFields).PlanOne(new PersonSnapshot(key, contact, lead, record, ledger), owners, routing, now);
        if (plan.Segments.Count > 0)
        {
            // Each dimension's value and the rule that set it: what a marketer targets by, and why this person is in it.
            text.AppendLine("segments (LeadSync:Segments, first matching rule wins):");
            foreach (var segment in plan.Segments)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {segment.Dimension} = {segment.Value}  [{segment.RuleId ?? "default"}]  {segment.Reason}");
            }

            text.AppendLine();
        }

        text.AppendLine("if a cycle ran now (the planner's own decision, round-robin positions as stored):");
        if (plan.Blocked is { } blocked)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  would be quarantined ({blocked.System} {blocked.RecordId}): {blocked.Reason}");
        }

        foreach (var reason in plan.Reasons)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {reason}");
        }

        if (plan.Handoff is { } handoff)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  handoff crossing {handoff.Crossing} → {(handoff.RepEmail is { } rep ? EmailMask.Mask(rep) : handoff.OwnerId)} (team {handoff.Team}): {handoff.Reason}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  the rep's task: {handoff.Note.Subject}");
        }

        foreach (var write in plan.MarketingWrite is { } mw ? Settlement.Describe(mw, contact) : [])
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {marketing}: {write}");
        }

        foreach (var write in plan.CrmWrite is { } cw ? Settlement.Describe(cw, lead) : [])
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {crm}: {write}");
        }

        if (plan.CrmCreate is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {crm}: a new lead would be created for this person");
        }

        if (!plan.HasWrites && plan.Blocked is null)
        {
            text.AppendLine("  nothing to write: both systems already agree with the rules");
        }

        if (record is not null)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"handoffs: {ledger.Count}");
            foreach (var entry in ledger)
            {
                var latency = entry.OwnerWrittenAt is { } written ? $"{(written - entry.FirstSeenAt).TotalSeconds:F0} s" : "-";
                text.AppendLine(CultureInfo.InvariantCulture, $"  #{entry.Crossing} {entry.StartedAt:u} → owner {entry.OwnerId} (team {entry.Team}), steps {entry.StepsDone}, latency {latency}, SLA due {entry.SlaDueAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}, escalations {entry.Escalations}{(entry.Closed ? ", closed" : string.Empty)}{(entry.Refused is { } refused ? $", refused by the CRM on {refused.At:u}: {refused.Reason}" : string.Empty)}");
                text.AppendLine(CultureInfo.InvariantCulture, $"     why: {entry.Reason}");
            }

            var audit = await store.GetAuditAsync(connection.Name, record.LeadKey, 20, cancellationToken);
            text.AppendLine(CultureInfo.InvariantCulture, $"audit (newest first, {audit.Count}):");
            foreach (var entry in audit)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {entry.At:u} [{entry.Action}] cycle {entry.CycleId}: {entry.Details}");
            }
        }

        return text.ToString();
    }
}
