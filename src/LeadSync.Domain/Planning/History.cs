namespace LeadSync.Domain.Planning;

/// <summary>The kinds of event a lead's history keeps (stored as text, so reports and people read the same words).</summary>
public static class HistoryKinds
{
    /// <summary>Lifecycle stage moved (marketing platform).</summary>
    public const string Stage = "stage";

    /// <summary>Lead Status moved (either system).</summary>
    public const string Status = "status";

    /// <summary>The score reached the threshold; <see cref="HistoryEntry.At"/> is the person's change that crossed it.</summary>
    public const string Crossed = "crossed";

    /// <summary>A handoff completed: the lead is owned by a rep.</summary>
    public const string Handoff = "handoff";

    public const string SlaMet = "sla-met";

    /// <summary>The rep's manager was told (the lead stays with the rep).</summary>
    public const string SlaEscalated = "sla-escalated";

    public const string SlaReassigned = "sla-reassigned";

    public const string SlaGaveUp = "sla-gave-up";

    /// <summary>Sales gave the lead back or let it go cold: it returned to marketing.</summary>
    public const string Recycled = "recycled";

    /// <summary>The planner released a lead back to marketing (its score fell or the rep let it go).</summary>
    public const string Released = "released";

    /// <summary>
    /// The CRM converted the lead (first seen converted); <see cref="HistoryEntry.To"/> is the deal it became, if any,
    /// with its amount then.
    /// </summary>
    public const string Converted = "converted";

    /// <summary>The converted lead's deal closed won: <see cref="HistoryEntry.To"/> is the deal, <see cref="HistoryEntry.Amount"/> the revenue.</summary>
    public const string Won = "won";

    /// <summary>The converted lead's deal closed lost.</summary>
    public const string Lost = "lost";

    /// <summary>Who made a transition: LeadSync's own write, or a person (or another tool) in the system itself.</summary>
    public const string ByLeadSync = "leadsync";

    public const string ByPerson = "person";

    /// <summary>
    /// Marks (in <see cref="HistoryEntry.From"/>) a crossing or handoff of a person LeadSync had never seen: it crossed before
    /// LeadSync looked (a first sync of a backlog), so its latency measures the backlog, not LeadSync.
    /// </summary>
    public const string FirstLook = "first-look";
}

/// <summary>
/// One event in a lead's history. Transitions carry the system, from and to, and who made them; handoffs carry the
/// crossing, when the person's change crossed the threshold (<see cref="CrossedAt"/>, null when it crossed in an
/// earlier batch: its <see cref="HistoryKinds.Crossed"/> event says when), when LeadSync first saw it, when the owner was
/// written, the rep (CRM owner id), the team and the routing rule; SLA outcomes carry the rep and team they concern;
/// conversions and closed deals carry the deal (<see cref="To"/>), its stage (<see cref="Rule"/>), the rep and the amount.
/// </summary>
public sealed record HistoryEntry(
    string Connection,
    string LeadKey,
    DateTimeOffset At,
    string Kind,
    SystemRole? System = null,
    string? From = null,
    string? To = null,
    string By = HistoryKinds.ByLeadSync,
    int? Crossing = null,
    string? Rep = null,
    string? Team = null,
    string? Rule = null,
    DateTimeOffset? CrossedAt = null,
    DateTimeOffset? FirstSeenAt = null,
    DateTimeOffset? OwnerWrittenAt = null,
    string? Source = null,
    string CycleId = "",
    decimal? Amount = null)
{
    /// <summary>Store-assigned, increasing in insertion order (0 before it is stored).</summary>
    public long Id { get; init; }
}

