using LeadSync.Domain.Handoff;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;

namespace LeadSync.Sync.Engine;

/// <summary>
/// One cycle of one connection, as named phases: resume what a crash left half-way → for each page read from either
/// system: gather → plan (pure) → execute → settle (one transaction) → and, once everything read is settled, advance
/// the watermarks. A dry run is the same cycle with a write target that sends nothing and a settle that keeps the
/// state in memory only, so it makes the same decisions as the run it previews.
/// </summary>
internal sealed partial class CycleRun
{
    /// <summary>The reports keep this many lead changes; counts cover everything.</summary>
    private const int MaxReportedChanges = 5000;

    private readonly SyncConnection _connection;
    private readonly CycleMode _mode;
    private readonly string _cycleId;
    private readonly DateTimeOffset _startedAt;
    private readonly IStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CycleMemory _memory;
    private readonly LeadPlanner _planner;
    private readonly BatchGatherer _gatherer;
    private readonly WriteExecutor _executor;
    private readonly CycleTally _tally = new();

    /// <summary>
    /// Per side, the earliest record read whose person has a write not confirmed: the watermark stays before it, so the
    /// next cycle reads it again and writes what was not confirmed (an unapplied write leaves no trace a read would see).
    /// </summary>
    private readonly Dictionary<SystemRole, ChangeCursor> _holdBack = [];

    public CycleRun(
        SyncConnection connection,
        CycleMode mode,
        string cycleId,
        DateTimeOffset startedAt,
        IStateStore store,
        TimeProvider time,
        ReferenceDataCache referenceData,
        ILogger logger)
    {
        _connection = connection;
        _mode = mode;
        _cycleId = cycleId;
        _startedAt = startedAt;
        _store = store;
        _time = time;
        _logger = logger;
        // A platform that names no core fields (a test double) keeps no score either.
        _planner = new LeadPlanner(connection.Model, connection.Marketing.CoreFields?.ScoreFields);
        _memory = new CycleMemory(keepLeads: mode == CycleMode.DryRun);
        _gatherer = new BatchGatherer(connection, store, _memory, referenceData, _planner);
        _executor = new WriteExecutor(
            connection.Name,
            connection.Model,
            mode == CycleMode.DryRun ? new DryRunWriteTarget() : new LiveWriteTarget(connection, store),
            connection.Marketing.CoreFields);
    }

    private bool DryRun => _mode == CycleMode.DryRun;

    private string Name => _connection.Name;

    /// <summary>
    /// The watermark of the CRM's deal stream (opportunities by their own modification time), kept beside the lead
    /// stream's under a name of its own so the store needs no new table.
    /// </summary>
    private string DealStream => Name + "#deals";

    /// <summary>When the marketing read that ran to its end started (null when it did not run to its end).</summary>
    public DateTimeOffset? MarketingReadCompleteFrom { get; private set; }

    /// <summary>When the CRM read that ran to its end started (null when it did not run to its end).</summary>
    public DateTimeOffset? CrmReadCompleteFrom { get; private set; }

