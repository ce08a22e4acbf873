using System.Globalization;
using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;
using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Planning;

/// <summary>
/// Decides a batch: for each person the score and grade, the mapped fields, the Lead Status (the CRM is the master of
/// the sales conversation), the lifecycle stage, a handoff or a release with the rep and the rep's note, and the
/// minimal typed writes they imply. Pure and deterministic: the same snapshot gives the same plan; no I/O, no clock.
/// Round-robin positions and owner loads advance inside the batch, so a preview and a run pick the same reps.
/// </summary>
/// <param name="marketingScore">
/// Where the marketing platform keeps LeadSync's score and grade (null or nothing: it keeps neither, and no score is
/// written there). The engine sets it from the connector's configured fields; the planner never knows their names.
/// </param>
public sealed class LeadPlanner(ConnectionModel model, MarketingScoreFields? marketingScore = null)
{
    private readonly MarketingScoreFields _marketingScore = marketingScore ?? MarketingScoreFields.None;

    private static readonly IReadOnlyDictionary<string, string?> Empty = new Dictionary<string, string?>();

    /// <summary>The rule id of a stage decision a converted lead's deal made.</summary>
    private const string DealRule = "deal";

    private HandoffOptions HandoffOptions => model.Options.Handoff;

    /// <summary>
    /// True when someone in the batch may need the owner directory and routing state (at the threshold, or in sales):
    /// only then does the cycle read them.
    /// </summary>
    public bool NeedsOwners(IEnumerable<PersonSnapshot> people, DateTimeOffset now) =>
        people.Any(p => p.Blocked is null && (p.Record?.InSales == true || p.Crm?.IsConverted == true || ScoreOf(p, now).Value >= HandoffOptions.Threshold));

    public BatchPlan Plan(BatchSnapshot batch)
    {
        var positions = new Dictionary<string, long>(batch.Routing.Positions, StringComparer.Ordinal);
        var loads = new Dictionary<string, int>(batch.Routing.OpenLeadsByOwner, StringComparer.Ordinal);
        var advances = new Dictionary<string, long>(StringComparer.Ordinal);
        var plans = new List<PersonPlan>(batch.People.Count);
        foreach (var person in batch.People)
        {
            plans.Add(PlanPerson(person, batch.Owners, positions, loads, advances, batch.Now));
        }

        return new BatchPlan(plans, advances, new RoutingState(positions, loads));
    }

    /// <summary>One person alone (explain, preview): routing positions as given, nothing carried over.</summary>
    public PersonPlan PlanOne(PersonSnapshot person, OwnerDirectory? owners, RoutingState routing, DateTimeOffset now) =>
        Plan(new BatchSnapshot([person], owners, routing, now)).People[0];

    private LeadScore ScoreOf(PersonSnapshot person, DateTimeOffset now)
    {
        var features = model.Scoring.Extract(person.Marketing?.Fields ?? Empty, person.Crm?.Fields ?? Empty);
        return model.Scoring.Score(in features, now);
    }

    private PersonPlan PlanPerson(
        PersonSnapshot person,
        OwnerDirectory? owners,
        Dictionary<string, long> positions,
        Dictionary<string, int> loads,
        Dictionary<string, long> advances,
        DateTimeOffset now)
    {
        var draft = new Draft(person);
        draft.StatusBefore = person.Crm is not null ? person.Crm.Status : person.Marketing?.LeadStatus;
        draft.StageBefore = person.Marketing?.LifecycleStage;
        var score = ScoreOf(person, now);
        draft.Score = score;
        if (person.Blocked is { } blocked)
        {
            return draft.ToBlocked(blocked);
        }

        if (ReadStatus(draft, person, score) is { } unmapped)
        {
            return draft.ToBlocked(unmapped);
        }

        PlanMappedFields(draft, person);
        PlanSegments(draft, person);
        var team = DecideOwnership(draft, owners, now);
        if (team is not null && owners is not null)
        {
            var existing = ExistingEntry(person);
            if (existing is not null)
            {
                ResumeHandoff(draft, existing, owners);
            }
            else
            {
                var name = team.Team ?? "(fallback)";
                var ticket = positions.GetValueOrDefault(name);
                var routing = model.Router.PickRep(team, owners.Directory, ticket, loads, now);
                positions[name] = ticket + 1;
                advances[name] = advances.GetValueOrDefault(name) + 1;
                if (!routing.IsAssigned)
                {
                    return draft.ToBlocked(new Blocked(
                        person.Crm is not null ? SystemRole.Crm : SystemRole.Marketing,
                        person.Crm?.Id ?? person.Marketing?.Id ?? person.LeadKey,
                        $"no rep or queue available for this lead: {routing.Reason}{Skips(routing)}"));
                }

                ComposeHandoff(draft, routing, owners, now);
                var owner = draft.Handoff!.OwnerId;
                loads[owner] = loads.GetValueOrDefault(owner) + 1;
            }
        }

        AddSegmentsToCreatedLead(draft);
        Finish(draft);
        return draft.ToPlan();
    }

