using System.Globalization;
using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>Who can own leads in this org: the rep directory, the integration user and the marketing queue.</summary>
internal sealed record OwnerContext(RepDirectory Directory, string? IntegrationUserId, string? MarketingQueueId);

/// <summary>
/// Composes the pure domain's decisions for one person: score and grade, field plan, Lead Status (the CRM is
/// the master of the sales conversation), lifecycle stage, handoff or release, and the writes they imply.
/// No I/O: the <see cref="BatchProcessor"/> feeds it data and applies what it plans.
/// </summary>
internal sealed class LeadDecider(ConnectionModel model)
{
    private static readonly IReadOnlyDictionary<string, string?> Empty = new Dictionary<string, string?>();

    private HandoffOptions HandoffOptions => model.Options.Handoff;

    public PersonPlan Assess(Person person, DateTimeOffset now)
    {
        var plan = new PersonPlan(person);
        var hubSpot = person.HubSpot?.Properties ?? Empty;
        var salesforce = person.Salesforce?.Fields ?? Empty;
        plan.StatusBefore = person.Salesforce is not null ? person.Salesforce.Status : Get(hubSpot, "hs_lead_status");
        plan.StageBefore = Get(hubSpot, "lifecyclestage");

        var features = model.Scoring.Extract(hubSpot, salesforce);
        var score = model.Scoring.Score(in features, now);
        plan.Score = score.Value;
        plan.Grade = score.Grade.ToString();
        plan.ScoreDetail = score;

        if (person.Salesforce is { } lead && !string.IsNullOrWhiteSpace(lead.Status))
        {
            if (!model.Statuses.TryFromSalesforce(lead.Status, out var status))
            {
                plan.BlockedReason = $"Salesforce Status '{lead.Status}' is not covered by LeadSync:Lifecycle:StatusMap (Salesforce or SalesforceAliases); LeadSync does not guess — add it to the map";
                plan.BlockedSystem = SystemKind.Salesforce;
                return plan;
            }

            plan.Canonical = status;
        }
        else if (Get(hubSpot, "hs_lead_status") is { } hubSpotStatus)
        {
            if (model.Statuses.TryFromHubSpot(hubSpotStatus, out var status))
            {
                plan.Canonical = status;
            }
            else if (score.Value >= HandoffOptions.Threshold)
            {
                plan.BlockedReason = $"HubSpot hs_lead_status '{hubSpotStatus}' is not covered by LeadSync:Lifecycle:StatusMap (HubSpot or HubSpotAliases) and the lead is at the threshold; add it to the map";
                plan.BlockedSystem = SystemKind.HubSpot;
                return plan;
            }
            else
            {
                plan.Reasons.Add($"HubSpot hs_lead_status '{hubSpotStatus}' is not in the value map; left as it is");
            }
        }

        if (person.HubSpot is not null && person.Salesforce is not null)
        {
            var fields = model.Planner.Plan(new FieldPlanInput(
                hubSpot, salesforce, person.Record?.LastSeenHubSpot, person.Record?.LastSeenSalesforce,
                person.HubSpot.ModifiedAt, person.Salesforce.ModifiedAt));
            foreach (var (field, value) in fields.HubSpotChanges)
            {
                plan.HubSpotWrites[field] = value;
            }

            foreach (var (field, value) in fields.SalesforceChanges)
            {
                plan.SalesforceWrites[field] = value;
            }

            plan.Reasons.AddRange(fields.Conflicts.Select(c => c.Reason));
            plan.Reasons.AddRange(fields.Problems.Select(p => $"{p.HubSpotProperty} ↔ {p.SalesforceField}: {p.Problem}"));
        }

        plan.NeedsOwnerContext = score.Value >= HandoffOptions.Threshold || person.Record?.InSales == true;
        return plan;
    }

