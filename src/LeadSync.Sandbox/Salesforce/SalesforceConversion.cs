namespace LeadSync.Sandbox.Salesforce;

/// <summary>
/// Lead conversion and deals, as a rep does them in the Salesforce UI: converting a lead makes a contact and an
/// opportunity, marks the lead converted (read-only from then on) and points it at both; a deal then moves through the
/// stages, and a closed stage says whether it was won.
/// </summary>
public sealed partial class SalesforceStore
{
    public int OpportunityCount
    {
        get
        {
            lock (_sync)
                return _tables["Opportunity"].Count;
        }
    }

    public IReadOnlyList<SalesforceRecord> ListContacts() => Rows("Contact");

    public IReadOnlyList<SalesforceRecord> ListOpportunities() => Rows("Opportunity");

    public SalesforceRecord? GetOpportunity(string id)
    {
        if (!SalesforceIds.TryNormalize(id, "006", out var id18))
            return null;
        lock (_sync)
            return _tables["Opportunity"].Get(id18);
    }

    /// <summary>
    /// Converts a lead: a contact and an open opportunity (first stage, the lead's source and owner, expected to close in
    /// 30 days) are created; the lead gets IsConverted, the converted status, ConvertedContactId, ConvertedOpportunityId
    /// and ConvertedDate. A lead converts once.
    /// </summary>
    public (SalesforceRecord Lead, SalesforceRecord Contact, SalesforceRecord Opportunity) ConvertLead(string leadId, double? amount = null)
    {
        lock (_sync)
        {
            var lead = GetLead(leadId) ?? throw new KeyNotFoundException($"No lead with id {leadId}.");
            if (lead.IsConverted)
                throw new InvalidOperationException($"Lead {lead.Id} is already converted.");
            var stamp = Stamp();
            var today = DateOnly.FromDateTime(stamp.UtcDateTime);
            var owner = lead.OwnerId is { } o && o.StartsWith("005", StringComparison.Ordinal) ? o : IntegrationUserId;
            var contact = InsertLocked(SalesforceSchema.Contact, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["FirstName"] = lead.Get("FirstName"),
                ["LastName"] = lead.Get("LastName"),
                ["Email"] = lead.Email,
                ["LeadSource"] = lead.Get("LeadSource"),
                ["OwnerId"] = owner,
                ["CreatedDate"] = stamp,
                ["LastModifiedDate"] = stamp,
                ["SystemModstamp"] = stamp,
            });
            var first = SalesforceSchema.OpportunityStages[0];
            var opportunity = InsertLocked(SalesforceSchema.Opportunity, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Name"] = $"{lead.GetString("Company") ?? lead.GetString("LastName")} -",
                ["StageName"] = first.Name,
                ["IsClosed"] = first.IsClosed,
                ["IsWon"] = first.IsWon,
                ["Amount"] = amount,
                ["CloseDate"] = today.AddDays(30),
                ["LeadSource"] = lead.Get("LeadSource"),
                ["OwnerId"] = owner,
                ["CreatedDate"] = stamp,
                ["LastModifiedDate"] = stamp,
                ["SystemModstamp"] = stamp,
            });
            var next = new Dictionary<string, object?>(lead.Fields, StringComparer.Ordinal)
            {
                ["IsConverted"] = true,
                ["Status"] = SalesforceSchema.ConvertedStatus,
                ["ConvertedContactId"] = contact.Id,
                ["ConvertedOpportunityId"] = opportunity.Id,
                ["ConvertedDate"] = today,
            };
            return (ReplaceLeadLocked(lead, next, stamp), contact, opportunity);
        }
    }

    /// <summary>
    /// Moves a deal to <paramref name="stageName"/> (one of <see cref="SalesforceSchema.OpportunityStages"/>): IsClosed and
    /// IsWon follow the stage, a closed deal's CloseDate becomes today, and <paramref name="amount"/> replaces the amount
    /// when given. Advances SystemModstamp, which is how an integration sees the change.
    /// </summary>
    public SalesforceRecord SetOpportunityStage(string opportunityId, string stageName, double? amount = null)
    {
        var stage = SalesforceSchema.OpportunityStages.FirstOrDefault(s => s.Name == stageName);
        if (stage.Name is null)
            throw new ArgumentException($"No opportunity stage {stageName}.", nameof(stageName));
        lock (_sync)
        {
            var current = GetOpportunity(opportunityId) ?? throw new KeyNotFoundException($"No opportunity with id {opportunityId}.");
            var stamp = Stamp();
            var next = new Dictionary<string, object?>(current.Fields, StringComparer.Ordinal)
            {
                ["StageName"] = stage.Name,
                ["IsClosed"] = stage.IsClosed,
                ["IsWon"] = stage.IsWon,
                ["LastModifiedDate"] = stamp,
                ["SystemModstamp"] = stamp,
            };
            if (amount is { } a)
                next["Amount"] = a;
            if (stage.IsClosed)
                next["CloseDate"] = DateOnly.FromDateTime(stamp.UtcDateTime);
            var updated = current with { Fields = next };
            _tables["Opportunity"].Replace(updated);
            return updated;
        }
    }
}
