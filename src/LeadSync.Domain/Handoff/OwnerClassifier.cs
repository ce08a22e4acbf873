namespace LeadSync.Domain.Handoff;

/// <summary>Tells, from a CRM lead's owner, whose lead it is for <see cref="HandoffPolicy"/>. The only owner classifier.</summary>
public static class OwnerClassifier
{
    /// <param name="integrationUserId">Id of the integration user (resolved from its email by the caller if needed).</param>
    /// <param name="marketingQueueId">Id of the queue whose DeveloperName is the configured marketing queue.</param>
    /// <param name="ownerIsQueue">The owner is a queue (the CRM connector knows its id formats).</param>
    public static OwnerKind Classify(string? ownerId, string? integrationUserId, string? marketingQueueId, bool ownerIsQueue)
    {
        if (string.IsNullOrWhiteSpace(ownerId))
        {
            return OwnerKind.None;
        }

        if (SameId(ownerId, integrationUserId))
        {
            return OwnerKind.IntegrationUser;
        }

        if (SameId(ownerId, marketingQueueId))
        {
            return OwnerKind.MarketingQueue;
        }

        return ownerIsQueue ? OwnerKind.OtherQueue : OwnerKind.Person;
    }

    /// <summary>Salesforce ids come as 15 (case-sensitive) or 18 characters; the first 15 identify the record.</summary>
    public static bool SameId(string? a, string? b)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b))
        {
            return false;
        }

        var x = a.Trim();
        var y = b.Trim();
        return x.Length >= 15 && y.Length >= 15
            ? string.Equals(x[..15], y[..15], StringComparison.Ordinal)
            : string.Equals(x, y, StringComparison.Ordinal);
    }
}
