using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeadSync.Sandbox.Pardot;

/// <summary>
/// HTTP surface of the fake Account Engagement API v5, served under /api/v5, written from the facts sheet
/// (../shared/api/pardot-facts.md). Where the sheet says T (third-party or inferred), the fake takes the strict
/// reading: the connector must cope with it. Error statuses are not documented for the header and limit codes: they
/// are answered 400 (181, 182, 201, 66, 122) and 401 (184), as the third-party sources report.
/// </summary>
internal sealed class PardotApi
{
    private const int DefaultLimit = 200;
    private const int MaxLimit = 1000;
    private const int MaxFilteredFields = 3;
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(4);

    /// <summary>The account's time zone offset in every datetime the fake writes (v5 answers with the account's offset).</summary>
    private static readonly TimeSpan AccountOffset = TimeSpan.FromHours(-4);

    private static readonly string[] ProspectFilterFields = ["id", "createdAt", "updatedAt", "lastActivityAt", "assignedToId", "userId"];
    private static readonly string[] ProspectOrderFields = ["id", "createdAt", "updatedAt", "lastActivityAt"];
    private static readonly string[] ActivityFields = ["id", "type", "typeName", "prospectId", "campaignId", "details", "emailId", "formId", "formHandlerId", "landingPageId", "fileId", "customRedirectId", "visitorPageViewId", "createdAt", "updatedAt"];
    private static readonly string[] ListFields = ["id", "name", "title", "isDynamic", "isPublic", "campaignId", "createdAt", "updatedAt", "isDeleted"];
    private static readonly string[] MembershipFields = ["id", "listId", "prospectId", "optedOut", "createdAt", "updatedAt"];

    private readonly PardotStore _store;
    private readonly SandboxOptions _options;
    private readonly StatsCounters _stats;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly Func<string, bool> _isIssuedToken;
    private readonly DailyCounter _daily;
    private readonly ConcurrentDictionary<string, PageSequence> _sequences = new(StringComparer.Ordinal);
    private int _inFlight;

    public PardotApi(PardotStore store, SandboxOptions options, StatsCounters stats, FaultInjector faults, TimeProvider time, Func<string, bool> isIssuedToken)
    {
        _store = store;
        _options = options;
        _stats = stats;
        _faults = faults;
        _time = time;
        _isIssuedToken = isIssuedToken;
        _daily = new DailyCounter(options.PardotDailyLimit);
    }

    /// <summary>The most requests that were in flight at once (a sixth is refused with 66).</summary>
    public int PeakInFlight { get; private set; }

    private sealed record PageSequence(string Kind, IReadOnlyList<PardotRow> Rows, string[] Fields, int Limit, DateTimeOffset CreatedAt)
    {
        public int Position { get; set; }
    }

