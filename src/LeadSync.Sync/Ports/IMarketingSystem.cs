namespace LeadSync.Sync.Ports;

/// <summary>
/// The marketing platform (HubSpot) as the sync engine needs it. Implementations only translate:
/// batching to the API's limits, paging, rate limits and retries live behind this interface.
/// </summary>
public interface IMarketingSystem
{
    /// <summary>
    /// Streams contacts modified at or after <paramref name="since"/>, ascending by (modified time, id), one API page per item.
    /// Records changed while the read runs must not make it skip others; each record is yielded at most once per read.
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<MarketingContact>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> properties, CancellationToken cancellationToken);

    /// <summary>Batch read by contact id (100 per call). Ids not found are simply absent from the result.</summary>
    Task<IReadOnlyList<MarketingContact>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken);

    /// <summary>Batch read by email (idProperty=email, 100 per call). Emails not found are absent from the result.</summary>
    Task<IReadOnlyList<MarketingContact>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> properties, CancellationToken cancellationToken);

    /// <summary>Batch update (100 per call); one outcome per input, in input order, 207 partial failures included.</summary>
    Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<RecordUpdate> updates, CancellationToken cancellationToken);

    /// <summary>Batch create (100 per call); one outcome per input, in input order.</summary>
    Task<IReadOnlyList<WriteOutcome>> CreateAsync(IReadOnlyList<RecordCreate> creates, CancellationToken cancellationToken);

    /// <summary>All owners, following paging, archived ones included (flagged) so skips can be explained.</summary>
    Task<IReadOnlyList<MarketingOwner>> GetOwnersAsync(CancellationToken cancellationToken);

    /// <summary>Contact property metadata, with enumeration options.</summary>
    Task<IReadOnlyList<FieldMetadata>> GetPropertiesAsync(CancellationToken cancellationToken);

    /// <summary>Number of HTTP calls this instance has made (for the demo summary and benchmarks).</summary>
    long CallCount { get; }

    /// <summary>Number of calls the API refused for a rate or daily limit (HTTP 429), retried ones included.</summary>
    long ThrottledCount { get; }

    /// <summary>The portal's daily allowance as last reported in response headers; null when never reported.</summary>
    ApiQuota? LastObservedQuota { get; }
}