/// <summary>
/// What one settled person adds to the history: the transitions people made since LeadSync last looked (their own
/// modification time), LeadSync's confirmed writes, the threshold crossing and the completed handoff. Pure; called only
/// for a person whose writes all went through (a failed one is looked at again, and recorded then).
/// </summary>
public static class LeadHistory
{
    public static IReadOnlyList<HistoryEntry> Of(string connection, string cycleId, PersonPlan plan, PersonOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(outcome);
        var person = plan.Snapshot;
        var record = person.Record;
        var contact = person.Marketing;
        var lead = person.Crm;
        var source = contact?.Source ?? lead?.Source;
        var events = new List<HistoryEntry>();
        void Add(string kind, SystemRole system, string? from, string? to, string by, DateTimeOffset at)
        {
            if (!string.Equals(from, to, StringComparison.Ordinal) && to is not null)
            {
                events.Add(new HistoryEntry(connection, plan.LeadKey, Min(at, now), kind, system, from, to, by, Source: source, CycleId: cycleId));
            }
        }

        // What people changed since the values LeadSync settled (LeadSync's own writes are part of those values, so an
        // echo is no transition).
        if (contact is not null)
        {
            Add(HistoryKinds.Stage, SystemRole.Marketing, Seen(record?.LastSeenMarketing, SeenKeys.Stage), contact.LifecycleStage, HistoryKinds.ByPerson, contact.ModifiedAt);
            Add(HistoryKinds.Status, SystemRole.Marketing, Seen(record?.LastSeenMarketing, SeenKeys.Status), contact.LeadStatus, HistoryKinds.ByPerson, contact.ModifiedAt);
        }

        if (lead is not null)
        {
            Add(HistoryKinds.Status, SystemRole.Crm, Seen(record?.LastSeenCrm, SeenKeys.Status), lead.Status, HistoryKinds.ByPerson, lead.ModifiedAt);
        }

        if (lead is not null)
        {
            events.AddRange(Deal(connection, cycleId, plan.LeadKey, record, lead, source, now));
        }

        var crossedNow = plan.FirstSeenAboveThresholdAt is not null && record?.FirstSeenAboveThresholdAt is null;
        var crossedAt = Min(ChangeTime(person) ?? now, now);
        if (crossedNow)
        {
            events.Add(new HistoryEntry(
                connection, plan.LeadKey, crossedAt, HistoryKinds.Crossed, From: record is null ? HistoryKinds.FirstLook : null, To: plan.Score.ToString(System.Globalization.CultureInfo.InvariantCulture),
                By: HistoryKinds.ByPerson, Crossing: plan.CrossingsAfter, CrossedAt: crossedAt, FirstSeenAt: plan.FirstSeenAboveThresholdAt, Source: source, CycleId: cycleId));
        }

        // LeadSync's confirmed writes.
        if (plan.MarketingWrite is { } marketing)
        {
            Add(HistoryKinds.Stage, SystemRole.Marketing, contact?.LifecycleStage, marketing.Stage?.Value, HistoryKinds.ByLeadSync, now);
            Add(HistoryKinds.Status, SystemRole.Marketing, contact?.LeadStatus, marketing.LeadStatus, HistoryKinds.ByLeadSync, now);
        }

        if (plan.CrmCreate is { } create)
        {
            Add(HistoryKinds.Status, SystemRole.Crm, null, create.Status, HistoryKinds.ByLeadSync, now);
        }
        else if (plan.CrmWrite is { } crm)
        {
            Add(HistoryKinds.Status, SystemRole.Crm, lead?.Status, crm.Status, HistoryKinds.ByLeadSync, now);
        }

        if (plan.Handoff is { } handoff && outcome.Entry is { CompletedAt: not null } entry && entry.Crossing == handoff.Crossing
            && (!handoff.Resumed || handoff.Entry.CompletedAt is null))
        {
            var completed = Handoff(entry with { Connection = connection }, crossedNow ? crossedAt : null, source, cycleId, now);
            events.Add(record is null ? completed with { From = HistoryKinds.FirstLook } : completed);
        }

        if (plan.Released)
        {
            events.Add(new HistoryEntry(connection, plan.LeadKey, now, HistoryKinds.Released, Source: source, CycleId: cycleId,
                Rule: plan.Reasons.Count > 0 ? plan.Reasons[^1] : null));
        }

        return events;
    }

