using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;

namespace LeadSync.Sync.Engine;

/// <summary>One person across the two systems, as gathered for one cycle.</summary>
internal sealed class Person(string leadKey, MarketingContact? hubSpot, CrmLead? salesforce, LeadRecord? record)
{
    public string LeadKey { get; } = leadKey;

    public MarketingContact? HubSpot { get; set; } = hubSpot;

    public CrmLead? Salesforce { get; set; } = salesforce;

    public LeadRecord? Record { get; } = record;

    public string? QuarantineReason { get; set; }

    public SystemKind QuarantineSystem { get; set; }
}

/// <summary>
/// The state of one cycle: reads pages from both systems, matches each record with its counterpart, hands batches to
/// <see cref="BatchProcessor"/>, and advances the watermarks once everything read has been settled.
/// </summary>
internal sealed partial class CycleRun
{
    /// <summary>The demo table and --json output keep this many lead changes; counts cover everything.</summary>
    private const int MaxReportedChanges = 5000;

    private readonly SyncConnection _connection;
    private readonly CycleMode _mode;
    private readonly string _cycleId;
    private readonly DateTimeOffset _startedAt;
    private readonly IStateStore _store;
    private readonly ILogger _logger;
    private readonly BatchProcessor _processor;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _processedLeadKeys = new(StringComparer.Ordinal);
    private readonly CycleTally _tally = new();