    /// <summary>True when a stop was requested and the cycle ended early at a safe point (between batches).</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>
    /// Runs the cycle. <paramref name="stopRequested"/> is honoured only between batches — a batch that started is
    /// finished (its writes and its settlement) — and the watermarks do not move after an early stop.
    /// Each API call has its own timeouts in the connectors' resilience pipelines.
    /// </summary>
    public async Task ExecuteAsync(CancellationToken stopRequested)
    {
        var cancellationToken = CancellationToken.None;
        if (!DryRun)
        {
            await ResumeOpenAssignmentsAsync(cancellationToken);
        }

        var overlap = TimeSpan.FromSeconds(_connection.Model.Sync.OverlapSeconds);
        var reconcile = _mode == CycleMode.Reconcile;
        var marketingMark = reconcile ? null : await _store.GetWatermarkAsync(Name, SystemRole.Marketing, cancellationToken);
        var crmMark = reconcile ? null : await _store.GetWatermarkAsync(Name, SystemRole.Crm, cancellationToken);

        var newMarketingMark = marketingMark;
        var marketingReadStart = _time.GetUtcNow();
        var marketingHorizon = marketingReadStart - overlap;
        await foreach (var page in _connection.Marketing.ReadChangedAsync(
            marketingMark ?? ChangeCursor.Beginning, _connection.Model.MarketingFields, cancellationToken))
        {
            await ProcessPageAsync(SystemRole.Marketing, page, reconcile, cancellationToken);
            newMarketingMark = Max(newMarketingMark, page.Select(c => new ChangeCursor(c.ModifiedAt, c.Id)));
            if (stopRequested.IsCancellationRequested)
            {
                StoppedEarly = true;
                return;
            }
        }

        var newCrmMark = crmMark;
        var crmReadStart = _time.GetUtcNow();
        var crmHorizon = crmReadStart - overlap;
        await foreach (var page in _connection.Crm.ReadChangedAsync(
            crmMark ?? ChangeCursor.Beginning, _connection.Model.CrmFields, cancellationToken))
        {
            await ProcessPageAsync(SystemRole.Crm, page, reconcile, cancellationToken);
            newCrmMark = Max(newCrmMark, page.Select(l => new ChangeCursor(l.ModifiedAt, l.Id)));
            if (stopRequested.IsCancellationRequested)
            {
                StoppedEarly = true;
                return;
            }
        }

        var dealMark = reconcile ? null : await _store.GetWatermarkAsync(DealStream, SystemRole.Crm, cancellationToken);
        var newDealMark = dealMark;
        var dealHorizon = _time.GetUtcNow() - overlap;
        var dealsHeld = false;
        await foreach (var page in _connection.Crm.ReadChangedDealsAsync(dealMark ?? ChangeCursor.Beginning, _connection.Model.CrmFields, cancellationToken))
        {
            if (page.Leads.Count > 0)
            {
                dealsHeld |= await ProcessPageAsync(SystemRole.Crm, page.Leads, reconcile, cancellationToken);
            }

            newDealMark = Max(newDealMark, [page.Through]);
            if (stopRequested.IsCancellationRequested)
            {
                StoppedEarly = true;
                return;
            }
        }

        await ProcessRetryRequestsAsync(cancellationToken);

        if (DryRun)
        {
            return;
        }


        // Everything read has been written, quarantined or recorded: only now may the watermarks move — and not past a
        // record whose writes were not confirmed.
        newMarketingMark = HeldBack(Settled(newMarketingMark, marketingMark, marketingHorizon), marketingMark, _holdBack.GetValueOrDefault(SystemRole.Marketing));
        newCrmMark = HeldBack(Settled(newCrmMark, crmMark, crmHorizon), crmMark, _holdBack.GetValueOrDefault(SystemRole.Crm));
        if (newMarketingMark is not null && newMarketingMark != marketingMark)
        {
            await _store.SetWatermarkAsync(Name, SystemRole.Marketing, newMarketingMark, cancellationToken);
        }

        if (newCrmMark is not null && newCrmMark != crmMark)
        {
            await _store.SetWatermarkAsync(Name, SystemRole.Crm, newCrmMark, cancellationToken);
        }

        // A deal whose person's writes were not confirmed is read again next cycle: its stream stays where it was.
        newDealMark = dealsHeld ? dealMark : Settled(newDealMark, dealMark, dealHorizon);
        if (newDealMark is not null && newDealMark != dealMark)
        {
            await _store.SetWatermarkAsync(DealStream, SystemRole.Crm, newDealMark, cancellationToken);
        }

        MarketingReadCompleteFrom = marketingReadStart;
        CrmReadCompleteFrom = crmReadStart;
    }

    public CycleReport BuildReport(DateTimeOffset finishedAt, string? error, long marketingCalls, long crmCalls) =>
        new(
            Name, _cycleId, _mode, _startedAt, finishedAt, Succeeded: error is null, Skipped: false, error,
            _tally.LeadsRead, _tally.Scored, _tally.StatusChanges, _tally.StageChanges, _tally.Assigned, _tally.Released,
            _tally.Quarantined, _tally.MarketingRecordsWritten, _tally.CrmRecordsWritten, _tally.TasksCreated,
            _connection.Marketing.SystemName, _connection.Crm.SystemName, marketingCalls, crmCalls,
            _tally.Changes, _tally.QuarantineNotices, _tally.HandoffLatencies)
        {
            SegmentsWritten = _tally.SegmentsWritten,
        };

