using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LeadSync.Connectors.HubSpot.Api;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Refit;

namespace LeadSync.Connectors.HubSpot;

/// <summary>
/// <see cref="IMarketingSystem"/> over HubSpot CRM v3. Translates only: paging, batching, re-anchoring, error mapping.
/// One instance per connection (keyed singleton); the HTTP pipeline behind it carries rate limits and retries.
/// </summary>
public sealed class HubSpotMarketingSystem : IMarketingSystem
{
    internal const int BatchSize = 100;
    private const string ModifiedProperty = "lastmodifieddate";
    private const string IdProperty = "hs_object_id";

    private readonly string _connection;
    private readonly Func<IHubSpotApi> _api;
    private readonly HubSpotOptions _options;
    private readonly HubSpotRateLimitState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _writesPausedUntilTicks = -1;

    internal HubSpotMarketingSystem(
        string connection,
        Func<IHubSpotApi> api,
        HubSpotOptions options,
        HubSpotRateLimitState state,
        TimeProvider time,
        ILogger logger)
    {
        _connection = connection;
        _api = api;
        _options = options;
        _state = state;
        _time = time;
        _logger = logger;
    }

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
    public async IAsyncEnumerable<IReadOnlyList<MarketingContact>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> properties, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var props = WithModifiedDate(properties);
        var cursorMs = since.ModifiedAt.ToUnixTimeMilliseconds();
        var anchorMs = cursorMs;
        var yielded = new HashSet<string>(StringComparer.Ordinal);
        var byId = false;
        string? idFloor = null;

        bool Fresh(MarketingContact c) =>
            !yielded.Contains(c.Id)
            && (since.LastId is null || c.ModifiedAt.ToUnixTimeMilliseconds() != cursorMs || CompareIds(c.Id, since.LastId) > 0);

