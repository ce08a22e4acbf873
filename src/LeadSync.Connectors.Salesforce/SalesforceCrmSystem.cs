using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Salesforce;

/// <summary>
/// <see cref="ICrmSystem"/> over the Salesforce REST API. Only translates: the Lead's field names and id formats, SOQL,
/// paging, sObject Collections batching and the daily-quota guard; every decision about what to read or write belongs
/// to the engine.
/// </summary>
public sealed partial class SalesforceCrmSystem : ICrmSystem
{
    /// <summary>sObject Collections accept at most 200 records per call.</summary>
    public const int WriteChunkSize = 200;

    /// <summary>Ids per <c>WHERE Id IN (...)</c>: keeps the URL far below Salesforce's ~16 KB limit.</summary>
    public const int IdChunkSize = 200;

    /// <summary>The line a keyed task's Description ends with, followed by the key (see <see cref="CreateTasksAsync"/>).</summary>
    public const string TaskKeyLinePrefix = "LeadSync key: ";

    /// <summary>Characters of quoted emails per query; URL encoding at most triples them, still under ~16 KB.</summary>
    private const int MaxInListLength = 4000;

    /// <summary>The standard Lead fields behind the typed values of <see cref="CrmPerson"/>; every org has them.</summary>
    private static readonly string[] StandardLeadFields =
        ["Id", "SystemModstamp", "Email", "FirstName", "LastName", "Company", "Status", "OwnerId", "IsConverted", "LeadSource", "LastActivityDate", "ConvertedOpportunityId"];

    /// <summary>What the engine needs of a converted lead's deal (all standard Opportunity fields).</summary>
    private const string OpportunityFields = "Id, StageName, IsClosed, IsWon, Amount, CloseDate, SystemModstamp";

    private readonly SalesforceOptions options;
    private readonly SalesforceLeadSchema schema;
    private readonly Func<ISalesforceApi> api;
    private readonly SalesforceConnectionState state;
    private readonly string queryOptions;
    private readonly string[] coreLeadFields;

