using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>Where a batch's writes go: the real systems, or nowhere (a dry run, which assumes every write succeeds).</summary>
internal interface IWriteTarget
{
    /// <summary>Begins the ledger entries and moves the teams' round-robin positions by what they used, in one transaction.</summary>
    Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(
        IReadOnlyList<AssignmentEntry> entries, IReadOnlyDictionary<string, long> routingAdvances, CancellationToken cancellationToken);

    Task<IReadOnlyList<WriteOutcome>> CreateCrmLeadsAsync(IReadOnlyList<CrmLeadCreate> creates, CancellationToken cancellationToken);

    Task<IReadOnlyList<WriteOutcome>> UpdateCrmAsync(IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken);

    Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken);

    Task<IReadOnlyList<WriteOutcome>> UpdateMarketingAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken);

    /// <summary>Reads CRM leads back, to settle writes whose answer was lost.</summary>
    Task<IReadOnlyList<CrmPerson>> ReadCrmAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>Reads CRM leads back by their cross-reference, to settle creates whose answer was lost.</summary>
    Task<IReadOnlyList<CrmPerson>> ReadCrmByMarketingIdsAsync(IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>Reads marketing records back, to settle writes whose answer was lost.</summary>
    Task<IReadOnlyList<MarketingPerson>> ReadMarketingAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);
}

