using System.Globalization;
using LeadSync.Domain.Scoring;
using LeadSync.Sandbox.Salesforce;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Worker.Tests.SyncCycles;

/// <summary>Reading and changing the sandbox the way people in the two systems would, and finding people to test with.</summary>
public static class World
{
    public static string? Hs(SyncHarness h, string contactId, string property) =>
        h.Sandbox.HubSpot.GetContact(contactId)!.Properties.TryGetValue(property, out var value) ? value : null;

    public static SalesforceRecord Lead(SyncHarness h, string leadId) => h.Sandbox.Salesforce.GetLead(leadId)!;

    public static string? Sf(SyncHarness h, string leadId, string field) => Lead(h, leadId).Get(field) switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    public static IReadOnlyList<SalesforceRecord> TasksFor(SyncHarness h, string leadId) =>
        h.Sandbox.Salesforce.ListTasks().Where(t => string.Equals(t.GetString("WhoId"), leadId, StringComparison.Ordinal)).ToList();

    /// <summary>Linked people (both ids known) whose Salesforce lead is open, marketing-owned and has a mapped status.</summary>
    public static async Task<List<LeadRecord>> QuietLinkedAsync(SyncHarness h)
    {
        var records = await h.LeadRecordsAsync();
        return records
            .Where(r => r.MarketingId is not null && r.CrmId is not null && !r.InSales && r.Score < 55)
            .Where(r =>
            {
                var lead = Lead(h, r.CrmId!);
                return !lead.IsConverted
                    && lead.OwnerId == h.Sandbox.Salesforce.MarketingQueueId
                    && lead.Status is "Open - Not Contacted" or "Nurturing";
            })
            .OrderBy(r => r.LeadKey, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Fit that routes to the North America round-robin team, plus engagement counters chosen (through the connection's own
    /// <see cref="ScoringModel"/>) so the unified score lands exactly on <paramref name="target"/>.
    /// </summary>
    public static async Task<Dictionary<string, string?>> EngagementForAsync(SyncHarness h, LeadRecord record, int target)
    {
        var model = h.Connection.Model;
        var contact = (await h.Connection.Marketing.ReadByIdsAsync([record.MarketingId!], model.MarketingFields, CancellationToken.None)).Single();
        var lead = (await h.Connection.Crm.ReadByIdsAsync([record.CrmId!], model.CrmFields, CancellationToken.None)).Single();
        var now = DateTimeOffset.UtcNow;
        var nowIso = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var fixedValues = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["jobtitle"] = "Director of Operations",
            ["numemployees"] = "200",
            ["industry"] = "Technology",
            ["country"] = "United States",
            ["hs_email_optout"] = "false",
            ["hs_email_bounce"] = "0",
            ["hs_analytics_num_page_views"] = "0",
            ["hs_email_open"] = "0",
            ["num_conversion_events"] = "0",
            ["hs_analytics_last_visit_timestamp"] = nowIso,
            ["hs_email_last_click_date"] = nowIso,
            ["hs_email_last_open_date"] = nowIso,
            ["recent_conversion_date"] = nowIso,
        };

        for (var demos = 0; demos <= 1; demos++)
        for (var pricing = 0; pricing <= 3; pricing++)
        for (var downloads = 0; downloads <= 3; downloads++)
        for (var webinars = 0; webinars <= 2; webinars++)
        for (var clicks = 0; clicks <= 5; clicks++)
        for (var visits = 0; visits <= 8; visits++)
        {
            var values = new Dictionary<string, string?>(fixedValues, StringComparer.Ordinal)
            {
                ["demo_requests"] = Num(demos),
                ["pricing_page_views"] = Num(pricing),
                ["content_downloads"] = Num(downloads),
                ["webinars_attended"] = Num(webinars),
                ["hs_email_click"] = Num(clicks),
                ["hs_analytics_num_visits"] = Num(visits),
            };
            var properties = new Dictionary<string, string?>(contact.Fields, StringComparer.Ordinal);
            foreach (var (k, v) in values)
            {
                properties[k] = v;
            }

            var features = model.Scoring.Extract(properties, lead.Fields);

            // Stable over the next minutes: the cycle scores a little later than this search.
            if (model.Scoring.Score(in features, now).Value == target
                && model.Scoring.Score(in features, now.AddMinutes(5)).Value == target)
            {
                return values;
            }
        }

        throw new InvalidOperationException($"no engagement found for a score of {target}");
    }

    public static int ScoreOf(SyncHarness h, LeadRecord record)
    {
        var contact = h.Sandbox.HubSpot.GetContact(record.MarketingId!)!;
        var model = h.Connection.Model;
        var properties = contact.Properties.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
        var features = model.Scoring.Extract(properties, new Dictionary<string, string?> { ["LeadSource"] = Sf(h, record.CrmId!, "LeadSource") });
        return model.Scoring.Score(in features, DateTimeOffset.UtcNow).Value;
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Wraps the real Salesforce connector: can fail chosen leads' updates per record, or fail the Task creation call
/// as a whole (the crash between the owner write and the Task), and records which owners were written.
/// </summary>
public sealed class CrmFaults
{
    public HashSet<string> FailUpdatesOf { get; } = new(StringComparer.Ordinal);

    public int ThrowOnTaskCalls { get; set; }

    public List<(string LeadId, string OwnerId)> OwnerWrites { get; } = [];

    /// <summary>Replaces the keyed <see cref="ICrmSystem"/> of the default connection with a decorator over the real one.</summary>
    public void Install(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(ICrmSystem) && d.IsKeyedService);
        services.Remove(original);
        services.AddKeyedSingleton<ICrmSystem>(original.ServiceKey, (sp, key) => new Decorator((ICrmSystem)original.KeyedImplementationFactory!(sp, key), this));
    }

    private sealed class Decorator(ICrmSystem inner, CrmFaults faults) : ICrmSystem
    {
        public string SystemName => inner.SystemName;

        public CoreFieldNames CoreFields => inner.CoreFields;

        public ApiQuota? LastObservedQuota => inner.LastObservedQuota;

        public long CallCount => inner.CallCount;

        public long ThrottledCount => inner.ThrottledCount;

        public IAsyncEnumerable<IReadOnlyList<CrmPerson>> ReadChangedAsync(ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadChangedAsync(since, fields, cancellationToken);

        public IAsyncEnumerable<CrmDealPage> ReadChangedDealsAsync(ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadChangedDealsAsync(since, fields, cancellationToken);

        public Task<IReadOnlyList<CrmPerson>> ReadByIdsAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByIdsAsync(ids, fields, cancellationToken);

        public Task<IReadOnlyList<CrmPerson>> ReadByEmailsAsync(IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByEmailsAsync(emails, fields, cancellationToken);

        public Task<IReadOnlyList<CrmPerson>> ReadByMarketingIdsAsync(IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByMarketingIdsAsync(marketingIds, fields, cancellationToken);

        public async Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
        {
            var passing = updates.Where(u => !faults.FailUpdatesOf.Contains(u.Id)).ToList();
            var outcomes = passing.Count == 0 ? [] : await inner.UpdateAsync(passing, cancellationToken);
            var results = new List<WriteOutcome>(updates.Count);
            var next = 0;
            foreach (var update in updates)
            {
                if (faults.FailUpdatesOf.Contains(update.Id))
                {
                    results.Add(new WriteOutcome(update.Id, false, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "injected by the test"));
                    continue;
                }

                var outcome = outcomes[next++];
                if (outcome.Success && update.Owner?.OwnerId is { } owner)
                {
                    lock (faults.OwnerWrites)
                    {
                        faults.OwnerWrites.Add((update.Id, owner));
                    }
                }

                results.Add(outcome);
            }

            return results;
        }

        public Task<IReadOnlyList<WriteOutcome>> CreateLeadsAsync(IReadOnlyList<CrmLeadCreate> creates, CancellationToken cancellationToken) =>
            inner.CreateLeadsAsync(creates, cancellationToken);

        public Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken)
        {
            if (faults.ThrowOnTaskCalls > 0)
            {
                faults.ThrowOnTaskCalls--;
                throw new ExternalApiException(SystemRole.Crm, "Salesforce", ApiErrorKind.Transient, 503, "SERVER_UNAVAILABLE", "injected: the process died before the Task was created");
            }

            return inner.CreateTasksAsync(tasks, cancellationToken);
        }

        public Task<IReadOnlyList<CrmUser>> GetUsersAsync(CancellationToken cancellationToken) => inner.GetUsersAsync(cancellationToken);

        public Task<IReadOnlyList<CrmQueue>> GetLeadQueuesAsync(CancellationToken cancellationToken) => inner.GetLeadQueuesAsync(cancellationToken);

        public Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken) => inner.GetFieldsAsync(cancellationToken);

        public Task<ApiQuota> GetDailyQuotaAsync(CancellationToken cancellationToken) => inner.GetDailyQuotaAsync(cancellationToken);

        public Task<IReadOnlyList<string>> CheckIdempotentCreatesAsync(CancellationToken cancellationToken) => inner.CheckIdempotentCreatesAsync(cancellationToken);
    }
}