    /// <summary>Canonical status from the CRM (the master) or else the marketing platform; a value no map covers blocks the person when it matters.</summary>
    private Blocked? ReadStatus(Draft draft, PersonSnapshot person, LeadScore score)
    {
        if (person.Crm is { } lead && !string.IsNullOrWhiteSpace(lead.Status))
        {
            if (!model.Statuses.TryFromCrm(lead.Status, out var status))
            {
                return new Blocked(SystemRole.Crm, lead.Id, $"CRM Lead Status '{lead.Status}' is not covered by LeadSync:Lifecycle:StatusMap (Salesforce or SalesforceAliases); LeadSync does not guess — add it to the map");
            }

            draft.Canonical = status;
        }
        else if (person.Marketing is { LeadStatus: { } marketingStatus } contact && !string.IsNullOrWhiteSpace(marketingStatus))
        {
            if (model.Statuses.TryFromMarketing(marketingStatus, out var status))
            {
                draft.Canonical = status;
            }
            else if (score.Value >= HandoffOptions.Threshold)
            {
                return new Blocked(SystemRole.Marketing, contact.Id, $"marketing lead status '{marketingStatus}' is not covered by LeadSync:Lifecycle:StatusMap (HubSpot or HubSpotAliases) and the lead is at the threshold; add it to the map");
            }
            else
            {
                draft.Reasons.Add($"marketing lead status '{marketingStatus}' is not in the value map; left as it is");
            }
        }

        return null;
    }

    private void PlanMappedFields(Draft draft, PersonSnapshot person)
    {
        if (person.Marketing is null || person.Crm is null)
        {
            return;
        }

        var fields = model.Planner.Plan(new FieldPlanInput(
            person.Marketing.Fields, person.Crm.Fields, person.Record?.LastSeenMarketing, person.Record?.LastSeenCrm,
            person.Marketing.ModifiedAt, person.Crm.ModifiedAt));
        foreach (var (field, value) in fields.HubSpotChanges)
        {
            draft.MarketingFields[field] = value;
        }

        foreach (var (field, value) in fields.SalesforceChanges)
        {
            draft.CrmFields[field] = value;
        }

        draft.Reasons.AddRange(fields.Conflicts.Select(c => c.Reason));
        draft.Reasons.AddRange(fields.Problems.Select(p => $"{p.HubSpotProperty} ↔ {p.SalesforceField}: {p.Problem}"));
    }

    /// <summary>
    /// One value per segment dimension, from the values the person will have once this plan's mapped writes land (so a
    /// value mapped across in this cycle does not segment the person by its old value), written to both systems' named
    /// fields. Unchanged values are dropped with the other unchanged fields in <see cref="Finish"/>.
    /// </summary>
    private void PlanSegments(Draft draft, PersonSnapshot person)
    {
        if (model.Segmenter.IsEmpty)
        {
            return;
        }

        var attributes = new LeadAttributes(
            Overlay(person.Marketing?.Fields, draft.MarketingFields), Overlay(person.Crm?.Fields, draft.CrmFields));
        var values = model.Segmenter.Assign(attributes);
        draft.Segments.AddRange(values);
        if (person.Marketing is not null)
        {
            foreach (var write in model.Segmenter.ForMarketing(values))
            {
                draft.MarketingFields[write.Field] = write.Value;
                draft.SegmentMarketingFields[write.Field] = write.Dimension;
            }
        }

        if (person.Crm is not null)
        {
            foreach (var write in model.Segmenter.ForCrm(values))
            {
                draft.CrmFields[write.Field] = write.Value;
                draft.SegmentCrmFields[write.Field] = write.Dimension;
            }
        }
    }

    /// <summary>
    /// A lead this plan creates carries its segments from the start, decided with the fields it is created with (so a rule
    /// on a CRM field does not give the default now and the real value a cycle later, on both systems).
    /// </summary>
    private void AddSegmentsToCreatedLead(Draft draft)
    {
        if (draft.CrmCreate is not { } create || model.Segmenter.IsEmpty)
        {
            return;
        }

        var person = draft.Person;
        var values = model.Segmenter.Assign(new LeadAttributes(
            Overlay(person.Marketing?.Fields, draft.MarketingFields), Overlay(null, new Dictionary<string, string?>(create.Fields, StringComparer.Ordinal))));
        draft.Segments.Clear();
        draft.Segments.AddRange(values);
        if (person.Marketing is not null)
        {
            foreach (var write in model.Segmenter.ForMarketing(values))
            {
                draft.MarketingFields[write.Field] = write.Value;
                draft.SegmentMarketingFields[write.Field] = write.Dimension;
            }
        }

        var fields = new Dictionary<string, string?>(create.Fields, StringComparer.Ordinal);
        foreach (var write in model.Segmenter.ForCrm(values))
        {
            fields[write.Field] = write.Value;
            draft.SegmentCrmFields[write.Field] = write.Dimension;
        }

        draft.CrmCreate = create with { Fields = fields };
    }