/// <summary>The connection's systems and state store.</summary>
internal sealed class LiveWriteTarget(SyncConnection connection, IStateStore store) : IWriteTarget
{
    public Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(
        IReadOnlyList<AssignmentEntry> entries, IReadOnlyDictionary<string, long> routingAdvances, CancellationToken cancellationToken) =>
        store.BeginAssignmentsAsync(entries, routingAdvances, cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> CreateCrmLeadsAsync(IReadOnlyList<CrmLeadCreate> creates, CancellationToken cancellationToken) =>
        connection.Crm.CreateLeadsAsync(creates, cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> UpdateCrmAsync(IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken) =>
        connection.Crm.UpdateAsync(updates, cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken) =>
        connection.Crm.CreateTasksAsync(tasks, cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> UpdateMarketingAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken) =>
        connection.Marketing.UpdateAsync(updates, cancellationToken);

    public Task<IReadOnlyList<CrmPerson>> ReadCrmAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        connection.Crm.ReadByIdsAsync(ids, fields, cancellationToken);

    public Task<IReadOnlyList<CrmPerson>> ReadCrmByMarketingIdsAsync(IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        connection.Crm.ReadByMarketingIdsAsync(marketingIds, fields, cancellationToken);

    public Task<IReadOnlyList<MarketingPerson>> ReadMarketingAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        connection.Marketing.ReadByIdsAsync(ids, fields, cancellationToken);
}

/// <summary>A dry run: nothing leaves the process; every write "succeeds" so the rest of the plan runs as it would.</summary>
internal sealed class DryRunWriteTarget : IWriteTarget
{
    private int _created;

    public Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(
        IReadOnlyList<AssignmentEntry> entries, IReadOnlyDictionary<string, long> routingAdvances, CancellationToken cancellationToken) =>
        Task.FromResult(entries);

    public Task<IReadOnlyList<WriteOutcome>> CreateCrmLeadsAsync(IReadOnlyList<CrmLeadCreate> creates, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WriteOutcome>>(creates.Select(_ => new WriteOutcome($"(new lead {Interlocked.Increment(ref _created)})", true, Created: true)).ToList());

    public Task<IReadOnlyList<WriteOutcome>> UpdateCrmAsync(IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WriteOutcome>>(updates.Select(u => WriteOutcome.Ok(u.Id)).ToList());

    public Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WriteOutcome>>(tasks.Select(_ => new WriteOutcome("(new task)", true, Created: true)).ToList());

    public Task<IReadOnlyList<WriteOutcome>> UpdateMarketingAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WriteOutcome>>(updates.Select(u => WriteOutcome.Ok(u.Id)).ToList());

    // Every write of a dry run "succeeds", so nothing is ever read back.
    public Task<IReadOnlyList<CrmPerson>> ReadCrmAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CrmPerson>>([]);

    public Task<IReadOnlyList<CrmPerson>> ReadCrmByMarketingIdsAsync(IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CrmPerson>>([]);

    public Task<IReadOnlyList<MarketingPerson>> ReadMarketingAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MarketingPerson>>([]);
}

/// <summary>
/// The execute phase of a batch: carries out the plan in full batches, in the order that keeps a handoff exactly-once —
/// ledger entries begun → CRM leads created (idempotently, by LeadSync's key) → CRM updates (owner) → the reps' tasks
/// (idempotently, by the crossing's key) → marketing updates — and reports per person what was confirmed. It decides
/// nothing: a per-record failure is reported for that person while the rest go on. A write whose answer is unknown
/// (lost, unreadable, or a call that failed after its retries) is settled by reading the records back and comparing
/// what was written with what the system holds: confirmed, it counts as written; not confirmed, the person keeps their
/// remembered state and is written again next cycle — never quarantined, since nothing is known to be wrong with the
/// record. A call refused for the whole connection (authentication, the daily allowance) aborts the cycle before
/// anything is settled; every write is safe to repeat.
/// </summary>
internal sealed class WriteExecutor(string connection, ConnectionModel model, IWriteTarget target, CoreFieldNames? marketingCore = null)
{
    public async Task<IReadOnlyList<PersonOutcome>> ExecuteAsync(BatchPlan batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var people = batch.People.Select(p => new Progress(p, connection)).ToList();
        var active = people.Where(p => p.Plan.Blocked is null).ToList();

        // 1. The ledger entry of each new crossing is written before any API write, and the round-robin positions the
        // begun crossings used move with them in the same transaction: a cycle that dies after this point resumes those
        // crossings with their reps, and the next crossings go on from the next rep, as they would have without the crash.
        // (Settled with the batch instead, a crash handed the next lead to the same rep.)
        var begin = active.Where(p => p.Plan.Handoff is { Resumed: false }).ToList();
        if (begin.Count > 0)
        {
            var stored = await target.BeginAssignmentsAsync(begin.Select(p => p.Entry!).ToList(), batch.RoutingAdvances, cancellationToken);
            for (var i = 0; i < begin.Count; i++)
            {
                if (!string.Equals(stored[i].OwnerId, begin[i].Entry!.OwnerId, StringComparison.Ordinal))
                {
                    // Another attempt of this crossing chose a rep after this batch was planned: never a second owner.
                    begin[i].Fail(SystemRole.Crm, $"crossing {stored[i].Crossing} was begun elsewhere with owner {stored[i].OwnerId}; it is completed by the next cycle");
                }

                begin[i].Entry = stored[i];
            }
        }

        // 2. CRM leads for marketing-only people handed to sales.
        var creates = active.Where(p => p.Plan.CrmCreate is not null && !p.Stopped).ToList();
        await WriteAsync(creates, p => p.Plan.CrmCreate!, target.CreateCrmLeadsAsync, ConfirmCreatesAsync, (person, outcome) =>
        {
            if (outcome.Success && outcome.Id is { } id)
            {
                person.CreatedCrmId = id;
                person.Advance(AssignmentSteps.CrmOwnerWritten, now, id);
            }
            else if (outcome.IsUnknown)
            {
                person.Unconfirm(SystemRole.Crm, Describe("creating its CRM lead was not confirmed", outcome));
            }
            else
            {
                person.Fail(SystemRole.Marketing, Describe("creating its CRM lead failed", outcome));
                person.Refuse(now);
            }
        }, cancellationToken);

        // 3. CRM updates, owner included.
        var updates = active.Where(p => p.Plan.CrmWrite is not null && !p.Stopped).ToList();
        await WriteAsync(updates, p => p.Plan.CrmWrite!, target.UpdateCrmAsync, ConfirmCrmUpdatesAsync, (person, outcome) =>
        {
            if (outcome.Success)
            {
                person.Advance(AssignmentSteps.CrmOwnerWritten, now, person.Plan.Snapshot.Crm!.Id);
            }
            else if (outcome.IsUnknown)
            {
                person.Unconfirm(SystemRole.Crm, Describe("CRM update was not confirmed", outcome));
            }
            else
            {
                person.Fail(SystemRole.Crm, Describe("CRM update failed", outcome));
                person.Refuse(now);
            }
        }, cancellationToken);

        foreach (var person in active.Where(p => !p.Stopped && p.Plan.Handoff is not null && p.Plan.Snapshot.Crm is { } lead && p.Plan.CrmWrite?.Owner is null))
        {
            // The lead already has the planned owner (a resumed crossing): that step is done without a write.
            person.Advance(AssignmentSteps.CrmOwnerWritten, now, person.Plan.Snapshot.Crm!.Id);
        }

        // 4. The rep's note, once per crossing.
        var needTask = active.Where(p => !p.Stopped && p.Entry is { } e && e.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten) && !e.StepsDone.HasFlag(AssignmentSteps.TaskCreated)).ToList();
        foreach (var person in needTask.Where(p => p.Entry!.Note?.TaskOwnerId is null).ToList())
        {
            // A queue got the lead and no integration user is known to own a task: nothing to create, say so.
            person.Notes.Add("no Task created: the lead went to a queue and LeadSync:Handoff:IntegrationUserEmail is not a known user");
            person.Advance(AssignmentSteps.TaskCreated, now, null);
            needTask.Remove(person);
        }

        // A task whose answer is lost is not read back here: the next cycle's resume creates it by its key, and the
        // connector finds the first one by that key before creating (no second task).
        await WriteAsync(needTask, p => Task(p.Entry!, now), target.CreateTasksAsync, confirm: null, (person, outcome) =>
        {
            if (outcome.Success)
            {
                person.Advance(AssignmentSteps.TaskCreated, now, null);
                person.Entry = person.Entry! with { TaskId = outcome.Id };
            }
            else if (outcome.IsUnknown)
            {
                person.Notes.Add(Describe("the rep's Task was not confirmed; the next cycle completes it by its key", outcome));
            }
            else
            {
                // The owner is written; the note is retried by the resume step of the next cycle.
                person.AlsoQuarantine = new Blocked(SystemRole.Crm, person.Entry!.CrmLeadId!, Describe("creating the rep's Task failed (will be retried)", outcome));
            }
        }, cancellationToken);

        // 5. Marketing updates (the link to a CRM lead created above is known only now).
        var marketing = active.Where(p => p.Plan.MarketingWrite is not null && !p.Stopped).ToList();
        await WriteAsync(marketing, p => p.Plan.MarketingWrite!.LinkCreatedCrmLead ? p.Plan.MarketingWrite with { CrmId = p.CreatedCrmId, LinkCreatedCrmLead = false } : p.Plan.MarketingWrite, target.UpdateMarketingAsync, ConfirmMarketingUpdatesAsync, (person, outcome) =>
        {
            if (outcome.IsUnknown)
            {
                person.Unconfirm(SystemRole.Marketing, Describe("marketing update was not confirmed", outcome));
            }
            else if (!outcome.Success)
            {
                person.Fail(SystemRole.Marketing, Describe("marketing update failed", outcome));
            }
        }, cancellationToken);

        foreach (var person in active.Where(p => !p.Stopped && p.Entry is not null && p.Plan.Snapshot.Marketing is not null))
        {
            person.Advance(AssignmentSteps.MarketingWritten, now, null);
        }

        // 6. A crossing is complete when every step it needs is done.
        foreach (var person in active.Where(p => p.Entry is { CompletedAt: null }))
        {
            if (IsComplete(person.Entry!, hasMarketing: person.Plan.Snapshot.Marketing is not null))
            {
                person.Entry = person.Entry! with { CompletedAt = now };
            }
        }

        return people.Select(p => p.ToOutcome()).ToList();
    }

    /// <summary>A crossing needs its CRM owner, the rep's task and, when the person is in the marketing platform, the marketing write.</summary>
    public static bool IsComplete(AssignmentEntry entry, bool hasMarketing) =>
        entry.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten)
        && entry.StepsDone.HasFlag(AssignmentSteps.TaskCreated)
        && (!hasMarketing || entry.MarketingOwnerId is null || entry.StepsDone.HasFlag(AssignmentSteps.MarketingWritten));

    /// <summary>The rep's task of a crossing, keyed by the crossing so a retried create finds the first one.</summary>
    public static CrmTask Task(AssignmentEntry entry, DateTimeOffset now)
    {
        var note = entry.Note!;
        return new CrmTask(entry.CrmLeadId!, note.TaskOwnerId!, note.Subject, note.Priority, "Not Started", DateOnly.FromDateTime(now.UtcDateTime), note.Description, entry.Key);
    }

    /// <summary>The marketing and CRM values a handoff writes, for resuming one a crash left half-way.</summary>
    public static (CrmUpdate Crm, MarketingUpdate? Marketing) HandoffWrites(ConnectionModel model, AssignmentEntry entry, string crmLeadId, string? marketingId)
    {
        var status = model.Options.Handoff.HandoffStatus;
        var crm = new CrmUpdate(crmLeadId, new Dictionary<string, string?>(), model.Statuses.ToCrm(status), new OwnerWrite(entry.OwnerId));
        var marketing = marketingId is null
            ? null
            : new MarketingUpdate(marketingId, new Dictionary<string, string?>(), model.Statuses.ToMarketing(status), Owner: entry.MarketingOwnerId is { } owner ? new OwnerWrite(owner) : null);
        return (crm, marketing);
    }

    public (CrmUpdate Crm, MarketingUpdate? Marketing) HandoffWrites(AssignmentEntry entry, string crmLeadId, string? marketingId) =>
        HandoffWrites(model, entry, crmLeadId, marketingId);

    /// <summary>
    /// Sends one step's writes; a call that failed without saying anything about the records (its answer lost or
    /// unreadable after the retries, throttling that outlasted them) makes every outcome unknown. Unknown outcomes are
    /// then settled by <paramref name="confirm"/>, which reads the records back: the ones it confirms count as written.
    /// </summary>
    private static async Task WriteAsync<TWrite>(
        List<Progress> people,
        Func<Progress, TWrite> write,
        Func<IReadOnlyList<TWrite>, CancellationToken, Task<IReadOnlyList<WriteOutcome>>> send,
        Func<IReadOnlyList<TWrite>, IReadOnlyList<WriteOutcome>, CancellationToken, Task<IReadOnlyList<WriteOutcome>>>? confirm,
        Action<Progress, WriteOutcome> apply,
        CancellationToken cancellationToken)
    {
        if (people.Count == 0)
        {
            return;
        }

        var writes = people.Select(write).ToList();
        IReadOnlyList<WriteOutcome> outcomes;
        try
        {
            outcomes = await send(writes, cancellationToken);
        }
        catch (ExternalApiException ex) when (ex.Kind is ApiErrorKind.Transient or ApiErrorKind.MalformedResponse or ApiErrorKind.RateLimited)
        {
            outcomes = writes.Select(_ => WriteOutcome.Unknown(null, ex.ErrorCode, ex.ApiMessage)).ToList();
        }

        if (confirm is not null && outcomes.Any(o => o.IsUnknown))
        {
            var unknown = Enumerable.Range(0, writes.Count).Where(i => outcomes[i].IsUnknown).ToList();
            var settled = await confirm(unknown.Select(i => writes[i]).ToList(), unknown.Select(i => outcomes[i]).ToList(), cancellationToken);
            var merged = outcomes.ToArray();
            for (var k = 0; k < unknown.Count; k++)
            {
                merged[unknown[k]] = settled[k];
            }

            outcomes = merged;
        }

        for (var i = 0; i < people.Count; i++)
        {
            apply(people[i], outcomes[i]);
        }
    }

    /// <summary>Creates are upserts by LeadSync's key: a lead carrying the create's values and cross-reference is the one it made.</summary>
    private async Task<IReadOnlyList<WriteOutcome>> ConfirmCreatesAsync(
        IReadOnlyList<CrmLeadCreate> creates, IReadOnlyList<WriteOutcome> unknown, CancellationToken cancellationToken)
    {
        var marketingIds = creates.Select(c => c.MarketingId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var fields = ReadBack.FieldsToRead(model.CrmFields, creates.SelectMany(c => c.Fields.Keys));
        var leads = marketingIds.Count == 0 ? [] : await target.ReadCrmByMarketingIdsAsync(marketingIds, fields, cancellationToken);
        return creates.Select((create, i) =>
            create.MarketingId is { } marketingId
            && leads.Where(l => string.Equals(l.MarketingId, marketingId, StringComparison.Ordinal) && ReadBack.Holds(l, create)).ToList() is [var lead]
                ? new WriteOutcome(lead.Id, true, Created: true)
                : NotConfirmed(unknown[i])).ToList();
    }

    private async Task<IReadOnlyList<WriteOutcome>> ConfirmCrmUpdatesAsync(
        IReadOnlyList<CrmUpdate> updates, IReadOnlyList<WriteOutcome> unknown, CancellationToken cancellationToken)
    {
        var fields = ReadBack.FieldsToRead(model.CrmFields, updates.SelectMany(u => u.Fields.Keys));
        var leads = (await target.ReadCrmAsync(updates.Select(u => u.Id).Distinct(StringComparer.Ordinal).ToList(), fields, cancellationToken))
            .GroupBy(l => l.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return updates.Select((update, i) =>
            leads.TryGetValue(update.Id, out var lead) && ReadBack.Holds(lead, update) ? WriteOutcome.Ok(update.Id) : NotConfirmed(unknown[i])).ToList();
    }

    private async Task<IReadOnlyList<WriteOutcome>> ConfirmMarketingUpdatesAsync(
        IReadOnlyList<MarketingUpdate> updates, IReadOnlyList<WriteOutcome> unknown, CancellationToken cancellationToken)
    {
        var core = marketingCore ?? new CoreFieldNames(null, null, null, null, null, null);
        var fields = ReadBack.FieldsToRead(model.MarketingFields, updates.SelectMany(u => u.Fields.Keys), core.Score, core.Grade);
        var contacts = (await target.ReadMarketingAsync(updates.Select(u => u.Id).Distinct(StringComparer.Ordinal).ToList(), fields, cancellationToken))
            .GroupBy(c => c.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return updates.Select((update, i) =>
            contacts.TryGetValue(update.Id, out var contact) && ReadBack.Holds(contact, update, core) ? WriteOutcome.Ok(update.Id) : NotConfirmed(unknown[i])).ToList();
    }

    private static WriteOutcome NotConfirmed(WriteOutcome unknown) =>
        unknown with { Message = $"{unknown.Message} (read back: the record does not hold the values written)".TrimStart() };

    private static string Describe(string what, WriteOutcome outcome) =>
        $"{what}: {outcome.ErrorCode ?? "UNKNOWN"} {outcome.Message}".TrimEnd();

    /// <summary>One person's execution so far.</summary>
    private sealed class Progress(PersonPlan plan, string connection)
    {
        public PersonPlan Plan { get; } = plan;

        public AssignmentEntry? Entry { get; set; } = plan.Handoff?.Entry is { } entry ? entry with { Connection = connection } : null;

        public WriteFailure? Failure { get; private set; }

        /// <summary>A write whose answer was lost and that the read-back did not confirm.</summary>
        public WriteFailure? Unconfirmed { get; private set; }

        /// <summary>No further step is taken for this person in this batch.</summary>
        public bool Stopped => Failure is not null || Unconfirmed is not null;

        public string? CreatedCrmId { get; set; }

        public List<string> Notes { get; } = [];

        public Blocked? AlsoQuarantine { get; set; }

        public void Fail(SystemRole system, string reason) => Failure ??= new WriteFailure(system, reason);

        public void Unconfirm(SystemRole system, string reason) => Unconfirmed ??= new WriteFailure(system, reason);

        /// <summary>
        /// The CRM refused the handoff's write for a reason about the record: the crossing is closed with it (never
        /// resumed), and the planner hands the lead off again only once the record changes.
        /// </summary>
        public void Refuse(DateTimeOffset now)
        {
            if (Entry is not { } entry || Failure is not { } failure || entry.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten))
            {
                return;
            }

            Entry = entry with { Closed = true, Refused = new HandoffRefusal(failure.Reason, now, Plan.Snapshot.Marketing?.ModifiedAt, Plan.Snapshot.Crm?.ModifiedAt) };
            Notes.Add(FormattableString.Invariant($"handoff crossing {entry.Crossing} closed as refused by the CRM; handed off again once the record changes"));
        }

        public void Advance(AssignmentSteps step, DateTimeOffset now, string? crmLeadId)
        {
            if (Entry is not { } entry || entry.StepsDone.HasFlag(step))
            {
                return;
            }

            Entry = entry with
            {
                StepsDone = entry.StepsDone | step,
                CrmLeadId = entry.CrmLeadId ?? crmLeadId,
                OwnerWrittenAt = step == AssignmentSteps.CrmOwnerWritten ? now : entry.OwnerWrittenAt,
            };
        }

        public PersonOutcome ToOutcome() => new(Failure, CreatedCrmId, Entry, Notes, AlsoQuarantine, Failure is null ? Unconfirmed : null);
    }
}
