using System.Globalization;
using System.Text;

namespace LeadSync.Domain.Planning;

/// <summary>Why one person's writes did not all go through (a reason about the record, from the API's answer).</summary>
public sealed record WriteFailure(SystemRole System, string Reason);

/// <summary>
/// What executing one person's plan confirmed: a failure (the person then keeps their previous remembered state),
/// the id of a CRM lead the plan created, the ledger entry as far as its steps got, and notes for the audit.
/// </summary>
/// <param name="Failure">A write failed for a reason about the record (the API said so): the record is quarantined.</param>
/// <param name="Unconfirmed">
/// A write whose answer was lost and that reading the record back did not confirm: nothing is known to be wrong with
/// the record, so it is not quarantined; like a failure it keeps its previous remembered state, so the next cycle
/// sees the change again and writes it again (the same values).
/// </param>
public sealed record PersonOutcome(
    WriteFailure? Failure = null,
    string? CreatedCrmId = null,
    AssignmentEntry? Entry = null,
    IReadOnlyList<string>? Notes = null,
    Blocked? AlsoQuarantine = null,
    WriteFailure? Unconfirmed = null)
{
    public static PersonOutcome Confirmed { get; } = new();

    /// <summary>What stopped the person's writes, if anything: a failure, else an unconfirmed write.</summary>
    public WriteFailure? NotSettled => Failure ?? Unconfirmed;
}

/// <summary>A person's plan with what happened to it, for reports.</summary>
public sealed record SettledPerson(PersonPlan Plan, PersonOutcome Outcome, LeadRecord? Next)
{
    public bool Succeeded => Plan.Blocked is null && Outcome.NotSettled is null;

    /// <summary>The handoff completed in this batch (owner written and the rep's task created or not possible).</summary>
    public bool Assigned => Outcome.Entry is { CompletedAt: not null } entry && Plan.Handoff is { } handoff && (!handoff.Resumed || handoff.Entry.CompletedAt is null) && entry.Crossing == handoff.Crossing;
}

/// <summary>
/// Turns a batch's plans and what their execution confirmed into what the state store keeps, in one settlement: the
/// next lead records (a person whose write failed keeps the previous remembered values, so an unpropagated edit is
/// never taken for settled), the ledger, the audit, quarantine in and out, and the routing positions used. Pure.
/// </summary>
public static class Settlement
{
    public static (BatchSettlement Settlement, IReadOnlyList<SettledPerson> People) Settle(
        string connection, string cycleId, BatchPlan batch, IReadOnlyList<PersonOutcome> outcomes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count != batch.People.Count)
        {
            throw new ArgumentException("one outcome per plan, in order", nameof(outcomes));
        }

        var leads = new List<LeadRecord>();
        var ledger = new List<AssignmentEntry>();
        var audit = new List<AuditEntry>();
        var quarantine = new List<QuarantineItem>();
        var resolved = new List<RecordRef>();
        var history = new List<HistoryEntry>();
        var people = new List<SettledPerson>(batch.People.Count);
        for (var i = 0; i < batch.People.Count; i++)
        {
            var plan = batch.People[i];
            var outcome = outcomes[i];
            if (plan.Blocked is { } blocked)
            {
                quarantine.Add(Item(connection, blocked, now));
                people.Add(new SettledPerson(plan, outcome, null));
                continue;
            }

            var next = NextRecord(connection, plan, outcome, now);
            leads.Add(next);
            if (outcome.Entry is { } entry)
            {
                ledger.Add(entry with { Connection = connection });
            }

            if (outcome.Failure is { } failure)
            {
                quarantine.Add(Item(connection, new Blocked(failure.System, RecordId(plan, failure.System), failure.Reason), now));
            }
            else if (outcome.Unconfirmed is null)
            {
                history.AddRange(LeadHistory.Of(connection, cycleId, plan, outcome, now));
                foreach (var closed in plan.Closes)
                {
                    ledger.Add(closed with { Connection = connection, Closed = true, CompletedAt = closed.CompletedAt ?? now });
                }

                if (plan.Snapshot.Marketing is { } contact)
                {
                    resolved.Add(new RecordRef(SystemRole.Marketing, contact.Id));
                }

                if (plan.Snapshot.Crm is { } lead && outcome.AlsoQuarantine?.RecordId != lead.Id)
                {
                    resolved.Add(new RecordRef(SystemRole.Crm, lead.Id));
                }
            }

            if (outcome.AlsoQuarantine is { } also)
            {
                quarantine.Add(Item(connection, also, now));
            }

            var notes = outcome.Notes ?? [];
            if (plan.HasWrites || plan.Reasons.Count > 0 || notes.Count > 0)
            {
                audit.Add(new AuditEntry(connection, cycleId, plan.LeadKey, now, plan.Action, AuditDetails(plan, outcome)));
            }

            people.Add(new SettledPerson(plan, outcome, next));
        }

