using System.Globalization;
using LeadSync.Domain.Handoff;
using LeadSync.Domain.Routing;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;

namespace LeadSync.Sync.Engine;

/// <summary>What one SLA/recycling pass did.</summary>
public sealed record FollowUpReport(string Connection, int Checked, int Reassigned, int ManagersNotified, int GaveUp, int Recycled, int Closed, string? Error);

/// <summary>
/// After the handoff: a rep who leaves a lead at the handoff status past the SLA (their business hours, their time
/// zone) triggers an escalation — reassign to the next rep (at most N times) or a Task for the team's manager — and a
/// lead that sales handed back or let go cold returns to marketing nurture. Every step is audited.
/// </summary>
public sealed partial class FollowUp(IStateStore store, TimeProvider time, ReferenceDataCache referenceData, ILogger<FollowUp> logger)
{
    public async Task<FollowUpReport> RunAsync(SyncConnection connection, CancellationToken cancellationToken)
    {
        var model = connection.Model;
        var options = model.Options.Handoff;
        var now = time.GetUtcNow();
        int reassigned = 0, notified = 0, gaveUp = 0, recycled = 0, closed = 0;
        var open = (await store.GetOpenAssignmentsAsync(connection.Name, cancellationToken))
            .Where(e => e.CompletedAt is not null && !e.Closed && e.CrmLeadId is not null)
            .ToList();
        if (open.Count == 0)
        {
            return new FollowUpReport(connection.Name, 0, 0, 0, 0, 0, 0, null);
        }

        try
        {
            var leads = (await connection.Crm.ReadByIdsAsync(
                    open.Select(e => e.CrmLeadId!).Distinct(StringComparer.Ordinal).ToList(), [], cancellationToken))
                .ToDictionary(l => l.Id, StringComparer.Ordinal);
            OwnerDirectory? context = null;
            var audit = new List<AuditEntry>();
            var history = new List<HistoryEntry>();
            foreach (var entry in open)
            {
                if (!leads.TryGetValue(entry.CrmLeadId!, out var lead))
                {
                    continue;
                }

                LeadSync.Domain.Lifecycle.LeadStatus? canonical = model.Statuses.TryFromCrm(lead.Status, out var status) ? status : null;

                // Recycling first: a lead sales gave back or let go cold returns to marketing.
                var recycle = model.Recycle.Evaluate(new RecycleInput(
                    InSales: true, lead.IsConverted, canonical, lead.LastActivityAt, entry.OwnerWrittenAt ?? entry.StartedAt, now));
                if (recycle.Recycle)
                {
                    context ??= await referenceData.GetAsync(connection, cancellationToken);
                    var update = new CrmUpdate(
                        lead.Id,
                        new Dictionary<string, string?>(),
                        recycle.Status is { } target ? model.Statuses.ToCrm(target) : null,
                        context.Directory.FindQueue(recycle.TargetQueueDeveloperName)?.Id is { } queue ? new OwnerWrite(queue) : null);
                    if (!update.IsEmpty && !(await connection.Crm.UpdateAsync([update], cancellationToken))[0].Success)
                    {
                        continue;
                    }

                    await store.UpdateAssignmentAsync(entry with { Closed = true, SlaDueAt = null }, cancellationToken);
                    await MarkReleasedAsync(connection.Name, entry.LeadKey, cancellationToken);
                    audit.Add(Audit(connection, entry, now, "recycled", recycle.Reason));
                    history.Add(LeadHistory.FollowUp(entry, HistoryKinds.Recycled, now, recycle.Reason, audit[^1].CycleId));
                    recycled++;
                    continue;
                }

                if (entry.SlaDueAt is null)
                {
                    continue;
                }

                if (lead.IsConverted || canonical != options.HandoffStatus)
                {
                    // The rep acted: the SLA is met, nothing more to follow up.
                    await store.UpdateAssignmentAsync(entry with { SlaDueAt = null }, cancellationToken);
                    audit.Add(Audit(connection, entry, now, "sla-met", $"status is now '{lead.Status}'"));
                    history.Add(LeadHistory.FollowUp(entry, HistoryKinds.SlaMet, now, audit[^1].Details, audit[^1].CycleId));
                    closed++;
                    continue;
                }

                var rep = FindRep(model, entry.OwnerId, context);
                var decision = model.Sla.Evaluate(new SlaInput(
                    entry.OwnerWrittenAt ?? entry.StartedAt, canonical, entry.Escalations, rep?.TimeZone, rep?.WorkingHours, now));
                switch (decision.Action)
                {
                    case SlaAction.Reassign:
                        context ??= await referenceData.GetAsync(connection, cancellationToken);
                        if (await ReassignAsync(connection, context, entry, decision, now, audit, history, cancellationToken))
                        {
                            reassigned++;
                        }

                        break;
                    case SlaAction.NotifyManager:
                        context ??= await referenceData.GetAsync(connection, cancellationToken);
                        await NotifyManagerAsync(connection, context, entry, decision, now, audit, cancellationToken);
                        history.Add(LeadHistory.FollowUp(entry, HistoryKinds.SlaEscalated, now, decision.Reason, audit[^1].CycleId));
                        notified++;
                        break;
                    case SlaAction.GiveUp:
                        await store.UpdateAssignmentAsync(entry with { SlaDueAt = null }, cancellationToken);
                        audit.Add(Audit(connection, entry, now, "sla-gave-up", decision.Reason));
                        history.Add(LeadHistory.FollowUp(entry, HistoryKinds.SlaGaveUp, now, decision.Reason, audit[^1].CycleId));
                        gaveUp++;
                        break;
                    default:
                        if (decision.DueAt is { } due && due != entry.SlaDueAt)
                        {
                            await store.UpdateAssignmentAsync(entry with { SlaDueAt = due }, cancellationToken);
                        }

                        break;
                }
            }

            if (audit.Count > 0)
            {
                // Audit and history of the pass in one transaction.
                await store.SettleAsync(
                    new BatchSettlement(connection.Name, [], [], audit, [], [], new Dictionary<string, long>()) { History = history }, cancellationToken);
            }

            LogFollowUp(logger, connection.Name, open.Count, reassigned, notified, recycled);
            return new FollowUpReport(connection.Name, open.Count, reassigned, notified, gaveUp, recycled, closed, null);
        }
        catch (ExternalApiException ex)
        {
            LogFollowUpFailed(logger, connection.Name, ex.Message);
            return new FollowUpReport(connection.Name, open.Count, reassigned, notified, gaveUp, recycled, closed, ex.Message);
        }
    }