        List<MarketingContact> Take(IEnumerable<MarketingContact> contacts)
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
            var results = (page.Results ?? []).Select(ToContact).ToList();
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
            SystemKind.HubSpot, ApiErrorKind.MalformedResponse, 200, "SEARCH_NOT_MOVING",
            $"search with {filter} returned a page with more to come that ends at {newest}; the read cannot move forward, so it stops instead of looping (connection {_connection})");

    private static List<MarketingContact> SortForCursor(IEnumerable<MarketingContact> contacts)
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

    public Task<IReadOnlyList<MarketingContact>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken) =>
        BatchReadAsync(ids, properties, idProperty: null, cancellationToken);

    public Task<IReadOnlyList<MarketingContact>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> properties, CancellationToken cancellationToken) =>
        BatchReadAsync(emails, properties, idProperty: "email", cancellationToken);

    private async Task<IReadOnlyList<MarketingContact>> BatchReadAsync(
        IReadOnlyCollection<string> keys, IReadOnlyCollection<string> properties, string? idProperty, CancellationToken cancellationToken)
    {
        var props = WithModifiedDate(properties);
        var contacts = new List<MarketingContact>(keys.Count);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            var request = new BatchReadRequest([.. chunk.Select(k => new ObjectIdInput(k))], props, [], idProperty);
            var response = await SendAsync("batch read", (api, ct) => api.BatchReadContactsAsync(request, ct), HubSpotJsonContext.Default.BatchResponse, cancellationToken);
            contacts.AddRange((response.Results ?? []).Select(ToContact));
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

    public async Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<RecordUpdate> updates, CancellationToken cancellationToken)
    {
        EnsureWritesAllowed();
        var outcomes = new List<WriteOutcome>(updates.Count);
        var chunkIndex = 0;
        foreach (var chunk in updates.Chunk(BatchSize))
        {
            var request = new BatchUpdateRequest([.. chunk.Select(u => new UpdateInput(u.Id, ToWire(u.Values)))]);
            BatchResponse response;
            try
            {
                response = await SendAsync("batch update", (api, ct) => api.BatchUpdateContactsAsync(request, ct), HubSpotJsonContext.Default.BatchResponse, cancellationToken);
            }
            catch (ExternalApiException ex) when (ex.Kind == ApiErrorKind.Rejected || outcomes.Count > 0)
            {
                if (FailRemaining(outcomes, updates, chunk, ex, "batch update", chunkIndex, u => u.Id))
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

    public async Task<IReadOnlyList<WriteOutcome>> CreateAsync(IReadOnlyList<RecordCreate> creates, CancellationToken cancellationToken)
    {
        EnsureWritesAllowed();
        var outcomes = new List<WriteOutcome>(creates.Count);
        var chunkIndex = 0;
        foreach (var chunk in creates.Chunk(BatchSize))
        {
            // Trace ids tie results back to inputs without sending the caller's key (it may be an email) to HubSpot.
            var request = new BatchCreateRequest([.. chunk.Select((c, i) => new CreateInput(ToWire(c.Values), [], TraceId(chunkIndex, i)))]);
            BatchResponse response;
            try
            {
                response = await SendAsync("batch create", (api, ct) => api.BatchCreateContactsAsync(request, ct), HubSpotJsonContext.Default.BatchResponse, cancellationToken);
            }
            catch (ExternalApiException ex) when (ex.Kind == ApiErrorKind.Rejected || outcomes.Count > 0)
            {
                if (FailRemaining(outcomes, creates, chunk, ex, "batch create", chunkIndex, _ => null))
                {
                    return outcomes;
                }

                chunkIndex++;
                continue;
            }

            outcomes.AddRange(MapCreateOutcomes(chunk, chunkIndex, response));
            chunkIndex++;
        }

        return outcomes;
    }

    /// <summary>
    /// A rejected chunk fails its own inputs only. Any other failure after earlier chunks were written fails every
    /// remaining input instead of throwing, so confirmed writes are never lost to the caller. Returns true to stop.
    /// </summary>
    private bool FailRemaining<T>(
        List<WriteOutcome> outcomes, IReadOnlyList<T> all, T[] chunk, ExternalApiException ex, string operation, int chunkIndex, Func<T, string?> id)
    {
        var stop = ex.Kind != ApiErrorKind.Rejected;
        var failing = stop ? all.Skip(outcomes.Count).ToList() : [.. chunk];
        Log.WriteChunkFailed(_logger, _connection, operation, chunkIndex, ex.Kind.ToString(), failing.Count);
        var code = ex.Kind == ApiErrorKind.Rejected ? ex.ErrorCode : ex.Kind.ToString();
        outcomes.AddRange(failing.Select(item => new WriteOutcome(id(item), false, code, ex.ApiMessage)));
        return stop;
    }

    private static IEnumerable<WriteOutcome> MapUpdateOutcomes(RecordUpdate[] chunk, BatchResponse response)
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

    private static IEnumerable<WriteOutcome> MapCreateOutcomes(RecordCreate[] chunk, int chunkIndex, BatchResponse response)
    {
        var results = response.Results ?? [];
        var byTrace = results.Where(r => r.ObjectWriteTraceId is not null && r.Id is not null)
            .GroupBy(r => r.ObjectWriteTraceId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var errors = response.Errors ?? [];
        var errorsByTrace = new Dictionary<string, StandardError>(StringComparer.Ordinal);
        foreach (var error in errors)
        {
            if (error.Context is not null && error.Context.TryGetValue("objectWriteTraceId", out var traces))
            {
                foreach (var trace in traces)
                {
                    errorsByTrace.TryAdd(trace, error);
                }
            }
        }

        // Without trace ids, positions are trusted only when every input came back as a result and nothing failed.
        var positional = byTrace.Count == 0 && errors.Count == 0 && results.Count == chunk.Length;
        for (var i = 0; i < chunk.Length; i++)
        {
            var trace = TraceId(chunkIndex, i);
            if (byTrace.TryGetValue(trace, out var created))
            {
                yield return WriteOutcome.Ok(created.Id!);
            }
            else if (errorsByTrace.TryGetValue(trace, out var error))
            {
                yield return new WriteOutcome(null, false, error.Category ?? "UNKNOWN", error.Message);
            }
            else if (positional && results[i].Id is { } id)
            {
                yield return WriteOutcome.Ok(id);
            }
            else if (errors.Count == 1 && results.Count == chunk.Length - 1)
            {
                yield return new WriteOutcome(null, false, errors[0].Category ?? "UNKNOWN", errors[0].Message);
            }
            else
            {
                yield return NotConfirmed(null);
            }
        }
    }

    private static WriteOutcome NotConfirmed(string? id) =>
        new(id, false, "NOT_CONFIRMED", "HubSpot returned neither a result nor an error for this input");

    private static string TraceId(int chunkIndex, int index) => string.Create(CultureInfo.InvariantCulture, $"leadsync-{chunkIndex}-{index}");

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

    private static Dictionary<string, string> ToWire(IReadOnlyDictionary<string, string?> values) =>
        // HubSpot clears a property given an empty string; the port's null means the same.
        values.ToDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.Ordinal);

    private void EnsureWritesAllowed()
    {
        if (WritesPausedUntil is { } until)
        {
            Log.WriteRefusedDailyLimit(_logger, _connection, until);
            throw new ExternalApiException(SystemKind.HubSpot, ApiErrorKind.DailyLimitReached, null, "DAILY",
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

    public async Task<IReadOnlyList<FieldMetadata>> GetPropertiesAsync(CancellationToken cancellationToken)
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
            BrokenCircuitException => Transient(operation, "the circuit is open after repeated failures", inner),
            TimeoutRejectedException => Transient(operation, "the request timed out", inner),
            RateLimiterRejectedException => new ExternalApiException(SystemKind.HubSpot, ApiErrorKind.RateLimited, null, "CLIENT_RATE_LIMIT",
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

        return new ExternalApiException(SystemKind.HubSpot, kind, status, code, $"{operation}: {message}", correlationId);
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
        new(SystemKind.HubSpot, ApiErrorKind.Transient, null, "TRANSIENT", $"{operation}: {message}", null, inner);

    private ExternalApiException Malformed(string operation, HttpResponseMessage response, string message, Exception? inner) =>
        new(SystemKind.HubSpot, ApiErrorKind.MalformedResponse, (int)response.StatusCode, "MALFORMED_RESPONSE",
            Redact(message), Header(response, "X-HubSpot-Correlation-Id"), inner);

    private string Redact(string text) =>
        Redaction.MaskEmails(string.IsNullOrEmpty(_options.AccessToken) ? text : text.Replace(_options.AccessToken, "***", StringComparison.Ordinal));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Truncate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    // ---- Mapping ------------------------------------------------------------------------------

    private static List<string> WithModifiedDate(IReadOnlyCollection<string> properties)
    {
        // The cursor needs lastmodifieddate whatever the caller asked for.
        var list = properties.Distinct(StringComparer.Ordinal).ToList();
        if (!list.Contains(ModifiedProperty, StringComparer.Ordinal))
        {
            list.Add(ModifiedProperty);
        }

        return list;
    }

    private static MarketingContact ToContact(SimplePublicObject result)
    {
        if (string.IsNullOrEmpty(result.Id))
        {
            throw new ExternalApiException(SystemKind.HubSpot, ApiErrorKind.MalformedResponse, null, "MALFORMED_RESPONSE", "a contact in the response has no id");
        }

        var properties = result.Properties ?? [];
        var modified = ParseTimestamp(properties.GetValueOrDefault(ModifiedProperty))
            ?? ParseTimestamp(result.UpdatedAt)
            ?? DateTimeOffset.UnixEpoch;
        return new MarketingContact(result.Id, properties, modified, result.Archived);
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