        return (new BatchSettlement(connection, leads, ledger, audit, quarantine, resolved, batch.RoutingAdvances) { History = history }, people);
    }

    /// <summary>What LeadSync remembers of a person after this batch.</summary>
    public static LeadRecord NextRecord(string connection, PersonPlan plan, PersonOutcome outcome, DateTimeOffset now)
    {
        var person = plan.Snapshot;
        var record = person.Record;
        var failure = outcome.NotSettled;
        var marketingFailed = failure?.System == SystemRole.Marketing;
        var crmFailed = failure?.System == SystemRole.Crm;
        var empty = new Dictionary<string, string?>();

        // A person whose writes failed on either side is not settled: remembering the values seen now (on either side)
        // would make the next look take the unpropagated edit for the settled state and drop it.
        var lastSeenMarketing = marketingFailed || crmFailed || person.Marketing is null
            ? record?.LastSeenMarketing ?? empty
            : SeenMarketing(person.Marketing, plan.MarketingWrite);

        var crmId = person.Crm?.Id ?? outcome.CreatedCrmId ?? record?.CrmId;
        IReadOnlyDictionary<string, string?> lastSeenCrm;
        if (crmFailed || marketingFailed || (person.Crm is null && outcome.CreatedCrmId is null))
        {
            lastSeenCrm = record?.LastSeenCrm ?? empty;
        }
        else if (person.Crm is { } lead)
        {
            lastSeenCrm = SeenCrm(lead, plan.CrmWrite);
        }
        else
        {
            lastSeenCrm = SeenCreated(plan.CrmCreate!, now);
        }

        var ownerWritten = outcome.Entry?.StepsDone.HasFlag(AssignmentSteps.CrmOwnerWritten) == true;
        var handoffFailed = plan.Handoff is not null && (crmFailed || !ownerWritten);
        return new LeadRecord(
            connection,
            plan.LeadKey,
            person.Marketing?.Id ?? record?.MarketingId,
            crmId,
            lastSeenMarketing,
            lastSeenCrm,
            plan.Score,
            plan.Grade,
            handoffFailed || (failure is not null && plan.Released) ? record?.InSales ?? false : plan.InSalesAfter,
            handoffFailed ? record?.Crossings ?? 0 : plan.CrossingsAfter,
            plan.FirstSeenAboveThresholdAt,
            now,
            failure is not null || handoffFailed ? record?.Disqualified : plan.DisqualifiedAfter);
    }

    private static Dictionary<string, string?> SeenMarketing(MarketingPerson contact, MarketingUpdate? write)
    {
        var seen = new Dictionary<string, string?>(contact.Fields, StringComparer.Ordinal);
        foreach (var (field, value) in write?.Fields ?? new Dictionary<string, string?>())
        {
            seen[field] = value;
        }

        seen[SeenKeys.Owner] = write?.Owner is { } owner ? owner.OwnerId : contact.OwnerId;
        seen[SeenKeys.Status] = write?.LeadStatus ?? contact.LeadStatus;
        seen[SeenKeys.Stage] = write?.Stage?.Value ?? contact.LifecycleStage;
        seen[SeenKeys.Score] = write?.Score is { } score ? score.Score.ToString(CultureInfo.InvariantCulture) : contact.Score;
        seen[SeenKeys.Grade] = write?.Score?.Grade ?? contact.Grade;
        seen[SeenKeys.ModifiedAt] = contact.ModifiedAt.ToString("O", CultureInfo.InvariantCulture);
        return seen;
    }

    private static Dictionary<string, string?> SeenCrm(CrmPerson lead, CrmUpdate? write)
    {
        var seen = new Dictionary<string, string?>(lead.Fields, StringComparer.Ordinal);
        foreach (var (field, value) in write?.Fields ?? new Dictionary<string, string?>())
        {
            seen[field] = value;
        }

        seen[SeenKeys.Owner] = write?.Owner is { } owner ? owner.OwnerId : lead.OwnerId;
        seen[SeenKeys.Status] = write?.Status ?? lead.Status;
        seen[SeenKeys.ModifiedAt] = lead.ModifiedAt.ToString("O", CultureInfo.InvariantCulture);
        if (lead.Opportunity is { } deal)
        {
            seen[SeenKeys.Deal] = deal.SeenValue;
        }

        return seen;
    }

    private static Dictionary<string, string?> SeenCreated(CrmLeadCreate create, DateTimeOffset now)
    {
        var seen = new Dictionary<string, string?>(create.Fields, StringComparer.Ordinal)
        {
            [SeenKeys.Owner] = create.OwnerId,
            [SeenKeys.Status] = create.Status,
            [SeenKeys.ModifiedAt] = now.ToString("O", CultureInfo.InvariantCulture),
        };
        return seen;
    }

    private static QuarantineItem Item(string connection, Blocked blocked, DateTimeOffset now) =>
        new(0, connection, blocked.System, blocked.RecordId, blocked.Reason, now, now, 1, false);

    /// <summary>The record a quarantine item names: the side the problem is on, else the other, else the lead key.</summary>
    public static string RecordId(PersonPlan plan, SystemRole system) =>
        system == SystemRole.Marketing
            ? plan.Snapshot.Marketing?.Id ?? plan.Snapshot.Crm?.Id ?? plan.LeadKey
            : plan.Snapshot.Crm?.Id ?? plan.Snapshot.Marketing?.Id ?? plan.LeadKey;

    /// <summary>One line an auditor reads: score, writes per system (old → new), handoff, reasons, failure.</summary>
    public static string AuditDetails(PersonPlan plan, PersonOutcome outcome)
    {
        var person = plan.Snapshot;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"score {person.Record?.Score?.ToString(CultureInfo.InvariantCulture) ?? "-"} → {plan.Score}, grade {plan.Grade}");
        if (plan.MarketingWrite is { } marketing)
        {
            AppendWrites(text, "marketing", Describe(marketing, person.Marketing));
        }

        if (plan.CrmCreate is { } create)
        {
            AppendWrites(text, "CRM (new lead)", [$"owner → {create.OwnerId}", $"status → {create.Status}", $"score → {create.Score.Score} ({create.Score.Grade})", .. create.Fields.Select(f => $"{f.Key} → {Show(f.Value)}")]);
        }
        else if (plan.CrmWrite is { } crm)
        {
            AppendWrites(text, "CRM", Describe(crm, person.Crm));
        }

        if (plan.Handoff is { } handoff)
        {
            text.Append(CultureInfo.InvariantCulture, $"; handoff crossing {handoff.Crossing} to {handoff.OwnerId} (team {handoff.Team}): {handoff.Reason}");
        }

        if (plan.Reasons.Count > 0)
        {
            text.Append("; ").Append(string.Join("; ", plan.Reasons));
        }

        if (outcome.Notes is { Count: > 0 } notes)
        {
            text.Append("; ").Append(string.Join("; ", notes));
        }

        if (outcome.Failure is { } failure)
        {
            text.Append("; FAILED: ").Append(failure.Reason);
        }
        else if (outcome.Unconfirmed is { } unconfirmed)
        {
            text.Append("; NOT CONFIRMED (written again next cycle): ").Append(unconfirmed.Reason);
        }

        return text.ToString();
    }

    /// <summary>The writes of a marketing update as "what: old → new" phrases.</summary>
    public static List<string> Describe(MarketingUpdate write, MarketingPerson? before)
    {
        var parts = new List<string>();
        if (write.LeadStatus is { } status)
        {
            parts.Add($"lead status: {Show(before?.LeadStatus)} → {status}");
        }

        if (write.Stage is { } stage)
        {
            parts.Add($"lifecycle stage: {Show(before?.LifecycleStage)} → {stage.Value}{(stage.MovesBack ? " (moved back)" : string.Empty)}");
        }

        if (write.Owner is { } owner)
        {
            parts.Add($"owner: {Show(before?.OwnerId)} → {Show(owner.OwnerId)}");
        }

        if (write.Score is { } score)
        {
            parts.Add($"score: {Show(before?.Score)} → {score.Score}, grade: {Show(before?.Grade)} → {score.Grade}");
        }

        if (write.CrmId is { } crmId)
        {
            parts.Add($"CRM link → {crmId}");
        }
        else if (write.LinkCreatedCrmLead)
        {
            parts.Add("CRM link → the new lead");
        }

        parts.AddRange(write.Fields.Select(f => $"{f.Key}: {Show(Field(before?.Fields, f.Key))} → {Show(f.Value)}"));
        return parts;
    }

    /// <summary>The writes of a CRM update as "what: old → new" phrases.</summary>
    public static List<string> Describe(CrmUpdate write, CrmPerson? before)
    {
        var parts = new List<string>();
        if (write.Status is { } status)
        {
            parts.Add($"status: {Show(before?.Status)} → {status}");
        }

        if (write.Owner is { } owner)
        {
            parts.Add($"owner: {Show(before?.OwnerId)} → {Show(owner.OwnerId)}");
        }

        if (write.Score is { } score)
        {
            parts.Add($"score: {Show(before?.Score)} → {score.Score}, grade: {Show(before?.Grade)} → {score.Grade}");
        }

        if (write.MarketingId is { } marketingId)
        {
            parts.Add($"marketing link → {marketingId}");
        }

        parts.AddRange(write.Fields.Select(f => $"{f.Key}: {Show(Field(before?.Fields, f.Key))} → {Show(f.Value)}"));
        return parts;
    }

    private static string? Field(IReadOnlyDictionary<string, string?>? fields, string key) =>
        fields is not null && fields.TryGetValue(key, out var value) ? value : null;

    private static void AppendWrites(StringBuilder text, string system, List<string> parts)
    {
        if (parts.Count > 0)
        {
            text.Append("; ").Append(system).Append(' ').AppendJoin(", ", parts);
        }
    }

    private static string Show(string? value) =>
        string.IsNullOrEmpty(value) ? "∅" : value.Contains('@', StringComparison.Ordinal) ? EmailMask.Mask(value) : value;
}