    private async Task<bool> ReassignAsync(
        SyncConnection connection, OwnerDirectory context, AssignmentEntry entry, SlaDecision decision,
        DateTimeOffset now, List<AuditEntry> audit, List<HistoryEntry> history, CancellationToken cancellationToken)
    {
        var team = new TeamSelection(entry.Team, null, $"SLA escalation of team {entry.Team}: {decision.Reason}");
        var loads = (await store.GetRoutingStateAsync(connection.Name, cancellationToken)).OpenLeadsByOwner;
        RoutingDecision? routing = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var ticket = await store.TakeRoutingTicketAsync(connection.Name, entry.Team, cancellationToken);
            var candidate = connection.Model.Router.PickRep(team, context.Directory, ticket, loads, now);
            if (candidate.Rep is not null && !string.Equals(candidate.Rep.SalesforceUserId, entry.OwnerId, StringComparison.Ordinal))
            {
                routing = candidate;
                break;
            }
        }

        if (routing?.Rep is not { } rep)
        {
            await store.UpdateAssignmentAsync(entry with { SlaDueAt = null }, cancellationToken);
            audit.Add(Audit(connection, entry, now, "sla-no-other-rep", $"{decision.Reason} No other rep is available in team {entry.Team}."));
            return false;
        }

        var outcome = (await connection.Crm.UpdateAsync([new CrmUpdate(entry.CrmLeadId!, new Dictionary<string, string?>(), Owner: new OwnerWrite(rep.SalesforceUserId))], cancellationToken))[0];
        if (!outcome.Success)
        {
            audit.Add(Audit(connection, entry, now, "sla-reassign-failed", $"{outcome.ErrorCode} {outcome.Message}"));
            return false;
        }