    /// <summary>Set while an admin's retry requests are processed: those records are decided again even though unchanged.</summary>
    private bool _retrying;

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
        _logger = logger;
        _time = time;
        _processor = new BatchProcessor(connection, mode, cycleId, store, time, referenceData, logger, _tally);
    }

    private bool DryRun => _mode == CycleMode.DryRun;

    private string Name => _connection.Name;

    /// <summary>True when a stop was requested and the cycle ended early at a safe point (between batches).</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>
    /// Runs the cycle. <paramref name="stopRequested"/> is honoured only between batches — a batch that started is
    /// finished (its writes, ledger and records settled) — and the watermarks do not move after an early stop.
    /// Each API call has its own timeouts in the connectors' resilience pipelines.
    /// </summary>
    public async Task ExecuteAsync(CancellationToken stopRequested)
    {
        var cancellationToken = CancellationToken.None;
        if (!DryRun)
        {
            await _processor.ResumeOpenAssignmentsAsync(cancellationToken);
        }

        var overlap = TimeSpan.FromSeconds(_connection.Model.Sync.OverlapSeconds);
        var hubSpotMark = _mode == CycleMode.Reconcile ? null : await _store.GetWatermarkAsync(Name, SystemKind.HubSpot, cancellationToken);
        var salesforceMark = _mode == CycleMode.Reconcile ? null : await _store.GetWatermarkAsync(Name, SystemKind.Salesforce, cancellationToken);

        var newHubSpotMark = hubSpotMark;
        var hubSpotHorizon = _time.GetUtcNow() - overlap;
        await foreach (var page in _connection.Marketing.ReadChangedAsync(
            hubSpotMark ?? ChangeCursor.Beginning, _connection.Model.HubSpotProperties, cancellationToken))
        {
            _tally.LeadsRead += page.Count;
            await ProcessHubSpotPageAsync(page, cancellationToken);
            newHubSpotMark = Max(newHubSpotMark, page.Select(c => new ChangeCursor(c.ModifiedAt, c.Id)));
            if (stopRequested.IsCancellationRequested)
            {
                StoppedEarly = true;
                return;
            }
        }

        var newSalesforceMark = salesforceMark;
        var salesforceHorizon = _time.GetUtcNow() - overlap;
        await foreach (var page in _connection.Crm.ReadChangedAsync(
            salesforceMark ?? ChangeCursor.Beginning, _connection.Model.SalesforceFields, cancellationToken))
        {
            _tally.LeadsRead += page.Count;
            await ProcessSalesforcePageAsync(page, cancellationToken);
            newSalesforceMark = Max(newSalesforceMark, page.Select(l => new ChangeCursor(l.ModifiedAt, l.Id)));
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

        // Everything read has been written, quarantined or recorded: only now may the watermarks move.
        newHubSpotMark = Settled(newHubSpotMark, hubSpotMark, hubSpotHorizon);
        newSalesforceMark = Settled(newSalesforceMark, salesforceMark, salesforceHorizon);
        if (newHubSpotMark is not null && newHubSpotMark != hubSpotMark)
        {
            await _store.SetWatermarkAsync(Name, SystemKind.HubSpot, newHubSpotMark, cancellationToken);
        }

        if (newSalesforceMark is not null && newSalesforceMark != salesforceMark)
        {
            await _store.SetWatermarkAsync(Name, SystemKind.Salesforce, newSalesforceMark, cancellationToken);
        }
    }

    public CycleReport BuildReport(DateTimeOffset finishedAt, string? error, long hubSpotCalls, long salesforceCalls) =>
        new(
            Name, _cycleId, _mode, _startedAt, finishedAt, Succeeded: error is null, Skipped: false, error,
            _tally.LeadsRead, _tally.Scored, _tally.StatusChanges, _tally.StageChanges, _tally.Assigned, _tally.Released,
            _tally.Quarantined, _tally.HubSpotRecordsWritten, _tally.SalesforceRecordsWritten, _tally.TasksCreated,
            hubSpotCalls, salesforceCalls,
            _tally.Changes.Take(MaxReportedChanges).ToList(),
            _tally.QuarantineNotices.Take(MaxReportedChanges).ToList(),
            _tally.HandoffLatencies);

    /// <summary>
    /// Two lead records can claim one id (an "sf-" record and an "hs-" record linked to the same person in one cycle);
    /// a duplicate must not fail every cycle from then on, so the linked, most recently settled record wins.
    /// </summary>
    private static Dictionary<string, LeadRecord> ByKey(IReadOnlyList<LeadRecord> records, Func<LeadRecord, string?> key) =>
        records
            .Where(r => key(r) is not null)
            .GroupBy(r => key(r)!, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => g.OrderByDescending(r => r.HubSpotId is not null && r.SalesforceId is not null).ThenByDescending(r => r.UpdatedAt).First(),
                StringComparer.Ordinal);

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

    private async Task ProcessHubSpotPageAsync(IReadOnlyList<MarketingContact> page, CancellationToken cancellationToken)
    {
        var records = await _store.FindLeadsAsync(Name, page.Select(c => c.Id).ToList(), [], cancellationToken);
        var byHubSpotId = ByKey(records, r => r.HubSpotId);
        var persons = new List<Person>(page.Count);
        foreach (var contact in page)
        {
            byHubSpotId.TryGetValue(contact.Id, out var record);
            var key = record?.LeadKey ?? $"hs-{contact.Id}";
            if (_processedLeadKeys.Contains(key) || AlreadySettled(record?.LastSeenHubSpot, contact.ModifiedAt))
            {
                continue;
            }

            persons.Add(new Person(key, contact, null, record));
        }

        if (persons.Count == 0)
        {
            return;
        }

        await AttachSalesforceCounterpartsAsync(persons, cancellationToken);

        // A HubSpot contact matched by email to a Salesforce lead LeadSync already tracks on its own ("sf-" record)
        // joins that record, so one person never gets two lead records.
        persons = await RekeyBySalesforceRecordAsync(persons, cancellationToken);
        await SettleAsync(persons, cancellationToken);
    }

    private async Task<List<Person>> RekeyBySalesforceRecordAsync(List<Person> persons, CancellationToken cancellationToken)
    {
        var unlinked = persons.Where(p => p.Record is null && p.Salesforce is not null && p.QuarantineReason is null).Select(p => p.Salesforce!.Id).ToList();
        if (unlinked.Count == 0)
        {
            return persons;
        }

        var existing = ByKey(await _store.FindLeadsAsync(Name, [], unlinked, cancellationToken), r => r.SalesforceId);
        if (existing.Count == 0)
        {
            return persons;
        }

        var result = new List<Person>(persons.Count);
        foreach (var person in persons)
        {
            if (person.Record is null && person.Salesforce is not null && person.QuarantineReason is null
                && existing.TryGetValue(person.Salesforce.Id, out var record) && record.HubSpotId is null)
            {
                // The lead was tracked alone: it joins this contact's person, even if it was settled alone earlier in
                // this cycle; a second look at one record is idempotent.
                result.Add(new Person(record.LeadKey, person.HubSpot, person.Salesforce, record));
            }
            else
            {
                result.Add(person);
            }
        }

        return result;
    }

    private async Task ProcessSalesforcePageAsync(IReadOnlyList<CrmLead> page, CancellationToken cancellationToken)
    {
        var records = await _store.FindLeadsAsync(Name, [], page.Select(l => l.Id).ToList(), cancellationToken);
        var bySalesforceId = ByKey(records, r => r.SalesforceId);
        var persons = new List<Person>(page.Count);
        foreach (var lead in page)
        {
            bySalesforceId.TryGetValue(lead.Id, out var record);
            var key = record?.LeadKey ?? $"sf-{lead.Id}";
            if (_processedLeadKeys.Contains(key) || AlreadySettled(record?.LastSeenSalesforce, lead.ModifiedAt))
            {
                continue;
            }

            persons.Add(new Person(key, null, lead, record));
        }

        if (persons.Count == 0)
        {
            return;
        }

        await AttachHubSpotCounterpartsAsync(persons, cancellationToken);

        // A Salesforce lead matched by email to a HubSpot contact that LeadSync already tracks under its HubSpot key
        // belongs to that record: re-key it so one person never gets two lead records.
        var rekeyed = await RekeyByHubSpotRecordAsync(persons, cancellationToken);
        await SettleAsync(rekeyed, cancellationToken);
    }

    private async Task<List<Person>> RekeyByHubSpotRecordAsync(List<Person> persons, CancellationToken cancellationToken)
    {
        var unlinked = persons.Where(p => p.Record is null && p.HubSpot is not null).Select(p => p.HubSpot!.Id).ToList();
        if (unlinked.Count == 0)
        {
            return persons;
        }

        var existing = await _store.FindLeadsAsync(Name, unlinked, [], cancellationToken);
        if (existing.Count == 0)
        {
            return persons;
        }

        var byHubSpotId = ByKey(existing, r => r.HubSpotId);
        var result = new List<Person>(persons.Count);
        foreach (var person in persons)
        {
            if (person.QuarantineReason is null && person.Record is null && person.HubSpot is not null && byHubSpotId.TryGetValue(person.HubSpot.Id, out var record))
            {
                if (record.SalesforceId is not null && !string.Equals(record.SalesforceId, person.Salesforce!.Id, StringComparison.Ordinal))
                {
                    // The contact is linked to another lead: this one is a duplicate, not a second link. Say so.
                    person.HubSpot = null;
                    person.QuarantineReason = $"duplicate: the HubSpot contact with this email is linked to Salesforce lead {record.SalesforceId}; merge this lead into it or link it instead";
                    person.QuarantineSystem = SystemKind.Salesforce;
                    result.Add(person);
                    continue;
                }

                if (record.SalesforceId is not null && _processedLeadKeys.Contains(record.LeadKey))
                {
                    continue; // settled together with its contact earlier in this cycle
                }

                // Not linked yet: link now, even if the contact was settled alone earlier in this cycle (its lead
                // became findable only from this side); a second look at one record is idempotent.
                result.Add(new Person(record.LeadKey, person.HubSpot, person.Salesforce, record) { QuarantineReason = person.QuarantineReason, QuarantineSystem = person.QuarantineSystem });
            }
            else
            {
                result.Add(person);
            }
        }

        return result;
    }

    /// <summary>
    /// A record whose modification time is not newer than the one LeadSync last settled has nothing new:
    /// it is an echo of LeadSync's own write or a re-read inside the overlap window. Skipping it keeps a
    /// no-change cycle at one read call per system, whatever the number of leads.
    /// </summary>
    private bool AlreadySettled(IReadOnlyDictionary<string, string?>? lastSeen, DateTimeOffset modifiedAt) =>
        _mode != CycleMode.Reconcile
        && !_retrying
        && lastSeen is not null
        && lastSeen.TryGetValue(BatchProcessor.ModifiedMarker, out var marker)
        && DateTimeOffset.TryParse(marker, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var settled)
        && modifiedAt <= settled;

    private async Task AttachSalesforceCounterpartsAsync(List<Person> persons, CancellationToken cancellationToken)
    {
        var crossReference = _connection.Model.Mappings.CrossReference.HubSpotProperty;
        var idFor = new Dictionary<Person, string>();
        foreach (var person in persons)
        {
            var id = person.Record?.SalesforceId;
            if (id is null && person.HubSpot!.Properties.TryGetValue(crossReference, out var linked) && !string.IsNullOrWhiteSpace(linked))
            {
                id = linked.Trim();
            }

            if (id is not null)
            {
                idFor[person] = id;
            }
        }

        var fields = _connection.Model.SalesforceFields;
        var byId = idFor.Count == 0
            ? new Dictionary<string, CrmLead>(StringComparer.Ordinal)
            : (await _connection.Crm.ReadByIdsAsync(idFor.Values.Distinct(StringComparer.Ordinal).ToList(), fields, cancellationToken))
                .ToDictionary(l => l.Id, StringComparer.Ordinal);

        var needEmail = persons.Where(p => !idFor.TryGetValue(p, out var id) || !byId.ContainsKey(id)).ToList();
        var emails = needEmail.Select(p => EmailMask.Normalize(p.HubSpot!.Email)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var byEmail = emails.Count == 0
            ? []
            : (await _connection.Crm.ReadByEmailsAsync(emails, fields, cancellationToken))
                .GroupBy(l => EmailMask.Normalize(l.Email) ?? string.Empty, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        foreach (var person in persons)
        {
            if (idFor.TryGetValue(person, out var id) && byId.TryGetValue(id, out var lead))
            {
                person.Salesforce = lead;
                continue;
            }

            var email = EmailMask.Normalize(person.HubSpot!.Email);
            if (email is null || !byEmail.TryGetValue(email, out var candidates))
            {
                continue;
            }

            MatchByEmail(person, candidates, SystemKind.HubSpot, person.HubSpot.Id);
        }
    }

    private async Task AttachHubSpotCounterpartsAsync(List<Person> persons, CancellationToken cancellationToken)
    {
        var crossReference = _connection.Model.Mappings.CrossReference.SalesforceField;
        var idFor = new Dictionary<Person, string>();
        foreach (var person in persons)
        {
            var id = person.Record?.HubSpotId;
            if (id is null && person.Salesforce!.Fields.TryGetValue(crossReference, out var linked) && !string.IsNullOrWhiteSpace(linked))
            {
                id = linked.Trim();
            }

            if (id is not null)
            {
                idFor[person] = id;
            }
        }

        var properties = _connection.Model.HubSpotProperties;
        var byId = idFor.Count == 0
            ? new Dictionary<string, MarketingContact>(StringComparer.Ordinal)
            : (await _connection.Marketing.ReadByIdsAsync(idFor.Values.Distinct(StringComparer.Ordinal).ToList(), properties, cancellationToken))
                .ToDictionary(c => c.Id, StringComparer.Ordinal);

        var needEmail = persons.Where(p => !idFor.TryGetValue(p, out var id) || !byId.ContainsKey(id)).ToList();
        var emails = needEmail.Select(p => EmailMask.Normalize(p.Salesforce!.Email)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var byEmail = emails.Count == 0
            ? new Dictionary<string, MarketingContact>(StringComparer.Ordinal)
            : (await _connection.Marketing.ReadByEmailsAsync(emails, properties, cancellationToken))
                .Where(c => EmailMask.Normalize(c.Email) is not null)
                .GroupBy(c => EmailMask.Normalize(c.Email)!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        // Salesforce allows two leads with one email; HubSpot does not. When two unlinked leads of this page claim the
        // same contact, neither is guessed: both are quarantined.
        var claims = needEmail
            .Select(p => EmailMask.Normalize(p.Salesforce!.Email))
            .OfType<string>()
            .GroupBy(e => e, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var person in persons)
        {
            if (idFor.TryGetValue(person, out var id) && byId.TryGetValue(id, out var contact))
            {
                person.HubSpot = contact;
                continue;
            }

            var email = EmailMask.Normalize(person.Salesforce!.Email);
            if (email is null || !byEmail.TryGetValue(email, out var match))
            {
                continue;
            }

            if (claims.Contains(email))
            {
                person.QuarantineReason = "ambiguous match: several Salesforce leads share this email and none is linked; merge the duplicates or link one";
                person.QuarantineSystem = SystemKind.Salesforce;
                continue;
            }

            person.HubSpot = match;
        }

        // A lead found only by email may still collide with other Salesforce leads sharing that email outside this page.
        var emailMatched = persons.Where(p => p.HubSpot is not null && p.Record is null && !idFor.ContainsKey(p)).ToList();
        if (emailMatched.Count > 0)
        {
            var matchedEmails = emailMatched.Select(p => EmailMask.Normalize(p.Salesforce!.Email)!).Distinct(StringComparer.Ordinal).ToList();
            var siblings = (await _connection.Crm.ReadByEmailsAsync(matchedEmails, _connection.Model.SalesforceFields, cancellationToken))
                .GroupBy(l => EmailMask.Normalize(l.Email) ?? string.Empty, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            foreach (var person in emailMatched)
            {
                if (siblings.TryGetValue(EmailMask.Normalize(person.Salesforce!.Email)!, out var candidates)
                    && Ambiguity(candidates) is { } reason)
                {
                    // This lead is the subject: it stays, its would-be HubSpot match is not guessed.
                    person.HubSpot = null;
                    person.QuarantineReason = reason;
                    person.QuarantineSystem = SystemKind.Salesforce;
                }
            }
        }
    }

    private static void MatchByEmail(Person person, List<CrmLead> candidates, SystemKind system, string recordId)
    {
        if (Ambiguity(candidates) is { } reason)
        {
            person.Salesforce = null;
            person.QuarantineReason = reason;
            person.QuarantineSystem = system;
            _ = recordId;
            return;
        }

        person.Salesforce = candidates.Find(l => !l.IsConverted) ?? candidates[0];
    }

    /// <summary>Several open Salesforce leads with one email (Salesforce allows it) cannot be matched by email: say why.</summary>
    private static string? Ambiguity(List<CrmLead> candidates)
    {
        var open = candidates.Count(l => !l.IsConverted);
        return open > 1 || (open == 0 && candidates.Count > 1)
            ? FormattableString.Invariant(
                $"ambiguous match: {candidates.Count} Salesforce leads share this email ({string.Join(", ", candidates.Select(c => c.Id))}); LeadSync does not guess — merge them or link one via the cross-reference field")
            : null;
    }

    private async Task ProcessRetryRequestsAsync(CancellationToken cancellationToken)
    {
        var requests = await _store.GetRetryRequestsAsync(Name, cancellationToken);
        if (requests.Count == 0)
        {
            return;
        }

        _retrying = true;
        try
        {
            await ProcessRetriesAsync(requests, cancellationToken);
        }
        finally
        {
            _retrying = false;
        }
    }

    private async Task ProcessRetriesAsync(IReadOnlyList<QuarantineItem> requests, CancellationToken cancellationToken)
    {
        var hubSpotIds = requests.Where(r => r.System == SystemKind.HubSpot).Select(r => r.RecordId).ToList();
        var salesforceIds = requests.Where(r => r.System == SystemKind.Salesforce).Select(r => r.RecordId).ToList();
        if (hubSpotIds.Count > 0)
        {
            var contacts = await _connection.Marketing.ReadByIdsAsync(hubSpotIds, _connection.Model.HubSpotProperties, cancellationToken);
            await ProcessHubSpotPageAsync(contacts, cancellationToken);
        }

        if (salesforceIds.Count > 0)
        {
            var leads = await _connection.Crm.ReadByIdsAsync(salesforceIds, _connection.Model.SalesforceFields, cancellationToken);
            await ProcessSalesforcePageAsync(leads, cancellationToken);
        }
    }

    private async Task SettleAsync(List<Person> persons, CancellationToken cancellationToken)
    {
        foreach (var person in persons)
        {
            _processedLeadKeys.Add(person.LeadKey);
        }

        await _processor.ProcessAsync(persons, cancellationToken);
        LogBatchSettled(_logger, persons.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Settled a batch of {Count} people")]
    private static partial void LogBatchSettled(ILogger logger, int count);
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

    public int HubSpotRecordsWritten { get; set; }

    public int SalesforceRecordsWritten { get; set; }

    public int TasksCreated { get; set; }

    public List<LeadChange> Changes { get; } = [];

    public List<QuarantineNotice> QuarantineNotices { get; } = [];

    public List<TimeSpan> HandoffLatencies { get; } = [];
}