    public OwnerContext OwnerContext(ReferenceData data)
    {
        var directory = new RepDirectory(
            data.Users.Select(u => new SalesforceUserInfo(u.Id, u.Email, u.IsActive)),
            data.Owners.Select(o => new HubSpotOwnerInfo(o.Id, o.Email, o.Archived)),
            data.Queues.Select(q => new QueueInfo(q.Id, q.DeveloperName)));
        var integrationUser = HandoffOptions.IntegrationUserId ?? directory.FindUser(HandoffOptions.IntegrationUserEmail)?.Id;
        return new OwnerContext(directory, integrationUser, directory.FindQueue(HandoffOptions.MarketingQueueDeveloperName)?.Id);
    }

    /// <summary>Applies the handoff policy. Returns the team selection when a rep must be picked (the engine takes the ticket).</summary>
    public TeamSelection? DecideOwnership(PersonPlan plan, OwnerContext? context, DateTimeOffset now)
    {
        var person = plan.Person;
        var record = person.Record;
        plan.InSalesAfter = record?.InSales ?? false;
        plan.CrossingsAfter = record?.Crossings ?? 0;
        plan.FirstSeenAboveThresholdAt = plan.Score >= HandoffOptions.Threshold ? record?.FirstSeenAboveThresholdAt ?? now : null;
        if (!plan.NeedsOwnerContext && person.Salesforce?.IsConverted != true)
        {
            return null;
        }

        var ownerId = person.Salesforce?.OwnerId;
        var ownerKind = Classify(ownerId, context);
        string? lastOwner = null;
        record?.LastSeenSalesforce.TryGetValue("OwnerId", out lastOwner);
        var changedByPerson = ownerKind == OwnerKind.Person && lastOwner is not null && !string.Equals(lastOwner, ownerId, StringComparison.Ordinal);

        var decision = model.Handoff.Decide(new HandoffInput(
            plan.Score, plan.ScoreDetail.Grade, plan.InSalesAfter, plan.Canonical, person.Salesforce?.IsConverted == true, ownerKind, changedByPerson));
        plan.Reasons.Add(decision.Reason);
        switch (decision.Action)
        {
            case HandoffAction.Handoff:
                plan.InSalesAfter = true;
                if (person.Salesforce is null && !model.Sync.CreateSalesforceLeadOnHandoff)
                {
                    plan.Reasons.Add("no Salesforce Lead exists and LeadSync:Sync:CreateSalesforceLeadOnHandoff is off: nobody to assign");
                    plan.InSalesAfter = false;
                    return null;
                }

                if (!decision.AssignOwner)
                {
                    plan.CrossingsAfter++;
                    return null;
                }

                return model.Router.SelectTeam(new LeadAttributes(person.HubSpot?.Properties, person.Salesforce?.Fields));

            case HandoffAction.StayWithSales:
                plan.InSalesAfter = true;
                return null;

            case HandoffAction.Release:
                plan.InSalesAfter = false;
                plan.Released = true;
                if (person.Salesforce is not null)
                {
                    if (context?.MarketingQueueId is { } queue)
                    {
                        plan.SalesforceWrites["OwnerId"] = queue;
                    }

                    plan.SalesforceWrites["Status"] = model.Statuses.ToSalesforce(HandoffOptions.ReleaseStatus);
                }

                plan.Canonical = HandoffOptions.ReleaseStatus;
                if (person.HubSpot is not null)
                {
                    plan.HubSpotWrites["hubspot_owner_id"] = string.Empty;
                }

                return null;

            case HandoffAction.Untouchable:
                plan.Untouchable = true;
                return null;

            default:
                plan.InSalesAfter = false;
                return null;
        }
    }

    public RoutingDecision PickRep(TeamSelection team, OwnerContext context, long ticket, IReadOnlyDictionary<string, int> loads, DateTimeOffset now) =>
        model.Router.PickRep(team, context.Directory, ticket, loads, now);

