using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LeadSync.Connectors.Http;
using LeadSync.Connectors.HubSpot.Api;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Refit;

namespace LeadSync.Connectors.HubSpot;

/// <summary>
/// <see cref="IMarketingPlatform"/> over HubSpot CRM v3. Translates only: HubSpot's property names and value quirks,
/// paging, batching, re-anchoring, write sequences, error mapping. One instance per connection (keyed singleton); the
/// HTTP pipeline behind it carries rate limits and retries.
/// </summary>
public sealed partial class HubSpotMarketingSystem : IMarketingPlatform, IMarketingLists
{
    internal const int BatchSize = 100;
    private const string Product = "HubSpot";
    private const string ModifiedProperty = "lastmodifieddate";
    private const string IdProperty = "hs_object_id";
    private const string EmailProperty = "email";
    private const string FirstNameProperty = "firstname";
    private const string LastNameProperty = "lastname";
    private const string CompanyProperty = "company";
    private const string SourceProperty = "hs_analytics_source";
    private const string StatusProperty = "hs_lead_status";
    private const string StageProperty = "lifecyclestage";
    private const string OwnerProperty = "hubspot_owner_id";

    /// <summary>HubSpot's own properties behind the typed values; every read asks for them.</summary>
    internal static readonly IReadOnlyList<string> StandardProperties =
        [EmailProperty, FirstNameProperty, LastNameProperty, CompanyProperty, SourceProperty, StatusProperty, StageProperty, OwnerProperty];

    /// <summary>Properties LeadSync reads for its own bookkeeping; no typed value may be written to them.</summary>
    internal static readonly IReadOnlyList<string> ReservedProperties = [ModifiedProperty, IdProperty];

    private readonly string _connection;
    private readonly Func<IHubSpotApi> _api;
    private readonly HubSpotOptions _options;
    private readonly HubSpotContactSchema _schema;
    private readonly IReadOnlyList<string> _typedProperties;
    private readonly HubSpotRateLimitState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _writesPausedUntilTicks = -1;

    internal HubSpotMarketingSystem(
        string connection,
        Func<IHubSpotApi> api,
        HubSpotOptions options,
        HubSpotContactSchema schema,
        HubSpotRateLimitState state,
        TimeProvider time,
        ILogger logger)
    {
        schema.EnsureValid();
        _connection = connection;
        _api = api;
        _options = options;
        _schema = schema;
        _typedProperties = [.. StandardProperties, schema.CrmIdProperty, .. new[] { schema.ScoreProperty, schema.GradeProperty }.OfType<string>(), ModifiedProperty];
        CoreFields = new CoreFieldNames(StatusProperty, StageProperty, OwnerProperty, schema.ScoreProperty, schema.GradeProperty, schema.CrmIdProperty);
        _state = state;
        _time = time;
        _logger = logger;
    }

    public string SystemName => Product;

    /// <summary>hs_lead_status, lifecyclestage, hubspot_owner_id, and the schema's score, grade and cross-reference properties.</summary>
    public CoreFieldNames CoreFields { get; }

    public long CallCount => _state.Attempts;

    public long ThrottledCount => _state.Throttled;

    /// <summary>The daily allowance from X-HubSpot-RateLimit-Daily(-Remaining); null until a response carried them.</summary>
    public ApiQuota? LastObservedQuota =>
        _state.DailyMax is { } max && _state.DailyRemaining is { } remaining ? new ApiQuota(max, remaining) : null;