    private static Dictionary<string, string?> Overlay(IReadOnlyDictionary<string, string?>? current, Dictionary<string, string?> planned)
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, value) in current ?? Empty)
        {
            merged[field] = value;
        }

        foreach (var (field, value) in planned)
        {
            merged[field] = value;
        }

        return merged;
    }

    /// <summary>Applies the handoff policy. Returns the team selection when a rep must be picked.</summary>
    private TeamSelection? DecideOwnership(Draft draft, OwnerDirectory? owners, DateTimeOffset now)
    {
        var person = draft.Person;
        var record = person.Record;
        var score = draft.Score.Value;
        draft.InSalesAfter = record?.InSales ?? false;
        draft.CrossingsAfter = record?.Crossings ?? 0;
        draft.FirstSeenAboveThresholdAt = score >= HandoffOptions.Threshold ? record?.FirstSeenAboveThresholdAt ?? now : null;

        // A hand-back status a person set is their decision: remembered, kept, and not overruled by the score.
        var statusChangedByPerson = StatusChangedByPerson(person);
        draft.Disqualified = model.Handoff.Disqualify(
            draft.Canonical, person.Crm is not null ? person.Crm.Status : person.Marketing?.LeadStatus, record?.InSales == true,
            statusChangedByPerson, record?.Disqualified, score, now);
        if (draft.Disqualified is { } disqualified && !ReferenceEquals(disqualified, record?.Disqualified))
        {
            draft.Reasons.Add($"a person set the status '{disqualified.Status}': remembered as a disqualification; LeadSync keeps that status");
        }

        if (score < HandoffOptions.Threshold && record?.InSales != true && person.Crm?.IsConverted != true)
        {
            return null;
        }

        var ownerId = person.Crm?.OwnerId;
        var ownerKind = Classify(person.Crm, owners);
        string? lastOwner = null;
        record?.LastSeenCrm.TryGetValue(SeenKeys.Owner, out lastOwner);

        // A person chose the owner when it changed since the last look, or when it is not the one LeadSync assigned for
        // the current crossing (the last look already remembers a human's change: that alone would forget it a cycle later).
        var assigned = person.Ledger.LastOrDefault(e => e.Crossing == draft.CrossingsAfter && e.Refused is null)?.OwnerId;
        var changedByPerson = ownerKind == OwnerKind.Person
            && ((!string.IsNullOrEmpty(lastOwner) && !OwnerClassifier.SameId(lastOwner, ownerId))
                || (assigned is not null && !OwnerClassifier.SameId(assigned, ownerId)));

        var decision = model.Handoff.Decide(new HandoffInput(
            score, draft.Score.Grade, draft.InSalesAfter, draft.Canonical, person.Crm?.IsConverted == true, ownerKind, changedByPerson,
            draft.Disqualified, now));
        draft.Reasons.Add(decision.Reason);
        switch (decision.Action)
        {
            case HandoffAction.Handoff:
                if (StandingRefusal(person) is { } refused)
                {
                    draft.Reasons.Add(FormattableString.Invariant(
                        $"the CRM refused the last handoff on {refused.At.ToUniversalTime():yyyy-MM-dd HH:mm} UTC ({refused.Reason}); LeadSync hands the lead off again once the record changes"));
                    return null;
                }

                draft.InSalesAfter = true;
                if (person.Crm is null && !model.Sync.CreateSalesforceLeadOnHandoff)
                {
                    draft.Reasons.Add("no CRM lead exists and LeadSync:Sync:CreateSalesforceLeadOnHandoff is off: nobody to assign");
                    draft.InSalesAfter = false;
                    return null;
                }

                // In sales again: a disqualification it re-qualified from is over.
                draft.Disqualified = null;
                if (!decision.AssignOwner)
                {
                    draft.CrossingsAfter = NextCrossing(person);
                    return null;
                }

                return model.Router.SelectTeam(new LeadAttributes(person.Marketing?.Fields, person.Crm?.Fields));

            case HandoffAction.StayWithSales:
                draft.InSalesAfter = true;
                return null;

            case HandoffAction.Release:
                draft.InSalesAfter = false;
                draft.Released = true;
                draft.Closes.AddRange(person.Ledger.Where(e => !e.Closed));
                if (person.Crm is not null)
                {
                    if (owners?.MarketingQueueId is { } queue)
                    {
                        draft.CrmOwner = new OwnerWrite(queue);
                    }

                }

                // Sales handing the lead back chose its status; so did a person who changed it since the last look.
                // Either is kept: only a status LeadSync set gives way to the release status.
                var handBack = draft.Canonical is { } current && model.Handoff.IsHandBack(current);
                if (!handBack && statusChangedByPerson && person.Crm is not null)
                {
                    draft.Reasons.Add($"the status '{person.Crm.Status}' was set by a person since LeadSync last looked: kept");
                }
                else if (!handBack)
                {
                    if (person.Crm is not null)
                    {
                        draft.CrmStatus = model.Statuses.ToCrm(HandoffOptions.ReleaseStatus);
                    }

                    draft.Canonical = HandoffOptions.ReleaseStatus;
                }

                if (person.Marketing is not null)
                {
                    draft.MarketingOwner = new OwnerWrite(null);
                }

                return null;

            case HandoffAction.Untouchable:
                draft.Untouchable = true;
                return null;

            default:
                draft.InSalesAfter = false;
                return null;
        }
    }

    /// <summary>
    /// The entry a previous attempt of the next crossing began (its rep is kept: a crossing is routed once). Entries the
    /// CRM refused are closed, so a later crossing may follow them before the lead record counts it.
    /// </summary>
    private static AssignmentEntry? ExistingEntry(PersonSnapshot person)
    {
        var counted = person.Record?.Crossings ?? 0;
        return person.Ledger.Where(e => e.Crossing > counted && !e.Closed).OrderBy(e => e.Crossing).FirstOrDefault();
    }

    /// <summary>The number of a new crossing: after every one the record counts and every one the ledger holds (refused ones too).</summary>
    private static int NextCrossing(PersonSnapshot person) =>
        Math.Max(person.Record?.Crossings ?? 0, person.Ledger.Count == 0 ? 0 : person.Ledger.Max(e => e.Crossing)) + 1;

    /// <summary>The CRM's refusal of the person's latest crossing, while neither record changed since (a fix or new data lifts it).</summary>
    private static HandoffRefusal? StandingRefusal(PersonSnapshot person)
    {
        if (person.Ledger.Count == 0 || person.Ledger.MaxBy(e => e.Crossing)!.Refused is not { } refused)
        {
            return null;
        }

        var marketingChanged = person.Marketing is { } contact && (refused.MarketingModifiedAt is not { } m || Newer(contact.ModifiedAt, m));
        var crmChanged = person.Crm is { } lead && (refused.CrmModifiedAt is not { } c || Newer(lead.ModifiedAt, c));
        return marketingChanged || crmChanged ? null : refused;
    }

    /// <summary>Later by at least a microsecond: the state store keeps times to the microsecond (PostgreSQL).</summary>
    private static bool Newer(DateTimeOffset value, DateTimeOffset than) => value.UtcTicks / 10 > than.UtcTicks / 10;

    /// <summary>
    /// True when the status LeadSync reads (the CRM's, else the marketing platform's) differs from the one it last saw or
    /// wrote — or LeadSync never saw one: then someone other than LeadSync set it.
    /// </summary>
    private static bool StatusChangedByPerson(PersonSnapshot person)
    {
        var record = person.Record;
        string? seen = null;
        if (person.Crm is { } lead)
        {
            return record is null || !record.LastSeenCrm.TryGetValue(SeenKeys.Status, out seen) || !SameValue(seen, lead.Status);
        }

        return person.Marketing is { } contact
            && (record is null || !record.LastSeenMarketing.TryGetValue(SeenKeys.Status, out seen) || !SameValue(seen, contact.LeadStatus));
    }

    private void ResumeHandoff(Draft draft, AssignmentEntry entry, OwnerDirectory owners)
    {
        var note = entry.Note ?? LegacyNote(entry);
        if (note.TaskOwnerId is null)
        {
            note = note with { TaskOwnerId = TaskOwnerFor(entry.OwnerId, owners, isQueue: owners.Directory.IsQueue(entry.OwnerId)) };
        }

        draft.Reasons.Add(FormattableString.Invariant($"crossing {entry.Crossing} was begun by an earlier attempt: its rep is kept"));
        ApplyHandoff(draft, new HandoffPlan(
            entry.Crossing, entry.OwnerId, entry.MarketingOwnerId, entry.Team, entry.Reason, null, note, entry.SlaDueAt,
            draft.Person.Crm is { } lead && entry.CrmLeadId is null ? entry with { CrmLeadId = lead.Id } : entry,
            Resumed: true));
    }

    private void ComposeHandoff(Draft draft, RoutingDecision routing, OwnerDirectory owners, DateTimeOffset now)
    {
        var person = draft.Person;
        var ownerId = routing.Rep?.SalesforceUserId ?? routing.QueueId!;
        var explanation = model.Scoring.Explain(model.Scoring.Extract(person.Marketing?.Fields ?? Empty, person.Crm?.Fields ?? Empty), now);
        var behaviours = explanation.Contributions.Where(c => c.Kind == ContributionKind.BehaviourRule && c.ExactPoints > 0).OrderByDescending(c => c.ExactPoints).Take(4).Select(c => c.Phrase).ToList();
        var fit = explanation.Contributions.Where(c => c.Kind == ContributionKind.FitRule && c.ExactPoints != 0).OrderByDescending(c => Math.Abs(c.ExactPoints)).Take(4).Select(c => c.Phrase).ToList();
        var lastActivity = explanation.BehaviourRules.Where(b => b.LastOccurred is not null).OrderByDescending(b => b.LastOccurred).FirstOrDefault();
        var reason = routing.Reason + Skips(routing);
        var text = HandoffNote.Compose(
            new HandoffNoteInput(
                person.Crm?.FirstName ?? person.Marketing?.FirstName,
                person.Crm?.LastName ?? person.Marketing?.LastName,
                person.Crm?.Company ?? person.Marketing?.Company,
                person.Crm?.Email ?? person.Marketing?.Email,
                draft.Score.Value,
                draft.Score.Grade,
                behaviours,
                fit,
                person.Crm?.Source ?? person.Marketing?.Source,
                lastActivity is null ? null : Humanize(lastActivity.Signal),
                lastActivity?.LastOccurred,
                reason),
            HandoffOptions.Note);

        var rep = routing.Rep is null ? null : FindRep(routing.Rep.Email);
        var sla = model.Sla.Evaluate(new SlaInput(now, HandoffOptions.HandoffStatus, 0, rep?.TimeZone, rep?.WorkingHours, now));
        var crossing = NextCrossing(person);
        var note = new AssignmentNote(text.Subject, text.Priority, text.Description, TaskOwnerFor(ownerId, owners, isQueue: routing.Rep is null));
        var team = routing.Team ?? "(queue)";
        var entry = new AssignmentEntry(
            "", person.LeadKey, crossing, person.Crm?.Id, ownerId, routing.Rep?.HubSpotOwnerId, team, reason,
            AssignmentSteps.None, null, draft.FirstSeenAboveThresholdAt ?? now, now, null, null, 0, sla.DueAt, false, note);
        ApplyHandoff(draft, new HandoffPlan(crossing, ownerId, routing.Rep?.HubSpotOwnerId, team, reason, routing.Rep?.Email, note, sla.DueAt, entry, Resumed: false));
    }

    private void ApplyHandoff(Draft draft, HandoffPlan handoff)
    {
        var person = draft.Person;
        draft.Handoff = handoff;
        draft.CrossingsAfter = handoff.Crossing;
        draft.InSalesAfter = true;
        draft.Canonical = HandoffOptions.HandoffStatus;
        draft.CrmOwner = new OwnerWrite(handoff.OwnerId);
        draft.CrmStatus = model.Statuses.ToCrm(HandoffOptions.HandoffStatus);
        if (person.Marketing is not null && handoff.MarketingOwnerId is { } marketingOwner)
        {
            draft.MarketingOwner = new OwnerWrite(marketingOwner);
        }

        if (person.Crm is null && person.Marketing is { } contact)
        {
            draft.CrmCreate = new CrmLeadCreate(
                person.LeadKey,
                contact.Email?.Trim(),
                contact.FirstName,
                contact.LastName ?? "[not provided]",
                contact.Company ?? "[not provided]",
                draft.CrmStatus,
                handoff.OwnerId,
                contact.Id,
                new ScoreWrite(draft.Score.Value, draft.Score.Grade.ToString()),
                NewLeadFields(contact));
        }
    }

    private static string? TaskOwnerFor(string ownerId, OwnerDirectory owners, bool isQueue) => isQueue ? owners.IntegrationUserId : ownerId;

    /// <summary>Status mirror, score and grade, lifecycle stage and cross-references: the writes every plan gets; then only real changes are kept.</summary>
    private void Finish(Draft draft)
    {
        var person = draft.Person;
        var grade = draft.Score.Grade.ToString();
        if (draft.Untouchable || person.Crm?.IsConverted == true)
        {
            // The CRM refuses writes to converted leads: nothing is sent there.
            draft.ClearCrm();
        }
        else if (person.Crm is { } lead)
        {
            if (!SameValue(lead.Score, draft.Score.Value.ToString(CultureInfo.InvariantCulture)) || !SameValue(lead.Grade, grade))
            {
                draft.CrmScore = new ScoreWrite(draft.Score.Value, grade);
            }

            if (person.Marketing is not null && !SameValue(lead.MarketingId, person.Marketing.Id))
            {
                draft.CrmMarketingId = person.Marketing.Id;
            }

            if (draft.CrmStatus is not null && SameValue(lead.Status, draft.CrmStatus))
            {
                draft.CrmStatus = null;
            }

            if (draft.CrmOwner is { } owner && SameValue(lead.OwnerId, owner.OwnerId))
            {
                draft.CrmOwner = null;
            }

            RemoveUnchanged(draft.CrmFields, lead.Fields);
        }
        else if (draft.CrmCreate is null)
        {
            draft.ClearCrm();
        }

        if (person.Marketing is { } contact)
        {
            var status = draft.Canonical is { } canonical ? model.Statuses.ToMarketing(canonical) : null;
            draft.MarketingStatus = status is not null && !SameValue(contact.LeadStatus, status) ? status : null;
            if (person.Crm is not null && !SameValue(contact.CrmId, person.Crm.Id))
            {
                draft.MarketingCrmId = person.Crm.Id;
            }

            draft.LinkCreatedCrmLead = draft.CrmCreate is not null;
            if (draft.MarketingOwner is { } owner && SameValue(contact.OwnerId, owner.OwnerId))
            {
                draft.MarketingOwner = null;
            }

            DecideStage(draft, contact);
            RemoveUnchanged(draft.MarketingFields, contact.Fields);

            // Only where the platform has a field for it, and only when it differs from what it holds: a second cycle
            // with nothing changed writes nothing (no echo loop).
            var scoreDiffers = _marketingScore.Score && !SameValue(contact.Score, draft.Score.Value.ToString(CultureInfo.InvariantCulture));
            var gradeDiffers = _marketingScore.Grade && !SameValue(contact.Grade, grade);
            if (scoreDiffers || gradeDiffers)
            {
                draft.MarketingScore = new ScoreWrite(draft.Score.Value, grade);
            }
        }

        draft.StatusAfter = draft.CrmCreate is { } created ? created.Status
            : draft.CrmStatus ?? (person.Crm is not null ? person.Crm.Status : draft.MarketingStatus ?? draft.StatusBefore);
    }

    private void DecideStage(Draft draft, MarketingPerson contact)
    {
        var currentValue = contact.LifecycleStage;
        LifecycleStage? current = null;
        if (!string.IsNullOrWhiteSpace(currentValue))
        {
            if (!model.Stages.TryFromMarketing(currentValue, out var parsed))
            {
                draft.Reasons.Add($"marketing lifecycle stage '{currentValue}' is not in LeadSync:Lifecycle:StageMap; stage left as it is");
                return;
            }

            current = parsed;
        }

        var decision = WithDeal(
            model.StagePolicy.Decide(new StageInput(current, draft.Score.Value, draft.Score.Grade, draft.Canonical, draft.InSalesAfter)),
            current,
            draft.Person.Crm is { IsConverted: true } converted ? converted.Opportunity : null);
        if (decision.Target is not { } target || target == current)
        {
            if (decision.RuleId == DealRule)
            {
                draft.Reasons.Add(decision.Reason); // a rule's backward move held by the deal: explain says why
            }

            return;
        }

        var value = model.Stages.ToMarketing(target);
        draft.StageAfter = value;
        draft.Reasons.Add(decision.Reason);
        draft.Stage = new StageWrite(value, decision.RequiresReset);
    }

    /// <summary>
    /// A converted lead's deal moves the lifecycle stage forward: to opportunity while it is open, to customer once it is
    /// won (a lost deal says nothing). Forward only: a deal never moves the stage back, and a stage rule that would take
    /// it below what the deal says (a reset allowed by AllowBackwardWithReset) is held at the current stage. A rule that
    /// goes further forward (evangelist) wins.
    /// </summary>
    private static StageDecision WithDeal(StageDecision decision, LifecycleStage? current, CrmOpportunity? deal)
    {
        LifecycleStage? floor = deal?.State switch
        {
            DealState.Open => LifecycleStage.Opportunity,
            DealState.Won => LifecycleStage.Customer,
            _ => null,
        };
        if (deal is null || floor is not { } target)
        {
            return decision;
        }

        if (decision.Target is { } ruled && !decision.RequiresReset && ruled >= target)
        {
            return decision;
        }

        var why = deal.State == DealState.Won
            ? $"deal {deal.Id} won{(deal.Amount is { } amount ? ", " + amount.ToString("#,0.##", CultureInfo.InvariantCulture) : string.Empty)}"
            : $"deal {deal.Id} open ({deal.Stage ?? "no stage"})";
        if (current is null || current < target)
        {
            return new StageDecision(target, false, $"{why} → {target}: forward from {current?.ToString() ?? "no stage"}", DealRule);
        }

        return decision.Target is { } back && back < target
            ? new StageDecision(null, false, $"{why}: stage stays {current} (a deal never moves it back), so {decision.Reason} is not applied", DealRule)
            : decision;
    }

    private Dictionary<string, string?> NewLeadFields(MarketingPerson contact)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var mapping in model.Mappings.EffectiveFields.Where(m => m.Direction is SyncDirection.ToCrm or SyncDirection.TwoWay))
        {
            if (contact.Fields.TryGetValue(mapping.HubSpotProperty, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                var mapped = mapping.ValueMap.Count == 0 ? value.Trim()
                    : mapping.ValueMap.TryGetValue(value, out var fromMap) ? fromMap : null;
                if (mapped is not null)
                {
                    values[mapping.SalesforceField] = mapped;
                }
            }
        }

        return values;
    }

    private static AssignmentNote LegacyNote(AssignmentEntry entry) => new(
        "Sales-ready lead handed to you by LeadSync",
        "Normal",
        $"This lead reached the sales threshold and was assigned to you. Why you: {entry.Reason}");

    private RepOptions? FindRep(string email) =>
        model.Options.Routing.Teams.SelectMany(t => t.Reps).FirstOrDefault(r => string.Equals(r.Email, email, StringComparison.OrdinalIgnoreCase));

    private static OwnerKind Classify(CrmPerson? lead, OwnerDirectory? owners)
    {
        return OwnerClassifier.Classify(lead?.OwnerId, owners?.IntegrationUserId, owners?.MarketingQueueId, lead?.OwnerIsQueue == true);
    }

    private static void RemoveUnchanged(Dictionary<string, string?> writes, IReadOnlyDictionary<string, string?> current)
    {
        foreach (var field in writes.Keys.ToList())
        {
            if (SameValue(current.TryGetValue(field, out var value) ? value : null, writes[field]))
            {
                writes.Remove(field);
            }
        }
    }

    /// <summary>"42" and "42.0" are the same number to the CRM; blanks and nulls are the same absence.</summary>
    internal static bool SameValue(string? a, string? b) => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    private static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? number.ToString("G29", CultureInfo.InvariantCulture)
            : value.Trim();
    }

    private static string Skips(RoutingDecision routing) =>
        routing.Skipped.Count == 0 ? string.Empty : " Skipped: " + string.Join("; ", routing.Skipped.Select(s => $"{EmailMask.Mask(s.Email)} ({s.Reason})")) + ".";

    private static string Humanize(Signal signal) => signal switch
    {
        Signal.PageView => "viewed pages",
        Signal.SiteVisit => "visited the site",
        Signal.FormSubmission => "submitted a form",
        Signal.ContentDownload => "downloaded content",
        Signal.EmailOpen => "opened an email",
        Signal.EmailClick => "clicked an email link",
        Signal.DemoRequest => "requested a demo",
        Signal.PricingPageView => "viewed the pricing page",
        Signal.WebinarAttendance => "attended a webinar",
        _ => signal.ToString(),
    };

    /// <summary>The plan while it is being decided; only <see cref="LeadPlanner"/> sees it.</summary>
    private sealed class Draft(PersonSnapshot person)
    {
        public PersonSnapshot Person { get; } = person;

        public LeadScore Score { get; set; }

        public LeadStatus? Canonical { get; set; }

        public bool Untouchable { get; set; }

        public bool Released { get; set; }

        public bool InSalesAfter { get; set; }

        public Disqualification? Disqualified { get; set; }

        public int CrossingsAfter { get; set; }

        public DateTimeOffset? FirstSeenAboveThresholdAt { get; set; }

        public string? StatusBefore { get; set; }

        public string? StatusAfter { get; set; }

        public string? StageBefore { get; set; }

        public string? StageAfter { get; set; }

        public Dictionary<string, string?> MarketingFields { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string?> CrmFields { get; } = new(StringComparer.Ordinal);

        public string? MarketingStatus { get; set; }

        public StageWrite? Stage { get; set; }

        public OwnerWrite? MarketingOwner { get; set; }

        public string? MarketingCrmId { get; set; }

        public bool LinkCreatedCrmLead { get; set; }

        public string? CrmStatus { get; set; }

        public OwnerWrite? CrmOwner { get; set; }

        public string? CrmMarketingId { get; set; }

        public ScoreWrite? CrmScore { get; set; }

        public ScoreWrite? MarketingScore { get; set; }

        public CrmLeadCreate? CrmCreate { get; set; }

        public HandoffPlan? Handoff { get; set; }

        public List<AssignmentEntry> Closes { get; } = [];

        public List<string> Reasons { get; } = [];

        public List<SegmentValue> Segments { get; } = [];

        /// <summary>Marketing field → dimension, for the fields the segments write.</summary>
        public Dictionary<string, string> SegmentMarketingFields { get; } = new(StringComparer.Ordinal);

        /// <summary>CRM field → dimension, for the fields the segments write.</summary>
        public Dictionary<string, string> SegmentCrmFields { get; } = new(StringComparer.Ordinal);

        public void ClearCrm()
        {
            CrmFields.Clear();
            CrmStatus = null;
            CrmOwner = null;
            CrmMarketingId = null;
            CrmScore = null;
        }

        public PersonPlan ToBlocked(Blocked blocked) => new()
        {
            Snapshot = Person,
            Score = Score.Value,
            Grade = Score.Grade.ToString(),
            ScoreDetail = Score,
            Blocked = blocked,
            InSalesAfter = Person.Record?.InSales ?? false,
            DisqualifiedAfter = Person.Record?.Disqualified,
            CrossingsAfter = Person.Record?.Crossings ?? 0,
            StatusBefore = StatusBefore,
            StageBefore = StageBefore,
            Reasons = [.. Reasons, blocked.Reason],
        };

        public PersonPlan ToPlan()
        {
            MarketingUpdate? marketing = null;
            if (Person.Marketing is { } contact)
            {
                var update = new MarketingUpdate(contact.Id, new Dictionary<string, string?>(MarketingFields, StringComparer.Ordinal), MarketingStatus, Stage, MarketingOwner, MarketingCrmId, LinkCreatedCrmLead, MarketingScore);
                marketing = update.IsEmpty ? null : update;
            }

            CrmUpdate? crm = null;
            if (Person.Crm is { } lead)
            {
                var update = new CrmUpdate(lead.Id, new Dictionary<string, string?>(CrmFields, StringComparer.Ordinal), CrmStatus, CrmOwner, CrmMarketingId, CrmScore);
                crm = update.IsEmpty ? null : update;
            }

            var segmentWrites = SegmentWritesReasons();
            return new PersonPlan
            {
                Snapshot = Person,
                Score = Score.Value,
                Grade = Score.Grade.ToString(),
                ScoreDetail = Score,
                Segments = [.. Segments],
                SegmentWrites = segmentWrites.Count,
                MarketingWrite = marketing,
                CrmWrite = crm,
                CrmCreate = CrmCreate,
                Handoff = Handoff,
                Closes = [.. Closes],
                Released = Released,
                Untouchable = Untouchable,
                InSalesAfter = InSalesAfter,
                DisqualifiedAfter = Disqualified,
                CrossingsAfter = CrossingsAfter,
                FirstSeenAboveThresholdAt = FirstSeenAboveThresholdAt,
                StatusBefore = StatusBefore,
                StatusAfter = StatusAfter,
                StageBefore = StageBefore,
                StageAfter = StageAfter,
                Reasons = [.. Reasons, .. segmentWrites],
            };
        }

        /// <summary>One reason per segment field that is still written after unchanged values were dropped.</summary>
        private List<string> SegmentWritesReasons()
        {
            var reasons = new List<string>();
            void Add(string system, string field, string dimension, string? before)
            {
                var segment = Segments.First(s => string.Equals(s.Dimension, dimension, StringComparison.OrdinalIgnoreCase));
                var was = string.IsNullOrWhiteSpace(before) ? "blank" : $"'{before}'";
                reasons.Add($"{segment.Reason}; written to {system} field {field} (was {was})");
            }

            foreach (var (field, dimension) in SegmentMarketingFields)
            {
                if (Person.Marketing is { } contact && MarketingFields.ContainsKey(field))
                {
                    Add("marketing", field, dimension, contact.Fields.TryGetValue(field, out var before) ? before : null);
                }
            }

            foreach (var (field, dimension) in SegmentCrmFields)
            {
                if (CrmCreate is not null && CrmCreate.Fields.ContainsKey(field))
                {
                    Add("CRM (new lead)", field, dimension, null);
                }
                else if (Person.Crm is { } lead && CrmFields.ContainsKey(field))
                {
                    Add("CRM", field, dimension, lead.Fields.TryGetValue(field, out var before) ? before : null);
                }
            }

            return reasons;
        }
    }
}