    public void ComposeHandoff(PersonPlan plan, RoutingDecision routing, OwnerContext context, DateTimeOffset now)
    {
        var person = plan.Person;
        if (!routing.IsAssigned)
        {
            plan.InSalesAfter = person.Record?.InSales ?? false;
            plan.BlockedReason = $"no rep or queue available for this lead: {routing.Reason}{Skips(routing)}";
            plan.BlockedSystem = person.Salesforce is not null ? SystemKind.Salesforce : SystemKind.HubSpot;
            return;
        }

        var ownerId = routing.Rep?.SalesforceUserId ?? routing.QueueId!;
        var hubSpot = person.HubSpot?.Properties ?? Empty;
        var salesforce = person.Salesforce?.Fields ?? Empty;
        var explanation = model.Scoring.Explain(model.Scoring.Extract(hubSpot, salesforce), now);
        var behaviours = explanation.Contributions.Where(c => c.Kind == ContributionKind.BehaviourRule && c.ExactPoints > 0).OrderByDescending(c => c.ExactPoints).Take(4).Select(c => c.Phrase).ToList();
        var fit = explanation.Contributions.Where(c => c.Kind == ContributionKind.FitRule && c.ExactPoints != 0).OrderByDescending(c => Math.Abs(c.ExactPoints)).Take(4).Select(c => c.Phrase).ToList();
        var lastActivity = explanation.BehaviourRules.Where(b => b.LastOccurred is not null).OrderByDescending(b => b.LastOccurred).FirstOrDefault();
        var note = HandoffNote.Compose(
            new HandoffNoteInput(
                First(salesforce, "FirstName", hubSpot, "firstname"),
                First(salesforce, "LastName", hubSpot, "lastname"),
                First(salesforce, "Company", hubSpot, "company"),
                person.Salesforce?.Email ?? person.HubSpot?.Email,
                plan.Score,
                plan.ScoreDetail.Grade,
                behaviours,
                fit,
                First(salesforce, "LeadSource", hubSpot, "hs_analytics_source"),
                lastActivity is null ? null : Humanize(lastActivity.Signal),
                lastActivity?.LastOccurred,
                routing.Reason + Skips(routing)),
            HandoffOptions.Note);

        var rep = routing.Rep is null ? null : FindRep(routing.Rep.Email);
        var sla = model.Sla.Evaluate(new SlaInput(now, HandoffOptions.HandoffStatus, 0, rep?.TimeZone, rep?.WorkingHours, now));
        plan.CrossingsAfter = (person.Record?.Crossings ?? 0) + 1;
        plan.Handoff = new HandoffPlan
        {
            Crossing = plan.CrossingsAfter,
            OwnerId = ownerId,
            HubSpotOwnerId = routing.Rep?.HubSpotOwnerId,
            Team = routing.Team ?? "(queue)",
            Reason = routing.Reason + Skips(routing),
            RepEmail = routing.Rep?.Email,
            TaskSubject = note.Subject,
            TaskPriority = note.Priority,
            TaskDescription = note.Description,
            SlaDueAt = sla.DueAt,
            TaskOwnerId = ownerId.StartsWith("00G", StringComparison.Ordinal) ? context.IntegrationUserId : ownerId,
        };

        plan.Canonical = HandoffOptions.HandoffStatus;
        foreach (var (field, value) in HandoffSalesforceValues(ownerId))
        {
            plan.SalesforceWrites[field] = value;
        }

        if (person.HubSpot is not null && routing.Rep?.HubSpotOwnerId is { } hubSpotOwner)
        {
            plan.HubSpotWrites["hubspot_owner_id"] = hubSpotOwner;
        }

        if (person.Salesforce is null)
        {
            plan.SalesforceCreate = NewLeadValues(plan, hubSpot, ownerId);
        }
    }