    /// <summary>One batch: gather → plan → execute → settle. True when a person's writes were not confirmed (held back).</summary>
    private async Task<bool> ProcessPageAsync(SystemRole side, IReadOnlyList<IPersonRecord> page, bool decideEvenIfSettled, CancellationToken cancellationToken)
    {
        using var span = Telemetry.SyncTracing.StartBatch(Name, side == SystemRole.Marketing ? _connection.Marketing.SystemName : _connection.Crm.SystemName, page.Count);
        var now = _time.GetUtcNow();
        var gathered = await _gatherer.GatherAsync(side, page, decideEvenIfSettled, now, cancellationToken);
        _tally.LeadsRead += page.Count - gathered.EchoesSkipped;
        if (gathered.Snapshot is not { } snapshot)
        {
            return false;
        }

        foreach (var person in snapshot.People)
        {
            _memory.Processed.Add(person.LeadKey);
        }

        var plan = _planner.Plan(snapshot);
        var outcomes = await _executor.ExecuteAsync(plan, now, cancellationToken);
        var (settlement, people) = Settlement.Settle(Name, _cycleId, plan, outcomes, now);
        // The executor already moved the round-robin positions, together with the ledger entries it began.
        var stored = settlement with { RoutingAdvances = new Dictionary<string, long>() };
        if (!DryRun && !stored.IsEmpty)
        {
            await _store.SettleAsync(stored, cancellationToken);
        }

        _memory.Remember(settlement.Leads);
        _memory.Remember(settlement.Assignments);
        if (snapshot.Owners is not null)
        {
            _memory.Routing = plan.RoutingAfter;
        }

        foreach (var person in people.Where(p => p.Outcome.Unconfirmed is not null))
        {
            IPersonRecord? read = side == SystemRole.Marketing ? person.Plan.Snapshot.Marketing : person.Plan.Snapshot.Crm;
            if (read is not null)
            {
                HoldBack(side, new ChangeCursor(read.ModifiedAt, null));
            }

            LogNotConfirmed(_logger, person.Plan.LeadKey, person.Outcome.Unconfirmed!.System, person.Outcome.Unconfirmed.Reason);
        }

        Tally(people, now);
        LogBatchSettled(_logger, snapshot.People.Count, plan.Handoffs);
        return people.Any(p => p.Outcome.Unconfirmed is not null);
    }

    private void Tally(IReadOnlyList<SettledPerson> people, DateTimeOffset now)
    {
        foreach (var person in people)
        {
            var plan = person.Plan;
            if (plan.Snapshot.Blocked is null)
            {
                _tally.Scored++;
            }

            foreach (var item in Quarantined(person))
            {
                _tally.Quarantined++;
                if (_tally.QuarantineNotices.Count < MaxReportedChanges)
                {
                    _tally.QuarantineNotices.Add(new QuarantineNotice(item.System, item.RecordId, item.Reason));
                }

                LogQuarantined(_logger, item.System, item.RecordId, item.Reason);
            }

            if (!person.Succeeded)
            {
                continue;
            }

            var outcome = person.Outcome;
            if (plan.MarketingWrite is not null)
            {
                _tally.MarketingRecordsWritten++;
            }

            if (plan.CrmWrite is not null || plan.CrmCreate is not null)
            {
                _tally.CrmRecordsWritten++;
            }

            if (outcome.Entry?.TaskId is not null && plan.Handoff?.Entry.TaskId is null)
            {
                _tally.TasksCreated++;
            }

            if (plan.Released)
            {
                _tally.Released++;
            }

            _tally.SegmentsWritten += plan.SegmentWrites;

            if (person.Assigned)
            {
                _tally.Assigned++;
                _tally.HandoffLatencies.Add((outcome.Entry!.OwnerWrittenAt ?? now) - outcome.Entry.FirstSeenAt);
            }

            if (plan.HasWrites)
            {
                Report(person);
            }
        }
    }

