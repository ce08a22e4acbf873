namespace LeadSync.Sync.Ports;

/// <summary>
/// The marketing platform (HubSpot today) as the engine needs it. Implementations only translate: the vendor's field
/// names, id formats, value quirks, batching, paging, rate limits and retries live behind this interface.
/// </summary>
public interface IMarketingPlatform : IApiTraffic
{
    /// <summary>The vendor names behind the typed values (for start-up checks and explanations).</summary>
    CoreFieldNames CoreFields { get; }

    /// <summary>
    /// Streams people modified at or after <paramref name="since"/>, ascending by (modified time, id), one API page per
    /// item. Records changed while the read runs must not make it skip others; each is yielded at most once per read.
    /// <paramref name="fields"/> are the vendor fields the rules name; the connector adds what its typed values need.
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<MarketingPerson>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>Batch read by id. Ids not found are absent from the result.</summary>
    Task<IReadOnlyList<MarketingPerson>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>
    /// True when the platform lets several people share one email (Account Engagement with AMPSEA): email matching then
    /// looks for every marketing record with the email and refuses to choose between several. False (HubSpot) keeps one
    /// person per email, and matching needs no extra read.
    /// </summary>
    bool EmailsMayRepeat => false;

    /// <summary>Batch read by email: every record with one of the emails. Emails not found are absent from the result.</summary>
    Task<IReadOnlyList<MarketingPerson>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the updates in the vendor's batches and write sequences (a stage moved back included);
    /// one outcome per input, in input order, partial failures included.
    /// </summary>
    Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken);

    /// <summary>All owners, following paging, archived ones included (flagged) so skips can be explained.</summary>
    Task<IReadOnlyList<MarketingOwner>> GetOwnersAsync(CancellationToken cancellationToken);

    /// <summary>Field metadata of the person object, with enumeration options.</summary>
    Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken);
}