    /// <summary>Until when writes are refused locally after a DAILY 429; null when writes are allowed.</summary>
    public DateTimeOffset? WritesPausedUntil
    {
        get
        {
            var ticks = Interlocked.Read(ref _writesPausedUntilTicks);
            return ticks < 0 || _time.GetUtcNow().UtcTicks >= ticks ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public override string ToString() => $"HubSpot connector '{_connection}' ({_options.BaseUrl})";

    // ---- Incremental read ---------------------------------------------------------------------

    /// <remarks>
    /// LeadSync writes contacts while it reads (each page is settled before the next is fetched), and every write moves
    /// a contact to the end of a search sorted by lastmodifieddate. An <c>after</c> offset into such a moving result
    /// set skips contacts, so every page is a fresh search anchored on the last page's newest timestamp instead:
    /// the records older than it are released (sorted by (timestamp, id), the port's order), the ones sharing it come
    /// back with the next search. HubSpot sorts by one property only, so when one timestamp fills a whole page its id
    /// order cannot be established from time-sorted pages: that timestamp is then read on its own — pinned (GTE and
    /// LTE it), sorted by hs_object_id and re-anchored on hs_object_id GT the last id — and the read resumes strictly
    /// after it. No search ever pages past its first page, so the 10,000-result window is never reached. A contact is
    /// yielded at most once per read: if it reappears (LeadSync or a person changed it after it was read), its new
    /// version is newer than the read's start and so newer than the watermark the cycle can settle, and the next
    /// cycle reads it. That also bounds the read when the records keep changing under it.
    /// </remarks>
    public async IAsyncEnumerable<IReadOnlyList<MarketingPerson>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var props = WithTypedProperties(fields);
        var cursorMs = since.ModifiedAt.ToUnixTimeMilliseconds();
        var anchorMs = cursorMs;
        var yielded = new HashSet<string>(StringComparer.Ordinal);
        var byId = false;
        string? idFloor = null;

        bool Fresh(MarketingPerson c) =>
            !yielded.Contains(c.Id)
            && (since.LastId is null || c.ModifiedAt.ToUnixTimeMilliseconds() != cursorMs || CompareIds(c.Id, since.LastId) > 0);

        List<MarketingPerson> Take(IEnumerable<MarketingPerson> contacts)
        {
            var batch = SortForCursor(contacts.Where(Fresh));
            foreach (var contact in batch)
            {
                yielded.Add(contact.Id);
            }

            return batch;
        }

        while (true)
        {
            var request = byId
                ? new SearchRequest(
                    [new SearchFilterGroup(IdFilters(anchorMs, idFloor))],
                    [new SearchSort(IdProperty, "ASCENDING")], props, _options.PageSize, null)
                : new SearchRequest(
                    [new SearchFilterGroup([new SearchFilter(ModifiedProperty, "GTE", Ms(anchorMs))])],
                    [new SearchSort(ModifiedProperty, "ASCENDING")], props, _options.PageSize, null);

            var page = await SendAsync("search", (api, ct) => api.SearchContactsAsync(request, ct), HubSpotJsonContext.Default.SearchResponse, cancellationToken);
            var results = (page.Results ?? []).Select(ToPerson).ToList();
            var exhausted = string.IsNullOrEmpty(page.Paging?.Next?.After) || results.Count == 0;

            if (byId)
            {
                // One timestamp, sorted by id by the API: already in the port's order.
                var batch = Take(results);
                if (batch.Count > 0)
                {
                    yield return batch;
                }

                if (exhausted)
                {
                    byId = false;
                    idFloor = null;
                    anchorMs++;
                }
                else
                {
                    var last = results[^1].Id;
                    if (idFloor is not null && CompareIds(last, idFloor) <= 0)
                    {
                        throw NotMovingForward($"hs_object_id GT {idFloor}", last);
                    }

                    idFloor = last;
                }

                continue;
            }

            if (exhausted)
            {
                var rest = Take(results);
                if (rest.Count > 0)
                {
                    yield return rest;
                }

                yield break;
            }

            var maxMs = results.Max(c => c.ModifiedAt.ToUnixTimeMilliseconds());
            if (results.Count(c => c.ModifiedAt.ToUnixTimeMilliseconds() == maxMs) >= _options.PageSize)
            {
                byId = true;
                anchorMs = maxMs;
                idFloor = maxMs == cursorMs ? since.LastId : null;
                continue;
            }

            // A full page all at anchorMs went by id above, so an API that honours the filter gives maxMs > anchorMs.
            if (maxMs <= anchorMs)
            {
                throw NotMovingForward($"lastmodifieddate GTE {anchorMs}", maxMs.ToString(CultureInfo.InvariantCulture));
            }

            var release = Take(results.Where(c => c.ModifiedAt.ToUnixTimeMilliseconds() < maxMs));
            if (release.Count > 0)
            {
                yield return release;
            }

            anchorMs = maxMs;
        }
    }

    /// <summary>A search that ignores its own filter would make the read loop for ever: fail the read clearly instead.</summary>
    private ExternalApiException NotMovingForward(string filter, string newest) =>
        new(
            SystemRole.Marketing, Product, ApiErrorKind.MalformedResponse, 200, "SEARCH_NOT_MOVING",
            $"search with {filter} returned a page with more to come that ends at {newest}; the read cannot move forward, so it stops instead of looping (connection {_connection})");

    private static List<MarketingPerson> SortForCursor(IEnumerable<MarketingPerson> contacts)
    {
        var list = contacts.ToList();
        list.Sort((a, b) =>
        {
            var byTime = a.ModifiedAt.ToUnixTimeMilliseconds().CompareTo(b.ModifiedAt.ToUnixTimeMilliseconds());
            return byTime != 0 ? byTime : CompareIds(a.Id, b.Id);
        });
        return list;
    }

    private static List<SearchFilter> IdFilters(long ms, string? idFloor)
    {
        var filters = new List<SearchFilter>
        {
            new(ModifiedProperty, "GTE", Ms(ms)),
            new(ModifiedProperty, "LTE", Ms(ms)),
        };
        if (idFloor is not null)
        {
            filters.Add(new SearchFilter(IdProperty, "GT", idFloor));
        }

        return filters;
    }

    // ---- Batch reads --------------------------------------------------------------------------

    public Task<IReadOnlyList<MarketingPerson>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        BatchReadAsync(ids, fields, idProperty: null, cancellationToken);

    public Task<IReadOnlyList<MarketingPerson>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        BatchReadAsync(emails, fields, idProperty: EmailProperty, cancellationToken);

    private async Task<IReadOnlyList<MarketingPerson>> BatchReadAsync(
        IReadOnlyCollection<string> keys, IReadOnlyCollection<string> fields, string? idProperty, CancellationToken cancellationToken)
    {
        var props = WithTypedProperties(fields);
        var contacts = new List<MarketingPerson>(keys.Count);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            var request = new BatchReadRequest([.. chunk.Select(k => new ObjectIdInput(k))], props, [], idProperty);
            var response = await SendAsync("batch read", (api, ct) => api.BatchReadContactsAsync(request, ct), HubSpotJsonContext.Default.BatchResponse, cancellationToken);
            contacts.AddRange((response.Results ?? []).Select(ToPerson));
            foreach (var error in response.Errors ?? [])
            {
                // OBJECT_NOT_FOUND only means absent, which the port's contract already expresses.
                if (!string.Equals(error.Category, "OBJECT_NOT_FOUND", StringComparison.OrdinalIgnoreCase))
                {
                    Log.BatchReadError(_logger, _connection, error.Category ?? "unknown", Redaction.MaskEmails(error.Message ?? ""));
                }
            }
        }

        return contacts;
    }