    private static IEnumerable<Blocked> Quarantined(SettledPerson person)
    {
        if (person.Plan.Blocked is { } blocked)
        {
            yield return blocked;
        }

        if (person.Outcome.Failure is { } failure)
        {
            yield return new Blocked(failure.System, Settlement.RecordId(person.Plan, failure.System), failure.Reason);
        }

        if (person.Outcome.AlsoQuarantine is { } also)
        {
            yield return also;
        }
    }

    private void Report(SettledPerson person)
    {
        var plan = person.Plan;
        if (plan.StatusAfter is not null && !string.Equals(plan.StatusBefore, plan.StatusAfter, StringComparison.Ordinal))
        {
            _tally.StatusChanges++;
        }

        if (plan.StageAfter is not null && !string.Equals(plan.StageBefore, plan.StageAfter, StringComparison.Ordinal))
        {
            _tally.StageChanges++;
        }

        if (_tally.Changes.Count >= MaxReportedChanges)
        {
            return;
        }

        var snapshot = plan.Snapshot;
        var handoff = plan.Handoff;
        _tally.Changes.Add(new LeadChange(
            plan.LeadKey,
            snapshot.Marketing?.Id,
            snapshot.Crm?.Id ?? person.Outcome.CreatedCrmId,
            EmailMask.MaskOrNull(snapshot.Marketing?.Email ?? snapshot.Crm?.Email),
            snapshot.Record?.Score,
            plan.Score,
            plan.Grade,
            plan.StatusBefore,
            plan.StatusAfter,
            plan.StageBefore,
            plan.StageAfter,
            person.Assigned && handoff is not null ? handoff.RepEmail is { } rep ? EmailMask.Mask(rep) : handoff.OwnerId : null,
            plan.MarketingWrite is { } marketing ? Settlement.Describe(marketing, snapshot.Marketing) : [],
            plan.CrmCreate is { } create
                ? [$"new lead, owner {create.OwnerId}", $"status {create.Status}", FormattableString.Invariant($"score {create.Score.Score} ({create.Score.Grade})"), .. create.Fields.Select(f => $"{f.Key} → {f.Value}")]
                : plan.CrmWrite is { } crm ? Settlement.Describe(crm, snapshot.Crm) : [],
            string.Join("; ", plan.Reasons),
            handoff is null ? null : $"{handoff.Note.Subject}\n{handoff.Note.Description}"));
    }

