using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using LeadSync.Connectors.Http;
using LeadSync.Connectors.Pardot.Api;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace LeadSync.Connectors.Pardot;

/// <summary>
/// <see cref="IMarketingPlatform"/> over Account Engagement (Pardot) API v5. Translates only: field names and JSON
/// types, the query envelope and its page tokens, the read cache, per-record writes, error codes. One instance per
/// connection; the HTTP pipeline behind it carries the headers, the token refresh, the concurrency limit and retries.
/// </summary>
public sealed class PardotMarketingPlatform : IMarketingPlatform
{
    private const string Product = PardotErrors.Product;
    private const string WarningHeader = "Pardot-Warning";

    /// <summary>Warning 203: "Record count for nextPageToken sequence has been exceeded. No page token returned." (facts §2, D(m)).</summary>
    private const string SequenceCapWarning = "203";

    private static readonly string[] TypedFields =
        [PardotFields.Id, PardotFields.Email, PardotFields.FirstName, PardotFields.LastName, PardotFields.Company, PardotFields.Source,
         PardotFields.SalesforceId, PardotFields.UpdatedAt];

    private static readonly string[] ActivityFields = ["id", "type", "prospectId", "emailId", "fileId", "formId", "details", "createdAt"];

    private const string LastActivityAt = "lastActivityAt";

    private readonly string _connection;
    private readonly Func<IPardotApi> _api;
    private readonly PardotOptions _options;
    private readonly PardotProspectSchema _schema;
    private readonly PardotConnectionState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, WrittenValues> _written = new(StringComparer.Ordinal);
    private long _writesPausedUntilTicks = -1;

    internal PardotMarketingPlatform(
        string connection,
        Func<IPardotApi> api,
        PardotOptions options,
        PardotProspectSchema schema,
        PardotConnectionState state,
        TimeProvider time,
        ILogger logger)
    {
        schema.EnsureValid();
        _connection = connection;
        _api = api;
        _options = options;
        _schema = schema;
        _state = state;
        _time = time;
        _logger = logger;
        // No cross-reference either: salesforceId is read (it is the link) but written only by the native connector.
        CoreFields = new CoreFieldNames(schema.StatusField, null, null, schema.ScoreField, schema.GradeField, null);
    }

    public string SystemName => Product;

    /// <summary>
    /// The schema's status, score and grade fields. No stage (lifecycle stages are computed by Account Engagement), no
    /// owner (assignment belongs to Salesforce) and no cross-reference LeadSync writes (salesforceId is the native
    /// connector's; the connector reads it as the link).
    /// </summary>
    public CoreFieldNames CoreFields { get; }

    /// <summary>With AMPSEA several prospects can share one email (facts §0.9): matching must not pick one of them.</summary>
    public bool EmailsMayRepeat => true;

    public long CallCount => _state.Attempts;

    public long ThrottledCount => _state.Throttled;

    /// <summary>The configured daily allowance minus the calls this process counted since it last reset.</summary>
    public ApiQuota? LastObservedQuota => new(_state.DailyLimit, Math.Max(0, _state.DailyLimit - _state.CallsToday));

