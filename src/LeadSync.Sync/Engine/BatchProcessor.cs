using System.Globalization;
using System.Text;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;

namespace LeadSync.Sync.Engine;

/// <summary>
/// Decides a batch of people (through the pure <see cref="LeadDecider"/>), then applies the writes in full batches in
/// an order that keeps a handoff exactly-once: ledger entry → Salesforce creates → Salesforce updates (owner) → Tasks →
/// HubSpot updates → HubSpot stage resets → ledger completion → lead records and audit. A per-record failure quarantines
/// that person with its reason while the rest go on; a failed call aborts the cycle before the watermarks move.
/// </summary>
internal sealed partial class BatchProcessor(
    SyncConnection connection,
    CycleMode mode,
    string cycleId,
    IStateStore store,
    TimeProvider time,
    ReferenceDataCache referenceData,
    ILogger logger,
    CycleTally tally)
{
    /// <summary>Key under which a lead record's last-seen values remember the modification time LeadSync settled.</summary>
    public const string ModifiedMarker = "_modifiedAt";

    private readonly LeadDecider _decider = new(connection.Model);
    private readonly Dictionary<string, long> _dryRunTickets = new(StringComparer.Ordinal);

    private bool DryRun => mode == CycleMode.DryRun;

    private string Name => connection.Name;

    public async Task ProcessAsync(IReadOnlyList<Person> persons, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var plans = new List<PersonPlan>(persons.Count);
        foreach (var person in persons)
        {
            if (person.QuarantineReason is not null)
            {
                await QuarantineAsync(person.QuarantineSystem, RecordId(person, person.QuarantineSystem), person.QuarantineReason, cancellationToken);
                continue;
            }

            var plan = _decider.Assess(person, now);
            tally.Scored++;
            plans.Add(plan);
        }

        var context = plans.Exists(p => p.NeedsOwnerContext && p.BlockedReason is null)
            ? _decider.OwnerContext(await referenceData.GetAsync(connection, cancellationToken))
            : null;

        IReadOnlyDictionary<string, int>? loads = null;
        foreach (var plan in plans)
        {
            if (plan.BlockedReason is not null)
            {
                continue;
            }

            var wantsRep = _decider.DecideOwnership(plan, context, now);
            if (wantsRep is not null && context is not null)
            {
                var ticket = await TakeTicketAsync(wantsRep.Team ?? "(fallback)", cancellationToken);
                loads ??= await store.CountOpenLeadsByOwnerAsync(Name, cancellationToken);
                var routing = _decider.PickRep(wantsRep, context, ticket, loads, now);
                _decider.ComposeHandoff(plan, routing, context, now);
                if (plan.Handoff is not null && loads is Dictionary<string, int> mutable)
                {
                    mutable[plan.Handoff.OwnerId] = mutable.GetValueOrDefault(plan.Handoff.OwnerId) + 1;
                }
            }

            _decider.Finish(plan, now);
        }

        foreach (var plan in plans.Where(p => p.BlockedReason is not null))
        {
            await QuarantineAsync(plan.BlockedSystem, RecordId(plan.Person, plan.BlockedSystem), plan.BlockedReason!, cancellationToken);
        }

        var active = plans.Where(p => p.BlockedReason is null).ToList();
        if (DryRun)
        {
            foreach (var plan in active.Where(p => p.HasWrites))
            {
                Report(plan, assigned: plan.Handoff is not null);
            }

            return;
        }

        await ApplyAsync(active, now, cancellationToken);
    }

    /// <summary>
    /// Finishes handoffs a crash or failed call left half-way: the ledger says which steps are done, so the owner is
    /// written at most once and the Task is created at most once.
    /// </summary>
    public async Task ResumeOpenAssignmentsAsync(CancellationToken cancellationToken)
    {
        var open = (await store.GetOpenAssignmentsAsync(Name, cancellationToken)).Where(e => e.CompletedAt is null && !e.Closed).ToList();
        if (open.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var entry in open)
        {
            var record = await store.GetLeadAsync(Name, entry.LeadKey, cancellationToken);
            var salesforceId = entry.SalesforceLeadId ?? record?.SalesforceId;
            if (salesforceId is null)
            {
                LogCannotResume(logger, entry.LeadKey, entry.Crossing);
                continue;
            }

            var current = entry with { SalesforceLeadId = salesforceId };
            if (!current.StepsDone.HasFlag(AssignmentSteps.SalesforceOwnerWritten))
            {
                var outcome = (await connection.Crm.UpdateLeadsAsync(
                    [new RecordUpdate(salesforceId, _decider.HandoffSalesforceValues(entry.OwnerId))], cancellationToken))[0];
                if (!outcome.Success)
                {
                    await QuarantineAsync(SystemKind.Salesforce, salesforceId, Describe("owner write failed while resuming a handoff", outcome), cancellationToken);
                    continue;
                }

                current = current with { StepsDone = current.StepsDone | AssignmentSteps.SalesforceOwnerWritten, OwnerWrittenAt = now };
                await store.UpdateAssignmentAsync(current, cancellationToken);
            }

            if (!current.StepsDone.HasFlag(AssignmentSteps.TaskCreated))
            {
                var task = _decider.ResumeTask(salesforceId, current, now);
                var outcome = (await connection.Crm.CreateTasksAsync([task], cancellationToken))[0];
                if (outcome.Success)
                {
                    tally.TasksCreated++;
                    current = current with { StepsDone = current.StepsDone | AssignmentSteps.TaskCreated, TaskId = outcome.Id };
                    await store.UpdateAssignmentAsync(current, cancellationToken);
                }
            }

            if (!current.StepsDone.HasFlag(AssignmentSteps.HubSpotWritten) && record?.HubSpotId is { } hubSpotId)
            {
                var outcome = (await connection.Marketing.UpdateAsync(
                    [new RecordUpdate(hubSpotId, _decider.HandoffHubSpotValues(current.HubSpotOwnerId))], cancellationToken))[0];
                if (outcome.Success)
                {
                    current = current with { StepsDone = current.StepsDone | AssignmentSteps.HubSpotWritten };
                }
            }

            if (current.StepsDone.HasFlag(AssignmentSteps.SalesforceOwnerWritten) && current.StepsDone.HasFlag(AssignmentSteps.TaskCreated))
            {
                current = current with { CompletedAt = now };
                tally.HandoffLatencies.Add((current.OwnerWrittenAt ?? now) - current.FirstSeenAt);
            }

            await store.UpdateAssignmentAsync(current, cancellationToken);
            await store.AppendAuditAsync(
                [new AuditEntry(Name, cycleId, entry.LeadKey, now, "handoff-resumed", FormattableString.Invariant($"crossing {entry.Crossing}: steps now {current.StepsDone}"))],
                cancellationToken);
            LogResumed(logger, entry.LeadKey, entry.Crossing, current.StepsDone);
        }
    }

    private async Task<long> TakeTicketAsync(string team, CancellationToken cancellationToken)
    {
        if (!DryRun)
        {
            return await store.TakeRoutingTicketAsync(Name, team, cancellationToken);
        }

        // A dry run must not move the shared round-robin position: it previews with a local one.
        var ticket = _dryRunTickets.GetValueOrDefault(team);
        _dryRunTickets[team] = ticket + 1;
        return ticket;
    }

    private async Task ApplyAsync(List<PersonPlan> plans, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var failed = new Dictionary<PersonPlan, (SystemKind System, string Reason)>();

        // 1. The ledger entry of each crossing is written before any API write.
        foreach (var plan in plans.Where(p => p.Handoff is not null))
        {
            var handoff = plan.Handoff!;
            var entry = await store.BeginAssignmentAsync(
                new AssignmentEntry(
                    Name, plan.LeadKey, handoff.Crossing, plan.Person.Salesforce?.Id, handoff.OwnerId, handoff.HubSpotOwnerId,
                    handoff.Team, handoff.Reason, AssignmentSteps.None, null, plan.FirstSeenAboveThresholdAt ?? now, now,
                    null, null, 0, handoff.SlaDueAt, false,
                    new AssignmentNote(handoff.TaskSubject, handoff.TaskPriority, handoff.TaskDescription)),
                cancellationToken);
            if (!string.Equals(entry.OwnerId, handoff.OwnerId, StringComparison.Ordinal))
            {
                // A previous attempt of this crossing already chose a rep: keep that choice.
                _decider.ReplaceOwner(plan, entry.OwnerId, entry.HubSpotOwnerId);
            }

            handoff.Entry = entry;
        }

        // 2. Salesforce Leads for HubSpot-only contacts handed to sales.
        var creates = plans.Where(p => p.SalesforceCreate is not null).ToList();
        if (creates.Count > 0)
        {
            var outcomes = await connection.Crm.CreateLeadsAsync(
                creates.Select(p => new RecordCreate(p.LeadKey, p.SalesforceCreate!)).ToList(), cancellationToken);
            for (var i = 0; i < creates.Count; i++)
            {
                var plan = creates[i];
                if (outcomes[i].Success && outcomes[i].Id is { } id)
                {
                    tally.SalesforceRecordsWritten++;
                    plan.Person.Salesforce = new CrmLead(id, plan.SalesforceCreate!, now);
                    plan.HubSpotWrites[connection.Model.Mappings.CrossReference.HubSpotProperty] = id;
                    if (plan.Handoff?.Entry is { } entry)
                    {
                        plan.Handoff.Entry = entry with
                        {
                            SalesforceLeadId = id,
                            StepsDone = entry.StepsDone | AssignmentSteps.SalesforceOwnerWritten,
                            OwnerWrittenAt = now,
                        };
                        await store.UpdateAssignmentAsync(plan.Handoff.Entry, cancellationToken);
                    }
                }
                else
                {
                    failed[plan] = (SystemKind.HubSpot, Describe("creating its Salesforce Lead failed", outcomes[i]));
                }
            }
        }

        // 3. Salesforce updates, owner included.
        var updates = plans.Where(p => !failed.ContainsKey(p) && p.SalesforceCreate is null && p.Person.Salesforce is not null && p.SalesforceWrites.Count > 0).ToList();
        if (updates.Count > 0)
        {
            var outcomes = await connection.Crm.UpdateLeadsAsync(
                updates.Select(p => new RecordUpdate(p.Person.Salesforce!.Id, p.SalesforceWrites)).ToList(), cancellationToken);
            for (var i = 0; i < updates.Count; i++)
            {
                var plan = updates[i];
                if (!outcomes[i].Success)
                {
                    failed[plan] = (SystemKind.Salesforce, Describe("Salesforce update failed", outcomes[i]));
                    continue;
                }

                tally.SalesforceRecordsWritten++;
                if (plan.Handoff?.Entry is { } entry && !entry.StepsDone.HasFlag(AssignmentSteps.SalesforceOwnerWritten))
                {
                    plan.Handoff.Entry = entry with
                    {
                        SalesforceLeadId = plan.Person.Salesforce!.Id,
                        StepsDone = entry.StepsDone | AssignmentSteps.SalesforceOwnerWritten,
                        OwnerWrittenAt = now,
                    };
                    await store.UpdateAssignmentAsync(plan.Handoff.Entry, cancellationToken);
                }
            }
        }

        // 4. The rep's note, once per crossing.
        var needTask = plans
            .Where(p => p.Handoff?.Entry is { } e && e.StepsDone.HasFlag(AssignmentSteps.SalesforceOwnerWritten) && !e.StepsDone.HasFlag(AssignmentSteps.TaskCreated))
            .ToList();
        foreach (var plan in needTask.Where(p => p.Handoff!.TaskOwnerId is null).ToList())
        {
            // A queue got the lead and no integration user is known to own a Task: nothing to create, say so.
            plan.Reasons.Add("no Task created: the lead went to a queue and LeadSync:Handoff:IntegrationUserEmail is not a known user");
            plan.Handoff!.Entry = plan.Handoff.Entry! with { StepsDone = plan.Handoff.Entry.StepsDone | AssignmentSteps.TaskCreated };
            needTask.Remove(plan);
        }

        if (needTask.Count > 0)
        {
            var outcomes = await connection.Crm.CreateTasksAsync(
                needTask.Select(p => _decider.Task(p, p.Handoff!.Entry!.SalesforceLeadId!, now)!).ToList(), cancellationToken);
            for (var i = 0; i < needTask.Count; i++)
            {
                var handoff = needTask[i].Handoff!;
                if (outcomes[i].Success)
                {
                    tally.TasksCreated++;
                    handoff.Entry = handoff.Entry! with { StepsDone = handoff.Entry.StepsDone | AssignmentSteps.TaskCreated, TaskId = outcomes[i].Id };
                    await store.UpdateAssignmentAsync(handoff.Entry, cancellationToken);
                }
                else
                {
                    // The owner is written; the note is retried by the resume step of the next cycle.
                    await QuarantineAsync(SystemKind.Salesforce, handoff.Entry!.SalesforceLeadId!, Describe("creating the rep's Task failed (will be retried)", outcomes[i]), cancellationToken);
                }
            }
        }

        // 5. HubSpot updates.
        var hubSpotUpdates = plans.Where(p => !failed.ContainsKey(p) && p.Person.HubSpot is not null && p.HubSpotWrites.Count > 0).ToList();
        if (hubSpotUpdates.Count > 0)
        {
            var outcomes = await connection.Marketing.UpdateAsync(
                hubSpotUpdates.Select(p => new RecordUpdate(p.Person.HubSpot!.Id, p.HubSpotWrites)).ToList(), cancellationToken);
            for (var i = 0; i < hubSpotUpdates.Count; i++)
            {
                var plan = hubSpotUpdates[i];
                if (!outcomes[i].Success)
                {
                    failed[plan] = (SystemKind.HubSpot, Describe("HubSpot update failed", outcomes[i]));
                    continue;
                }

                tally.HubSpotRecordsWritten++;
                if (plan.Handoff?.Entry is { } entry)
                {
                    plan.Handoff.Entry = entry with { StepsDone = entry.StepsDone | AssignmentSteps.HubSpotWritten };
                }
            }
        }

        // 6. Lifecycle stage moved back: cleared above, set now in a separate request (HubSpot does not order a clear and a set in one call).
        var resets = plans.Where(p => !failed.ContainsKey(p) && p.StageAfterReset is not null && p.Person.HubSpot is not null).ToList();
        if (resets.Count > 0)
        {
            var outcomes = await connection.Marketing.UpdateAsync(
                resets.Select(p => new RecordUpdate(p.Person.HubSpot!.Id, new Dictionary<string, string?> { ["lifecyclestage"] = p.StageAfterReset })).ToList(),
                cancellationToken);
            for (var i = 0; i < resets.Count; i++)
            {
                if (outcomes[i].Success)
                {
                    resets[i].HubSpotWrites["lifecyclestage"] = resets[i].StageAfterReset;
                }
                else
                {
                    failed[resets[i]] = (SystemKind.HubSpot, Describe("setting the lifecycle stage after its reset failed", outcomes[i]));
                }
            }
        }

        // 7. Close the ledger entries whose steps are all done.
        foreach (var plan in plans.Where(p => p.Handoff?.Entry is not null))
        {
            var entry = plan.Handoff!.Entry!;
            if (entry.StepsDone.HasFlag(AssignmentSteps.SalesforceOwnerWritten) && entry.StepsDone.HasFlag(AssignmentSteps.TaskCreated) && entry.CompletedAt is null)
            {
                entry = entry with { CompletedAt = now };
                tally.HandoffLatencies.Add((entry.OwnerWrittenAt ?? now) - entry.FirstSeenAt);
                tally.Assigned++;
            }

            plan.Handoff.Entry = entry;
            await store.UpdateAssignmentAsync(entry, cancellationToken);
        }

        if (plans.Exists(p => p.Released))
        {
            await CloseReleasedAssignmentsAsync(plans.Where(p => p.Released && !failed.ContainsKey(p)), now, cancellationToken);
        }

        // 8. Remember what was seen and written, and why.
        var records = new List<LeadRecord>(plans.Count);
        var audit = new List<AuditEntry>();
        foreach (var plan in plans)
        {
            failed.TryGetValue(plan, out var failure);
            var hubSpotFailed = failed.ContainsKey(plan) && failure.System == SystemKind.HubSpot;
            var salesforceFailed = failed.ContainsKey(plan) && failure.System == SystemKind.Salesforce;
            records.Add(_decider.NextRecord(plan, hubSpotFailed, salesforceFailed, Name, now));
            if (failed.ContainsKey(plan))
            {
                await QuarantineAsync(failure.System, RecordId(plan.Person, failure.System), failure.Reason, cancellationToken);
            }
            else
            {
                await ResolveIfQuarantinedAsync(plan, cancellationToken);
            }

            if (plan.HasWrites || plan.Reasons.Count > 0)
            {
                audit.Add(new AuditEntry(Name, cycleId, plan.LeadKey, now, plan.Handoff is not null ? "handoff" : plan.Released ? "release" : "sync", AuditDetails(plan, failed.ContainsKey(plan) ? failure.Reason : null)));
            }

            if (plan.HasWrites && !failed.ContainsKey(plan))
            {
                Report(plan, assigned: plan.Handoff?.Entry?.CompletedAt is not null);
            }
        }

        await store.SaveLeadsAsync(Name, records, cancellationToken);
        if (audit.Count > 0)
        {
            await store.AppendAuditAsync(audit, cancellationToken);
        }
    }

    private async Task CloseReleasedAssignmentsAsync(IEnumerable<PersonPlan> released, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var plan in released)
        {
            tally.Released++;
            var entries = await store.GetAssignmentsAsync(Name, plan.LeadKey, cancellationToken);
            foreach (var entry in entries.Where(e => !e.Closed))
            {
                await store.UpdateAssignmentAsync(entry with { Closed = true, CompletedAt = entry.CompletedAt ?? now }, cancellationToken);
            }
        }
    }

    private async Task ResolveIfQuarantinedAsync(PersonPlan plan, CancellationToken cancellationToken)
    {
        // Cheap and idempotent: a record that went through leaves the quarantine.
        if (plan.Person.HubSpot is { } contact)
        {
            await store.ResolveQuarantineAsync(Name, SystemKind.HubSpot, contact.Id, cancellationToken);
        }

        if (plan.Person.Salesforce is { } lead)
        {
            await store.ResolveQuarantineAsync(Name, SystemKind.Salesforce, lead.Id, cancellationToken);
        }
    }

    private void Report(PersonPlan plan, bool assigned)
    {
        if (plan.StatusAfter is not null && !string.Equals(plan.StatusBefore, plan.StatusAfter, StringComparison.Ordinal))
        {
            tally.StatusChanges++;
        }

        if (plan.StageAfter is not null && !string.Equals(plan.StageBefore, plan.StageAfter, StringComparison.Ordinal))
        {
            tally.StageChanges++;
        }

        if (DryRun && plan.Handoff is not null)
        {
            tally.Assigned++;
        }

        if (tally.Changes.Count >= 5000)
        {
            return;
        }

        tally.Changes.Add(new LeadChange(
            plan.LeadKey,
            plan.Person.HubSpot?.Id,
            plan.Person.Salesforce?.Id,
            EmailMask.Mask(plan.Person.HubSpot?.Email ?? plan.Person.Salesforce?.Email),
            plan.Person.Record?.Score,
            plan.Score,
            plan.Grade,
            plan.StatusBefore,
            plan.StatusAfter,
            plan.StageBefore,
            plan.StageAfter,
            assigned || DryRun ? plan.Handoff?.RepEmail is { } rep ? EmailMask.Mask(rep) : plan.Handoff?.OwnerId : null,
            new Dictionary<string, string?>(plan.HubSpotWrites, StringComparer.Ordinal),
            new Dictionary<string, string?>(plan.SalesforceCreate ?? plan.SalesforceWrites, StringComparer.Ordinal),
            string.Join("; ", plan.Reasons)));
    }

    private async Task QuarantineAsync(SystemKind system, string recordId, string reason, CancellationToken cancellationToken)
    {
        tally.Quarantined++;
        if (tally.QuarantineNotices.Count < 5000)
        {
            tally.QuarantineNotices.Add(new QuarantineNotice(system, recordId, reason));
        }

        LogQuarantined(logger, system, recordId, reason);
        if (DryRun)
        {
            return;
        }

        var now = time.GetUtcNow();
        await store.QuarantineAsync(new QuarantineItem(0, Name, system, recordId, reason, now, now, 1, false), cancellationToken);
    }

    private static string RecordId(Person person, SystemKind system) =>
        system == SystemKind.HubSpot
            ? person.HubSpot?.Id ?? person.Salesforce?.Id ?? person.LeadKey
            : person.Salesforce?.Id ?? person.HubSpot?.Id ?? person.LeadKey;

    private static string Describe(string what, WriteOutcome outcome) =>
        $"{what}: {outcome.ErrorCode ?? "UNKNOWN"} {outcome.Message}".TrimEnd();

    private static string AuditDetails(PersonPlan plan, string? failure)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"score {plan.Person.Record?.Score?.ToString(CultureInfo.InvariantCulture) ?? "-"} → {plan.Score}, grade {plan.Grade}");
        AppendWrites(text, "HubSpot", plan.Person.HubSpot?.Properties, plan.HubSpotWrites);
        AppendWrites(text, "Salesforce", plan.Person.Salesforce?.Fields, plan.SalesforceCreate ?? plan.SalesforceWrites);
        if (plan.Handoff is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; handoff crossing {plan.Handoff.Crossing} to {plan.Handoff.OwnerId} (team {plan.Handoff.Team}): {plan.Handoff.Reason}");
        }

        if (plan.Reasons.Count > 0)
        {
            text.Append("; ").Append(string.Join("; ", plan.Reasons));
        }

        if (failure is not null)
        {
            text.Append("; FAILED: ").Append(failure);
        }

        return text.ToString();
    }

    private static void AppendWrites(StringBuilder text, string system, IReadOnlyDictionary<string, string?>? before, IReadOnlyDictionary<string, string?> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        text.Append("; ").Append(system).Append(' ');
        text.AppendJoin(", ", writes.Select(w =>
        {
            string? old = null;
            before?.TryGetValue(w.Key, out old);
            return $"{w.Key}: {Show(old)} → {Show(w.Value)}";
        }));
    }

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "∅" : value.Contains('@', StringComparison.Ordinal) ? EmailMask.Mask(value)! : value;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantined {System} record {RecordId}: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, SystemKind system, string recordId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed handoff of {LeadKey} (crossing {Crossing}): steps done {Steps}")]
    private static partial void LogResumed(ILogger logger, string leadKey, int crossing, AssignmentSteps steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot resume handoff of {LeadKey} (crossing {Crossing}) yet: its Salesforce Lead id is unknown")]
    private static partial void LogCannotResume(ILogger logger, string leadKey, int crossing);
}
