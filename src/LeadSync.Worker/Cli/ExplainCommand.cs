using System.CommandLine;
using System.Globalization;
using LeadSync.Domain.Routing;
using EmailMask = LeadSync.Sync.Engine.EmailMask;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary><c>explain &lt;email|id&gt;</c>: why a lead has its score, status, stage and owner, and what LeadSync did with it.</summary>
public static class ExplainCommand
{
    public static Command Create(CommandIo io)
    {
        var target = new Argument<string>("lead") { Description = "An email, a HubSpot contact id (digits) or a Salesforce Lead id (00Q…)" };
        var connectionOption = new Option<string>("--connection") { Description = "Connection name", DefaultValueFactory = _ => LeadSyncSettings.DefaultConnectionName };
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

            using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
            var connection = host.Services.GetRequiredService<ConnectionRegistry>().Find(parse.GetValue(connectionOption)!);
            if (connection is null)
            {
                await io.Error.WriteLineAsync($"error: no connection named '{parse.GetValue(connectionOption)}'");
                return ExitCodes.InvalidInput;
            }

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

/// <summary>Builds the explanation text from live reads (both systems) and the state store.</summary>
public sealed class LeadExplainer(SyncConnection connection, IStateStore store, ReferenceDataCache referenceData, TimeProvider time)
{
    public async Task<string?> ExplainAsync(string target, CancellationToken cancellationToken)
    {
        var model = connection.Model;
        MarketingContact? contact = null;
        CrmLead? lead = null;
        var trimmed = target.Trim();
        if (trimmed.Contains('@', StringComparison.Ordinal))
        {
            contact = (await connection.Marketing.ReadByEmailsAsync([trimmed], model.HubSpotProperties, cancellationToken)).FirstOrDefault();
            lead = (await connection.Crm.ReadByEmailsAsync([trimmed], model.SalesforceFields, cancellationToken)).FirstOrDefault(l => !l.IsConverted)
                ?? (await connection.Crm.ReadByEmailsAsync([trimmed], model.SalesforceFields, cancellationToken)).FirstOrDefault();
        }
        else if (trimmed.StartsWith("00Q", StringComparison.Ordinal))
        {
            lead = (await connection.Crm.ReadByIdsAsync([trimmed], model.SalesforceFields, cancellationToken)).FirstOrDefault();
        }
        else if (trimmed.All(char.IsAsciiDigit))
        {
            contact = (await connection.Marketing.ReadByIdsAsync([trimmed], model.HubSpotProperties, cancellationToken)).FirstOrDefault();
        }

        var records = await store.FindLeadsAsync(
            connection.Name,
            contact is null ? [] : [contact.Id],
            lead is null ? [] : [lead.Id],
            cancellationToken);
        var record = records.FirstOrDefault();
        if (contact is null && record?.HubSpotId is { } hubSpotId)
        {
            contact = (await connection.Marketing.ReadByIdsAsync([hubSpotId], model.HubSpotProperties, cancellationToken)).FirstOrDefault();
        }

        if (lead is null && record?.SalesforceId is { } salesforceId)
        {
            lead = (await connection.Crm.ReadByIdsAsync([salesforceId], model.SalesforceFields, cancellationToken)).FirstOrDefault();
        }

        if (contact is null && lead is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var hubSpot = contact?.Properties ?? new Dictionary<string, string?>();
        var salesforce = lead?.Fields ?? new Dictionary<string, string?>();
        var explanation = model.Scoring.Explain(model.Scoring.Extract(hubSpot, salesforce), now);
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"lead {EmailMask.Mask(contact?.Email ?? lead?.Email)}  HubSpot {contact?.Id ?? "-"}  Salesforce {lead?.Id ?? "-"}  (as of {now:u})");
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

        var sfStatus = lead?.Status;
        var hsStatus = hubSpot.GetValueOrDefault("hs_lead_status");
        var canonical = model.Statuses.TryFromSalesforce(sfStatus, out var fromSalesforce) ? fromSalesforce.ToString()
            : model.Statuses.TryFromHubSpot(hsStatus, out var fromHubSpot) ? fromHubSpot.ToString() : "unmapped";
        text.AppendLine(CultureInfo.InvariantCulture, $"Lead Status: Salesforce '{sfStatus ?? "-"}' ↔ canonical {canonical} ↔ HubSpot '{hsStatus ?? "-"}' (maps: LeadSync:Lifecycle:StatusMap)");
        text.AppendLine(CultureInfo.InvariantCulture, $"lifecycle stage (HubSpot): '{hubSpot.GetValueOrDefault("lifecyclestage") ?? "-"}'");
        text.AppendLine(CultureInfo.InvariantCulture, $"owner: Salesforce {lead?.OwnerId ?? "-"}, HubSpot {hubSpot.GetValueOrDefault("hubspot_owner_id") ?? "-"}");
        if (record is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"LeadSync state: key {record.LeadKey}, last score {record.Score?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({record.Grade ?? "-"}), in sales: {(record.InSales ? "yes" : "no")}, crossings {record.Crossings}, updated {record.UpdatedAt:u}");
        }
        else
        {
            text.AppendLine("LeadSync state: not synced yet");
        }

        text.AppendLine();
        var data = await referenceData.GetAsync(connection, cancellationToken);
        var directory = new RepDirectory(
            data.Users.Select(u => new SalesforceUserInfo(u.Id, u.Email, u.IsActive)),
            data.Owners.Select(o => new HubSpotOwnerInfo(o.Id, o.Email, o.Archived)),
            data.Queues.Select(q => new QueueInfo(q.Id, q.DeveloperName)));
        var team = model.Router.SelectTeam(new LeadAttributes(hubSpot, salesforce));
        var loads = await store.CountOpenLeadsByOwnerAsync(connection.Name, cancellationToken);
        var routing = model.Router.PickRep(team, directory, 0, loads, now);
        text.AppendLine(CultureInfo.InvariantCulture, $"routing (if handed off now; round-robin position shown from the start): {routing.Reason}");
        foreach (var skipped in routing.Skipped)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  skipped {EmailMask.Mask(skipped.Email)}: {skipped.Reason}");
        }

        if (record is not null)
        {
            var assignments = await store.GetAssignmentsAsync(connection.Name, record.LeadKey, cancellationToken);
            text.AppendLine(CultureInfo.InvariantCulture, $"handoffs: {assignments.Count}");
            foreach (var entry in assignments)
            {
                var latency = entry.OwnerWrittenAt is { } written ? $"{(written - entry.FirstSeenAt).TotalSeconds:F0} s" : "-";
                text.AppendLine(CultureInfo.InvariantCulture, $"  #{entry.Crossing} {entry.StartedAt:u} → owner {entry.OwnerId} (team {entry.Team}), steps {entry.StepsDone}, latency {latency}, SLA due {entry.SlaDueAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}, escalations {entry.Escalations}{(entry.Closed ? ", closed" : string.Empty)}");
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