    /// <summary>A completed handoff as a history event (also used when a crash left one half-way and a later cycle finished it).</summary>
    public static HistoryEntry Handoff(AssignmentEntry entry, DateTimeOffset? crossedAt, string? source, string cycleId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new HistoryEntry(
            entry.Connection, entry.LeadKey, entry.CompletedAt ?? now, HistoryKinds.Handoff, SystemRole.Crm, To: entry.OwnerId,
            Crossing: entry.Crossing, Rep: entry.OwnerId, Team: entry.Team, Rule: entry.Reason, CrossedAt: crossedAt,
            FirstSeenAt: entry.FirstSeenAt, OwnerWrittenAt: entry.OwnerWrittenAt ?? now, Source: source, CycleId: cycleId);
    }

    /// <summary>An SLA outcome or a recycle of a handed-off lead.</summary>
    public static HistoryEntry FollowUp(AssignmentEntry entry, string kind, DateTimeOffset now, string? detail, string cycleId, string? newRep = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new HistoryEntry(
            entry.Connection, entry.LeadKey, now, kind, SystemRole.Crm, From: newRep is null ? null : entry.OwnerId, To: newRep,
            Crossing: entry.Crossing, Rep: entry.OwnerId, Team: entry.Team, Rule: detail, FirstSeenAt: entry.FirstSeenAt,
            OwnerWrittenAt: entry.OwnerWrittenAt, CycleId: cycleId);
    }

    /// <summary>
    /// What the CRM says the lead became since LeadSync last looked: converted (once, when first seen converted), and its
    /// deal closed won or lost (once per outcome: the deal's id and state are remembered under <see cref="SeenKeys.Deal"/>).
    /// </summary>
    public static IEnumerable<HistoryEntry> Deal(string connection, string cycleId, string leadKey, LeadRecord? record, CrmPerson lead, string? source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var deal = lead.Opportunity;
        if (lead.IsConverted && !string.Equals(Seen(record?.LastSeenCrm, "IsConverted"), "true", StringComparison.OrdinalIgnoreCase)
            && Seen(record?.LastSeenCrm, SeenKeys.Deal) is null)
        {
            yield return new HistoryEntry(
                connection, leadKey, Min(lead.ModifiedAt, now), HistoryKinds.Converted, SystemRole.Crm, record is null ? HistoryKinds.FirstLook : null, deal?.Id,
                HistoryKinds.ByPerson, Rep: lead.OwnerId, Rule: deal?.Stage, Source: source, CycleId: cycleId, Amount: deal?.Amount);
        }

        if (deal is not { State: DealState.Won or DealState.Lost } || Seen(record?.LastSeenCrm, SeenKeys.Deal) == deal.SeenValue)
        {
            yield break;
        }

        yield return new HistoryEntry(
            connection, leadKey, Min(deal.ModifiedAt, now), deal.State == DealState.Won ? HistoryKinds.Won : HistoryKinds.Lost, SystemRole.Crm,
            Seen(record?.LastSeenCrm, SeenKeys.Deal)?.Split('|')[^1], deal.Id, HistoryKinds.ByPerson, Rep: lead.OwnerId, Rule: deal.Stage,
            Source: source, CycleId: cycleId, Amount: deal.Amount);
    }

    /// <summary>When the person's side last changed: the marketing record's modification, else the CRM's activity or modification.</summary>
    private static DateTimeOffset? ChangeTime(PersonSnapshot person) =>
        person.Marketing?.ModifiedAt ?? person.Crm?.LastActivityAt ?? person.Crm?.ModifiedAt;

    private static string? Seen(IReadOnlyDictionary<string, string?>? seen, string key) =>
        seen is not null && seen.TryGetValue(key, out var value) ? value : null;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