        var task = new CrmTask(
            entry.CrmLeadId!, rep.SalesforceUserId, "Sales-ready lead reassigned to you (SLA)", "High", "Not Started",
            DateOnly.FromDateTime(now.UtcDateTime),
            $"This sales-ready lead was not worked within the SLA and is now yours. {decision.Reason} Original handoff: {entry.Reason}",
            FormattableString.Invariant($"{entry.Key}/sla-{entry.Escalations + 1}"));
        await connection.Crm.CreateTasksAsync([task], cancellationToken);
        var repOptions = FindRep(connection.Model, rep.SalesforceUserId, context);
        var next = connection.Model.Sla.Evaluate(new SlaInput(now, connection.Model.Options.Handoff.HandoffStatus, entry.Escalations + 1, repOptions?.TimeZone, repOptions?.WorkingHours, now));
        await store.UpdateAssignmentAsync(
            entry with { OwnerId = rep.SalesforceUserId, MarketingOwnerId = rep.HubSpotOwnerId, Escalations = entry.Escalations + 1, OwnerWrittenAt = now, SlaDueAt = next.DueAt },
            cancellationToken);
        audit.Add(Audit(connection, entry, now, "sla-reassigned", $"{decision.Reason} Reassigned from {entry.OwnerId} to {rep.SalesforceUserId} ({EmailMask.Mask(rep.Email)})."));
        history.Add(LeadHistory.FollowUp(entry, HistoryKinds.SlaReassigned, now, decision.Reason, audit[^1].CycleId, rep.SalesforceUserId));
        return true;
    }

    private async Task NotifyManagerAsync(
        SyncConnection connection, OwnerDirectory context, AssignmentEntry entry, SlaDecision decision, DateTimeOffset now,
        List<AuditEntry> audit, CancellationToken cancellationToken)
    {
        var managerEmail = connection.Model.Options.Routing.Teams.FirstOrDefault(t => string.Equals(t.Name, entry.Team, StringComparison.OrdinalIgnoreCase))?.ManagerEmail;
        var manager = context.Directory.FindUser(managerEmail);
        if (manager is not null)
        {
            await connection.Crm.CreateTasksAsync(
                [new CrmTask(entry.CrmLeadId!, manager.Id, "SLA missed on a sales-ready lead", "High", "Not Started", DateOnly.FromDateTime(now.UtcDateTime),
                    $"The rep assigned to this lead has not worked it within the SLA. {decision.Reason} Handoff: {entry.Reason}",
                    FormattableString.Invariant($"{entry.Key}/sla-{entry.Escalations + 1}"))],
                cancellationToken);
        }

        var next = decision.DueAt is { } due && due > now ? due : now.AddHours(1);
        await store.UpdateAssignmentAsync(entry with { Escalations = entry.Escalations + 1, SlaDueAt = next }, cancellationToken);
        audit.Add(Audit(connection, entry, now, "sla-manager-notified", manager is null
            ? $"{decision.Reason} No manager of team {entry.Team} is a known CRM user; nobody could be notified."
            : $"{decision.Reason} Task created for the manager {EmailMask.Mask(managerEmail)}."));
    }

    private async Task MarkReleasedAsync(string connection, string leadKey, CancellationToken cancellationToken)
    {
        if (await store.GetLeadAsync(connection, leadKey, cancellationToken) is { } record)
        {
            await store.SaveLeadsAsync(connection, [record with { InSales = false, UpdatedAt = time.GetUtcNow() }], cancellationToken);
        }
    }

    private static RepOptions? FindRep(ConnectionModel model, string salesforceUserId, OwnerDirectory? context)
    {
        var email = context?.Directory is { } directory
            ? model.Options.Routing.Teams.SelectMany(t => t.Reps).Select(r => r.Email).FirstOrDefault(e => directory.FindUser(e)?.Id == salesforceUserId)
            : null;
        return email is null ? null : model.Options.Routing.Teams.SelectMany(t => t.Reps).FirstOrDefault(r => string.Equals(r.Email, email, StringComparison.OrdinalIgnoreCase));
    }

    private static AuditEntry Audit(SyncConnection connection, AssignmentEntry entry, DateTimeOffset now, string action, string details) =>
        new(connection.Name, "follow-up-" + now.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture), entry.LeadKey, now, action, $"crossing {entry.Crossing}: {details}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Follow-up of connection {Connection}: checked {Checked}, reassigned {Reassigned}, managers notified {Notified}, recycled {Recycled}")]
    private static partial void LogFollowUp(ILogger logger, string connection, int @checked, int reassigned, int notified, int recycled);

    [LoggerMessage(Level = LogLevel.Error, Message = "Follow-up of connection {Connection} failed: {Reason}")]
    private static partial void LogFollowUpFailed(ILogger logger, string connection, string reason);
}
