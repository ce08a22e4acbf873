global using LeadSync.Domain;
global using LeadSync.Domain.Planning;

namespace LeadSync.Sync.Ports;

/// <summary>
/// Position in a system's change stream: the next read returns records modified at or after
/// <see cref="ModifiedAt"/> (minus the engine's overlap window); <see cref="LastId"/> breaks ties
/// when many records share one timestamp.
/// </summary>
public sealed record ChangeCursor(DateTimeOffset ModifiedAt, string? LastId)
{
    public static ChangeCursor Beginning { get; } = new(DateTimeOffset.UnixEpoch, null);
}

/// <summary>One page of changed deals: the converted leads they belong to, and the change-stream position after the page.</summary>
public sealed record CrmDealPage(IReadOnlyList<CrmPerson> Leads, ChangeCursor Through);

/// <summary>Metadata of one field of a system's person/lead object, for checking the rules at start.</summary>
/// <param name="ExternalId">The field is an external id the connector can create or update by (an idempotent create's key).</param>
public sealed record FieldMetadata(
    string Name,
    string Type,
    bool Writable,
    IReadOnlyList<string> AllowedValues,
    bool ExternalId = false);

/// <summary>An org's or portal's daily API allowance as last observed.</summary>
public sealed record ApiQuota(long Max, long Remaining)
{
    public double UsedShare => Max <= 0 ? 0 : (double)(Max - Remaining) / Max;
}

/// <summary>
/// The vendor's names of the fields behind the typed values, so a start-up check can verify they exist, are writable
/// and accept the mapped values, and so people are told which field is meant. Null when the vendor has no such field.
/// </summary>
public sealed record CoreFieldNames(string? Status, string? Stage, string? Owner, string? Score, string? Grade, string? CrossReference)
{
    /// <summary>What the planner needs to know of a marketing platform's score and grade fields: whether it has them.</summary>
    public MarketingScoreFields ScoreFields => new(Score is not null, Grade is not null);
}

/// <summary>What every connector reports about its own traffic.</summary>
public interface IApiTraffic
{
    /// <summary>The product's name for people and metric labels ("HubSpot", "Salesforce").</summary>
    string SystemName { get; }

    /// <summary>Number of HTTP calls this instance has made (for summaries and benchmarks).</summary>
    long CallCount { get; }

    /// <summary>Number of calls the API refused for a rate or daily limit, retried ones included.</summary>
    long ThrottledCount { get; }

    /// <summary>The daily allowance as last reported by the API; null when never reported.</summary>
    ApiQuota? LastObservedQuota { get; }
}