    /// <summary>
    /// Finishes handoffs a crash or a failed call left half-way: the ledger says which steps are done, and every step
    /// is safe to repeat (the owner write is the same value; the task is found by its crossing's key). A lead LeadSync
    /// has no record of yet is left to its own batch, which resumes the crossing with every step.
    /// </summary>
    private async Task ResumeOpenAssignmentsAsync(CancellationToken cancellationToken)
    {
        var open = (await _store.GetOpenAssignmentsAsync(Name, cancellationToken)).Where(e => e.CompletedAt is null && !e.Closed).ToList();
        if (open.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var work = new List<(AssignmentEntry Entry, LeadRecord Record, string CrmLeadId)>();
        foreach (var entry in open)
        {
            var record = await _store.GetLeadAsync(Name, entry.LeadKey, cancellationToken);
            var crmLeadId = entry.CrmLeadId ?? record?.CrmId;
            if (record is null || crmLeadId is null)
            {
                LogCannotResume(_logger, entry.LeadKey, entry.Crossing);
                continue;
            }

            work.Add((entry with { CrmLeadId = crmLeadId }, record, crmLeadId));
        }

        if (work.Count == 0)
        {
            return;
        }

        var current = work.Select(w => w.Entry).ToList();
        var quarantine = new List<QuarantineItem>();

        // What the crash left is read back, not guessed: a lead that already has the crossing's owner needs no write.
        var unsure = Indexes(current, e => !e.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten));
        var leads = new Dictionary<string, CrmPerson>(StringComparer.Ordinal);
        if (unsure.Count > 0)
        {
            var ids = unsure.Select(i => work[i].CrmLeadId).Distinct(StringComparer.Ordinal).ToList();
            leads = (await DeferrableAsync(() => _connection.Crm.ReadByIdsAsync(ids, [], cancellationToken)) ?? [])
                .GroupBy(l => l.Id, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var i in unsure)
            {
                if (leads.TryGetValue(work[i].CrmLeadId, out var lead) && OwnerClassifier.SameId(lead.OwnerId, current[i].OwnerId))
                {
                    current[i] = current[i] with { StepsDone = current[i].StepsDone | AssignmentSteps.CrmOwnerWritten, OwnerWrittenAt = current[i].OwnerWrittenAt ?? now };
                }
            }
        }

        var owner = Indexes(current, e => !e.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten));
        if (owner.Count > 0)
        {
            var outcomes = await DeferrableAsync(() => _connection.Crm.UpdateAsync(owner.Select(i => _executor.HandoffWrites(current[i], work[i].CrmLeadId, null).Crm).ToList(), cancellationToken));
            for (var k = 0; k < owner.Count && outcomes is not null; k++)
            {
                var i = owner[k];
                if (outcomes[k].Success)
                {
                    current[i] = current[i] with { StepsDone = current[i].StepsDone | AssignmentSteps.CrmOwnerWritten, OwnerWrittenAt = now };
                }
                else if (!outcomes[k].IsUnknown)
                {
                    // A reason about the record: the crossing closes as refused instead of being retried (and warned about) every cycle.
                    var reason = $"owner write failed while resuming a handoff: {outcomes[k].ErrorCode} {outcomes[k].Message}".TrimEnd();
                    quarantine.Add(new QuarantineItem(0, Name, SystemRole.Crm, work[i].CrmLeadId, reason, now, now, 1, false));
                    current[i] = current[i] with
                    {
                        Closed = true,
                        Refused = new HandoffRefusal(reason, now, SeenModifiedAt(work[i].Record), leads.TryGetValue(work[i].CrmLeadId, out var lead) ? lead.ModifiedAt : null),
                    };
                }
            }
        }