    private sealed record ObjectKind(string Name, string[] Fields, string[] FilterFields, string[] OrderFields, string[] EqualsFilters, Func<IReadOnlyList<PardotRow>> Rows);

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _stats.PardotCalls);
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            if (inFlight > PeakInFlight)
                PeakInFlight = inFlight;
            await HandleCoreAsync(context, inFlight);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleCoreAsync(HttpContext context, int inFlight)
    {
        if (_faults.LatencyMs is > 0 and var latency)
        {
            Interlocked.Increment(ref _stats.FaultsLatency);
            await Task.Delay(latency, context.RequestAborted);
        }

        // Both headers on every call (facts §0.1): a missing one is 181, a bad token 184, a malformed BU id 182,
        // a BU id this "host" does not have 201.
        var auth = context.Request.Headers.Authorization.ToString();
        var businessUnit = context.Request.Headers["Pardot-Business-Unit-Id"].ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || businessUnit.Length == 0)
        {
            await ErrorAsync(context, 400, 181, "A required header is missing");
            return;
        }

        if (!_isIssuedToken(auth["Bearer ".Length..].Trim()))
        {
            Interlocked.Increment(ref _stats.Http401s);
            await ErrorAsync(context, 401, 184, "access_token is invalid, unknown, or malformed: Inactive token");
            return;
        }

        if (businessUnit.Length != 18 || !businessUnit.StartsWith("0Uv", StringComparison.Ordinal) || !businessUnit.All(char.IsAsciiLetterOrDigit))
        {
            await ErrorAsync(context, 400, 182, "Invalid header value");
            return;
        }

        if (!string.Equals(businessUnit, _options.PardotBusinessUnitId, StringComparison.Ordinal))
        {
            await ErrorAsync(context, 400, 201, "Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.");
            return;
        }

        if (_options.PardotMaxConcurrentRequests > 0 && inFlight > _options.PardotMaxConcurrentRequests)
        {
            Interlocked.Increment(ref _stats.PardotThrottled);
            await ErrorAsync(context, 400, 66, "You have exceeded your concurrent request limit. Please wait, before trying again");
            return;
        }

        if (!_daily.TryAcquire(_time.GetUtcNow(), out _))
        {
            Interlocked.Increment(ref _stats.PardotThrottled);
            await ErrorAsync(context, 400, 122, "Daily API rate limit met");
            return;
        }

        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? string.Empty;
        var isWrite = !HttpMethods.IsGet(method);
        if (_faults.Next(SandboxServer.PardotSystem, isWrite) is { } fault)
        {
            if (fault.Kind == FaultKind.ResponseLost)
            {
                await FaultInjector.ApplyThenLoseAsync(context, fault, _stats, () => RouteAsync(context, method, path), () =>
                {
                    Interlocked.Increment(ref _stats.Http5xxs);
                    return ErrorAsync(context, 503, 183, "Internal error, please try again");
                });
                return;
            }

            _stats.CountServed(fault);
            if (fault.Kind == FaultKind.MalformedBody)
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"values\":[{\"id\":1,\"email\":\"trunc", context.RequestAborted);
                return;
            }

            if (fault.StatusCode >= 500)
                Interlocked.Increment(ref _stats.Http5xxs);
            if (fault.StatusCode == 401)
                Interlocked.Increment(ref _stats.Http401s);
            await ErrorAsync(context, fault.StatusCode, fault.StatusCode switch { 401 => 184, >= 500 => 183, _ => 66 }, "injected fault");
            return;
        }

        if (isWrite)
            Interlocked.Increment(ref _stats.PardotWrites);
        else if (path.Split('/', StringSplitOptions.RemoveEmptyEntries).Length == 4)
            Interlocked.Increment(ref _stats.PardotQueryCalls); // a collection read: /api/v5/objects/{kind}, one page
        await RouteAsync(context, method, path);
    }

    private async Task RouteAsync(HttpContext context, string method, string path)
    {
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s.Length < 4 || s[0] != "api" || s[1] != "v5" || s[2] != "objects")
        {
            await ErrorAsync(context, 404, 192, "The object specified does not exist");
            return;
        }

        var collection = s[3];
        var rest = s[4..];
        switch (collection)
        {
            case "prospects":
                await ProspectsAsync(context, method, rest);
                return;
            case "visitor-activities" when rest.Length == 0 && HttpMethods.IsGet(method):
                await QueryAsync(context, Activities());
                return;
            case "lists":
                await ListsAsync(context, method, rest);
                return;
            case "list-memberships":
                await MembershipsAsync(context, method, rest);
                return;
        }

        await ErrorAsync(context, 404, 192, "The object specified does not exist");
    }

    // ---- Prospects ----------------------------------------------------------------------------

    private ObjectKind Prospects() => new("prospect", [.. PardotStore.ProspectFields.Keys.Concat(_store.CustomFields)], ProspectFilterFields, ProspectOrderFields, ["email"], _store.VisibleProspects);

    private ObjectKind Activities() => new("visitor activity", ActivityFields, ["id", "prospectId", "createdAt", "updatedAt"], ["id", "createdAt", "updatedAt"], ["type"], _store.Activities);

    private async Task ProspectsAsync(HttpContext context, string method, string[] rest)
    {
        if (rest.Length == 0 && HttpMethods.IsGet(method))
        {
            await QueryAsync(context, Prospects());
            return;
        }

        if (rest.Length == 2 && rest[0] == "do" && rest[1] == "upsertLatestByEmail" && HttpMethods.IsPost(method))
        {
            await UpsertLatestByEmailAsync(context);
            return;
        }

        if (rest.Length == 1 && long.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            if (HttpMethods.IsGet(method))
            {
                if (await RequiredFieldsAsync(context, Prospects().Fields) is not { } fields)
                    return;
                var deleted = context.Request.Query["deleted"].ToString();
                var row = _store.Visible(id);
                if (row is null || (row.IsDeleted && deleted is not ("true" or "all")))
                {
                    // Missing or in the recycle bin (facts §0.6): 404.
                    await ErrorAsync(context, 404, 192, "The object specified does not exist. Use deleted=true to read a record in the recycle bin.");
                    return;
                }

                await JsonResponses.WriteAsync(context, 200, w => WriteRow(w, row, fields));
                return;
            }

            if (HttpMethods.IsPatch(method))
            {
                await UpdateAsync(context, id);
                return;
            }
        }

        await ErrorAsync(context, 405, 46, $"{method} is not permitted on this resource");
    }

    private async Task UpdateAsync(HttpContext context, long id)
    {
        if (await RequiredFieldsAsync(context, Prospects().Fields) is not { } fields)
            return;
        using var body = await ReadObjectAsync(context);
        if (body is null)
            return;
        if (await ChangesAsync(context, body.RootElement) is not { } changes)
            return;
        var current = _store.Current(id);
        if (current is null)
        {
            await ErrorAsync(context, 404, 3, "Invalid prospect ID");
            return;
        }

        if (current.IsDeleted)
        {
            await ErrorAsync(context, 400, 219, "Deleted records can't be updated. Undelete the record first.");
            return;
        }

        var updated = _store.Update(id, changes)!;
        await JsonResponses.WriteAsync(context, 200, w => WriteRow(w, updated, fields));
    }

    /// <summary>
    /// Finds the most recently updated prospect with the email and updates it, else creates one (facts §4, D).
    /// Status 200 for an update and 201 for a create (not documented: T).
    /// </summary>
    private async Task UpsertLatestByEmailAsync(HttpContext context)
    {
        using var body = await ReadObjectAsync(context);
        if (body is null)
            return;
        var root = body.RootElement;
        if (!root.TryGetProperty("matchEmail", out var matchEmail) || matchEmail.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(matchEmail.GetString()) ||
            !root.TryGetProperty("prospect", out var prospect) || prospect.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, 400, 36, "Required parameters are missing: matchEmail, prospect");
            return;
        }

        string[] fields = ["id"];
        if (root.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Array)
        {
            fields = [.. f.EnumerateArray().Select(e => e.GetString() ?? string.Empty)];
            if (fields.FirstOrDefault(x => !_store.IsKnownField(x)) is { } unknown)
            {
                await ErrorAsync(context, 400, 224, $"Invalid fields for this request: {unknown}");
                return;
            }
        }

        if (await ChangesAsync(context, prospect) is not { } changes)
            return;
        var secondary = root.TryGetProperty("secondaryDeletedSearch", out var sd) && sd.ValueKind == JsonValueKind.True;
        var email = matchEmail.GetString()!.Trim();
        var match = _store.CurrentProspects()
            .Where(p => string.Equals(p.GetString("email"), email, StringComparison.OrdinalIgnoreCase) && (!p.IsDeleted || secondary))
            .OrderByDescending(p => p.IsDeleted ? 0 : 1)
            .ThenByDescending(p => p.GetTime("updatedAt"))
            .FirstOrDefault();
        if (match is null)
        {
            changes.TryAdd("email", email);
            var created = _store.Create(changes);
            await JsonResponses.WriteAsync(context, 201, w => WriteRow(w, created, fields));
            return;
        }

        if (match.IsDeleted)
            changes["isDeleted"] = false;
        var updated = _store.Update(match.Id, changes)!;
        await JsonResponses.WriteAsync(context, 200, w => WriteRow(w, updated, fields));
    }

    /// <summary>A write body: known writable fields only (read-only or unknown → 180), values in their JSON types.</summary>
    private async Task<Dictionary<string, object?>?> ChangesAsync(HttpContext context, JsonElement body)
    {
        var changes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            var name = property.Name;
            if (!_store.IsWritable(name))
            {
                await ErrorAsync(context, 400, 180, $"One or more specified fields are invalid for this write: {name}");
                return null;
            }

            var value = property.Value;
            object? parsed;
            if (value.ValueKind == JsonValueKind.Null)
                parsed = null;
            else if (PardotStore.IntegerFields.Contains(name) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
                parsed = n;
            else if (PardotStore.BooleanFields.Contains(name) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                parsed = value.GetBoolean();
            else if (!PardotStore.IntegerFields.Contains(name) && !PardotStore.BooleanFields.Contains(name) && value.ValueKind == JsonValueKind.String)
                parsed = value.GetString();
            else
            {
                await ErrorAsync(context, 400, 154, $"Invalid property value for {name}");
                return null;
            }

            changes[name] = parsed;
        }

        if (changes.TryGetValue("email", out var email) && email is not string { Length: > 0 })
        {
            await ErrorAsync(context, 400, 4, "Invalid prospect email address");
            return null;
        }

        return changes;
    }

    // ---- Lists and memberships ----------------------------------------------------------------

    private ObjectKind ListKind() => new("list", ListFields, ["id", "createdAt", "updatedAt"], ["id", "createdAt", "updatedAt", "name"], ["isDynamic"], _store.Lists);

    private ObjectKind MembershipKind() => new("list membership", MembershipFields, ["id", "createdAt", "updatedAt", "listId", "prospectId"], ["id", "createdAt", "updatedAt"], [], _store.Memberships);

    private async Task ListsAsync(HttpContext context, string method, string[] rest)
    {
        if (rest.Length == 0 && HttpMethods.IsGet(method))
        {
            await QueryAsync(context, ListKind());
            return;
        }

        if (rest.Length == 0 && HttpMethods.IsPost(method))
        {
            if (await RequiredFieldsAsync(context, ListFields) is not { } fields)
                return;
            using var body = await ReadObjectAsync(context);
            if (body is null)
                return;
            var name = body.RootElement.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (string.IsNullOrWhiteSpace(name))
            {
                await ErrorAsync(context, 400, 36, "Required parameters are missing: name");
                return;
            }

            var dynamic = body.RootElement.TryGetProperty("isDynamic", out var d) && d.ValueKind == JsonValueKind.True;
            var isPublic = body.RootElement.TryGetProperty("isPublic", out var p) && p.ValueKind == JsonValueKind.True;
            var row = _store.AddList(name, dynamic, isPublic);
            await JsonResponses.WriteAsync(context, 201, w => WriteRow(w, row, fields));
            return;
        }

        if (rest.Length == 1 && long.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            if (HttpMethods.IsDelete(method))
            {
                if (_store.Memberships().Any(m => (long)m.Get("listId")! == id))
                {
                    await ErrorAsync(context, 405, 108, "The object is in use elsewhere and cannot be deleted");
                    return;
                }

                context.Response.StatusCode = _store.RemoveList(id) ? 204 : 404;
                return;
            }

            if (HttpMethods.IsPatch(method))
            {
                if (await RequiredFieldsAsync(context, ListFields) is not { } fields)
                    return;
                using var body = await ReadObjectAsync(context);
                if (body is null)
                    return;
                var changes = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in body.RootElement.EnumerateObject())
                {
                    if (property.Name is "name" or "title" && property.Value.ValueKind == JsonValueKind.String)
                        changes[property.Name] = property.Value.GetString();
                    else if (property.Name is "isPublic" && property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        changes[property.Name] = property.Value.GetBoolean();
                    else
                    {
                        await ErrorAsync(context, 400, 180, $"One or more specified fields are invalid for this write: {property.Name}");
                        return;
                    }
                }

                if (_store.UpdateList(id, changes) is not { } updated)
                {
                    await ErrorAsync(context, 404, 55, "Invalid list ID");
                    return;
                }

                await JsonResponses.WriteAsync(context, 200, w => WriteRow(w, updated, fields));
                return;
            }
        }

        await ErrorAsync(context, 405, 46, $"{method} is not permitted on this resource");
    }

    private async Task MembershipsAsync(HttpContext context, string method, string[] rest)
    {
        if (rest.Length == 0 && HttpMethods.IsGet(method))
        {
            await QueryAsync(context, MembershipKind());
            return;
        }

        if (rest.Length == 0 && HttpMethods.IsPost(method))
        {
            if (await RequiredFieldsAsync(context, MembershipFields) is not { } fields)
                return;
            using var body = await ReadObjectAsync(context);
            if (body is null)
                return;
            var root = body.RootElement;
            if (!root.TryGetProperty("listId", out var l) || !l.TryGetInt64(out var listId) || !root.TryGetProperty("prospectId", out var p) || !p.TryGetInt64(out var prospectId))
            {
                await ErrorAsync(context, 400, 36, "Required parameters are missing: listId, prospectId");
                return;
            }

            if (_store.FindList(listId) is not { } list)
            {
                await ErrorAsync(context, 400, 55, "Invalid list ID");
                return;
            }

            if (list.Get("isDynamic") is true)
            {
                // Dynamic lists are rule-driven (facts §4, T): the fake refuses members added by hand.
                await ErrorAsync(context, 400, 55, "Members of a dynamic list are set by its rules");
                return;
            }

            if (_store.Current(prospectId) is not { IsDeleted: false })
            {
                await ErrorAsync(context, 400, 3, "Invalid prospect ID");
                return;
            }

            var optedOut = root.TryGetProperty("optedOut", out var o) && o.ValueKind == JsonValueKind.True;
            var (row, created) = _store.AddMembership(listId, prospectId, optedOut);
            await JsonResponses.WriteAsync(context, created ? 201 : 200, w => WriteRow(w, row, fields));
            return;
        }

        if (rest.Length == 1 && long.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            if (HttpMethods.IsDelete(method))
            {
                context.Response.StatusCode = _store.RemoveMembership(id) ? 204 : 404;
                return;
            }

            if (HttpMethods.IsPatch(method))
            {
                if (await RequiredFieldsAsync(context, MembershipFields) is not { } fields)
                    return;
                using var body = await ReadObjectAsync(context);
                if (body is null)
                    return;
                if (!body.RootElement.TryGetProperty("optedOut", out var o) || o.ValueKind is not (JsonValueKind.True or JsonValueKind.False) || body.RootElement.EnumerateObject().Count() != 1)
                {
                    await ErrorAsync(context, 400, 180, "One or more specified fields are invalid for this write");
                    return;
                }

                if (_store.UpdateMembership(id, o.GetBoolean()) is not { } updated)
                {
                    await ErrorAsync(context, 404, 192, "The object specified does not exist");
                    return;
                }

                await JsonResponses.WriteAsync(context, 200, w => WriteRow(w, updated, fields));
                return;
            }
        }

        await ErrorAsync(context, 405, 46, $"{method} is not permitted on this resource");
    }

    // ---- Queries ------------------------------------------------------------------------------

    /// <summary>
    /// The v5 query: <c>fields</c> required, <c>&lt;field&gt;&lt;Op&gt;</c> filters (at most 3 distinct fields: 209),
    /// <c>orderBy</c> over the object's sortable fields, <c>limit</c> 1–1000 (default 200), <c>deleted</c>. A query's
    /// result is fixed when it is made and served through <c>nextPageToken</c>, which may be accompanied by
    /// <c>fields</c> only (else 400), expires after 4 h (210), is refused when unknown (211), and stops after
    /// <see cref="SandboxOptions.PardotTokenSequenceCap"/> records with warning 203 (facts §0.4). offset is deprecated
    /// and not served.
    /// </summary>
    private async Task QueryAsync(HttpContext context, ObjectKind kind)
    {
        var query = context.Request.Query;
        if (query.TryGetValue("nextPageToken", out var tokenValues))
        {
            if (query.Keys.Any(k => k is not ("nextPageToken" or "fields")))
            {
                await ErrorAsync(context, 400, 13, "Only fields may be specified together with nextPageToken");
                return;
            }

            if (!_sequences.TryGetValue(tokenValues.ToString(), out var sequence) || sequence.Kind != kind.Name)
            {
                await ErrorAsync(context, 400, 211, "Invalid nextPageToken");
                return;
            }

            if (_time.GetUtcNow() - sequence.CreatedAt > TokenLifetime)
            {
                _sequences.TryRemove(tokenValues.ToString(), out _);
                await ErrorAsync(context, 400, 210, "The nextPageToken has expired");
                return;
            }

            var fields = sequence.Fields;
            if (query.ContainsKey("fields"))
            {
                if (await RequiredFieldsAsync(context, kind.Fields) is not { } asked)
                    return;
                fields = asked;
            }

            _sequences.TryRemove(tokenValues.ToString(), out _);
            await WritePageAsync(context, sequence with { Fields = fields, Position = sequence.Position });
            return;
        }

        if (await RequiredFieldsAsync(context, kind.Fields) is not { } requested)
            return;

        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            await ErrorAsync(context, 400, 13, $"limit must be between 1 and {MaxLimit}");
            return;
        }

        var deleted = query.TryGetValue("deleted", out var d) ? d.ToString() : "false";
        if (deleted is not ("true" or "false" or "all"))
        {
            await ErrorAsync(context, 400, 13, "deleted must be true, false or all");
            return;
        }

        var predicates = new List<Func<PardotRow, bool>>();
        var filtered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (name is "fields" or "limit" or "deleted" or "orderBy")
                continue;
            var value = values.ToString();
            if (kind.EqualsFilters.Contains(name))
            {
                filtered.Add(name);
                predicates.Add(r => string.Equals(Text(r.Get(name)), value, StringComparison.OrdinalIgnoreCase));
                continue;
            }

            if (ParseFilter(kind, name) is not var (field, op))
            {
                await ErrorAsync(context, 400, 13, $"Unknown parameter {name}");
                return;
            }

            filtered.Add(field);
            if (field is "createdAt" or "updatedAt" or "lastActivityAt")
            {
                // A '+' that was not URL-encoded arrives as a space and is not a datetime (facts §2).
                if (!DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    await ErrorAsync(context, 400, 13, $"Invalid datetime for {name}: use ISO 8601 with the offset URL-encoded");
                    return;
                }

                predicates.Add(r => r.GetTime(field) is { } t && Compare(t.CompareTo(at), op));
            }
            else if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                predicates.Add(r => r.Get(field) is long v && Compare(v.CompareTo(number), op));
            }
            else
            {
                await ErrorAsync(context, 400, 13, $"Invalid number for {name}");
                return;
            }
        }

        if (filtered.Count > MaxFilteredFields)
        {
            await ErrorAsync(context, 400, 209, "Filters may be specified on at most 3 distinct fields");
            return;
        }

        var order = new List<(string Field, bool Descending)>();
        if (query.TryGetValue("orderBy", out var orderBy))
        {
            foreach (var part in orderBy.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var bits = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (!kind.OrderFields.Contains(bits[0]) || bits.Length > 2 || (bits.Length == 2 && bits[1].ToUpperInvariant() is not ("ASC" or "DESC")))
                {
                    await ErrorAsync(context, 400, 224, $"Invalid orderBy field for this object: {part}");
                    return;
                }

                order.Add((bits[0], bits.Length == 2 && bits[1].Equals("DESC", StringComparison.OrdinalIgnoreCase)));
            }
        }

        if (order.Count == 0)
            order.Add(("id", false));

        var rows = kind.Rows()
            .Where(r => deleted switch { "true" => r.IsDeleted, "all" => true, _ => !r.IsDeleted })
            .Where(r => predicates.TrueForAll(p => p(r)))
            .ToList();
        rows.Sort((a, b) =>
        {
            foreach (var (field, descending) in order)
            {
                var c = CompareValues(a.Get(field), b.Get(field));
                if (c != 0)
                    return descending ? -c : c;
            }

            return a.Id.CompareTo(b.Id);
        });

        await WritePageAsync(context, new PageSequence(kind.Name, rows, requested, limit, _time.GetUtcNow()));
    }

    private async Task WritePageAsync(HttpContext context, PageSequence sequence)
    {
        var cap = _options.PardotTokenSequenceCap;
        var end = Math.Min(sequence.Rows.Count, sequence.Position + sequence.Limit);
        var capped = cap > 0 && end >= cap && sequence.Rows.Count > cap;
        if (cap > 0)
            end = Math.Min(end, cap);
        var page = sequence.Rows.Skip(sequence.Position).Take(end - sequence.Position).ToList();
        string? token = null;
        if (!capped && end < sequence.Rows.Count)
        {
            token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
            _sequences[token] = sequence with { Position = end };
        }

        if (capped)
            context.Response.Headers["Pardot-Warning"] = "203;Record count for nextPageToken sequence has been exceeded. No page token returned.";
        var fields = sequence.Fields;
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("values");
            foreach (var row in page)
                WriteRow(w, row, fields);
            w.WriteEndArray();
            if (token is null)
            {
                w.WriteNull("nextPageToken");
                w.WriteNull("nextPageUrl");
            }
            else
            {
                w.WriteString("nextPageToken", token);
                w.WriteString("nextPageUrl", $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}?nextPageToken={token}");
            }

            w.WriteEndObject();
        });
    }

    private static (string Field, string Op)? ParseFilter(ObjectKind kind, string name)
    {
        foreach (var field in kind.FilterFields)
        {
            if (!name.StartsWith(field, StringComparison.Ordinal))
                continue;
            var op = name[field.Length..];
            var ops = field is "createdAt" or "updatedAt" or "lastActivityAt"
                ? new[] { "", "After", "AfterOrEqualTo", "Before", "BeforeOrEqualTo" }
                : new[] { "", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo" };
            if (ops.Contains(op))
                return (field, op);
        }

        return null;
    }

    private static bool Compare(int c, string op) => op switch
    {
        "" => c == 0,
        "After" or "GreaterThan" => c > 0,
        "AfterOrEqualTo" or "GreaterThanOrEqualTo" => c >= 0,
        "Before" or "LessThan" => c < 0,
        _ => c <= 0,
    };

    private static int CompareValues(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (long x, long y) => x.CompareTo(y),
        (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
        _ => string.CompareOrdinal(Text(a), Text(b)),
    };

    // ---- Shared -------------------------------------------------------------------------------

    /// <summary><c>fields</c> is required (36 when absent) and each must be a field of the object (224).</summary>
    private static async Task<string[]?> RequiredFieldsAsync(HttpContext context, string[] known)
    {
        var value = context.Request.Query["fields"].ToString();
        if (string.IsNullOrWhiteSpace(value))
        {
            await ErrorAsync(context, 400, 36, "Required parameters are missing: fields");
            return null;
        }

        var fields = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (fields.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
        {
            await ErrorAsync(context, 400, 224, $"Invalid fields for this request: {unknown}");
            return null;
        }

        return fields;
    }

    private static async Task<JsonDocument?> ReadObjectAsync(HttpContext context)
    {
        if (!(context.Request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await ErrorAsync(context, 400, 151, "Unsupported content type: use application/json");
            return null;
        }

        var document = await JsonResponses.ReadBodyAsync(context);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document?.Dispose();
            await ErrorAsync(context, 400, 150, "Invalid JSON");
            return null;
        }

        return document;
    }

    /// <summary>Only the requested fields come back (facts §0.3), each in its JSON type; datetimes carry the account's offset.</summary>
    private static void WriteRow(Utf8JsonWriter w, PardotRow row, string[] fields)
    {
        w.WriteStartObject();
        foreach (var field in fields)
        {
            switch (row.Get(field))
            {
                case null:
                    w.WriteNull(field);
                    break;
                case long n:
                    w.WriteNumber(field, n);
                    break;
                case bool b:
                    w.WriteBoolean(field, b);
                    break;
                case DateTimeOffset t:
                    w.WriteString(field, t.ToOffset(AccountOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
                    break;
                case var other:
                    w.WriteString(field, Text(other));
                    break;
            }
        }

        w.WriteEndObject();
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static Task ErrorAsync(HttpContext context, int status, int code, string message) =>
        JsonResponses.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
        });
}