    /// <summary>Until when writes are refused locally after code 122; null when writes are allowed.</summary>
    public DateTimeOffset? WritesPausedUntil
    {
        get
        {
            var ticks = Interlocked.Read(ref _writesPausedUntilTicks);
            return ticks < 0 || _time.GetUtcNow().UtcTicks >= ticks ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public override string ToString() => $"Pardot connector '{_connection}' ({_options.BaseUrl}, business unit {_options.BusinessUnitId})";

    // ---- Incremental read ---------------------------------------------------------------------

    /// <remarks>
    /// One query <c>updatedAtAfterOrEqualTo</c> the cursor, ordered by <c>updatedAt,id</c> (ties on the one-second
    /// timestamps are common), followed through <c>nextPageToken</c>. The query starts <see cref="PardotOptions.ReadCacheLag"/>
    /// before the cursor: v5 serves reads from a cache up to a minute behind, so a change made just before the last read
    /// can surface after it; the engine skips what it already settled, so the look-back costs no writes. Allowed
    /// <c>orderBy</c> fields for prospects are not documented (facts §2, T): each page is sorted here and a prospect is
    /// yielded at most once, so a different server order only reorders pages. A token sequence stops at 100,000 records
    /// (warning 203) and a token expires after 4 h (210/211): the read then re-anchors on the last timestamp it saw, and
    /// when one second alone fills a sequence it reads that second by id. Prospects in the recycle bin are not people:
    /// the query leaves them out (the default <c>deleted=false</c>) and any that come back flagged are dropped.
    /// </remarks>
    public async IAsyncEnumerable<IReadOnlyList<MarketingPerson>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        var fieldList = FieldList(fields);
        var start = since.ModifiedAt - _options.ReadCacheLag;
        var anchor = Floor(start < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : start);
        var yielded = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        var pinned = false;
        long? idFloor = null;
        (DateTimeOffset At, long Id)? last = null;

        while (true)
        {
            var query = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = fieldList };
            if (token is not null)
            {
                // With a token only fields may accompany it; anything else is a 400 (facts §2, D(m)).
                query["nextPageToken"] = token;
            }
            else if (pinned)
            {
                query["updatedAtAfterOrEqualTo"] = Timestamp(anchor);
                query["updatedAtBeforeOrEqualTo"] = Timestamp(anchor);
                if (idFloor is { } floor)
                {
                    query["idGreaterThan"] = floor.ToString(CultureInfo.InvariantCulture);
                }

                query["orderBy"] = "id";
                query["limit"] = Limit;
            }
            else
            {
                query["updatedAtAfterOrEqualTo"] = Timestamp(anchor);
                query["orderBy"] = "updatedAt,id";
                query["limit"] = Limit;
            }

            Page page;
            try
            {
                page = await QueryAsync("prospect query", (api, ct) => api.QueryProspectsAsync(query, ct), cancellationToken);
            }
            catch (ExternalApiException ex) when (token is not null && ex.ErrorCode is "210" or "211")
            {
                // The token expired or was refused: start a fresh query where the read got to.
                token = null;
                if (last is { } at && !pinned)
                {
                    anchor = Floor(at.At);
                }

                continue;
            }

            var people = new List<MarketingPerson>(page.Values.Count);
            foreach (var value in page.Values)
            {
                if (ToPerson(value) is { } person)
                {
                    people.Add(person);
                    var id = long.TryParse(person.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
                    var updatedAt = ParseTimestamp(Text(value, PardotFields.UpdatedAt)) ?? DateTimeOffset.UnixEpoch;
                    if (last is null || updatedAt > last.Value.At || (updatedAt == last.Value.At && id > last.Value.Id))
                    {
                        last = (updatedAt, id);
                    }
                }
            }

            var batch = SortForCursor(people.Where(p => yielded.Add(p.Id)));
            if (batch.Count > 0)
            {
                yield return await WithActivitiesAsync(batch, cancellationToken);
            }

            if (!string.IsNullOrEmpty(page.NextPageToken))
            {
                token = page.NextPageToken;
                continue;
            }

            token = null;
            if (page.Warnings.Any(w => w.StartsWith(SequenceCapWarning, StringComparison.Ordinal)) && last is { } reached)
            {
                var next = Floor(reached.At);
                Log.Reanchored(_logger, _connection, next);
                if (pinned || next <= anchor)
                {
                    // One second alone filled a whole sequence: read it by id, then go on after it.
                    pinned = true;
                    anchor = next;
                    idFloor = reached.Id;
                }
                else
                {
                    anchor = next;
                }

                continue;
            }

            if (pinned)
            {
                pinned = false;
                idFloor = null;
                anchor = anchor.AddSeconds(1);
                continue;
            }

            break;
        }

        if (_options.ActivitySignals.Count == 0)
        {
            yield break;
        }

        // New visitor activity need not move a prospect's updatedAt (not documented either way: T), so the prospects
        // active since the cursor are read as well, through the documented lastActivityAt filter.
        var activityQuery = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["fields"] = fieldList,
            ["lastActivityAtAfterOrEqualTo"] = Timestamp(Floor(start < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : start)),
            ["orderBy"] = "id",
            ["limit"] = Limit,
        };
        while (true)
        {
            var page = await QueryAsync("prospect query by activity", (api, ct) => api.QueryProspectsAsync(activityQuery, ct), cancellationToken);
            var batch = SortForCursor(page.Values.Select(ToPerson).OfType<MarketingPerson>().Where(p => yielded.Add(p.Id)));
            if (batch.Count > 0)
            {
                yield return await WithActivitiesAsync(batch, cancellationToken);
            }

            if (string.IsNullOrEmpty(page.NextPageToken))
            {
                yield break;
            }

            activityQuery = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = fieldList, ["nextPageToken"] = page.NextPageToken };
        }
    }

    private static List<MarketingPerson> SortForCursor(IEnumerable<MarketingPerson> people)
    {
        var list = people.ToList();
        list.Sort((a, b) =>
        {
            var byTime = a.ModifiedAt.CompareTo(b.ModifiedAt);
            return byTime != 0 ? byTime : CompareIds(a.Id, b.Id);
        });
        return list;
    }

    // ---- Reads by id and email ----------------------------------------------------------------

    /// <summary>v5 has no batch read: one GET per id, as many in flight as the business unit allows. 404 = absent (or in the recycle bin).</summary>
    public async Task<IReadOnlyList<MarketingPerson>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var fieldList = FieldList(fields);
        var valid = ids.Select(i => i.Trim()).Where(i => long.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out _)).Distinct(StringComparer.Ordinal).ToList();
        var reads = await Task.WhenAll(valid.Select(async id =>
        {
            var query = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = fieldList };
            var element = await ReadOneAsync("prospect read", (api, ct) => api.ReadProspectAsync(id, query, ct), cancellationToken);
            return element is { } e ? ToPerson(e) : null;
        }));
        return await WithActivitiesAsync([.. reads.OfType<MarketingPerson>()], cancellationToken);
    }

    /// <summary>
    /// One query per email. Email is not a key in Account Engagement (with AMPSEA several prospects can share one):
    /// every match is returned, and the engine refuses to guess between them.
    /// </summary>
    public async Task<IReadOnlyList<MarketingPerson>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var fieldList = FieldList(fields);
        var distinct = emails.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var results = await Task.WhenAll(distinct.Select(async email =>
        {
            var found = new List<MarketingPerson>();
            var query = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = fieldList, ["email"] = email, ["orderBy"] = "id", ["limit"] = Limit };
            while (true)
            {
                var page = await QueryAsync("prospect query by email", (api, ct) => api.QueryProspectsAsync(query, ct), cancellationToken);
                found.AddRange(page.Values.Select(ToPerson).OfType<MarketingPerson>());
                if (string.IsNullOrEmpty(page.NextPageToken))
                {
                    return found;
                }

                query = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = fieldList, ["nextPageToken"] = page.NextPageToken };
            }
        }));
        var people = results.SelectMany(r => r).GroupBy(p => p.Id, StringComparer.Ordinal).Select(g => g.First()).ToList();
        return await WithActivitiesAsync(people, cancellationToken);
    }

    // ---- Behaviour from visitor activities ----------------------------------------------------

    /// <summary>
    /// Adds each configured signal's count (and <c>{Field}_last</c>, the latest activity's time) to every person, from
    /// the prospect's visitor activities. One query per prospect (v5 has no aggregate): nothing is read when no
    /// signal is configured.
    /// </summary>
    private async Task<IReadOnlyList<MarketingPerson>> WithActivitiesAsync(List<MarketingPerson> people, CancellationToken cancellationToken)
    {
        if (_options.ActivitySignals.Count == 0 || people.Count == 0)
        {
            return people;
        }

        var withSignals = await Task.WhenAll(people.Select(async person =>
        {
            var activities = new List<JsonElement>();
            var query = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["fields"] = string.Join(',', ActivityFields),
                ["prospectId"] = person.Id,
                ["orderBy"] = "id",
                ["limit"] = "1000",
            };
            while (true)
            {
                var page = await QueryAsync("visitor activity query", (api, ct) => api.QueryVisitorActivitiesAsync(query, ct), cancellationToken);
                activities.AddRange(page.Values);
                if (string.IsNullOrEmpty(page.NextPageToken))
                {
                    break;
                }

                query = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = string.Join(',', ActivityFields), ["nextPageToken"] = page.NextPageToken };
            }

            var fields = new Dictionary<string, string?>(person.Fields, StringComparer.Ordinal);
            foreach (var signal in _options.ActivitySignals)
            {
                var count = 0;
                DateTimeOffset? latest = null;
                foreach (var activity in activities)
                {
                    if (Int(activity, "type") is not { } type || !signal.Types.Contains(type)
                        || (signal.RequireEmailId && Int(activity, "emailId") is null)
                        || (signal.RequireFileId && Int(activity, "fileId") is null)
                        || (signal.FormIds.Count > 0 && (Int(activity, "formId") is not { } form || !signal.FormIds.Contains(form)))
                        || (signal.DetailsContains is { } text && Text(activity, "details")?.Contains(text, StringComparison.OrdinalIgnoreCase) != true))
                    {
                        continue;
                    }

                    count++;
                    if (ParseTimestamp(Text(activity, "createdAt")) is { } at && (latest is null || at > latest))
                    {
                        latest = at;
                    }
                }

                fields[signal.Field] = count.ToString(CultureInfo.InvariantCulture);
                fields[signal.Field + "_last"] = latest?.ToString("O", CultureInfo.InvariantCulture);
            }

            return person with { Fields = fields };
        }));
        return withSignals;
    }

    // ---- Writes -------------------------------------------------------------------------------

    /// <remarks>
    /// One <c>PATCH /api/v5/objects/prospects/{id}</c> per person with only the fields the update changes, in parallel up
    /// to the business unit's limit. Not written, by design: the owner (assignment happens in Salesforce and the native
    /// connector carries it back), the cross-reference (<c>salesforceId</c> belongs to the native connector), the
    /// lifecycle stage (computed by Account Engagement), and status, score or grade when the schema names no field for
    /// them. A read-only field in <see cref="MarketingUpdate.Fields"/> fails that input before anything is sent.
    /// Every confirmed write is remembered for <see cref="PardotOptions.ReadCacheLag"/> so a cached read older than it
    /// is not taken for a person undoing it.
    /// </remarks>
    public async Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var bodies = updates.Select(ToWrite).ToList();
        if (bodies.Exists(b => b.Values is { Count: > 0 }))
        {
            EnsureWritesAllowed();
        }

        var failures = new ConcurrentBag<ExternalApiException>();
        var sent = 0;
        var outcomes = await Task.WhenAll(updates.Select(async (update, i) =>
        {
            var (values, refusal) = bodies[i];
            if (refusal is not null)
            {
                return refusal;
            }

            if (values!.Count == 0)
            {
                return WriteOutcome.Ok(update.Id);
            }

            if (WritesPausedUntil is { } until)
            {
                return new WriteOutcome(update.Id, false, "122", string.Create(CultureInfo.InvariantCulture, $"daily API limit reached; writes are paused until {until:u}"));
            }

            Interlocked.Increment(ref sent);
            try
            {
                await PatchAsync(update.Id, values, cancellationToken);
                return WriteOutcome.Ok(update.Id);
            }
            catch (ExternalApiException ex)
            {
                failures.Add(ex);
                Log.WriteFailed(_logger, _connection, update.Id, ex.ErrorCode, ex.ApiMessage);
                return new WriteOutcome(update.Id, false, ex.Kind == ApiErrorKind.Rejected ? ex.ErrorCode : ex.Kind.ToString(), ex.ApiMessage);
            }
        }));

        // Nothing landed and the cause is not the inputs (credentials, configuration, an outage): that is the cycle's
        // failure, not these people's, so it is raised as such.
        if (!failures.IsEmpty && failures.Count == sent && failures.All(f => f.Kind is ApiErrorKind.Authentication or ApiErrorKind.Transient))
        {
            throw failures.First();
        }

        return outcomes;
    }

    private async Task PatchAsync(string id, Dictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var fieldList = string.Join(',', new[] { PardotFields.Id, PardotFields.UpdatedAt }.Concat(values.Keys).Distinct(StringComparer.Ordinal));
        var query = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = fieldList };
        var json = WriteBody(values);
        var response = await SendAsync(
            "prospect update",
            (api, ct) => api.UpdateProspectAsync(id, query, new StringContent(json, Encoding.UTF8, "application/json"), ct),
            allowNotFound: false,
            cancellationToken);
        var updatedAt = response is { } r ? ParseTimestamp(Text(r, PardotFields.UpdatedAt)) : null;
        _written[id] = new WrittenValues(updatedAt ?? Floor(_time.GetUtcNow()), values, _time.GetUtcNow());
    }

    private (Dictionary<string, string?>? Values, WriteOutcome? Refusal) ToWrite(MarketingUpdate update)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (field, value) in update.Fields)
        {
            if (PardotFields.Standard.TryGetValue(field, out var known) && !known.Writable)
            {
                return (null, new WriteOutcome(update.Id, false, "NOT_WRITABLE", $"Account Engagement field '{field}' cannot be written through the API"));
            }

            values[field] = value;
        }

        if (update.LeadStatus is { } status && _schema.StatusField is { } statusField)
        {
            values[statusField] = status;
        }

        if (update.Score is { } score)
        {
            if (_schema.ScoreField is { } scoreField)
            {
                values[scoreField] = score.Score.ToString(CultureInfo.InvariantCulture);
            }

            if (_schema.GradeField is { } gradeField)
            {
                values[gradeField] = score.Grade;
            }
        }

        return (values, null);
    }

    /// <summary>JSON with each standard field in its own type (score an integer, the is* flags booleans); a blank value clears.</summary>
    private static string WriteBody(Dictionary<string, string?> values)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (field, value) in values)
            {
                var type = PardotFields.Standard.TryGetValue(field, out var known) ? known.Type : "string";
                if (string.IsNullOrEmpty(value))
                {
                    writer.WriteNull(field);
                }
                else if (type == "integer" && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                {
                    writer.WriteNumber(field, number);
                }
                else if (type == "boolean" && bool.TryParse(value, out var flag))
                {
                    writer.WriteBoolean(field, flag);
                }
                else
                {
                    writer.WriteString(field, value);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void EnsureWritesAllowed()
    {
        if (WritesPausedUntil is { } until)
        {
            Log.WriteRefusedDailyLimit(_logger, _connection, until);
            throw new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.DailyLimitReached, null, "122",
                string.Create(CultureInfo.InvariantCulture, $"Account Engagement daily API limit reached; writes are paused until {until:u}"));
        }
    }

    private void PauseWrites()
    {
        var until = _state.NextReset(_time.GetUtcNow());
        Interlocked.Exchange(ref _writesPausedUntilTicks, until.UtcTicks);
        Log.DailyLimitReached(_logger, _connection, until, _options.DailyLimitResetTimeOfDayUtc is null
            ? "assumed: next UTC midnight, the account's time zone cannot be read through the API"
            : "configured DailyLimitResetTimeOfDayUtc");
    }

    // ---- Owners and fields --------------------------------------------------------------------

    /// <summary>None: LeadSync never assigns in Account Engagement (the owner comes from Salesforce through the native connector).</summary>
    public Task<IReadOnlyList<MarketingOwner>> GetOwnersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MarketingOwner>>([]);

    /// <summary>
    /// The standard prospect fields as documented, the custom fields the admin declared (v5's custom-field object is not
    /// on the facts sheet, so it is not read), and the activity signal fields LeadSync computes (read-only).
    /// </summary>
    public Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken)
    {
        var fields = PardotFields.Standard.Select(f => new FieldMetadata(f.Key, f.Value.Type, f.Value.Writable, []))
            .Concat(_options.CustomFields.Select(f => new FieldMetadata(f, "string", true, [])))
            .Concat(_options.ActivitySignals.SelectMany(s => new[] { new FieldMetadata(s.Field, "number", false, []), new FieldMetadata(s.Field + "_last", "datetime", false, []) }))
            .ToList();
        return Task.FromResult<IReadOnlyList<FieldMetadata>>(fields);
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    private sealed record Page(IReadOnlyList<JsonElement> Values, string? NextPageToken, IReadOnlyList<string> Warnings);

    private sealed record WrittenValues(DateTimeOffset UpdatedAt, IReadOnlyDictionary<string, string?> Values, DateTimeOffset WrittenAt);

    private string Limit => _options.PageSize.ToString(CultureInfo.InvariantCulture);

    private async Task<Page> QueryAsync(string operation, Func<IPardotApi, CancellationToken, Task<HttpResponseMessage>> call, CancellationToken cancellationToken)
    {
        List<string> warnings = [];
        var root = await SendAsync(operation, call, allowNotFound: false, cancellationToken, warnings)
            ?? throw PardotErrors.Malformed(operation, 200, "the query response is empty");
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            throw PardotErrors.Malformed(operation, 200, "the query response has no values array");
        }

        // Absent, null or "" all mean the last page (clients stop on any falsy token: facts §2, C).
        var next = root.TryGetProperty("nextPageToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return new Page([.. values.EnumerateArray()], string.IsNullOrEmpty(next) ? null : next, warnings);
    }

    private Task<JsonElement?> ReadOneAsync(string operation, Func<IPardotApi, CancellationToken, Task<HttpResponseMessage>> call, CancellationToken cancellationToken) =>
        SendAsync(operation, call, allowNotFound: true, cancellationToken);

    private async Task<JsonElement?> SendAsync(
        string operation,
        Func<IPardotApi, CancellationToken, Task<HttpResponseMessage>> call,
        bool allowNotFound,
        CancellationToken cancellationToken,
        List<string>? warnings = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await call(_api(), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ExternalApiException)
        {
            throw; // the token provider's own errors are already mapped
        }
        catch (Exception ex) when (ToTransportException(operation, ex) is { } mapped)
        {
            throw mapped;
        }

        using (response)
        {
            if (warnings is not null && response.Headers.TryGetValues(WarningHeader, out var values))
            {
                warnings.AddRange(values);
            }

            if (response.StatusCode == System.Net.HttpStatusCode.NotFound && allowNotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await PardotErrorBody.ReadAsync(response, cancellationToken);
                var error = PardotErrors.FromResponse(operation, response, body, new Uri(_options.BaseUrl).Host, _options.BusinessUnitId);
                if (error.Kind == ApiErrorKind.DailyLimitReached)
                {
                    PauseWrites();
                }

                throw error;
            }

            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw PardotErrors.Transient(operation, "the response body could not be read", ex);
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw PardotErrors.Malformed(operation, (int)response.StatusCode, $"the response is not JSON (line {ex.LineNumber})", ex);
            }
        }
    }

    /// <summary>Refit wraps transport failures in ApiRequestException, which carries the request and its Authorization header: only the cause is kept.</summary>
    private static ExternalApiException? ToTransportException(string operation, Exception ex)
    {
        var wrapper = ex is ApiRequestException;
        var inner = wrapper ? ex.InnerException : ex;
        return inner switch
        {
            BrokenCircuitException => PardotErrors.Transient(operation, "the circuit is open after repeated failures", inner),
            TimeoutRejectedException => PardotErrors.Transient(operation, "the request timed out", inner),
            UnreadableResponseException unreadable => PardotErrors.Malformed(operation, (int?)unreadable.StatusCode, inner.Message, inner), // after its retries
            HttpRequestException => PardotErrors.Transient(operation, inner.Message, inner),
            OperationCanceledException => PardotErrors.Transient(operation, "the request was cancelled by a timeout", inner),
            ExternalApiException mapped => mapped,
            _ when wrapper => PardotErrors.Transient(operation, inner?.Message ?? "the request could not be sent", inner),
            _ => null,
        };
    }

    // ---- Mapping ------------------------------------------------------------------------------

    /// <summary><c>fields</c> is required on every read: the rules' fields plus what the typed values and the cursor need.</summary>
    private string FieldList(IReadOnlyCollection<string> requested)
    {
        var signalFields = new HashSet<string>(_options.ActivitySignals.SelectMany(s => new[] { s.Field, s.Field + "_last" }), StringComparer.Ordinal);
        var list = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in TypedFields
            .Concat(new[] { _schema.StatusField, _schema.ScoreField, _schema.GradeField, _options.ActivitySignals.Count > 0 ? LastActivityAt : null }.OfType<string>())
            .Concat(requested.Select(f => f.Trim()).Where(f => f.Length > 0 && !signalFields.Contains(f))))
        {
            if (seen.Add(name))
            {
                list.Add(name);
            }
        }

        return string.Join(',', list);
    }

    private MarketingPerson? ToPerson(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw PardotErrors.Malformed("prospect", 200, "a prospect in the response is not an object");
        }

        var id = Text(value, PardotFields.Id);
        if (string.IsNullOrEmpty(id))
        {
            throw PardotErrors.Malformed("prospect", 200, "a prospect in the response has no id");
        }

        if (Text(value, PardotFields.IsDeleted) == "true")
        {
            return null;
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            fields[property.Name] = Text(property.Value);
        }

        var modified = ParseTimestamp(Text(value, PardotFields.UpdatedAt)) ?? DateTimeOffset.UnixEpoch;
        if (_options.ActivitySignals.Count > 0 && ParseTimestamp(Text(value, LastActivityAt)) is { } active && active > modified)
        {
            // The activity counts are part of the person as LeadSync sees them: new activity is a change.
            modified = active;
        }

        var now = _time.GetUtcNow();
        if (_written.TryGetValue(id, out var written))
        {
            if (now - written.WrittenAt > _options.ReadCacheLag + _options.ReadCacheLag)
            {
                _written.TryRemove(id, out _);
            }
            else if (modified <= written.UpdatedAt)
            {
                // Older than (or, at one-second resolution, as old as) LeadSync's confirmed write: a cached version.
                // The write is what the prospect holds now, so the read is not taken for a person undoing it.
                var stale = written.Values.Any(w => fields.TryGetValue(w.Key, out var seen) && !SameValue(seen, w.Value));
                if (stale)
                {
                    Log.StaleRead(_logger, _connection, id, modified, written.UpdatedAt);
                }

                foreach (var (field, writtenValue) in written.Values)
                {
                    fields[field] = string.IsNullOrEmpty(writtenValue) ? null : writtenValue;
                }
            }
            else
            {
                _written.TryRemove(id, out _);
            }
        }

        string? Typed(string name) => fields.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;

        // salesforceId is the native connector's link; the lead/contact-specific ids are read when it is absent (T).
        var crmId = Typed(PardotFields.SalesforceId) ?? Typed("salesforceLeadId") ?? Typed("salesforceContactId");
        return new MarketingPerson(
            id,
            Typed(PardotFields.Email),
            Typed(PardotFields.FirstName),
            Typed(PardotFields.LastName),
            Typed(PardotFields.Company),
            Typed(PardotFields.Source),
            _schema.StatusField is { } status ? Typed(status) : null,
            null,
            null,
            crmId,
            fields,
            modified,
            _schema.ScoreField is { } score ? Typed(score) : null,
            _schema.GradeField is { } grade ? Typed(grade) : null);
    }

    private static bool SameValue(string? a, string? b) => string.Equals(string.IsNullOrEmpty(a) ? null : a, string.IsNullOrEmpty(b) ? null : b, StringComparison.Ordinal);

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? Text(value) : null;

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    private static int? Int(JsonElement element, string name) =>
        Text(element, name) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>v5 datetimes are ISO 8601 with an offset and whole seconds; the query wants <c>+00:00</c> (sent URL-encoded).</summary>
    internal static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset? ParseTimestamp(string? value) =>
        !string.IsNullOrWhiteSpace(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    private static DateTimeOffset Floor(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    internal static int CompareIds(string a, string b) =>
        long.TryParse(a, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);
}