    public SalesforceCrmSystem(SalesforceOptions options, SalesforceLeadSchema schema, Func<ISalesforceApi> api, SalesforceConnectionState state)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        schema.EnsureValid();
        this.options = options;
        this.schema = schema;
        this.api = api;
        this.state = state;
        queryOptions = string.Create(CultureInfo.InvariantCulture, $"batchSize={options.QueryBatchSize}");
        coreLeadFields = [.. StandardLeadFields, schema.MarketingIdField, schema.ScoreField, schema.GradeField];
        CoreFields = new CoreFieldNames(
            Status: "Status", Stage: null, Owner: "OwnerId", Score: schema.ScoreField, Grade: schema.GradeField, CrossReference: schema.MarketingIdField);
    }

    public string SystemName => SalesforceErrors.Product;

    public CoreFieldNames CoreFields { get; }

    /// <summary>The Lead fields this connection's typed values and idempotent creates use.</summary>
    public SalesforceLeadSchema Schema => schema;

    public ApiQuota? LastObservedQuota => state.LastObservedQuota;

    public long CallCount => state.CallCount;

    public long ThrottledCount => state.ThrottledCount;

    private string Version => options.ApiVersion;

    public async IAsyncEnumerable<IReadOnlyList<CrmPerson>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        var soql = $"SELECT {LeadFieldList(fields)} FROM Lead WHERE SystemModstamp >= {Soql.DateTime(since.ModifiedAt)} ORDER BY SystemModstamp, Id";
        await foreach (var page in QueryPagesAsync(soql, ToPerson, cancellationToken))
        {
            // The SOQL literal is truncated to seconds and >= includes the cursor itself: drop what the cursor already covered.
            var fresh = page.Where(lead => IsAfter(lead, since)).ToList();
            if (fresh.Count > 0)
            {
                yield return await WithOpportunitiesAsync(fresh, cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<CrmPerson>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        EnsureSalesforceIds(distinct, nameof(ids));
        var fieldList = LeadFieldList(fields);
        var leads = new List<CrmPerson>();
        foreach (var chunk in distinct.Chunk(IdChunkSize))
        {
            var soql = $"SELECT {fieldList} FROM Lead WHERE Id IN ({string.Join(", ", chunk.Select(Soql.Quote))})";
            leads.AddRange(await QueryAllAsync(soql, ToPerson, cancellationToken));
        }

        return await WithOpportunitiesAsync(leads, cancellationToken);
    }

    public async Task<IReadOnlyList<CrmPerson>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var fieldList = LeadFieldList(fields);
        var leads = new List<CrmPerson>();
        var quoted = emails
            // A control character cannot be part of a stored Salesforce email, so such a value cannot match anything.
            .Where(email => !string.IsNullOrWhiteSpace(email) && !email.Any(char.IsControl))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(Soql.Quote);
        foreach (var chunk in ChunkByLength(quoted))
        {
            var soql = $"SELECT {fieldList} FROM Lead WHERE Email IN ({string.Join(", ", chunk)})";
            leads.AddRange(await QueryAllAsync(soql, ToPerson, cancellationToken));
        }

        return await WithOpportunitiesAsync(leads, cancellationToken);
    }

    /// <summary>
    /// Opportunities by <c>SystemModstamp</c> (the cursor), then the converted leads that point at them
    /// (<c>Lead.ConvertedOpportunityId IN (...)</c>, 200 per query): two queries per page of deals, and none beyond the
    /// first when nothing changed. A deal created in the CRM without a lead has no lead to move and is skipped.
    /// </summary>
    public async IAsyncEnumerable<CrmDealPage> ReadChangedDealsAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        var soql = $"SELECT {OpportunityFields} FROM Opportunity WHERE SystemModstamp >= {Soql.DateTime(since.ModifiedAt)} ORDER BY SystemModstamp, Id";
        var fieldList = LeadFieldList(fields);
        await foreach (var page in QueryPagesAsync(soql, (record, response) => SalesforceRecords.ToOpportunity(record, response, string.Empty), cancellationToken))
        {
            var fresh = page.Where(deal => IsAfter(deal.ModifiedAt, deal.Id, since)).ToList();
            if (fresh.Count == 0)
            {
                continue;
            }

            var deals = fresh.GroupBy(d => d.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            var leads = new List<CrmPerson>();
            foreach (var chunk in deals.Keys.Chunk(IdChunkSize))
            {
                var byDeal = $"SELECT {fieldList} FROM Lead WHERE ConvertedOpportunityId IN ({string.Join(", ", chunk.Select(Soql.Quote))})";
                foreach (var lead in await QueryAllAsync(byDeal, ToPerson, cancellationToken))
                {
                    if (lead.IsConverted && OpportunityIdOf(lead) is { } id && deals.TryGetValue(id, out var deal))
                    {
                        leads.Add(lead with { Opportunity = deal with { LeadId = lead.Id } });
                    }
                }
            }

            yield return new CrmDealPage(leads, new ChangeCursor(fresh[^1].ModifiedAt, fresh[^1].Id));
        }
    }

    /// <summary>Leads whose cross-reference field (the schema's MarketingIdField) is one of <paramref name="marketingIds"/>.</summary>
    public async Task<IReadOnlyList<CrmPerson>> ReadByMarketingIdsAsync(
        IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var fieldList = LeadFieldList(fields);
        var leads = new List<CrmPerson>();
        var quoted = marketingIds
            .Where(id => !string.IsNullOrWhiteSpace(id) && !id.Any(char.IsControl))
            .Distinct(StringComparer.Ordinal)
            .Select(Soql.Quote);
        foreach (var chunk in ChunkByLength(quoted))
        {
            var soql = $"SELECT {fieldList} FROM Lead WHERE {Schema.MarketingIdField} IN ({string.Join(", ", chunk)})";
            leads.AddRange(await QueryAllAsync(soql, ToPerson, cancellationToken));
        }

        return await WithOpportunitiesAsync(leads, cancellationToken);
    }

    /// <summary>
    /// sObject Collections PATCH (200 per call, allOrNone=false, Sforce-Auto-Assign: FALSE so the org's assignment rule
    /// does not take the owner back). Empty updates are not sent and succeed.
    /// </summary>
    public async Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var invalid = updates.Count(u => !IdPattern().IsMatch(u.Id));
        if (invalid > 0)
        {
            throw new ArgumentException($"{invalid} update(s) do not carry a 15- or 18-character Salesforce id.", nameof(updates));
        }

        var sent = await WriteAsync(
            updates.Where(u => !u.IsEmpty).ToList(),
            u => SalesforceRecords.Record("Lead", u.Id, UpdateValues(u), state.LeadFieldTypes),
            u => u.Id,
            createdWhenUnsaid: false,
            (body, ct) => api().UpdateCollectionAsync(Version, body, ct),
            cancellationToken);
        return Merge(updates, u => u.IsEmpty ? WriteOutcome.Ok(u.Id) : null, sent);
    }

    /// <summary>
    /// Idempotent creates: an sObject Collections upsert on <see cref="SalesforceLeadSchema.ExternalKeyField"/> with
    /// <see cref="CrmLeadCreate.Key"/>. No lead with the key → created (<see cref="WriteOutcome.Created"/> true); a lead
    /// with it (a retry after a lost response) → that lead, updated with the same values, Created false.
    /// </summary>
    public Task<IReadOnlyList<WriteOutcome>> CreateLeadsAsync(IReadOnlyList<CrmLeadCreate> creates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(creates);
        if (creates.Any(c => string.IsNullOrWhiteSpace(c.Key)))
        {
            throw new ArgumentException("Every lead create needs a key (it is the External ID the lead is created by).", nameof(creates));
        }

        return WriteAsync(
            creates,
            c => SalesforceRecords.Record("Lead", null, CreateValues(c), state.LeadFieldTypes),
            _ => null,
            createdWhenUnsaid: false,
            (body, ct) => api().UpsertLeadCollectionAsync(Version, schema.ExternalKeyField, body, ct),
            cancellationToken);
    }

    /// <summary>
    /// Creates tasks (sObject Collections POST, 200 per call). A task with an <see cref="CrmTask.IdempotencyKey"/> gets
    /// the line <c>LeadSync key: {key}</c> at the end of its Description, and before creating, the tasks already on
    /// those leads are read (<see cref="FindTasksByKeyAsync"/>): a task whose lead already has one with that key is not
    /// created again; its outcome is that task, Created false.
    /// </summary>
    /// <remarks>
    /// Task has no External ID LeadSync can rely on (the org would need one more custom field), so this is a lookup,
    /// not an upsert. The trade-offs: one more query per 200 leads in every call with keyed tasks; the lookup reads
    /// every task of those leads (Description is a long text area SOQL cannot filter on, so the key is matched here);
    /// a rep who deletes the key line from the Description makes the next retry create a second task; and the check
    /// and the create are two calls, which is safe only because one connection's cycle runs in one worker at a time.
    /// </remarks>
    public async Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Any(t => t.IdempotencyKey is { } key && (key.Trim().Length == 0 || key.Trim() != key || key.Any(char.IsControl))))
        {
            throw new ArgumentException("A task's idempotency key must be non-empty, without surrounding spaces or control characters.", nameof(tasks));
        }

        var existing = new Dictionary<(string Who, string Key), string>();
        var keyedWhoIds = tasks.Where(t => t.IdempotencyKey is not null && IdPattern().IsMatch(t.WhoId)).Select(t => t.WhoId).ToList();
        if (keyedWhoIds.Count > 0)
        {
            foreach (var task in await FindTasksByKeyAsync(keyedWhoIds, cancellationToken))
            {
                existing.TryAdd((Id15(task.WhoId), task.Key), task.Id);
            }
        }

        string? Found(CrmTask task) =>
            task.IdempotencyKey is { } key && existing.TryGetValue((Id15(task.WhoId), key), out var id) ? id : null;

        var created = await WriteAsync(
            tasks.Where(t => Found(t) is null).ToList(),
            TaskRecord,
            _ => null,
            createdWhenUnsaid: true,
            (body, ct) => api().CreateCollectionAsync(Version, body, ct),
            cancellationToken);
        return Merge(tasks, t => Found(t) is { } id ? new WriteOutcome(id, true, Created: false) : null, created);
    }

    /// <summary>
    /// The tasks on the given leads (or contacts) whose Description carries a <c>LeadSync key:</c> line, one query
    /// per 200 ids. SOQL cannot filter a long text area, so every task of those records is read and the key is matched here.
    /// </summary>
    public async Task<IReadOnlyList<SalesforceKeyedTask>> FindTasksByKeyAsync(IReadOnlyCollection<string> whoIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whoIds);
        var distinct = whoIds.Distinct(StringComparer.Ordinal).ToList();
        EnsureSalesforceIds(distinct, nameof(whoIds));
        var found = new List<SalesforceKeyedTask>();
        foreach (var chunk in distinct.Chunk(IdChunkSize))
        {
            var soql = $"SELECT Id, WhoId, Description FROM Task WHERE WhoId IN ({string.Join(", ", chunk.Select(Soql.Quote))})";
            var tasks = await QueryAllAsync(
                soql,
                (record, _) => (
                    Id: record.TryGetProperty("Id", out var id) ? id.GetString() : null,
                    WhoId: record.TryGetProperty("WhoId", out var who) ? SalesforceRecords.Render(who) : null,
                    Key: record.TryGetProperty("Description", out var description) ? KeyOf(SalesforceRecords.Render(description)) : null),
                cancellationToken);
            found.AddRange(tasks
                .Where(t => t.Id is not null && t.WhoId is not null && t.Key is not null)
                .Select(t => new SalesforceKeyedTask(t.Id!, t.WhoId!, t.Key!)));
        }

        return found;
    }

    public async Task<IReadOnlyList<CrmUser>> GetUsersAsync(CancellationToken cancellationToken) =>
        await QueryAllAsync(
            "SELECT Id, Name, Email, IsActive FROM User",
            (record, _) => new CrmUser(
                record.GetProperty("Id").GetString() ?? string.Empty,
                SalesforceRecords.Render(record.GetProperty("Name")) ?? string.Empty,
                record.TryGetProperty("Email", out var email) ? SalesforceRecords.Render(email) : null,
                record.TryGetProperty("IsActive", out var active) && active.ValueKind == JsonValueKind.True),
            cancellationToken);

    public async Task<IReadOnlyList<CrmQueue>> GetLeadQueuesAsync(CancellationToken cancellationToken) =>
        await QueryAllAsync(
            "SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Queue'",
            (record, _) => new CrmQueue(
                record.GetProperty("Id").GetString() ?? string.Empty,
                SalesforceRecords.Render(record.GetProperty("Name")) ?? string.Empty,
                SalesforceRecords.Render(record.GetProperty("DeveloperName")) ?? string.Empty),
            cancellationToken);

    public async Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken) =>
        [.. (await DescribeLeadAsync(cancellationToken)).Select(f => new FieldMetadata(f.Name, f.Type, f.Updateable, f.PicklistValues, f.ExternalId))];

    /// <summary>The Lead describe with every flag the connector reads (External ID and Unique included); remembers the field types for typed writes.</summary>
    public async Task<IReadOnlyList<SalesforceLeadField>> DescribeLeadAsync(CancellationToken cancellationToken)
    {
        static bool Flag(JsonElement field, string name) => field.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

        var fields = await SendAsync(
            ct => api().DescribeLeadAsync(Version, ct),
            (root, _) => root.GetProperty("fields").EnumerateArray().Select(field => new SalesforceLeadField(
                field.GetProperty("name").GetString() ?? string.Empty,
                field.GetProperty("type").GetString() ?? string.Empty,
                Flag(field, "updateable"),
                Flag(field, "createable"),
                Flag(field, "externalId"),
                Flag(field, "unique"),
                field.TryGetProperty("picklistValues", out var values) && values.ValueKind == JsonValueKind.Array
                    ? values.EnumerateArray()
                        .Where(v => !v.TryGetProperty("active", out var a) || a.ValueKind != JsonValueKind.False)
                        .Select(v => v.GetProperty("value").GetString() ?? string.Empty)
                        .ToList()
                    : [])).ToList(),
            cancellationToken);

        foreach (var field in fields)
        {
            state.LeadFieldTypes[field.Name] = field.Type;
        }

        return fields;
    }

    /// <summary>For <c>validate-config --live</c>: the External ID field leads are created by, as the org has it.</summary>
    public async Task<SalesforceExternalKeyCheck> CheckExternalKeyAsync(CancellationToken cancellationToken) =>
        schema.CheckExternalKey(await DescribeLeadAsync(cancellationToken));

    public async Task<IReadOnlyList<string>> CheckIdempotentCreatesAsync(CancellationToken cancellationToken) =>
        (await CheckExternalKeyAsync(cancellationToken)).Problems;

    public async Task<ApiQuota> GetDailyQuotaAsync(CancellationToken cancellationToken)
    {
        var quota = await SendAsync(
            ct => api().LimitsAsync(Version, ct),
            (root, _) =>
            {
                var daily = root.GetProperty("DailyApiRequests");
                return new ApiQuota(daily.GetProperty("Max").GetInt64(), daily.GetProperty("Remaining").GetInt64());
            },
            cancellationToken);
        state.ObserveQuota(quota);
        return quota;
    }

    /// <summary>The mapped fields as given, then the typed values in their fields (a typed value wins over a mapped field of the same name).</summary>
    private Dictionary<string, string?> UpdateValues(CrmUpdate update)
    {
        var values = new Dictionary<string, string?>(update.Fields, StringComparer.OrdinalIgnoreCase);
        if (update.Status is { } status)
        {
            values["Status"] = status;
        }

        if (update.Owner is { } owner)
        {
            values["OwnerId"] = owner.OwnerId;
        }

        if (update.MarketingId is { } marketingId)
        {
            values[schema.MarketingIdField] = marketingId;
        }

        if (update.Score is { } score)
        {
            SetScore(values, score);
        }

        return values;
    }

    /// <summary>
    /// A create's record: mapped fields, then the typed values, then the key. Typed values that are null are left out, so
    /// a retry that finds the lead does not clear what someone set on it meanwhile. The record never has an Id (upsert).
    /// </summary>
    private Dictionary<string, string?> CreateValues(CrmLeadCreate create)
    {
        var values = new Dictionary<string, string?>(create.Fields, StringComparer.OrdinalIgnoreCase);
        void Set(string field, string? value)
        {
            if (value is not null)
            {
                values[field] = value;
            }
        }

        Set("Email", create.Email);
        Set("FirstName", create.FirstName);
        Set("LastName", create.LastName);
        Set("Company", create.Company);
        Set("Status", create.Status);
        Set("OwnerId", create.OwnerId);
        Set(schema.MarketingIdField, create.MarketingId);
        SetScore(values, create.Score);
        values[schema.ExternalKeyField] = create.Key;
        return values;
    }

    private void SetScore(Dictionary<string, string?> values, ScoreWrite score)
    {
        values[schema.ScoreField] = score.Score.ToString(CultureInfo.InvariantCulture);
        values[schema.GradeField] = score.Grade;
    }

    private static JsonObject TaskRecord(CrmTask task) => new()
    {
        ["attributes"] = new JsonObject { ["type"] = "Task" },
        ["Subject"] = task.Subject,
        ["WhoId"] = task.WhoId,
        ["OwnerId"] = task.OwnerId,
        ["Status"] = task.Status,
        ["Priority"] = task.Priority,
        ["ActivityDate"] = task.ActivityDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Description"] = TaskDescription(task),
    };

    /// <summary>The description, and for a keyed task the key line at its end (after a blank line).</summary>
    internal static string TaskDescription(CrmTask task)
    {
        if (task.IdempotencyKey is not { } key)
        {
            return task.Description;
        }

        var line = TaskKeyLinePrefix + key;
        var text = task.Description?.TrimEnd() ?? string.Empty;
        return text.Length == 0 ? line : $"{text}\n\n{line}";
    }

    /// <summary>The key of the last <c>LeadSync key:</c> line of a description, if any.</summary>
    internal static string? KeyOf(string? description)
    {
        if (string.IsNullOrEmpty(description))
        {
            return null;
        }

        string? key = null;
        foreach (var raw in description.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith(TaskKeyLinePrefix, StringComparison.Ordinal) && line.Length > TaskKeyLinePrefix.Length)
            {
                key = line[TaskKeyLinePrefix.Length..];
            }
        }

        return key;
    }

    /// <summary>A 15-character id is the 18-character one without its case-safe suffix: compare on the first 15.</summary>
    private static string Id15(string id) => id.Length == 18 ? id[..15] : id;

    /// <summary>Outcomes in input order: decided ones where <paramref name="decided"/> gives one, the sent ones in turn for the rest.</summary>
    private static List<WriteOutcome> Merge<T>(IReadOnlyList<T> inputs, Func<T, WriteOutcome?> decided, IReadOnlyList<WriteOutcome> sent)
    {
        var outcomes = new List<WriteOutcome>(inputs.Count);
        var next = 0;
        foreach (var input in inputs)
        {
            outcomes.Add(decided(input) ?? sent[next++]);
        }

        return outcomes;
    }

    private CrmPerson ToPerson(JsonElement record, HttpResponseMessage response) => SalesforceRecords.ToPerson(record, response, schema);

    private static void EnsureSalesforceIds(IEnumerable<string> ids, string parameter)
    {
        var invalid = ids.Count(id => !IdPattern().IsMatch(id));
        if (invalid > 0)
        {
            throw new ArgumentException($"{invalid} id(s) are not 15- or 18-character Salesforce ids.", parameter);
        }
    }

    private static bool IsAfter(CrmPerson lead, ChangeCursor since) => IsAfter(lead.ModifiedAt, lead.Id, since);

    private static bool IsAfter(DateTimeOffset modifiedAt, string id, ChangeCursor since)
    {
        var order = modifiedAt.CompareTo(since.ModifiedAt);
        return order > 0 || (order == 0 && (since.LastId is null || string.CompareOrdinal(id, since.LastId) > 0));
    }

    private static string? OpportunityIdOf(CrmPerson lead) =>
        lead.Fields.TryGetValue("ConvertedOpportunityId", out var id) && !string.IsNullOrEmpty(id) ? id : null;

    /// <summary>
    /// Sets the deal of every converted lead that has one: its opportunities read by id, 200 per query (a query of 200
    /// quoted 18-character ids is about 4,500 characters, far below the URL limit). No query when no lead is converted.
    /// </summary>
    private async Task<List<CrmPerson>> WithOpportunitiesAsync(List<CrmPerson> leads, CancellationToken cancellationToken)
    {
        var ids = leads.Where(l => l.IsConverted).Select(OpportunityIdOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return leads;
        }

        EnsureSalesforceIds(ids, nameof(leads));
        var deals = new Dictionary<string, CrmOpportunity>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(IdChunkSize))
        {
            var soql = $"SELECT {OpportunityFields} FROM Opportunity WHERE Id IN ({string.Join(", ", chunk.Select(Soql.Quote))})";
            foreach (var deal in await QueryAllAsync(soql, (record, response) => SalesforceRecords.ToOpportunity(record, response, string.Empty), cancellationToken))
            {
                deals[deal.Id] = deal;
            }
        }

        return [.. leads.Select(l => l.IsConverted && OpportunityIdOf(l) is { } id && deals.TryGetValue(id, out var deal)
            ? l with { Opportunity = deal with { LeadId = l.Id } }
            : l)];
    }

    /// <summary>The fields the typed values need, then the ones the rules name (validated: they come from admin configuration).</summary>
    private string LeadFieldList(IReadOnlyCollection<string> fields)
    {
        var list = new List<string>(coreLeadFields.Length + fields.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in coreLeadFields)
        {
            if (seen.Add(field))
            {
                list.Add(field);
            }
        }

        foreach (var field in fields)
        {
            if (!FieldPattern().IsMatch(field))
            {
                // Field names come from admin configuration; anything else would let config rewrite the query.
                throw new ArgumentException($"'{field}' is not a valid Salesforce field name.", nameof(fields));
            }

            if (seen.Add(field))
            {
                list.Add(field);
            }
        }

        return string.Join(", ", list);
    }

    private static IEnumerable<List<string>> ChunkByLength(IEnumerable<string> literals)
    {
        var chunk = new List<string>();
        var length = 0;
        foreach (var literal in literals)
        {
            if (chunk.Count > 0 && (chunk.Count >= IdChunkSize || length + literal.Length + 2 > MaxInListLength))
            {
                yield return chunk;
                chunk = [];
                length = 0;
            }

            chunk.Add(literal);
            length += literal.Length + 2;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private async Task<IReadOnlyList<WriteOutcome>> WriteAsync<T>(
        IReadOnlyList<T> inputs,
        Func<T, JsonObject> toRecord,
        Func<T, string?> inputId,
        bool createdWhenUnsaid,
        Func<JsonObject, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        var outcomes = new List<WriteOutcome>(inputs.Count);
        foreach (var chunk in inputs.Chunk(WriteChunkSize))
        {
            var ids = chunk.Select(inputId).ToList();
            try
            {
                state.EnsureWriteAllowed();
                var records = new JsonArray();
                foreach (var input in chunk)
                {
                    records.Add(toRecord(input));
                }

                var body = new JsonObject { ["allOrNone"] = false, ["records"] = records };
                outcomes.AddRange(await SendAsync(ct => send(body, ct), (root, response) => SalesforceRecords.ToOutcomes(root, ids, createdWhenUnsaid, response), cancellationToken));
            }
            catch (ExternalApiException ex) when (outcomes.Count > 0 && ex.Kind == ApiErrorKind.Rejected)
            {
                // The request of this chunk was refused as invalid: its records failed; the next chunks are still sent.
                outcomes.AddRange(chunk.Select(input => new WriteOutcome(inputId(input), false, ex.ErrorCode, ex.ApiMessage)));
            }
            catch (ExternalApiException ex) when (outcomes.Count > 0)
            {
                // Earlier chunks are already written: report them, and the rest as unknown (an answer lost or unreadable,
                // a limit), so the engine knows exactly what landed and reads back the rest.
                outcomes.AddRange(inputs.Skip(outcomes.Count).Select(input => WriteOutcome.Unknown(inputId(input), ex.ErrorCode, ex.ApiMessage)));
                break;
            }
        }

        return outcomes;
    }

    private async Task<List<T>> QueryAllAsync<T>(string soql, Func<JsonElement, HttpResponseMessage, T> convert, CancellationToken cancellationToken)
    {
        var all = new List<T>();
        await foreach (var page in QueryPagesAsync(soql, convert, cancellationToken))
        {
            all.AddRange(page);
        }

        return all;
    }

    private async IAsyncEnumerable<List<T>> QueryPagesAsync<T>(
        string soql, Func<JsonElement, HttpResponseMessage, T> convert, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = await SendAsync(ct => api().QueryAsync(Version, soql, queryOptions, ct), (root, response) => ParsePage(root, response, convert), cancellationToken);
        yield return page.Records;
        while (page.NextLocator is { } locator)
        {
            page = await SendAsync(ct => api().QueryMoreAsync(Version, locator, queryOptions, ct), (root, response) => ParsePage(root, response, convert), cancellationToken);
            yield return page.Records;
        }
    }

    private static QueryPage<T> ParsePage<T>(JsonElement root, HttpResponseMessage response, Func<JsonElement, HttpResponseMessage, T> convert)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            throw SalesforceErrors.Malformed("a query response without a records array", response);
        }

        var items = records.EnumerateArray().Select(record => convert(record, response)).ToList();
        string? locator = null;
        var done = !root.TryGetProperty("done", out var doneElement) || doneElement.ValueKind != JsonValueKind.False;
        if (!done && root.TryGetProperty("nextRecordsUrl", out var next) && next.ValueKind == JsonValueKind.String)
        {
            var url = next.GetString() ?? string.Empty;
            locator = url[(url.LastIndexOf('/') + 1)..];
            if (!LocatorPattern().IsMatch(locator))
            {
                throw SalesforceErrors.Malformed("nextRecordsUrl does not end in a query locator", response);
            }
        }
        else if (!done)
        {
            throw SalesforceErrors.Malformed("done is false but nextRecordsUrl is missing", response);
        }

        return new QueryPage<T>(items, locator);
    }

    private async Task<T> SendAsync<T>(
        Func<CancellationToken, Task<HttpResponseMessage>> call,
        Func<JsonElement, HttpResponseMessage, T> read,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await call(cancellationToken);
        }
        catch (Refit.ApiRequestException ex) when (ex.InnerException is ExternalApiException inner)
        {
            // Refit wraps what the handlers throw (token failures); the caller wants our exception, not Refit's wrapper.
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
        catch (Exception ex) when (SalesforceErrors.FromTransport(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await SalesforceErrors.FromResponseAsync(response, cancellationToken);
                if (error.Kind == ApiErrorKind.DailyLimitReached && state.LastObservedQuota is { } last)
                {
                    // The org is out of requests whatever the last header said: pause writes until /limits shows room.
                    state.ObserveQuota(last with { Remaining = 0 });
                }

                throw error;
            }

            JsonDocument document;
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                throw SalesforceErrors.Malformed("the body is not valid JSON", response, ex);
            }

            using (document)
            {
                try
                {
                    return read(document.RootElement, response);
                }
                catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
                {
                    throw SalesforceErrors.Malformed("the JSON does not have the expected shape", response, ex);
                }
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPattern();

    [GeneratedRegex("^[A-Za-z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex LocatorPattern();

    private sealed record QueryPage<T>(List<T> Records, string? NextLocator);
}