        var tasks = Indexes(current, e => !e.Closed && e.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten) && !e.StepsDone.HasFlag(AssignmentSteps.TaskCreated));
        if (tasks.Count > 0)
        {
            var outcomes = await DeferrableAsync(() => _connection.Crm.CreateTasksAsync(
                tasks.Select(i => WriteExecutor.Task(current[i] with { Note = NoteOf(current[i]) }, now)).ToList(), cancellationToken));
            for (var k = 0; k < tasks.Count && outcomes is not null; k++)
            {
                var i = tasks[k];
                if (outcomes[k].Success)
                {
                    _tally.TasksCreated++;
                    current[i] = current[i] with { StepsDone = current[i].StepsDone | AssignmentSteps.TaskCreated, TaskId = outcomes[k].Id };
                }
            }
        }

        var marketing = Indexes(current, e => e.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten) && !e.StepsDone.HasFlag(AssignmentSteps.MarketingWritten));
        var marketingWrites = marketing
            .Select(i => (Index: i, Write: _executor.HandoffWrites(current[i], work[i].CrmLeadId, work[i].Record.MarketingId).Marketing))
            .Where(x => x.Write is not null)
            .ToList();
        if (marketingWrites.Count > 0)
        {
            var outcomes = await DeferrableAsync(() => _connection.Marketing.UpdateAsync(marketingWrites.Select(x => x.Write!).ToList(), cancellationToken));
            for (var k = 0; k < marketingWrites.Count && outcomes is not null; k++)
            {
                var i = marketingWrites[k].Index;
                if (outcomes[k].Success)
                {
                    current[i] = current[i] with { StepsDone = current[i].StepsDone | AssignmentSteps.MarketingWritten };
                }
            }
        }

        var audit = new List<AuditEntry>();
        var history = new List<HistoryEntry>();
        for (var i = 0; i < current.Count; i++)
        {
            var entry = current[i];
            if (entry.Refused is not null)
            {
                audit.Add(new AuditEntry(Name, _cycleId, entry.LeadKey, now, "handoff-refused", FormattableString.Invariant($"crossing {entry.Crossing} closed as refused by the CRM: {entry.Refused.Reason}; handed off again once the record changes")));
                LogRefused(_logger, entry.LeadKey, entry.Crossing, entry.Refused.Reason);
                continue;
            }

            if (WriteExecutor.IsComplete(entry, hasMarketing: work[i].Record.MarketingId is not null))
            {
                entry = current[i] = entry with { CompletedAt = now };
                _tally.HandoffLatencies.Add((entry.OwnerWrittenAt ?? now) - entry.FirstSeenAt);
                history.Add(LeadHistory.Handoff(entry, null, null, _cycleId, now));
            }

            audit.Add(new AuditEntry(Name, _cycleId, entry.LeadKey, now, "handoff-resumed", FormattableString.Invariant($"crossing {entry.Crossing}: steps now {entry.StepsDone}")));
            LogResumed(_logger, entry.LeadKey, entry.Crossing, entry.StepsDone);
        }

        await _store.SettleAsync(
            new BatchSettlement(Name, [], current, audit, quarantine, [], new Dictionary<string, long>()) { History = history },
            cancellationToken);
    }

    /// <summary>
    /// A resume step whose call failed without a word about the records (answer lost or unreadable, retries spent):
    /// null, and the step stays undone for the next cycle — every step is safe to repeat, and the rest of the cycle goes on.
    /// </summary>
    private async Task<T?> DeferrableAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (ExternalApiException ex) when (ex.Kind is ApiErrorKind.Transient or ApiErrorKind.MalformedResponse or ApiErrorKind.RateLimited)
        {
            LogResumeDeferred(_logger, ex.Product, ex.Kind, ex.Message);
            return null;
        }
    }

    /// <summary>The marketing record's modification time LeadSync last settled, if it keeps one.</summary>
    private static DateTimeOffset? SeenModifiedAt(LeadRecord record) =>
        record.LastSeenMarketing.TryGetValue(SeenKeys.ModifiedAt, out var text)
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at
            : null;

    /// <summary>An entry begun before the ledger kept the task owner: the rep owns the task.</summary>
    private static AssignmentNote NoteOf(AssignmentEntry entry) =>
        (entry.Note ?? new AssignmentNote(
            "Sales-ready lead handed to you by LeadSync",
            "Normal",
            $"This lead reached the sales threshold and was assigned to you. Why you: {entry.Reason}")) is { TaskOwnerId: null } note
            ? note with { TaskOwnerId = entry.OwnerId }
            : entry.Note!;

    private static List<int> Indexes(List<AssignmentEntry> entries, Func<AssignmentEntry, bool> predicate) =>
        Enumerable.Range(0, entries.Count).Where(i => predicate(entries[i])).ToList();

    private async Task ProcessRetryRequestsAsync(CancellationToken cancellationToken)
    {
        var requests = await _store.GetRetryRequestsAsync(Name, cancellationToken);
        if (requests.Count == 0)
        {
            return;
        }

        var marketingIds = requests.Where(r => r.System == SystemRole.Marketing).Select(r => r.RecordId).ToList();
        var crmIds = requests.Where(r => r.System == SystemRole.Crm).Select(r => r.RecordId).ToList();
        if (marketingIds.Count > 0)
        {
            var contacts = await _connection.Marketing.ReadByIdsAsync(marketingIds, _connection.Model.MarketingFields, cancellationToken);
            await ProcessPageAsync(SystemRole.Marketing, contacts, decideEvenIfSettled: true, cancellationToken);
        }

        if (crmIds.Count > 0)
        {
            var leads = await _connection.Crm.ReadByIdsAsync(crmIds, _connection.Model.CrmFields, cancellationToken);
            await ProcessPageAsync(SystemRole.Crm, leads, decideEvenIfSettled: true, cancellationToken);
        }
    }

    /// <summary>
    /// The watermark never passes the read's horizon (read start − overlap): a record modified just before the read
    /// may still be missing from a search index or come from a skewed clock, so the next read starts at the horizon and
    /// sees it. Once the systems are quiet, the watermark is the last record seen (with its id as tie-break), so a
    /// no-change cycle reads nothing it has already settled: one call per system, whatever the number of leads.
    /// </summary>
    private static ChangeCursor? Settled(ChangeCursor? maxSeen, ChangeCursor? previous, DateTimeOffset horizon)
    {
        if (maxSeen is null)
        {
            return previous;
        }

        var settled = maxSeen.ModifiedAt <= horizon ? maxSeen : new ChangeCursor(horizon, null);
        return previous is not null && settled.ModifiedAt < previous.ModifiedAt ? previous : settled;
    }

    private void HoldBack(SystemRole side, ChangeCursor cursor)
    {
        if (!_holdBack.TryGetValue(side, out var current) || Compare(cursor, current) < 0)
        {
            _holdBack[side] = cursor;
        }
    }

    /// <summary>The settled watermark, but no further than just before <paramref name="hold"/> (never behind the previous one).</summary>
    private static ChangeCursor? HeldBack(ChangeCursor? settled, ChangeCursor? previous, ChangeCursor? hold)
    {
        if (hold is null || (settled is not null && Compare(settled, hold) <= 0))
        {
            return settled;
        }

        return previous is not null && Compare(hold, previous) < 0 ? previous : hold;
    }

    /// <summary>Cursor order: time, then id, a null id (everything at that time) first.</summary>
    private static int Compare(ChangeCursor a, ChangeCursor b)
    {
        var byTime = a.ModifiedAt.CompareTo(b.ModifiedAt);
        if (byTime != 0)
        {
            return byTime;
        }

        return a.LastId is null ? (b.LastId is null ? 0 : -1) : b.LastId is null ? 1 : string.CompareOrdinal(a.LastId, b.LastId);
    }

    private static ChangeCursor? Max(ChangeCursor? current, IEnumerable<ChangeCursor> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (current is null
                || candidate.ModifiedAt > current.ModifiedAt
                || (candidate.ModifiedAt == current.ModifiedAt && string.CompareOrdinal(candidate.LastId, current.LastId) > 0))
            {
                current = candidate;
            }
        }

        return current;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A write for {LeadKey} was not confirmed ({System}): {Reason}. Nothing is recorded as written; the next cycle reads the person again and writes it again")]
    private static partial void LogNotConfirmed(ILogger logger, string leadKey, SystemRole system, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A step of resuming handoffs is left for the next cycle: {System} {Kind}: {Reason}")]
    private static partial void LogResumeDeferred(ILogger logger, string system, ApiErrorKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Settled a batch of {Count} people ({Handoffs} handoffs)")]
    private static partial void LogBatchSettled(ILogger logger, int count, int handoffs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantined {System} record {RecordId}: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, SystemRole system, string recordId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed handoff of {LeadKey} (crossing {Crossing}): steps done {Steps}")]
    private static partial void LogResumed(ILogger logger, string leadKey, int crossing, AssignmentSteps steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handoff of {LeadKey} (crossing {Crossing}) was refused by the CRM and is closed: {Reason}")]
    private static partial void LogRefused(ILogger logger, string leadKey, int crossing, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handoff of {LeadKey} (crossing {Crossing}) is resumed by the lead's own batch: LeadSync has no record or CRM lead id for it yet")]
    private static partial void LogCannotResume(ILogger logger, string leadKey, int crossing);
}

/// <summary>Counts and samples gathered over one cycle.</summary>
internal sealed class CycleTally
{
    public int LeadsRead { get; set; }

    public int Scored { get; set; }

    public int StatusChanges { get; set; }

    public int StageChanges { get; set; }

    public int Assigned { get; set; }

    public int Released { get; set; }

    public int Quarantined { get; set; }

    public int MarketingRecordsWritten { get; set; }

    public int CrmRecordsWritten { get; set; }

    public int TasksCreated { get; set; }

    public int SegmentsWritten { get; set; }

    public List<LeadChange> Changes { get; } = [];

    public List<QuarantineNotice> QuarantineNotices { get; } = [];

    public List<TimeSpan> HandoffLatencies { get; } = [];
}
