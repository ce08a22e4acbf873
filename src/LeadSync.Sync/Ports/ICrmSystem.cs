namespace LeadSync.Sync.Ports;

/// <summary>
/// The CRM (Salesforce) as the sync engine needs it. Implementations only translate:
/// SOQL, paging, sObject Collections batching, auth refresh and API-quota guarding live behind this interface.
/// </summary>
public interface ICrmSystem
{
    /// <summary>Streams Leads with SystemModstamp at or after <paramref name="since"/>, ordered by (SystemModstamp, Id), one API page per item.</summary>
    IAsyncEnumerable<IReadOnlyList<CrmLead>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    Task<IReadOnlyList<CrmLead>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>Leads whose Email is one of <paramref name="emails"/> (values escaped into SOQL). Several leads may share one email.</summary>
    Task<IReadOnlyList<CrmLead>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>sObject Collections PATCH (200 per call, allOrNone=false, Sforce-Auto-Assign: FALSE); one outcome per input, in order.</summary>
    Task<IReadOnlyList<WriteOutcome>> UpdateLeadsAsync(IReadOnlyList<RecordUpdate> updates, CancellationToken cancellationToken);

    /// <summary>sObject Collections POST of Leads (200 per call); one outcome per input, in order.</summary>
    Task<IReadOnlyList<WriteOutcome>> CreateLeadsAsync(IReadOnlyList<RecordCreate> creates, CancellationToken cancellationToken);

    /// <summary>Creates Tasks (sObject Collections POST, 200 per call); one outcome per input, in order.</summary>
    Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken);

    /// <summary>Users (active and inactive, flagged) so routing can record why a rep was skipped.</summary>
    Task<IReadOnlyList<CrmUser>> GetUsersAsync(CancellationToken cancellationToken);

    /// <summary>Queues that accept Leads.</summary>
    Task<IReadOnlyList<CrmQueue>> GetLeadQueuesAsync(CancellationToken cancellationToken);

    /// <summary>Describe of the Lead sObject: field names, types, updateability and picklist values.</summary>
    Task<IReadOnlyList<FieldMetadata>> DescribeLeadAsync(CancellationToken cancellationToken);

    /// <summary>The org's daily API requests as reported by /limits.</summary>
    Task<ApiQuota> GetDailyQuotaAsync(CancellationToken cancellationToken);

    /// <summary>The last Sforce-Limit-Info usage seen on any response, if any.</summary>
    ApiQuota? LastObservedQuota { get; }

    /// <summary>Number of HTTP calls this instance has made (for the demo summary and benchmarks).</summary>
    long CallCount { get; }

    /// <summary>Number of calls the org refused for a limit (429, 403 REQUEST_LIMIT_EXCEEDED), retried ones included.</summary>
    long ThrottledCount { get; }
}