    /// <summary>Status mirror, score and grade, lifecycle stage and cross-references: the writes every plan gets.</summary>
    public void Finish(PersonPlan plan, DateTimeOffset now)
    {
        _ = now;
        var person = plan.Person;
        if (plan.BlockedReason is not null)
        {
            return;
        }

        if (plan.Untouchable || person.Salesforce?.IsConverted == true)
        {
            // Salesforce refuses writes to converted leads (CANNOT_UPDATE_CONVERTED_LEAD); nothing is sent there.
            plan.SalesforceWrites.Clear();
        }
        else if (person.Salesforce is not null)
        {
            SetIfDifferent(plan.SalesforceWrites, person.Salesforce.Fields, model.Sync.ScoreField, plan.Score.ToString(CultureInfo.InvariantCulture));
            SetIfDifferent(plan.SalesforceWrites, person.Salesforce.Fields, model.Sync.GradeField, plan.Grade);
            if (person.HubSpot is not null)
            {
                SetIfDifferent(plan.SalesforceWrites, person.Salesforce.Fields, model.Mappings.CrossReference.SalesforceField, person.HubSpot.Id);
            }
        }

        if (person.HubSpot is { } contact)
        {
            if (plan.Canonical is { } canonical)
            {
                SetIfDifferent(plan.HubSpotWrites, contact.Properties, "hs_lead_status", model.Statuses.ToHubSpot(canonical));
            }

            if (person.Salesforce is not null)
            {
                SetIfDifferent(plan.HubSpotWrites, contact.Properties, model.Mappings.CrossReference.HubSpotProperty, person.Salesforce.Id);
            }

            DecideStage(plan, contact);
        }

        plan.StatusAfter = plan.SalesforceCreate is { } created ? Get(created, "Status")
            : plan.SalesforceWrites.TryGetValue("Status", out var status) ? status
            : person.Salesforce is not null ? person.Salesforce.Status
            : plan.HubSpotWrites.TryGetValue("hs_lead_status", out var hubSpotStatus) ? hubSpotStatus : plan.StatusBefore;

        // Writes equal to the current value are not writes.
        RemoveUnchanged(plan.HubSpotWrites, person.HubSpot?.Properties);
        if (person.Salesforce is not null)
        {
            RemoveUnchanged(plan.SalesforceWrites, person.Salesforce.Fields);
        }
        else if (plan.SalesforceCreate is null)
        {
            plan.SalesforceWrites.Clear();
        }
    }

    public Dictionary<string, string?> HandoffSalesforceValues(string ownerId) => new(StringComparer.Ordinal)
    {
        ["OwnerId"] = ownerId,
        ["Status"] = model.Statuses.ToSalesforce(HandoffOptions.HandoffStatus),
    };