    // ---- Writes -------------------------------------------------------------------------------

    /// <remarks>
    /// Each update is translated to HubSpot properties first (the typed intents win over a mapped field of the same
    /// name), so a caller's mistake is refused before anything is written. HubSpot only ever moves lifecyclestage
    /// forward and does not order a clear and a set inside one request, so a stage that moves back is written in two
    /// batch updates: this update with lifecyclestage cleared, then, for the records whose first write succeeded,
    /// lifecyclestage set to the new value. A record whose clear succeeded but whose set failed is reported as failed
    /// with a message saying its stage is now blank. An update with nothing to write sends nothing and succeeds.
    /// </remarks>
    public async Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var writes = updates.Select(ToWrite).ToList();
        var outcomes = new WriteOutcome[updates.Count];
        var first = new List<PendingWrite>(updates.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].Properties.Count == 0)
            {
                outcomes[i] = WriteOutcome.Ok(updates[i].Id);
            }
            else
            {
                first.Add(new PendingWrite(i, updates[i].Id, writes[i].Properties));
            }
        }

        if (first.Count == 0)
        {
            return outcomes;
        }

        var firstOutcomes = await BatchUpdateAsync(first, "batch update", earlierWrites: false, cancellationToken);
        var second = new List<PendingWrite>();
        for (var k = 0; k < first.Count; k++)
        {
            var index = first[k].Index;
            outcomes[index] = firstOutcomes[k];
            if (firstOutcomes[k].Success && writes[index].StageAfterClear is { } stage)
            {
                second.Add(new PendingWrite(index, first[k].Id, new Dictionary<string, string>(StringComparer.Ordinal) { [StageProperty] = stage }));
            }
        }

        if (second.Count == 0)
        {
            return outcomes;
        }

        // The first writes are confirmed: from here on an API failure (a daily-limit pause included) is reported per
        // record, never thrown; only the caller's own cancellation still ends the call.
        var secondOutcomes = await BatchUpdateAsync(second, "lifecycle stage set after its clear", earlierWrites: true, cancellationToken);
        for (var k = 0; k < second.Count; k++)
        {
            if (!secondOutcomes[k].Success)
            {
                var index = second[k].Index;
                outcomes[index] = secondOutcomes[k] with
                {
                    Message = $"{StageProperty} was cleared to move it back to '{writes[index].StageAfterClear}', but setting it failed, so the stage is now blank: {secondOutcomes[k].Message}",
                };
            }
        }

        return outcomes;
    }

    /// <summary>One update in HubSpot's terms; <see cref="StageAfterClear"/> is the stage to set once the clear went through.</summary>
    private sealed record ContactWrite(Dictionary<string, string> Properties, string? StageAfterClear);

    private sealed record PendingWrite(int Index, string Id, Dictionary<string, string> Properties);

    private ContactWrite ToWrite(MarketingUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.LinkCreatedCrmLead && update.CrmId is null)
        {
            throw new ArgumentException(
                $"the update of contact {update.Id} links the CRM lead it created but carries no {nameof(MarketingUpdate.CrmId)}: fill it with the created lead's id before writing",
                nameof(update));
        }

        // HubSpot clears a property given an empty string; the port's null means the same.
        var properties = update.Fields.ToDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.Ordinal);
        if (update.LeadStatus is { } status)
        {
            properties[StatusProperty] = status;
        }

        if (update.Owner is { } owner)
        {
            properties[OwnerProperty] = owner.OwnerId ?? "";
        }

        if (update.CrmId is { } crmId)
        {
            properties[_schema.CrmIdProperty] = crmId;
        }

        if (update.Score is { } score)
        {
            // Written only where the connection names a property for it; HubSpot has no standard one.
            if (_schema.ScoreProperty is { } scoreProperty)
            {
                properties[scoreProperty] = score.Score.ToString(CultureInfo.InvariantCulture);
            }

            if (_schema.GradeProperty is { } gradeProperty)
            {
                properties[gradeProperty] = score.Grade;
            }
        }

        string? stageAfterClear = null;
        if (update.Stage is { } stage)
        {
            var value = stage.Value ?? "";
            if (stage.MovesBack && value.Length > 0)
            {
                properties[StageProperty] = "";
                stageAfterClear = value;
            }
            else
            {
                properties[StageProperty] = value;
            }
        }

        return new ContactWrite(properties, stageAfterClear);
    }

    /// <summary>
    /// Batch updates of 100; one outcome per input, in input order. <paramref name="earlierWrites"/> says whether writes
    /// of the same call were already confirmed: a failure then fails the inputs instead of throwing.
    /// </summary>
    private async Task<List<WriteOutcome>> BatchUpdateAsync(
        List<PendingWrite> pending, string operation, bool earlierWrites, CancellationToken cancellationToken)
    {
        var outcomes = new List<WriteOutcome>(pending.Count);
        var chunkIndex = 0;
        foreach (var chunk in pending.Chunk(BatchSize))
        {
            BatchResponse response;
            try
            {
                EnsureWritesAllowed();
                var request = new BatchUpdateRequest([.. chunk.Select(w => new UpdateInput(w.Id, w.Properties))]);
                response = await SendAsync(operation, (api, ct) => api.BatchUpdateContactsAsync(request, ct), HubSpotJsonContext.Default.BatchResponse, cancellationToken);
            }
            catch (ExternalApiException ex) when (ex.Kind == ApiErrorKind.Rejected || earlierWrites || outcomes.Count > 0)
            {
                if (FailRemaining(outcomes, pending, chunk, ex, operation, chunkIndex))
                {
                    return outcomes;
                }

                chunkIndex++;
                continue;
            }

            outcomes.AddRange(MapUpdateOutcomes(chunk, response));
            chunkIndex++;
        }

        return outcomes;
    }

    /// <summary>
    /// A rejected chunk fails its own inputs only. Any other failure after earlier chunks were written fails every
    /// remaining input instead of throwing, so confirmed writes are never lost to the caller. Returns true to stop.
    /// </summary>
    private bool FailRemaining(
        List<WriteOutcome> outcomes, List<PendingWrite> all, PendingWrite[] chunk, ExternalApiException ex, string operation, int chunkIndex)
    {
        var stop = ex.Kind != ApiErrorKind.Rejected;
        var failing = stop ? all.Skip(outcomes.Count).ToList() : [.. chunk];
        Log.WriteChunkFailed(_logger, _connection, operation, chunkIndex, ex.Kind.ToString(), failing.Count);
        // A refused chunk is about its records; anything else (an answer lost or unreadable, a limit) says nothing about
        // them: those outcomes are unknown, and the engine reads the records back.
        outcomes.AddRange(failing.Select(w => stop
            ? WriteOutcome.Unknown(w.Id, ex.Kind.ToString(), ex.ApiMessage)
            : new WriteOutcome(w.Id, false, ex.ErrorCode, ex.ApiMessage)));
        return stop;
    }

    private static IEnumerable<WriteOutcome> MapUpdateOutcomes(PendingWrite[] chunk, BatchResponse response)
    {
        var results = new Dictionary<string, SimplePublicObject>(StringComparer.Ordinal);
        foreach (var result in response.Results ?? [])
        {
            if (result.Id is not null)
            {
                results[result.Id] = result;
            }
        }

        var errors = new Dictionary<string, StandardError>(StringComparer.Ordinal);
        foreach (var error in response.Errors ?? [])
        {
            foreach (var errorId in ErrorIds(error))
            {
                errors.TryAdd(errorId, error);
            }
        }

        foreach (var update in chunk)
        {
            if (errors.TryGetValue(update.Id, out var error))
            {
                yield return new WriteOutcome(update.Id, false, error.Category ?? "UNKNOWN", error.Message);
            }
            else if (results.ContainsKey(update.Id))
            {
                yield return WriteOutcome.Ok(update.Id);
            }
            else
            {
                yield return NotConfirmed(update.Id);
            }
        }
    }

    private static WriteOutcome NotConfirmed(string? id) =>
        WriteOutcome.Unknown(id, "NOT_CONFIRMED", "HubSpot returned neither a result nor an error for this input");

    private static IEnumerable<string> ErrorIds(StandardError error)
    {
        if (error.Context is null)
        {
            yield break;
        }

        foreach (var key in new[] { "ids", "id", "objectIds" })
        {
            if (error.Context.TryGetValue(key, out var values))
            {
                foreach (var value in values)
                {
                    yield return value;
                }
            }
        }
    }

    private void EnsureWritesAllowed()
    {
        if (WritesPausedUntil is { } until)
        {
            Log.WriteRefusedDailyLimit(_logger, _connection, until);
            throw new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.DailyLimitReached, null, "DAILY",
                string.Create(CultureInfo.InvariantCulture, $"HubSpot daily API limit reached; writes are paused until {until:u}"));
        }
    }

    // ---- Owners and properties ----------------------------------------------------------------

    public async Task<IReadOnlyList<MarketingOwner>> GetOwnersAsync(CancellationToken cancellationToken)
    {
        var owners = new Dictionary<string, MarketingOwner>(StringComparer.Ordinal);
        foreach (var archived in new[] { false, true })
        {
            string? after = null;
            do
            {
                // paging.next.after arrives URL-encoded (its link is "?after=<it>"); Refit encodes query values,
                // so decode once here or the cursor would go out double-encoded.
                var cursor = after is null ? null : Uri.UnescapeDataString(after);
                var page = await SendAsync("owners", (api, ct) => api.GetOwnersAsync(100, cursor, archived ? "true" : "false", ct), HubSpotJsonContext.Default.OwnersResponse, cancellationToken);
                foreach (var owner in page.Results ?? [])
                {
                    if (owner.Id is null)
                    {
                        continue;
                    }

                    owners[owner.Id] = new MarketingOwner(owner.Id, owner.Email, owner.FirstName, owner.LastName, archived || owner.Archived, owner.Type ?? "PERSON");
                }

                after = page.Paging?.Next?.After;
            }
            while (!string.IsNullOrEmpty(after));
        }

        return [.. owners.Values];
    }

    public async Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync("properties", (api, ct) => api.GetContactPropertiesAsync(ct), HubSpotJsonContext.Default.PropertiesResponse, cancellationToken);
        return [.. (response.Results ?? [])
            .Where(p => p.Name is not null)
            .Select(p => new FieldMetadata(
                p.Name!,
                p.Type ?? "string",
                !(p.ModificationMetadata?.ReadOnlyValue ?? false) && !(p.Calculated ?? false),
                [.. (p.Options ?? []).Select(o => o.Value).OfType<string>()]))];
    }

    // ---- HTTP and error mapping ---------------------------------------------------------------

    private async Task<T> SendAsync<T>(
        string operation,
        Func<IHubSpotApi, CancellationToken, Task<HttpResponseMessage>> call,
        JsonTypeInfo<T> type,
        CancellationToken cancellationToken)
        where T : class
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
        catch (Exception ex) when (ToTransportException(operation, ex) is { } mapped)
        {
            throw mapped;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(operation, response, cancellationToken);
            }

            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw Transient(operation, "the response body could not be read", ex);
            }

            T? body;
            try
            {
                body = JsonSerializer.Deserialize(text, type);
            }
            catch (JsonException ex)
            {
                throw Malformed(operation, response, $"the {operation} response is not the expected JSON ({ex.Path ?? "$"}, line {ex.LineNumber}): {Truncate(text)}", ex);
            }

            return body ?? throw Malformed(operation, response, $"the {operation} response body is empty or null", null);
        }
    }

    /// <summary>
    /// Failures before any response. Refit wraps them in ApiRequestException, which carries the request (and so its
    /// Authorization header): only the unwrapped cause is kept as the inner exception.
    /// </summary>
    private ExternalApiException? ToTransportException(string operation, Exception ex)
    {
        var wrapper = ex is ApiRequestException;
        var inner = wrapper ? ex.InnerException : ex;
        return inner switch
        {
            UnreadableResponseException unreadable => new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.MalformedResponse, (int?)unreadable.StatusCode, "MALFORMED_RESPONSE",
                $"{operation}: {unreadable.Message}", null, unreadable),
            BrokenCircuitException => Transient(operation, "the circuit is open after repeated failures", inner),
            TimeoutRejectedException => Transient(operation, "the request timed out", inner),
            RateLimiterRejectedException => new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.RateLimited, null, "CLIENT_RATE_LIMIT",
                $"{operation}: the local rate limiter's queue is full", null, inner),
            HttpRequestException => Transient(operation, Redact(inner.Message), inner),
            OperationCanceledException => Transient(operation, "the request was cancelled by a timeout", inner),
            _ when wrapper => Transient(operation, Redact(inner?.Message ?? "the request could not be sent"), inner),
            _ => null,
        };
    }

    private async Task<ExternalApiException> ToExceptionAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            text = "";
        }

        var body = HubSpotThrottle.TryParse(text);
        var correlationId = body?.CorrelationId ?? Header(response, "X-HubSpot-Correlation-Id");
        var message = Redact(body?.Message ?? (string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "no message" : Truncate(text)));
        var kind = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ApiErrorKind.Authentication,
            HttpStatusCode.TooManyRequests => HubSpotThrottle.Classify(body) == ThrottlePolicy.Daily ? ApiErrorKind.DailyLimitReached : ApiErrorKind.RateLimited,
            HttpStatusCode.RequestTimeout => ApiErrorKind.Transient,
            _ when status >= 500 => ApiErrorKind.Transient,
            _ => ApiErrorKind.Rejected,
        };
        var code = body?.Category ?? (kind == ApiErrorKind.DailyLimitReached ? "DAILY" : body?.PolicyName) ?? string.Create(CultureInfo.InvariantCulture, $"HTTP_{status}");
        if (kind == ApiErrorKind.DailyLimitReached)
        {
            PauseWrites();
        }

        return new ExternalApiException(SystemRole.Marketing, Product, kind, status, code, $"{operation}: {message}", correlationId);
    }

    private void PauseWrites()
    {
        var now = _time.GetUtcNow();
        var resetTimeOfDay = _options.DailyLimitResetTimeOfDayUtc ?? TimeSpan.Zero;
        var reset = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero) + resetTimeOfDay;
        if (reset <= now)
        {
            reset = reset.AddDays(1);
        }

        Interlocked.Exchange(ref _writesPausedUntilTicks, reset.UtcTicks);
        Log.DailyLimitReached(_logger, _connection, reset, _options.DailyLimitResetTimeOfDayUtc is null
            ? "assumed: next UTC midnight, the portal's time zone cannot be read through the API"
            : "configured DailyLimitResetTimeOfDayUtc");
    }

    private static ExternalApiException Transient(string operation, string message, Exception? inner) =>
        new(SystemRole.Marketing, Product, ApiErrorKind.Transient, null, "TRANSIENT", $"{operation}: {message}", null, inner);

    private ExternalApiException Malformed(string operation, HttpResponseMessage response, string message, Exception? inner) =>
        new(SystemRole.Marketing, Product, ApiErrorKind.MalformedResponse, (int)response.StatusCode, "MALFORMED_RESPONSE",
            Redact(message), Header(response, "X-HubSpot-Correlation-Id"), inner);

    private string Redact(string text) =>
        Redaction.MaskEmails(string.IsNullOrEmpty(_options.AccessToken) ? text : text.Replace(_options.AccessToken, "***", StringComparison.Ordinal));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Truncate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    // ---- Mapping ------------------------------------------------------------------------------

    /// <summary>The rules' fields, then whatever the typed values and the cursor need that they did not name.</summary>
    private List<string> WithTypedProperties(IReadOnlyCollection<string> fields)
    {
        var list = fields.Distinct(StringComparer.Ordinal).ToList();
        var asked = new HashSet<string>(list, StringComparer.Ordinal);
        list.AddRange(_typedProperties.Where(asked.Add));
        return list;
    }

    private MarketingPerson ToPerson(SimplePublicObject result)
    {
        if (string.IsNullOrEmpty(result.Id))
        {
            throw new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.MalformedResponse, null, "MALFORMED_RESPONSE", "a contact in the response has no id");
        }

        var properties = result.Properties ?? [];
        var modified = ParseTimestamp(properties.GetValueOrDefault(ModifiedProperty))
            ?? ParseTimestamp(result.UpdatedAt)
            ?? DateTimeOffset.UnixEpoch;

        // HubSpot answers a blank property with null or ""; both mean "no value" to the typed fields.
        string? Typed(string name) => properties.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;

        return new MarketingPerson(
            result.Id,
            Typed(EmailProperty),
            Typed(FirstNameProperty),
            Typed(LastNameProperty),
            Typed(CompanyProperty),
            Typed(SourceProperty),
            Typed(StatusProperty),
            Typed(StageProperty),
            Typed(OwnerProperty),
            Typed(_schema.CrmIdProperty),
            properties,
            modified,
            _schema.ScoreProperty is { } score ? Typed(score) : null,
            _schema.GradeProperty is { } grade ? Typed(grade) : null);
    }

    internal static DateTimeOffset? ParseTimestamp(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
    }

    internal static int CompareIds(string a, string b) =>
        long.TryParse(a, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);

    private static string Ms(long ms) => ms.ToString(CultureInfo.InvariantCulture);
}
