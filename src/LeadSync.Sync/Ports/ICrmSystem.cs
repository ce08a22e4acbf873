namespace LeadSync.Sync.Ports;

/// <summary>
/// The CRM (Salesforce) as the engine needs it. Implementations only translate: queries, paging, batching, auth
/// refresh, id formats and API-quota guarding live behind this interface.
/// </summary>
public interface ICrmSystem : IApiTraffic
{
    /// <summary>The vendor names behind the typed values (for start-up checks and explanations).</summary>
    CoreFieldNames CoreFields { get; }

    /// <summary>
    /// Streams leads modified at or after <paramref name="since"/>, ordered by (modified time, id), one API page per item.
    /// Every read of leads (this and the ones below) sets a converted lead's <see cref="CrmPerson.Opportunity"/>.
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<CrmPerson>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>
    /// Deals that changed at or after <paramref name="since"/> (ordered by modified time, id), as the converted leads
    /// they came from with <see cref="CrmPerson.Opportunity"/> set: a deal won weeks after its lead was converted is seen
    /// although the lead itself did not change. Deals no converted lead points at are skipped. One page per API page of
    /// deals; <see cref="CrmDealPage.Through"/> is the position after it.
    /// </summary>
    IAsyncEnumerable<CrmDealPage> ReadChangedDealsAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    Task<IReadOnlyList<CrmPerson>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>Leads whose email is one of <paramref name="emails"/>. Several leads may share one email.</summary>
    Task<IReadOnlyList<CrmPerson>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>
    /// Leads whose cross-reference names one of the given marketing ids: the link a rep or the CRM's own connector set,
    /// found before LeadSync would create a second lead for the same person.
    /// </summary>
    Task<IReadOnlyList<CrmPerson>> ReadByMarketingIdsAsync(
        IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>Batched updates without the CRM's own assignment rules; one outcome per input, in order.</summary>
    Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken);

    /// <summary>Idempotent creates keyed by <see cref="CrmLeadCreate.Key"/>; one outcome per input, in order.</summary>
    Task<IReadOnlyList<WriteOutcome>> CreateLeadsAsync(IReadOnlyList<CrmLeadCreate> creates, CancellationToken cancellationToken);

    /// <summary>Creates tasks; one outcome per input, in order.</summary>
    Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken);

    /// <summary>Users (active and inactive, flagged) so routing can record why a rep was skipped.</summary>
    Task<IReadOnlyList<CrmUser>> GetUsersAsync(CancellationToken cancellationToken);

    /// <summary>Queues that accept leads.</summary>
    Task<IReadOnlyList<CrmQueue>> GetLeadQueuesAsync(CancellationToken cancellationToken);

    /// <summary>Field metadata of the lead object: names, types, updateability and picklist values.</summary>
    Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// For <c>validate-config --live</c>: what an admin must change so creates stay idempotent (the key field creates
    /// are keyed by exists, is an external id, unique and writable), one sentence each; empty when all is well.
    /// </summary>
    Task<IReadOnlyList<string>> CheckIdempotentCreatesAsync(CancellationToken cancellationToken);

    /// <summary>The org's daily API requests as reported by the API.</summary>
    Task<ApiQuota> GetDailyQuotaAsync(CancellationToken cancellationToken);
}