    public Dictionary<string, string?> HandoffHubSpotValues(string? hubSpotOwnerId)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal) { ["hs_lead_status"] = model.Statuses.ToHubSpot(HandoffOptions.HandoffStatus) };
        if (hubSpotOwnerId is not null)
        {
            values["hubspot_owner_id"] = hubSpotOwnerId;
        }

        return values;
    }

    public void ReplaceOwner(PersonPlan plan, string ownerId, string? hubSpotOwnerId)
    {
        plan.Handoff!.OwnerId = ownerId;
        plan.Handoff.HubSpotOwnerId = hubSpotOwnerId;
        plan.Handoff.TaskOwnerId = ownerId.StartsWith("00G", StringComparison.Ordinal) ? plan.Handoff.TaskOwnerId : ownerId;
        var target = plan.SalesforceCreate ?? plan.SalesforceWrites;
        target["OwnerId"] = ownerId;
        if (hubSpotOwnerId is not null && plan.Person.HubSpot is not null)
        {
            plan.HubSpotWrites["hubspot_owner_id"] = hubSpotOwnerId;
        }
    }

    public CrmTask? Task(PersonPlan plan, string salesforceLeadId, DateTimeOffset now)
    {
        var handoff = plan.Handoff!;
        return handoff.TaskOwnerId is null
            ? null
            : new CrmTask(salesforceLeadId, handoff.TaskOwnerId, handoff.TaskSubject, handoff.TaskPriority, "Not Started", DateOnly.FromDateTime(now.UtcDateTime), handoff.TaskDescription);
    }

    /// <summary>
    /// The Task of a handoff resumed after a crash: the note composed when the crossing began (kept in the ledger), or,
    /// for an entry written before the ledger kept notes, a plain one with the routing reason.
    /// </summary>
    public CrmTask ResumeTask(string salesforceLeadId, AssignmentEntry entry, DateTimeOffset now) =>
        entry.Note is { } note
            ? new(salesforceLeadId, entry.OwnerId, note.Subject, note.Priority, "Not Started", DateOnly.FromDateTime(now.UtcDateTime), note.Description)
            : new(
            salesforceLeadId,
            entry.OwnerId,
            "Sales-ready lead handed to you by LeadSync",
            HandoffOptions.Note.NormalPriority,
            "Not Started",
            DateOnly.FromDateTime(now.UtcDateTime),
            $"This lead reached the sales threshold and was assigned to you. Why you: {entry.Reason}");

    public LeadRecord NextRecord(PersonPlan plan, bool hubSpotFailed, bool salesforceFailed, string connection, DateTimeOffset now)
    {
        var person = plan.Person;
        var record = person.Record;
        // A person whose writes failed on either side is not settled: remembering the values seen now would make the
        // next look (a retry, or the next change) take the unpropagated edit for the settled state and drop it.
        var lastSeenHubSpot = hubSpotFailed || salesforceFailed || person.HubSpot is null
            ? record?.LastSeenHubSpot ?? Empty
            : Seen(person.HubSpot.Properties, plan.HubSpotWrites, person.HubSpot.ModifiedAt);
        var salesforceSource = person.Salesforce?.Fields;
        var lastSeenSalesforce = salesforceFailed || person.Salesforce is null
            ? record?.LastSeenSalesforce ?? Empty
            : Seen(salesforceSource!, plan.SalesforceCreate is null ? plan.SalesforceWrites : Empty, person.Salesforce.ModifiedAt);
        var handoffFailed = plan.Handoff is not null && (salesforceFailed || plan.Handoff.Entry?.StepsDone.HasFlag(AssignmentSteps.SalesforceOwnerWritten) != true);
        return new LeadRecord(
            connection,
            plan.LeadKey,
            person.HubSpot?.Id ?? record?.HubSpotId,
            person.Salesforce?.Id ?? record?.SalesforceId,
            lastSeenHubSpot,
            lastSeenSalesforce,
            plan.Score,
            plan.Grade,
            handoffFailed ? record?.InSales ?? false : plan.InSalesAfter,
            handoffFailed ? record?.Crossings ?? 0 : plan.CrossingsAfter,
            plan.InSalesAfter || plan.Score >= HandoffOptions.Threshold ? plan.FirstSeenAboveThresholdAt : null,
            now);
    }

    private void DecideStage(PersonPlan plan, MarketingContact contact)
    {
        var currentValue = Get(contact.Properties, "lifecyclestage");
        LifecycleStage? current = null;
        if (currentValue is not null)
        {
            if (!model.Stages.TryFromHubSpot(currentValue, out var parsed))
            {
                plan.Reasons.Add($"HubSpot lifecyclestage '{currentValue}' is not in LeadSync:Lifecycle:StageMap; stage left as it is");
                return;
            }

            current = parsed;
        }

        var decision = model.StagePolicy.Decide(new StageInput(current, plan.Score, plan.ScoreDetail.Grade, plan.Canonical, plan.InSalesAfter));
        if (decision.Target is not { } target || target == current)
        {
            return;
        }

        var value = model.Stages.ToHubSpot(target);
        plan.StageAfter = value;
        plan.Reasons.Add(decision.Reason);
        if (decision.RequiresReset)
        {
            plan.HubSpotWrites["lifecyclestage"] = string.Empty;
            plan.StageAfterReset = value;
        }
        else
        {
            plan.HubSpotWrites["lifecyclestage"] = value;
        }
    }

    private Dictionary<string, string?> NewLeadValues(PersonPlan plan, IReadOnlyDictionary<string, string?> hubSpot, string ownerId)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var mapping in model.Mappings.EffectiveFields.Where(m => m.Direction is SyncDirection.ToCrm or SyncDirection.TwoWay))
        {
            if (Get(hubSpot, mapping.HubSpotProperty) is { } value)
            {
                values[mapping.SalesforceField] = mapping.ValueMap.Count == 0 ? value.Trim()
                    : mapping.ValueMap.TryGetValue(value, out var mapped) ? mapped : null;
                if (values[mapping.SalesforceField] is null)
                {
                    values.Remove(mapping.SalesforceField);
                }
            }
        }

        values["Email"] = plan.Person.HubSpot?.Email?.Trim();
        values["LastName"] = Get(hubSpot, "lastname") ?? "[not provided]";
        values["Company"] = Get(hubSpot, "company") ?? "[not provided]";
        values["OwnerId"] = ownerId;
        values["Status"] = model.Statuses.ToSalesforce(HandoffOptions.HandoffStatus);
        values[model.Sync.ScoreField] = plan.Score.ToString(CultureInfo.InvariantCulture);
        values[model.Sync.GradeField] = plan.Grade;
        values[model.Mappings.CrossReference.SalesforceField] = plan.Person.HubSpot?.Id;
        return values;
    }

    private RepOptions? FindRep(string email) =>
        model.Options.Routing.Teams.SelectMany(t => t.Reps).FirstOrDefault(r => string.Equals(r.Email, email, StringComparison.OrdinalIgnoreCase));

    private OwnerKind Classify(string? ownerId, OwnerContext? context)
    {
        if (string.IsNullOrWhiteSpace(ownerId))
        {
            return OwnerKind.None;
        }

        if (context?.IntegrationUserId is { } integration && string.Equals(ownerId, integration, StringComparison.Ordinal))
        {
            return OwnerKind.IntegrationUser;
        }

        if (ownerId.StartsWith("00G", StringComparison.Ordinal))
        {
            return context?.MarketingQueueId is { } queue && string.Equals(ownerId, queue, StringComparison.Ordinal) ? OwnerKind.MarketingQueue : OwnerKind.OtherQueue;
        }

        return OwnerKind.Person;
    }

    private static IReadOnlyDictionary<string, string?> Seen(IReadOnlyDictionary<string, string?> current, IReadOnlyDictionary<string, string?> written, DateTimeOffset modifiedAt)
    {
        var seen = new Dictionary<string, string?>(current, StringComparer.Ordinal);
        foreach (var (field, value) in written)
        {
            seen[field] = value;
        }

        seen[BatchProcessor.ModifiedMarker] = modifiedAt.ToString("O", CultureInfo.InvariantCulture);
        return seen;
    }

    private static void SetIfDifferent(Dictionary<string, string?> writes, IReadOnlyDictionary<string, string?> current, string field, string? value)
    {
        if (writes.ContainsKey(field))
        {
            return;
        }

        if (!string.Equals(Normalize(Get(current, field)), Normalize(value), StringComparison.Ordinal))
        {
            writes[field] = value;
        }
    }

    private static void RemoveUnchanged(Dictionary<string, string?> writes, IReadOnlyDictionary<string, string?>? current)
    {
        if (current is null)
        {
            return;
        }

        foreach (var field in writes.Keys.ToList())
        {
            if (field == "lifecyclestage" && writes[field] == string.Empty)
            {
                continue;
            }

            if (string.Equals(Normalize(Get(current, field)), Normalize(writes[field]), StringComparison.Ordinal))
            {
                writes.Remove(field);
            }
        }
    }

    /// <summary>"42" and "42.0" are the same number to Salesforce; blanks and nulls are the same absence.</summary>
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

    private static string? First(IReadOnlyDictionary<string, string?> a, string aField, IReadOnlyDictionary<string, string?> b, string bField) =>
        Get(a, aField) ?? Get(b, bField);

    private static string? Get(IReadOnlyDictionary<string, string?> values, string field) =>
        values.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
