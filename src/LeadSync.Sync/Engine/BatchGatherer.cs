using System.Globalization;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>A batch as gathered: the snapshot to plan, and how many records of the page were this cycle's own echoes.</summary>
internal sealed record GatheredBatch(BatchSnapshot? Snapshot, int EchoesSkipped);

/// <summary>
/// The gather phase of a batch: for one page of either system, finds what LeadSync remembers, the counterpart in the
/// other system (by the stored link, the record's own cross-reference, or its email), the ledger, the owners and the
/// routing state — in as few store and API calls as it can — and hands the planner a complete snapshot.
/// Matching is one routine for both sides: only the side it starts from differs.
/// </summary>
internal sealed class BatchGatherer(
    SyncConnection connection,
    IStateStore store,
    CycleMemory memory,
    ReferenceDataCache referenceData,
    LeadPlanner planner)
{
    private ConnectionModel Model => connection.Model;

    public async Task<GatheredBatch> GatherAsync(
        SystemRole side, IReadOnlyList<IPersonRecord> page, bool decideEvenIfSettled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var other = side == SystemRole.Marketing ? SystemRole.Crm : SystemRole.Marketing;
        var ids = page.Select(r => r.Id).ToList();
        var stored = await store.FindLeadsAsync(connection.Name, side == SystemRole.Marketing ? ids : [], side == SystemRole.Crm ? ids : [], cancellationToken);
        var records = ByKey(memory.Overlay(stored, side == SystemRole.Marketing ? ids : [], side == SystemRole.Crm ? ids : []), r => IdOn(r, side));

        var echoes = 0;
        var people = new List<Candidate>(page.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var subject in page)
        {
            records.TryGetValue(subject.Id, out var record);
            var key = record?.LeadKey ?? KeyFor(side, subject.Id);
            if (memory.Processed.Contains(key))
            {
                echoes++;
                continue;
            }

            if (!seen.Add(key) || (!decideEvenIfSettled && AlreadySettled(record is null ? null : LastSeen(record, side), subject.ModifiedAt) && !DealChanged(record, subject)))
            {
                continue;
            }

            people.Add(new Candidate(key, subject, record, side));
        }

        if (people.Count == 0)
        {
            return new GatheredBatch(null, echoes);
        }

        await AttachCounterpartsAsync(people, side, other, cancellationToken);
        if (side == SystemRole.Marketing)
        {
            await AttachLinkedFromCrmSideAsync(people, now, cancellationToken);
        }

        await RekeyByCounterpartRecordAsync(people, side, other, cancellationToken);
        people = people.Where(p => p.Keep).ToList();
        if (!decideEvenIfSettled)
        {
            // A retry or a reconciliation asks for the values as they are, so it reads past this.
            foreach (var person in people)
            {
                person.KeepSettledMarketingValues();
            }
        }
        if (people.Count == 0)
        {
            return new GatheredBatch(null, echoes);
        }

        var provisional = people.Select(p => p.ToSnapshot([])).ToList();
        OwnerDirectory? owners = null;
        IReadOnlyList<AssignmentEntry> ledger = [];
        if (planner.NeedsOwners(provisional, now))
        {
            var keys = people.Select(p => p.Key).ToList();
            ledger = await store.GetAssignmentsAsync(connection.Name, keys, cancellationToken);
            owners = await referenceData.GetAsync(connection, cancellationToken);
            memory.Routing ??= await store.GetRoutingStateAsync(connection.Name, cancellationToken);
        }

        var snapshot = new BatchSnapshot(
            people.Select(p => p.ToSnapshot(memory.Overlay(ledger, p.Key))).ToList(),
            owners,
            memory.Routing ?? RoutingState.Empty,
            now);
        return new GatheredBatch(snapshot, echoes);
    }

    private async Task AttachCounterpartsAsync(List<Candidate> people, SystemRole side, SystemRole other, CancellationToken cancellationToken)
    {
        // 1. By link: the stored link first, else the cross-reference the record carries.
        var linkFor = new Dictionary<Candidate, string>();
        foreach (var person in people)
        {
            var id = person.Record is { } record ? IdOn(record, other) : null;
            if (id is null && !string.IsNullOrWhiteSpace(person.Subject.CounterpartId))
            {
                id = person.Subject.CounterpartId.Trim();
            }

            if (id is not null)
            {
                linkFor[person] = id;
            }
        }

        var byId = (await ReadByIdsAsync(other, linkFor.Values.Distinct(StringComparer.Ordinal).ToList(), cancellationToken))
            .GroupBy(r => r.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (person, id) in linkFor)
        {
            if (byId.TryGetValue(id, out var counterpart))
            {
                person.Attach(counterpart);
            }
        }

        // 2. By email, for the rest. The marketing platform keeps one person per email; the CRM may keep several
        // leads with one email, and then LeadSync does not guess: the record is quarantined with the ids.
        var needEmail = people.Where(p => p.Counterpart(other) is null && EmailMask.Normalize(p.Subject.Email) is not null).ToList();
        if (needEmail.Count == 0)
        {
            return;
        }

        var emails = needEmail.Select(p => EmailMask.Normalize(p.Subject.Email)!).Distinct(StringComparer.Ordinal).ToList();
        var marketingByEmail = side == SystemRole.Marketing
            ? needEmail.GroupBy(p => EmailMask.Normalize(p.Subject.Email)!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (MarketingPerson)g.First().Subject, StringComparer.Ordinal)
            : (await connection.Marketing.ReadByEmailsAsync(emails, Model.MarketingFields, cancellationToken))
                .Where(c => EmailMask.Normalize(c.Email) is not null)
                .GroupBy(c => EmailMask.Normalize(c.Email)!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (connection.Marketing.EmailsMayRepeat)
        {
            // Several marketing records with one email (the platform allows it): none of them is matched by that email.
            await BlockSharedMarketingEmailsAsync(needEmail, side, emails, cancellationToken);
            needEmail = needEmail.Where(p => p.Blocked is null).ToList();
        }

        var crmEmails = emails.Where(marketingByEmail.ContainsKey).ToList();
        var crmByEmail = crmEmails.Count == 0
            ? []
            : (await connection.Crm.ReadByEmailsAsync(crmEmails, Model.CrmFields, cancellationToken))
                .Where(l => EmailMask.Normalize(l.Email) is not null)
                .GroupBy(l => EmailMask.Normalize(l.Email)!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (side == SystemRole.Crm)
        {
            // The page's own leads are candidates for their email even if the read did not return them.
            foreach (var person in needEmail)
            {
                var email = EmailMask.Normalize(person.Subject.Email)!;
                var lead = (CrmPerson)person.Subject;
                if (crmByEmail.TryGetValue(email, out var list))
                {
                    if (!list.Exists(l => l.Id == lead.Id))
                    {
                        list.Add(lead);
                    }
                }
                else if (marketingByEmail.ContainsKey(email))
                {
                    crmByEmail[email] = [lead];
                }
            }
        }

        foreach (var person in needEmail)
        {
            var email = EmailMask.Normalize(person.Subject.Email)!;
            if (!marketingByEmail.TryGetValue(email, out var contact) || !crmByEmail.TryGetValue(email, out var leads) || leads.Count == 0)
            {
                continue;
            }

            if (Ambiguity(leads) is { } reason)
            {
                person.Block(new Blocked(side, person.Subject.Id, reason));
                continue;
            }

            var pick = leads.Find(l => !l.IsConverted) ?? leads[0];
            if (side == SystemRole.Marketing)
            {
                person.Attach(pick);
            }
            else if (pick.Id == person.Subject.Id)
            {
                person.Attach(contact);
            }
        }
    }

    /// <summary>
    /// Where marketing emails may repeat, reads every marketing record with the page's emails (the page's own included)
    /// and quarantines each person whose email is shared by several, with their ids: LeadSync does not guess which one
    /// is the CRM lead's. Linked people never get here (they matched by link), so a platform whose records mostly carry
    /// the CRM's id pays for few of these reads.
    /// </summary>
    private async Task BlockSharedMarketingEmailsAsync(List<Candidate> needEmail, SystemRole side, List<string> emails, CancellationToken cancellationToken)
    {
        var found = await connection.Marketing.ReadByEmailsAsync(emails, Model.MarketingFields, cancellationToken);
        var idsByEmail = found
            .Concat(side == SystemRole.Marketing ? needEmail.Select(p => (MarketingPerson)p.Subject) : [])
            .Where(c => EmailMask.Normalize(c.Email) is not null)
            .GroupBy(c => EmailMask.Normalize(c.Email)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        foreach (var person in needEmail)
        {
            if (idsByEmail.TryGetValue(EmailMask.Normalize(person.Subject.Email)!, out var ids) && ids.Count > 1)
            {
                person.Block(new Blocked(side, person.Subject.Id, FormattableString.Invariant(
                    $"ambiguous match: {ids.Count} marketing records share this email ({string.Join(", ", ids)}); LeadSync does not guess — merge them, or let the CRM's id link one of them")));
            }
        }
    }

    /// <summary>
    /// A marketing person about to be handed to sales with no CRM lead found by link or email may still have one that
    /// carries the link only on the CRM side (a rep set it, or the email differs): look for it before a second lead is
    /// created. Only people at the threshold are looked up, so a quiet page costs no call.
    /// </summary>
    private async Task AttachLinkedFromCrmSideAsync(List<Candidate> people, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var orphans = people
            .Where(p => p.Crm is null && p.Blocked is null && planner.NeedsOwners([p.ToSnapshot([])], now))
            .ToList();
        if (orphans.Count == 0)
        {
            return;
        }

        var linked = (await connection.Crm.ReadByMarketingIdsAsync(orphans.Select(p => p.Subject.Id).ToList(), Model.CrmFields, cancellationToken))
            .Where(l => l.MarketingId is not null)
            .GroupBy(l => l.MarketingId!.Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var person in orphans)
        {
            if (!linked.TryGetValue(person.Subject.Id, out var leads))
            {
                continue;
            }

            if (Ambiguity(leads) is { } reason)
            {
                person.Block(new Blocked(SystemRole.Marketing, person.Subject.Id, reason.Replace("share this email", "carry this marketing id as their link", StringComparison.Ordinal)));
                continue;
            }

            person.Attach(leads.Find(l => !l.IsConverted) ?? leads[0]);
        }
    }

    /// <summary>
    /// A person matched by email whose counterpart LeadSync already tracks alone joins that record, so one person
    /// never gets two lead records; a counterpart already linked to another record makes this one a duplicate.
    /// </summary>
    private async Task RekeyByCounterpartRecordAsync(List<Candidate> people, SystemRole side, SystemRole other, CancellationToken cancellationToken)
    {
        var unlinked = people.Where(p => p.Keep && p.Record is null && p.Blocked is null && p.Counterpart(other) is not null).ToList();
        if (unlinked.Count == 0)
        {
            return;
        }

        var counterpartIds = unlinked.Select(p => p.Counterpart(other)!.Id).Distinct(StringComparer.Ordinal).ToList();
        var stored = await store.FindLeadsAsync(
            connection.Name, other == SystemRole.Marketing ? counterpartIds : [], other == SystemRole.Crm ? counterpartIds : [], cancellationToken);
        var byCounterpart = ByKey(
            memory.Overlay(stored, other == SystemRole.Marketing ? counterpartIds : [], other == SystemRole.Crm ? counterpartIds : []),
            r => IdOn(r, other));
        foreach (var person in unlinked)
        {
            if (!byCounterpart.TryGetValue(person.Counterpart(other)!.Id, out var record))
            {
                continue;
            }

            var mine = IdOn(record, side);
            if (mine is not null && !string.Equals(mine, person.Subject.Id, StringComparison.Ordinal))
            {
                person.Detach(other);
                person.Block(new Blocked(side, person.Subject.Id, FormattableString.Invariant(
                    $"duplicate: the {Name(other)} record with this email is linked to {Name(side)} record {mine}; merge this one into it or link it instead")));
                continue;
            }

            if (mine is not null && memory.Processed.Contains(record.LeadKey))
            {
                person.Keep = false; // settled together with its counterpart earlier in this cycle
                continue;
            }

            // Not linked yet: it joins that record now, even if the record was settled alone earlier in this cycle
            // (it became findable only from this side); a second look at one record is idempotent.
            person.Rekey(record);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var person in people.Where(p => p.Keep))
        {
            person.Keep = keys.Add(person.Key);
        }
    }

    private async Task<IReadOnlyList<IPersonRecord>> ReadByIdsAsync(SystemRole system, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        return system == SystemRole.Marketing
            ? await connection.Marketing.ReadByIdsAsync(ids, Model.MarketingFields, cancellationToken)
            : await connection.Crm.ReadByIdsAsync(ids, Model.CrmFields, cancellationToken);
    }

    /// <summary>Several open CRM leads with one email (the CRM allows it) cannot be matched by email: say why.</summary>
    private static string? Ambiguity(List<CrmPerson> candidates)
    {
        var open = candidates.Count(l => !l.IsConverted);
        return open > 1 || (open == 0 && candidates.Count > 1)
            ? FormattableString.Invariant(
                $"ambiguous match: {candidates.Count} CRM leads share this email ({string.Join(", ", candidates.Select(c => c.Id).Order(StringComparer.Ordinal))}); LeadSync does not guess — merge them or link one via the cross-reference field")
            : null;
    }

    /// <summary>
    /// A record whose modification time is not newer than the one LeadSync last settled has nothing new: it is an echo
    /// of LeadSync's own write or a re-read inside the overlap window. Skipping it keeps a no-change cycle at one read
    /// call per system, whatever the number of leads.
    /// </summary>
    /// <summary>
    /// A converted lead's deal moves without the lead changing (won weeks later): the lead is not settled while its deal's
    /// state differs from the one LeadSync remembers.
    /// </summary>
    private static bool DealChanged(LeadRecord? record, IPersonRecord subject) =>
        subject is CrmPerson { Opportunity: { } deal }
        && (record is null || !record.LastSeenCrm.TryGetValue(SeenKeys.Deal, out var seen) || !string.Equals(seen, deal.SeenValue, StringComparison.Ordinal));

    private static bool AlreadySettled(IReadOnlyDictionary<string, string?>? lastSeen, DateTimeOffset modifiedAt) =>
        lastSeen is not null
        && lastSeen.TryGetValue(SeenKeys.ModifiedAt, out var marker)
        && DateTimeOffset.TryParse(marker, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var settled)
        && modifiedAt <= settled;

    /// <summary>
    /// Two lead records can claim one id (two records linked to the same person in one cycle); a duplicate must not
    /// fail every cycle from then on, so the linked, most recently settled record wins.
    /// </summary>
    private static Dictionary<string, LeadRecord> ByKey(IEnumerable<LeadRecord> records, Func<LeadRecord, string?> key) =>
        records
            .Where(r => key(r) is not null)
            .GroupBy(r => key(r)!, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => g.OrderByDescending(r => r.MarketingId is not null && r.CrmId is not null).ThenByDescending(r => r.UpdatedAt).First(),
                StringComparer.Ordinal);

    private static string? IdOn(LeadRecord record, SystemRole system) => system == SystemRole.Marketing ? record.MarketingId : record.CrmId;

    private static IReadOnlyDictionary<string, string?> LastSeen(LeadRecord record, SystemRole system) =>
        system == SystemRole.Marketing ? record.LastSeenMarketing : record.LastSeenCrm;

    /// <summary>Lead keys of people first seen on one side ("hs-…" marketing, "sf-…" CRM; kept for existing databases).</summary>
    public static string KeyFor(SystemRole side, string id) => side == SystemRole.Marketing ? $"hs-{id}" : $"sf-{id}";

    private static string Name(SystemRole system) => system == SystemRole.Marketing ? "marketing" : "CRM";

    /// <summary>A person while the batch is gathered.</summary>
    private sealed class Candidate(string key, IPersonRecord subject, LeadRecord? record, SystemRole side)
    {
        public string Key { get; private set; } = key;

        public IPersonRecord Subject { get; } = subject;

        public LeadRecord? Record { get; private set; } = record;

        public MarketingPerson? Marketing { get; private set; } = side == SystemRole.Marketing ? (MarketingPerson)subject : null;

        public CrmPerson? Crm { get; private set; } = side == SystemRole.Crm ? (CrmPerson)subject : null;

        public Blocked? Blocked { get; private set; }

        public bool Keep { get; set; } = true;

        public IPersonRecord? Counterpart(SystemRole other) => other == SystemRole.Marketing ? Marketing : Crm;

        public void Attach(IPersonRecord counterpart)
        {
            switch (counterpart)
            {
                case MarketingPerson contact:
                    Marketing = contact;
                    break;
                case CrmPerson lead:
                    Crm = lead;
                    break;
            }
        }

        public void Detach(SystemRole other)
        {
            if (other == SystemRole.Marketing)
            {
                Marketing = null;
            }
            else
            {
                Crm = null;
            }
        }

        public void Block(Blocked blocked) => Blocked ??= blocked;

        /// <summary>
        /// A marketing counterpart read by id that is not newer than what LeadSync settled has nothing new on it. A
        /// platform that serves reads from a cache (Account Engagement, up to a minute behind) can still hand back the
        /// version from before LeadSync's own write: what the record holds is what LeadSync remembers (its write
        /// included), so those values stand in for the cached ones and the stale read is not taken for a person's edit.
        /// </summary>
        public void KeepSettledMarketingValues()
        {
            if (Marketing is not { } contact || ReferenceEquals(contact, Subject) || Record is not { } record
                || !AlreadySettled(record.LastSeenMarketing, contact.ModifiedAt))
            {
                return;
            }

            var seen = record.LastSeenMarketing;
            var fields = new Dictionary<string, string?>(contact.Fields, StringComparer.Ordinal);
            foreach (var (field, value) in seen)
            {
                if (!field.StartsWith('_'))
                {
                    fields[field] = value;
                }
            }

            Marketing = contact with
            {
                Fields = fields,
                LeadStatus = seen.TryGetValue(SeenKeys.Status, out var status) ? status : contact.LeadStatus,
                LifecycleStage = seen.TryGetValue(SeenKeys.Stage, out var stage) ? stage : contact.LifecycleStage,
                OwnerId = seen.TryGetValue(SeenKeys.Owner, out var owner) ? owner : contact.OwnerId,
                Score = seen.TryGetValue(SeenKeys.Score, out var score) ? score : contact.Score,
                Grade = seen.TryGetValue(SeenKeys.Grade, out var grade) ? grade : contact.Grade,
            };
        }

        public void Rekey(LeadRecord record)
        {
            Key = record.LeadKey;
            Record = record;
        }

        public PersonSnapshot ToSnapshot(IReadOnlyList<AssignmentEntry> ledger) => new(Key, Marketing, Crm, Record, ledger, Blocked);
    }
}
