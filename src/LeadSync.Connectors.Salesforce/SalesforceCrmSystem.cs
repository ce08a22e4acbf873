using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Salesforce;

/// <summary>
/// <see cref="ICrmSystem"/> over the Salesforce REST API. Only translates: SOQL, paging, sObject Collections batching
/// and the daily-quota guard; every decision about what to read or write belongs to the engine.
/// </summary>
public sealed partial class SalesforceCrmSystem : ICrmSystem
{
    /// <summary>sObject Collections accept at most 200 records per call.</summary>
    public const int WriteChunkSize = 200;

    /// <summary>Ids per <c>WHERE Id IN (...)</c>: keeps the URL far below Salesforce's ~16 KB limit.</summary>
    public const int IdChunkSize = 200;

    /// <summary>Characters of quoted emails per query; URL encoding at most triples them, still under ~16 KB.</summary>
    private const int MaxInListLength = 4000;

    private readonly SalesforceOptions options;
    private readonly Func<ISalesforceApi> api;
    private readonly SalesforceConnectionState state;
    private readonly string queryOptions;

    public SalesforceCrmSystem(SalesforceOptions options, Func<ISalesforceApi> api, SalesforceConnectionState state)
    {
        this.options = options;
        this.api = api;
        this.state = state;
        queryOptions = string.Create(CultureInfo.InvariantCulture, $"batchSize={options.QueryBatchSize}");
    }

    public ApiQuota? LastObservedQuota => state.LastObservedQuota;

    public long CallCount => state.CallCount;

    public long ThrottledCount => state.ThrottledCount;

    private string Version => options.ApiVersion;

    public async IAsyncEnumerable<IReadOnlyList<CrmLead>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        var soql = $"SELECT {LeadFieldList(fields)} FROM Lead WHERE SystemModstamp >= {Soql.DateTime(since.ModifiedAt)} ORDER BY SystemModstamp, Id";
        await foreach (var page in QueryPagesAsync(soql, SalesforceRecords.ToLead, cancellationToken))
        {
            // The SOQL literal is truncated to seconds and >= includes the cursor itself: drop what the cursor already covered.
            var fresh = page.Where(lead => IsAfter(lead, since)).ToList();
            if (fresh.Count > 0)
            {
                yield return fresh;
            }
        }
    }

    public async Task<IReadOnlyList<CrmLead>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var invalid = distinct.Count(id => !IdPattern().IsMatch(id));
        if (invalid > 0)
        {
            throw new ArgumentException($"{invalid} id(s) are not 15- or 18-character Salesforce ids.", nameof(ids));
        }

        var fieldList = LeadFieldList(fields);
        var leads = new List<CrmLead>();
        foreach (var chunk in distinct.Chunk(IdChunkSize))
        {
            var soql = $"SELECT {fieldList} FROM Lead WHERE Id IN ({string.Join(", ", chunk.Select(Soql.Quote))})";
            leads.AddRange(await QueryAllAsync(soql, SalesforceRecords.ToLead, cancellationToken));
        }

        return leads;
    }

    public async Task<IReadOnlyList<CrmLead>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var fieldList = LeadFieldList(fields);
        var leads = new List<CrmLead>();
        var quoted = emails
            // A control character cannot be part of a stored Salesforce email, so such a value cannot match anything.
            .Where(email => !string.IsNullOrWhiteSpace(email) && !email.Any(char.IsControl))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(Soql.Quote);
        foreach (var chunk in ChunkByLength(quoted))
        {
            var soql = $"SELECT {fieldList} FROM Lead WHERE Email IN ({string.Join(", ", chunk)})";
            leads.AddRange(await QueryAllAsync(soql, SalesforceRecords.ToLead, cancellationToken));
        }

        return leads;
    }

    public Task<IReadOnlyList<WriteOutcome>> UpdateLeadsAsync(IReadOnlyList<RecordUpdate> updates, CancellationToken cancellationToken)
    {
        var invalid = updates.Count(u => !IdPattern().IsMatch(u.Id));
        if (invalid > 0)
        {
            throw new ArgumentException($"{invalid} update(s) do not carry a 15- or 18-character Salesforce id.", nameof(updates));
        }

        return WriteAsync(
            updates,
            u => SalesforceRecords.Record("Lead", u.Id, u.Values, state.LeadFieldTypes),
            u => u.Id,
            (body, ct) => api().UpdateCollectionAsync(Version, body, ct),
            cancellationToken);
    }

    public Task<IReadOnlyList<WriteOutcome>> CreateLeadsAsync(IReadOnlyList<RecordCreate> creates, CancellationToken cancellationToken) =>
        WriteAsync(
            creates,
            c => SalesforceRecords.Record("Lead", null, c.Values, state.LeadFieldTypes),
            _ => null,
            (body, ct) => api().CreateCollectionAsync(Version, body, ct),
            cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken) =>
        WriteAsync(
            tasks,
            TaskRecord,
            _ => null,
            (body, ct) => api().CreateCollectionAsync(Version, body, ct),
            cancellationToken);

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

    public async Task<IReadOnlyList<FieldMetadata>> DescribeLeadAsync(CancellationToken cancellationToken)
    {
        var fields = await SendAsync(
            ct => api().DescribeLeadAsync(Version, ct),
            (root, _) => root.GetProperty("fields").EnumerateArray().Select(field => new FieldMetadata(
                field.GetProperty("name").GetString() ?? string.Empty,
                field.GetProperty("type").GetString() ?? string.Empty,
                field.TryGetProperty("updateable", out var updateable) && updateable.ValueKind == JsonValueKind.True,
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

    private static JsonObject TaskRecord(CrmTask task) => new()
    {
        ["attributes"] = new JsonObject { ["type"] = "Task" },
        ["Subject"] = task.Subject,
        ["WhoId"] = task.WhoId,
        ["OwnerId"] = task.OwnerId,
        ["Status"] = task.Status,
        ["Priority"] = task.Priority,
        ["ActivityDate"] = task.ActivityDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Description"] = task.Description,
    };

    private static bool IsAfter(CrmLead lead, ChangeCursor since)
    {
        var order = lead.ModifiedAt.CompareTo(since.ModifiedAt);
        return order > 0 || (order == 0 && (since.LastId is null || string.CompareOrdinal(lead.Id, since.LastId) > 0));
    }

    private static string LeadFieldList(IReadOnlyCollection<string> fields)
    {
        var list = new List<string> { "Id", "SystemModstamp" };
        var seen = new HashSet<string>(list, StringComparer.OrdinalIgnoreCase);
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
                outcomes.AddRange(await SendAsync(ct => send(body, ct), (root, response) => SalesforceRecords.ToOutcomes(root, ids, response), cancellationToken));
            }
            catch (ExternalApiException ex) when (outcomes.Count > 0)
            {
                // Earlier chunks are already written: report them, and the rest as failed, so the engine knows exactly what landed.
                outcomes.AddRange(inputs.Skip(outcomes.Count).Select(input => new WriteOutcome(inputId(input), false, ex.ErrorCode, ex.ApiMessage)));
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
