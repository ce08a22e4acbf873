using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeadSync.Sandbox.HubSpot;

/// <summary>HTTP surface of the fake HubSpot CRM v3, served under /crm.</summary>
internal sealed class HubSpotApi
{
    private const int ListMaxLimit = 100;
    private const int BatchMaxInputs = 100;

    private readonly HubSpotStore _store;
    private readonly SandboxOptions _options;
    private readonly StatsCounters _stats;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly RollingWindow _tenSecondly;
    private readonly RollingWindow _secondly;
    private readonly DailyCounter _daily;
    private readonly object _cacheSync = new();
    private (string Key, long Version, List<SandboxContact> Sorted)? _searchCache;

    public HubSpotApi(HubSpotStore store, SandboxOptions options, StatsCounters stats, FaultInjector faults, TimeProvider time)
    {
        _store = store;
        _options = options;
        _stats = stats;
        _faults = faults;
        _time = time;
        _tenSecondly = new RollingWindow(options.HubSpotRequestsPerTenSeconds, TimeSpan.FromSeconds(10));
        _secondly = new RollingWindow(options.HubSpotSearchRequestsPerSecond, TimeSpan.FromSeconds(1));
        _daily = new DailyCounter(options.HubSpotDailyLimit);
    }

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _stats.HubSpotCalls);
        if (_faults.LatencyMs is > 0 and var latency)
        {
            Interlocked.Increment(ref _stats.FaultsLatency);
            await Task.Delay(latency, context.RequestAborted);
        }

        var auth = context.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(auth["Bearer ".Length..].Trim(), _options.HubSpotAccessToken, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _stats.Http401s);
            context.Response.Headers["x-hubspot-auth-failure"] = "401 Unauthorized";
            await ErrorAsync(context, 401, "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
            return;
        }

        var path = context.Request.Path.Value ?? string.Empty;
        var method = context.Request.Method;
        var isSearch = HttpMethods.IsPost(method) && path.TrimEnd('/').EndsWith("/search", StringComparison.Ordinal);

        var isWrite = !HttpMethods.IsGet(method) && !isSearch && !path.TrimEnd('/').EndsWith("/batch/read", StringComparison.Ordinal);
        Fault? lost = null;
        if (_faults.Next(SandboxServer.HubSpotSystem, isWrite) is { } fault)
        {
            if (fault.Kind == FaultKind.ResponseLost)
            {
                lost = fault;
            }
            else
            {
                _stats.CountServed(fault);
                await FaultAsync(context, fault);
                return;
            }
        }

        var now = _time.GetUtcNow();
        if (!_daily.TryAcquire(now, out var dailyUsed))
        {
            await RateLimitedAsync(context, "DAILY", "You have reached your daily limit.");
            return;
        }

        if (isSearch)
        {
            Interlocked.Increment(ref _stats.HubSpotSearchCalls);
            if (!_secondly.TryAcquire(now, out _))
            {
                await RateLimitedAsync(context, "SECONDLY", "You have reached your secondly limit.");
                return;
            }
        }
        else
        {
            // Search is exempt from the ten-second window (spec: x-hubspot-rate-limit-exemptions: ten-secondly).
            var allowed = _tenSecondly.TryAcquire(now, out var remaining);
            var headers = context.Response.Headers;
            if (_tenSecondly.Enabled)
            {
                headers["X-HubSpot-RateLimit-Max"] = _tenSecondly.Max.ToString(CultureInfo.InvariantCulture);
                headers["X-HubSpot-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
                headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000";
            }

            if (_daily.Enabled)
            {
                headers["X-HubSpot-RateLimit-Daily"] = _daily.Max.ToString(CultureInfo.InvariantCulture);
                headers["X-HubSpot-RateLimit-Daily-Remaining"] = Math.Max(0, _daily.Max - dailyUsed).ToString(CultureInfo.InvariantCulture);
            }

            if (!allowed)
            {
                await RateLimitedAsync(context, "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.");
                return;
            }
        }

        if (lost is not null)
        {
            await FaultInjector.ApplyThenLoseAsync(context, lost, _stats, () => RouteAsync(context, method, path), () =>
            {
                Interlocked.Increment(ref _stats.Http5xxs);
                return ErrorAsync(context, 503, "INTERNAL_ERROR", "internal error");
            });
            return;
        }

        await RouteAsync(context, method, path);
    }

    private async Task RouteAsync(HttpContext context, string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // segments[0] == "crm"
        if (segments.Length >= 4 && segments[1] == "v3" && segments[2] == "objects" && segments[3] == "contacts")
        {
            var rest = segments[4..];
            switch (rest.Length)
            {
                case 0 when HttpMethods.IsGet(method):
                    await ListAsync(context);
                    return;
                case 1 when rest[0] == "search" && HttpMethods.IsPost(method):
                    await SearchAsync(context);
                    return;
                case 1 when HttpMethods.IsGet(method):
                    await GetOneAsync(context, Uri.UnescapeDataString(rest[0]));
                    return;
                case 2 when rest[0] == "batch" && HttpMethods.IsPost(method):
                    switch (rest[1])
                    {
                        case "read":
                            await BatchReadAsync(context);
                            return;
                        case "update":
                            await BatchUpdateAsync(context);
                            return;
                        case "create":
                            await BatchCreateAsync(context);
                            return;
                    }

                    break;
            }
        }
        else if (segments.Length >= 3 && segments[1] == "v3" && segments[2] == "owners" && HttpMethods.IsGet(method))
        {
            // "/crm/v3/owners/" (trailing slash, as @hubspot/api-client sends it) is the list, not an owner lookup.
            if (segments.Length == 3)
            {
                await OwnersAsync(context);
                return;
            }

            if (segments.Length == 4)
            {
                await OwnerAsync(context, segments[3]);
                return;
            }
        }
        else if (segments.Length >= 4 && segments[1] == "v3" && segments[2] == "properties" && segments[3] == "contacts" && HttpMethods.IsGet(method))
        {
            await PropertiesAsync(context, segments.Length == 5 ? segments[4] : null);
            return;
        }

        else if (segments.Length >= 3 && segments[1] == "v3" && segments[2] == "lists"
            && await HubSpotListsApi.RouteAsync(context, method, [.. segments[3..].Select(Uri.UnescapeDataString)], _store.Lists))
        {
            return;
        }

        await ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"Unable to route {method} {path}: resource not found.");
    }

    private async Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = 10;
        if (query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > ListMaxLimit))
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", $"limit must be between 1 and {ListMaxLimit}.");
            return;
        }

        long afterNumber = 0;
        if (query.TryGetValue("after", out var after) && !string.IsNullOrEmpty(after) && !TryDecodeCursor(after.ToString(), out afterNumber))
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", $"Invalid after cursor '{after}'.");
            return;
        }

        var archived = string.Equals(query["archived"], "true", StringComparison.OrdinalIgnoreCase);
        var properties = RequestedProperties(query["properties"].SelectMany(v => (v ?? string.Empty).Split(',')).ToList());
        var (page, more) = _store.Page(afterNumber, limit, archived);
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var c in page)
                WriteContact(w, c, properties);
            w.WriteEndArray();
            if (more && page.Count > 0)
                WritePaging(w, EncodeCursor(page[^1].Number));
            w.WriteEndObject();
        });
    }

    private async Task GetOneAsync(HttpContext context, string id)
    {
        var query = context.Request.Query;
        var byEmail = string.Equals(query["idProperty"], "email", StringComparison.Ordinal);
        var contact = _store.GetByIdOrEmail(id, byEmail);
        if (contact is null)
        {
            await ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"Object not found. objectId: {id}");
            return;
        }

        var properties = RequestedProperties(query["properties"].SelectMany(v => (v ?? string.Empty).Split(',')).ToList());
        await JsonResponses.WriteAsync(context, 200, w => WriteContact(w, contact, properties));
    }

    private async Task SearchAsync(HttpContext context)
    {
        using var doc = await JsonResponses.ReadBodyAsync(context);
        if (doc is null)
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", "Invalid input JSON on line 1: the request body is not valid JSON.");
            return;
        }

        var request = HubSpotSearch.Parse(doc.RootElement, out var error);
        if (request is null)
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", error!);
            return;
        }

        if (request.After + request.Limit > HubSpotSearch.ResultWindow)
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR",
                $"Search results are limited to {HubSpotSearch.ResultWindow:N0}: after ({request.After}) + limit ({request.Limit}) goes past the result window. " +
                "Narrow the filters (for example lastmodifieddate GTE the last value seen) instead of paging further.");
            return;
        }

        List<SandboxContact> page;
        int total;
        if (_store.Search(request) is { } indexed)
        {
            (page, total) = indexed;
        }
        else
        {
            var sorted = SearchSorted(request);
            page = [.. sorted.Skip(request.After).Take(request.Limit)];
            total = sorted.Count;
        }

        var properties = request.Properties is null
            ? HubSpotSchema.SearchDefaultProperties
            : request.Properties.Concat(HubSpotSchema.SearchDefaultProperties).Distinct(StringComparer.Ordinal).ToList();
        var next = request.After + page.Count;
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("total", total);
            w.WriteStartArray("results");
            foreach (var c in page)
                WriteContact(w, c, properties);
            w.WriteEndArray();
            if (next < total)
                WritePaging(w, next.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }

    private List<SandboxContact> SearchSorted(SearchRequest request)
    {
        var key = request.CacheKey;
        var version = _store.Version;
        var cacheable = _options.SearchIndexLag <= TimeSpan.Zero;
        lock (_cacheSync)
        {
            if (cacheable && _searchCache is { } cache && cache.Key == key && cache.Version == version)
                return cache.Sorted;
        }

        var matches = _store.Snapshot(c => !c.Archived && HubSpotSearch.Matches(c, request), forSearch: true);
        HubSpotSearch.Sort(matches, request.Sorts);
        if (cacheable)
        {
            lock (_cacheSync)
                _searchCache = (key, version, matches);
        }

        return matches;
    }

    private async Task BatchReadAsync(HttpContext context)
    {
        if (await ReadBatchAsync(context) is not ({ } doc, var inputs))
        {
            return;
        }

        using var body = doc;

        var root = doc.RootElement;
        var byEmail = root.TryGetProperty("idProperty", out var idp) && idp.ValueKind == JsonValueKind.String && idp.GetString() == "email";
        if (root.TryGetProperty("idProperty", out idp) && idp.ValueKind == JsonValueKind.String && idp.GetString() is { Length: > 0 } other && other is not "email" and not "hs_object_id")
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", $"Property {other} is not a unique identifier property.");
            return;
        }

        var requested = root.TryGetProperty("properties", out var ps) && ps.ValueKind == JsonValueKind.Array
            ? ps.EnumerateArray().Select(p => p.GetString() ?? string.Empty).ToList()
            : [];
        var properties = RequestedProperties(requested);
        var started = _time.GetUtcNow();
        var found = new List<SandboxContact>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var input in inputs.EnumerateArray())
        {
            var key = input.TryGetProperty("id", out var idEl) ? TextOf(idEl) : null;
            if (string.IsNullOrEmpty(key))
                continue;
            var contact = _store.GetByIdOrEmail(key, byEmail);
            if (contact is null)
                missing.Add(key);
            else if (seen.Add(contact.Id))
                found.Add(contact);
        }

        await JsonResponses.WriteAsync(context, missing.Count > 0 ? 207 : 200, w =>
        {
            WriteBatchStart(w, started);
            w.WriteStartArray("results");
            foreach (var c in found)
                WriteContact(w, c, properties);
            w.WriteEndArray();
            if (missing.Count > 0)
            {
                w.WriteNumber("numErrors", 1);
                w.WriteStartArray("errors");
                WriteStandardError(w, "OBJECT_NOT_FOUND", "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.", missing, []);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
    }

    private async Task BatchUpdateAsync(HttpContext context)
    {
        if (await ReadBatchAsync(context) is not ({ } doc, var inputs))
        {
            return;
        }

        using var body = doc;

        var parsed = new List<(string Id, IReadOnlyDictionary<string, string?> Values)>();
        var byEmail = false;
        foreach (var input in inputs.EnumerateArray())
        {
            var id = input.TryGetProperty("id", out var idEl) ? TextOf(idEl) ?? string.Empty : string.Empty;
            if (input.TryGetProperty("idProperty", out var idp) && idp.GetString() == "email")
                byEmail = true;
            parsed.Add((id, ReadProperties(input)));
        }

        var duplicates = parsed.GroupBy(p => byEmail ? HubSpotFormat.NormalizeEmail(p.Id) : p.Id, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", $"Duplicate IDs found in batch input: [{string.Join(", ", duplicates)}]. IDs must be unique");
            return;
        }

        var started = _time.GetUtcNow();
        var (results, errors, written) = _store.ApiUpdate(parsed, byEmail);
        Interlocked.Add(ref _stats.HubSpotWrites, written);
        _stats.Endpoints.Records(context, written);
        await JsonResponses.WriteAsync(context, errors.Count > 0 ? 207 : 200, w =>
        {
            WriteBatchStart(w, started);
            w.WriteStartArray("results");
            foreach (var c in results)
            {
                var props = parsed.First(p => p.Id == c.Id || (byEmail && c.Email == HubSpotFormat.NormalizeEmail(p.Id))).Values.Keys
                    .Concat(HubSpotSchema.AlwaysReturned).Distinct(StringComparer.Ordinal).ToList();
                WriteContact(w, c, props);
            }

            w.WriteEndArray();
            if (errors.Count > 0)
            {
                w.WriteNumber("numErrors", errors.Count);
                w.WriteStartArray("errors");
                foreach (var e in errors)
                    WriteStandardError(w, e.Category, e.Message, [e.Id], e.Details);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
    }

    private async Task BatchCreateAsync(HttpContext context)
    {
        if (await ReadBatchAsync(context) is not ({ } doc, var inputs))
        {
            return;
        }

        using var body = doc;

        var parsed = inputs.EnumerateArray().Select(ReadProperties).ToList();
        var started = _time.GetUtcNow();
        var (created, errors, conflictId) = _store.ApiCreate(parsed);
        if (conflictId is not null)
        {
            await ErrorAsync(context, 409, "CONFLICT", $"Contact already exists. Existing ID: {conflictId}");
            return;
        }

        if (created is null)
        {
            var message = "Property values were not valid: " + JsonSerializer.Serialize(errors.Select(d => new Dictionary<string, object>
            {
                ["isValid"] = false,
                ["message"] = d.Message,
                ["error"] = d.Code,
                ["name"] = d.PropertyName,
            }));
            await ErrorAsync(context, 400, "VALIDATION_ERROR", message);
            return;
        }

        Interlocked.Add(ref _stats.HubSpotWrites, created.Count);
        _stats.Endpoints.Records(context, created.Count);
        await JsonResponses.WriteAsync(context, 201, w =>
        {
            WriteBatchStart(w, started);
            w.WriteStartArray("results");
            for (var i = 0; i < created.Count; i++)
            {
                var props = parsed[i].Keys.Concat(HubSpotSchema.AlwaysReturned).Distinct(StringComparer.Ordinal).ToList();
                WriteContact(w, created[i], props);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task OwnersAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = 100;
        if (query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 500))
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", "limit must be between 1 and 500.");
            return;
        }

        // archived=true lists archived owners only, as HubSpot does; callers wanting both make two calls.
        var archived = string.Equals(query["archived"], "true", StringComparison.OrdinalIgnoreCase);
        var email = query["email"].ToString();
        var owners = _store.ListOwners().Where(o => o.Archived == archived)
            .Where(o => email.Length == 0 || string.Equals(o.Email, email.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderBy(o => long.Parse(o.Id, CultureInfo.InvariantCulture)).ToList();
        long after = 0;
        if (query.TryGetValue("after", out var a) && !string.IsNullOrEmpty(a) && !TryDecodeCursor(a.ToString(), out after))
        {
            await ErrorAsync(context, 400, "VALIDATION_ERROR", $"Invalid after cursor '{a}'.");
            return;
        }

        var remaining = owners.Where(o => long.Parse(o.Id, CultureInfo.InvariantCulture) > after).ToList();
        var page = remaining.Take(limit).ToList();
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var o in page)
                WriteOwner(w, o);
            w.WriteEndArray();
            if (remaining.Count > page.Count)
                WritePaging(w, EncodeCursor(long.Parse(page[^1].Id, CultureInfo.InvariantCulture)));
            w.WriteEndObject();
        });
    }

    private async Task OwnerAsync(HttpContext context, string id)
    {
        var byUserId = string.Equals(context.Request.Query["idProperty"], "userId", StringComparison.Ordinal);
        var owner = _store.ListOwners().FirstOrDefault(o => byUserId ? o.UserId.ToString(CultureInfo.InvariantCulture) == id : o.Id == id);
        if (owner is null)
        {
            await ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"Owner {id} not found.");
            return;
        }

        await JsonResponses.WriteAsync(context, 200, w => WriteOwner(w, owner));
    }

    private async Task PropertiesAsync(HttpContext context, string? name)
    {
        if (name is not null)
        {
            if (!HubSpotSchema.ByName.TryGetValue(name, out var one))
            {
                await ErrorAsync(context, 404, "OBJECT_NOT_FOUND", $"Unable to find property {name} for object type contacts.");
                return;
            }

            await JsonResponses.WriteAsync(context, 200, w => WriteProperty(w, one));
            return;
        }

        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var p in HubSpotSchema.Properties)
                WriteProperty(w, p);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private void WriteProperty(Utf8JsonWriter w, HubSpotPropertyDefinition p)
    {
        var options = p.Name == "hubspot_owner_id"
            ? _store.ListOwners().Where(o => !o.Archived).Select((o, i) => new HubSpotOption(o.Id, $"{o.FirstName} {o.LastName}", i)).ToList()
            : p.Options;
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("label", p.Label);
        w.WriteString("type", p.Type);
        w.WriteString("fieldType", p.FieldType);
        w.WriteString("groupName", p.GroupName);
        w.WriteString("description", string.Empty);
        w.WriteStartArray("options");
        foreach (var o in options)
        {
            w.WriteStartObject();
            w.WriteString("label", o.Label);
            w.WriteString("value", o.Value);
            w.WriteNumber("displayOrder", o.DisplayOrder);
            w.WriteBoolean("hidden", false);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("displayOrder", -1);
        w.WriteBoolean("calculated", p.Calculated);
        w.WriteBoolean("externalOptions", p.Name == "hubspot_owner_id");
        w.WriteBoolean("hasUniqueValue", p.Name is "email" or "hs_object_id");
        w.WriteBoolean("hidden", false);
        w.WriteBoolean("hubspotDefined", p.HubSpotDefined);
        w.WriteBoolean("formField", !p.ReadOnly);
        w.WriteBoolean("archived", false);
        w.WriteStartObject("modificationMetadata");
        w.WriteBoolean("archivable", !p.HubSpotDefined);
        w.WriteBoolean("readOnlyDefinition", p.HubSpotDefined);
        w.WriteBoolean("readOnlyValue", p.ReadOnly);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteOwner(Utf8JsonWriter w, SandboxOwner o)
    {
        w.WriteStartObject();
        w.WriteString("id", o.Id);
        w.WriteString("email", o.Email);
        w.WriteString("type", "PERSON");
        w.WriteString("firstName", o.FirstName);
        w.WriteString("lastName", o.LastName);
        w.WriteNumber("userId", o.UserId);
        w.WriteNumber("userIdIncludingInactive", o.UserId);
        w.WriteString("createdAt", HubSpotFormat.Iso(o.CreatedAt));
        w.WriteString("updatedAt", HubSpotFormat.Iso(o.UpdatedAt));
        w.WriteBoolean("archived", o.Archived);
        w.WriteStartArray("teams");
        w.WriteStartObject();
        w.WriteString("id", o.TeamId);
        w.WriteString("name", o.TeamName);
        w.WriteBoolean("primary", true);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static IReadOnlyList<string> RequestedProperties(List<string> requested)
    {
        var clean = requested.Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        return clean.Count == 0
            ? HubSpotSchema.SearchDefaultProperties
            : clean.Concat(HubSpotSchema.AlwaysReturned).Distinct(StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, string?> ReadProperties(JsonElement input)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (input.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in props.EnumerateObject())
                values[p.Name] = TextOf(p.Value);
        }

        return values;
    }

    private static string? TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static void WriteContact(Utf8JsonWriter w, SandboxContact c, IReadOnlyList<string> properties)
    {
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteStartObject("properties");
        foreach (var name in properties)
        {
            if (c.Properties.TryGetValue(name, out var value))
                w.WriteString(name, value);
            else
                w.WriteNull(name);
        }

        w.WriteEndObject();
        w.WriteString("createdAt", HubSpotFormat.Iso(c.CreatedAt));
        w.WriteString("updatedAt", HubSpotFormat.Iso(c.UpdatedAt));
        w.WriteBoolean("archived", c.Archived);
        w.WriteEndObject();
    }

    private static void WritePaging(Utf8JsonWriter w, string after)
    {
        w.WriteStartObject("paging");
        w.WriteStartObject("next");
        w.WriteString("after", after);
        w.WriteString("link", "?after=" + after);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteBatchStart(Utf8JsonWriter w, DateTimeOffset started)
    {
        w.WriteStartObject();
        w.WriteString("status", "COMPLETE");
        w.WriteString("startedAt", HubSpotFormat.Iso(started));
        w.WriteString("completedAt", HubSpotFormat.Iso(_time.GetUtcNow()));
    }

    private static void WriteStandardError(Utf8JsonWriter w, string category, string message, IReadOnlyList<string> ids, IReadOnlyList<HubSpotErrorDetail> details)
    {
        w.WriteStartObject();
        w.WriteString("status", "error");
        w.WriteString("category", category);
        w.WriteString("message", message);
        w.WriteStartObject("context");
        w.WriteStartArray("ids");
        foreach (var id in ids)
            w.WriteStringValue(id);
        w.WriteEndArray();
        if (details.Count > 0)
        {
            w.WriteStartArray("propertyName");
            foreach (var d in details)
                w.WriteStringValue(d.PropertyName);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteStartArray("errors");
        foreach (var d in details)
        {
            w.WriteStartObject();
            w.WriteString("message", d.Message);
            w.WriteString("code", d.Code);
            w.WriteStartObject("context");
            w.WriteStartArray("propertyName");
            w.WriteStringValue(d.PropertyName);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("links");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Cursors are opaque base64url (no characters a client could double-encode).</summary>
    private static string EncodeCursor(long number) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(number.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeCursor(string cursor, out long number)
    {
        number = 0;
        try
        {
            var text = Uri.UnescapeDataString(cursor).Replace('-', '+').Replace('_', '/');
            text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
            return long.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(text)), NumberStyles.None, CultureInfo.InvariantCulture, out number);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task FaultAsync(HttpContext context, Fault fault)
    {
        if (fault.Kind == FaultKind.MalformedBody)
        {
            await MalformedAsync(context);
            return;
        }

        switch (fault.StatusCode)
        {
            case 429:
                var policy = fault.PolicyName ?? "TEN_SECONDLY_ROLLING";
                var message = policy switch
                {
                    "DAILY" => "You have reached your daily limit.",
                    "SECONDLY" => "You have reached your secondly limit.",
                    _ => $"You have reached your {policy.ToLowerInvariant()} limit.",
                };
                await RateLimitedAsync(context, policy, message);
                return;
            case 401:
                Interlocked.Increment(ref _stats.Http401s);
                await ErrorAsync(context, 401, "INVALID_AUTHENTICATION", "The OAuth token used to make this call expired or is invalid.");
                return;
            default:
                if (fault.StatusCode >= 500)
                    Interlocked.Increment(ref _stats.Http5xxs);
                await ErrorAsync(context, fault.StatusCode, fault.StatusCode >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR",
                    fault.StatusCode >= 500 ? "internal error" : "injected failure");
                return;
        }
    }

    internal static async Task MalformedAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json;charset=UTF-8";
        await context.Response.WriteAsync("{\"results\":[{\"id\":\"1\",\"properties\":{\"email\":", context.RequestAborted);
    }

    private async Task RateLimitedAsync(HttpContext context, string policy, string message)
    {
        Interlocked.Increment(ref _stats.Http429s);
        var correlationId = Guid.NewGuid().ToString();
        context.Response.Headers["x-hubspot-correlation-id"] = correlationId;
        await JsonResponses.WriteAsync(context, 429, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "error");
            w.WriteString("message", message);
            w.WriteString("errorType", "RATE_LIMIT");
            w.WriteString("correlationId", correlationId);
            w.WriteString("policyName", policy);
            w.WriteString("requestId", Guid.NewGuid().ToString());
            w.WriteEndObject();
        });
    }

    /// <summary>The body of a batch call: its <c>inputs</c> array, at most 100 of them; otherwise the 400 is written and null returned.</summary>
    private static async Task<(JsonDocument Doc, JsonElement Inputs)?> ReadBatchAsync(HttpContext context)
    {
        var doc = await JsonResponses.ReadBodyAsync(context);
        if (doc is null || !doc.RootElement.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
        {
            doc?.Dispose();
            await ErrorAsync(context, 400, "VALIDATION_ERROR", "Invalid input JSON: 'inputs' is required.");
            return null;
        }

        if (inputs.GetArrayLength() > BatchMaxInputs)
        {
            var count = inputs.GetArrayLength();
            doc.Dispose();
            await ErrorAsync(context, 400, "VALIDATION_ERROR", $"Batch input size {count} exceeds the maximum of {BatchMaxInputs} inputs.");
            return null;
        }

        return (doc, inputs);
    }

    internal static async Task ErrorAsync(HttpContext context, int status, string category, string message)
    {
        var correlationId = Guid.NewGuid().ToString();
        context.Response.Headers["x-hubspot-correlation-id"] = correlationId;
        await JsonResponses.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "error");
            w.WriteString("message", message);
            w.WriteString("correlationId", correlationId);
            w.WriteString("category", category);
            w.WriteEndObject();
        });
    }
}
