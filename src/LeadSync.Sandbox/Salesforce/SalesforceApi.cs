using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LeadSync.Sandbox.Salesforce;

/// <summary>HTTP surface of the fake Salesforce org, served under /services.</summary>
internal sealed partial class SalesforceApi
{
    private const int CollectionMax = 200;
    private const int MaxOpenCursors = 200;

    private readonly SalesforceStore _store;
    private readonly SandboxOptions _options;
    private readonly StatsCounters _stats;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly DailyCounter _daily;
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, QueryCursor> _cursors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _cursorOrder = new();
    private long _cursorCounter;

    private sealed record QueryCursor(SoqlQuery Query, List<SalesforceRecord> Rows);

    public SalesforceApi(SalesforceStore store, SandboxOptions options, StatsCounters stats, FaultInjector faults, TimeProvider time)
    {
        _store = store;
        _options = options;
        _stats = stats;
        _faults = faults;
        _time = time;
        _daily = new DailyCounter(options.SalesforceDailyApiRequests);
    }

    /// <summary>Set once Kestrel has bound its port: instance_url and identity URLs point at it.</summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>Whether this org issued the token and it still works (Account Engagement accepts the org's tokens).</summary>
    public bool IsIssued(string token) => _tokens.ContainsKey(token);

    /// <summary>Every issued token stops working, as when a session times out or an admin revokes it.</summary>
    public void ExpireAllTokens() => _tokens.Clear();

    public long ApiUsage => _daily.Used(_time.GetUtcNow());

    [GeneratedRegex(@"^v(\d+)\.(\d)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex VersionPattern();

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.TrimEnd('/') == "/services/oauth2/token")
        {
            await TokenAsync(context);
            return;
        }

        Interlocked.Increment(ref _stats.SalesforceCalls);
        if (_faults.LatencyMs is > 0 and var latency)
        {
            Interlocked.Increment(ref _stats.FaultsLatency);
            await Task.Delay(latency, context.RequestAborted);
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3 || segments[1] != "data")
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "The requested resource does not exist");
            return;
        }

        var auth = context.Request.Headers.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth["Bearer ".Length..].Trim() : string.Empty;
        if (token.Length == 0 || !_tokens.ContainsKey(token))
        {
            Interlocked.Increment(ref _stats.Http401s);
            context.Response.Headers.WWWAuthenticate = "Token";
            await ErrorAsync(context, 401, "INVALID_SESSION_ID", "Session expired or invalid");
            return;
        }

        Fault? lost = null;
        if (_faults.Next(SandboxServer.SalesforceSystem, isWrite: !HttpMethods.IsGet(context.Request.Method)) is { } fault)
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

        if (!_daily.TryAcquire(_time.GetUtcNow(), out var used))
        {
            context.Response.Headers["Sforce-Limit-Info"] = $"api-usage={_daily.Max}/{_daily.Max}";
            await ErrorAsync(context, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
            return;
        }

        context.Response.Headers["Sforce-Limit-Info"] = _daily.Enabled ? $"api-usage={used}/{_daily.Max}" : $"api-usage={used}/0";

        var version = segments[2];
        var match = VersionPattern().Match(version);
        if (!match.Success || int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) < 50)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "The requested resource does not exist");
            return;
        }

        if (lost is not null)
        {
            await FaultInjector.ApplyThenLoseAsync(context, lost, _stats, () => RouteAsync(context, version, segments[3..]), () =>
            {
                Interlocked.Increment(ref _stats.Http5xxs);
                return ErrorAsync(context, 503, "SERVER_UNAVAILABLE", "Server is unavailable, please try again later.");
            });
            return;
        }

        await RouteAsync(context, version, segments[3..]);
    }

    private async Task RouteAsync(HttpContext context, string version, string[] rest)
    {
        var method = context.Request.Method;
        switch (rest)
        {
            case ["query"] when HttpMethods.IsGet(method):
                await QueryAsync(context, version);
                return;
            case ["query", var locator] when HttpMethods.IsGet(method):
                await QueryMoreAsync(context, version, locator);
                return;
            case ["limits"] when HttpMethods.IsGet(method):
                await LimitsAsync(context);
                return;
            case ["sobjects", var type, "describe"] when HttpMethods.IsGet(method) && SalesforceSchema.Find(type) is { } obj:
                await DescribeAsync(context, obj);
                return;
            case ["composite", "sobjects"] when HttpMethods.IsPatch(method) || HttpMethods.IsPost(method):
                await CollectionsAsync(context, HttpMethods.IsPatch(method));
                return;
            case ["composite", "sobjects", var type, var externalIdField] when HttpMethods.IsPatch(method) && SalesforceSchema.Find(type) is { } obj:
                await UpsertCollectionAsync(context, obj, externalIdField);
                return;
            case ["sobjects", var type] when HttpMethods.IsPost(method) && SalesforceSchema.Find(type) is { } obj:
                await CreateOneAsync(context, obj);
                return;
            case ["sobjects", var type, var id] when HttpMethods.IsGet(method) && SalesforceSchema.Find(type) is { } obj:
                await GetOneAsync(context, version, obj, id);
                return;
        }

        await ErrorAsync(context, 404, "NOT_FOUND", "The requested resource does not exist");
    }

    private async Task TokenAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            await OAuthErrorAsync(context, "invalid_request", "must use HTTP POST with application/x-www-form-urlencoded");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var grant = form["grant_type"].ToString();
        if (grant == "client_credentials")
        {
            if (form["client_id"] != _options.SalesforceClientId || form["client_secret"] != _options.SalesforceClientSecret)
            {
                await OAuthErrorAsync(context, "invalid_client", "invalid client credentials");
                return;
            }
        }
        else if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            var issuer = JwtIssuer(form["assertion"].ToString());
            if (issuer is null)
            {
                await OAuthErrorAsync(context, "invalid_grant", "invalid assertion");
                return;
            }

            if (issuer != _options.SalesforceClientId)
            {
                await OAuthErrorAsync(context, "invalid_client_id", "client identifier invalid");
                return;
            }
        }
        else
        {
            await OAuthErrorAsync(context, "unsupported_grant_type", "grant type not supported");
            return;
        }

        var token = _store.OrgId[..15] + "!" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '.').Replace('/', '_').TrimEnd('=');
        _tokens[token] = 0;
        var issuedAt = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token + issuedAt)));
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", token);
            w.WriteString("signature", signature);
            w.WriteString("scope", "api");
            w.WriteString("instance_url", BaseUrl);
            w.WriteString("id", $"{BaseUrl}/id/{_store.OrgId}/{_store.IntegrationUserId}");
            w.WriteString("token_type", "Bearer");
            w.WriteString("issued_at", issuedAt);
            w.WriteEndObject();
        });
    }

    /// <summary>Any well-formed three-part JWT is accepted; only its issuer (the connected app's client id) is checked.</summary>
    private static string? JwtIssuer(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(payload));
            return doc.RootElement.TryGetProperty("iss", out var iss) ? iss.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private async Task QueryAsync(HttpContext context, string version)
    {
        Interlocked.Increment(ref _stats.SalesforceQueryCalls);
        var q = context.Request.Query["q"].ToString();
        if (string.IsNullOrWhiteSpace(q))
        {
            await ErrorAsync(context, 400, "MALFORMED_QUERY", "A query string has to be specified");
            return;
        }

        SoqlQuery query;
        try
        {
            query = Soql.Parse(q);
        }
        catch (SoqlException e)
        {
            await ErrorAsync(context, 400, e.ErrorCode, e.Message);
            return;
        }

        var rows = _store.Query(query);
        var cursor = new QueryCursor(query, rows);
        var cursorId = "01gSb" + Interlocked.Increment(ref _cursorCounter).ToString("D10", CultureInfo.InvariantCulture) + "AAA";
        await WritePageAsync(context, version, cursorId, cursor, 0);
    }

    private async Task QueryMoreAsync(HttpContext context, string version, string locator)
    {
        Interlocked.Increment(ref _stats.SalesforceQueryCalls);
        var dash = locator.LastIndexOf('-');
        if (dash <= 0 || !int.TryParse(locator[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ||
            !_cursors.TryGetValue(locator[..dash], out var cursor) || offset > cursor.Rows.Count)
        {
            await ErrorAsync(context, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
            return;
        }

        await WritePageAsync(context, version, locator[..dash], cursor, offset);
    }

    private async Task WritePageAsync(HttpContext context, string version, string cursorId, QueryCursor cursor, int offset)
    {
        var batch = BatchSize(context.Request.Headers["Sforce-Query-Options"].ToString());
        var end = Math.Min(cursor.Rows.Count, offset + batch);
        var done = end >= cursor.Rows.Count;
        if (!done && _cursors.TryAdd(cursorId, cursor))
        {
            // Salesforce caps open cursors per user; evict the oldest so a long benchmark cannot grow memory forever.
            _cursorOrder.Enqueue(cursorId);
            while (_cursorOrder.Count > MaxOpenCursors && _cursorOrder.TryDequeue(out var old))
                _cursors.TryRemove(old, out _);
        }

        var objectName = cursor.Query.From.Name;
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("totalSize", cursor.Rows.Count);
            w.WriteBoolean("done", done);
            if (!done)
                w.WriteString("nextRecordsUrl", $"/services/data/{version}/query/{cursorId}-{end.ToString(CultureInfo.InvariantCulture)}");
            w.WriteStartArray("records");
            for (var i = offset; i < end; i++)
            {
                var record = cursor.Rows[i];
                w.WriteStartObject();
                WriteAttributes(w, version, objectName, record.Id);
                foreach (var field in cursor.Query.Fields)
                    WriteValue(w, field.Name, record.Get(field.Name));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private int BatchSize(string header)
    {
        var size = _options.SalesforceQueryBatchSize;
        foreach (var part in header.Split(';', ','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("batchSize", StringComparison.OrdinalIgnoreCase) &&
                int.TryParse(kv[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var requested))
                size = requested;
        }

        return Math.Clamp(size, 200, 2000);
    }

    private async Task GetOneAsync(HttpContext context, string version, SalesforceObject obj, string id)
    {
        var record = SalesforceIds.TryNormalize(id, obj.KeyPrefix, out var id18) ? _store.Get(obj.Name, id18) : null;
        if (record is null)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "The requested resource does not exist");
            return;
        }

        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            WriteAttributes(w, version, obj.Name, record.Id);
            foreach (var field in obj.Fields)
                WriteValue(w, field.Name, record.Get(field.Name));
            w.WriteEndObject();
        });
    }

    private async Task LimitsAsync(HttpContext context)
    {
        var max = _daily.Max;
        var used = _daily.Used(_time.GetUtcNow());
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            Limit(w, "DailyApiRequests", max, Math.Max(0, max - used));
            Limit(w, "DailyBulkV2QueryJobs", 10_000, 10_000);
            Limit(w, "DataStorageMB", 1024, 1000);
            Limit(w, "SingleEmail", 5000, 5000);
            w.WriteEndObject();
        });

        static void Limit(Utf8JsonWriter w, string name, long max, long remaining)
        {
            w.WriteStartObject(name);
            w.WriteNumber("Max", max);
            w.WriteNumber("Remaining", remaining);
            w.WriteEndObject();
        }
    }

    private static async Task DescribeAsync(HttpContext context, SalesforceObject obj)
    {
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", obj.Name);
            w.WriteString("label", obj.Name);
            w.WriteString("keyPrefix", obj.KeyPrefix);
            w.WriteBoolean("createable", obj.Name is "Lead" or "Task");
            w.WriteBoolean("updateable", obj.Name is "Lead" or "Task");
            w.WriteBoolean("queryable", true);
            w.WriteStartArray("fields");
            foreach (var f in obj.Fields)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteString("label", f.Label);
                w.WriteString("type", f.Type);
                w.WriteNumber("length", f.Length);
                w.WriteBoolean("updateable", f.Updateable);
                w.WriteBoolean("createable", f.Createable);
                w.WriteBoolean("nillable", f.Nillable);
                w.WriteBoolean("custom", f.Custom);
                w.WriteBoolean("restrictedPicklist", f.RestrictedPicklist);
                w.WriteBoolean("externalId", f.ExternalId);
                w.WriteBoolean("unique", f.Unique);
                w.WriteStartArray("picklistValues");
                foreach (var p in f.PicklistValues)
                {
                    w.WriteStartObject();
                    w.WriteString("value", p.Value);
                    w.WriteString("label", p.Label);
                    w.WriteBoolean("active", p.Active);
                    w.WriteBoolean("defaultValue", p.DefaultValue);
                    w.WriteNull("validFor");
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("referenceTo");
                foreach (var r in (f.ReferenceTo ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
                    w.WriteStringValue(r);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Reads an sObject Collections body; null once a 400 for a malformed request has been written.</summary>
    private static async Task<(List<CollectionInput> Inputs, bool AllOrNone)?> ReadCollectionAsync(HttpContext context)
    {
        using var doc = await JsonResponses.ReadBodyAsync(context);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object ||
            !doc.RootElement.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            await ErrorAsync(context, 400, "JSON_PARSER_ERROR", "Unexpected body: expected {\"allOrNone\":..., \"records\":[...]}");
            return null;
        }

        if (records.GetArrayLength() > CollectionMax)
        {
            await ErrorAsync(context, 400, "EXCEEDED_ID_LIMIT", $"record limit reached. cannot submit more than {CollectionMax} records into this call");
            return null;
        }

        var allOrNone = doc.RootElement.TryGetProperty("allOrNone", out var aon) && aon.ValueKind == JsonValueKind.True;
        var inputs = new List<CollectionInput>();
        foreach (var record in records.EnumerateArray())
        {
            if (ParseRecord(record, typeFromPath: null) is not { } input)
            {
                await ErrorAsync(context, 400, "INVALID_TYPE", "Must send a concrete entity type.");
                return null;
            }

            inputs.Add(input);
        }

        return (inputs, allOrNone);
    }

    /// <summary>PATCH /composite/sobjects/{type}/{externalIdField}: 200 with one UpsertResult per record, in order.</summary>
    private async Task UpsertCollectionAsync(HttpContext context, SalesforceObject obj, string externalIdField)
    {
        if (await ReadCollectionAsync(context) is not { } body)
            return;
        var (inputs, allOrNone) = body;
        var results = _store.ApiUpsert(obj, externalIdField, inputs, allOrNone, AutoAssign(context));
        Interlocked.Add(ref _stats.SalesforceWrites, results.Count(r => r.Success));
        _stats.Endpoints.Records(context, results.Count(r => r.Success));
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var r in results)
                WriteSaveResult(w, r);
            w.WriteEndArray();
        });
    }

    private async Task CollectionsAsync(HttpContext context, bool update)
    {
        if (await ReadCollectionAsync(context) is not { } body)
            return;
        var (inputs, allOrNone) = body;
        var autoAssign = AutoAssign(context);
        var results = update ? _store.ApiUpdate(inputs, allOrNone, autoAssign) : _store.ApiCreate(inputs, allOrNone, autoAssign);
        var written = results.Count(r => r.Success);
        Interlocked.Add(ref _stats.SalesforceWrites, written);
        _stats.Endpoints.Records(context, written);
        if (!update)
        {
            var tasks = inputs.Zip(results).Count(p => p.Second.Success && p.First.Type.Equals("Task", StringComparison.OrdinalIgnoreCase));
            Interlocked.Add(ref _stats.TasksCreated, tasks);
        }

        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var r in results)
                WriteSaveResult(w, r);
            w.WriteEndArray();
        });
    }

    private async Task CreateOneAsync(HttpContext context, SalesforceObject obj)
    {
        using var doc = await JsonResponses.ReadBodyAsync(context);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, 400, "JSON_PARSER_ERROR", "Unexpected body: expected a JSON object with the record's fields");
            return;
        }

        var input = ParseRecord(doc.RootElement, obj.Name)!;
        var result = _store.ApiCreate([input], allOrNone: true, AutoAssign(context))[0];
        if (!result.Success)
        {
            await JsonResponses.WriteAsync(context, 400, w =>
            {
                w.WriteStartArray();
                foreach (var e in result.Errors)
                {
                    w.WriteStartObject();
                    w.WriteString("message", e.Message);
                    w.WriteString("errorCode", e.StatusCode);
                    w.WriteStartArray("fields");
                    foreach (var f in e.Fields)
                        w.WriteStringValue(f);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            return;
        }

        Interlocked.Increment(ref _stats.SalesforceWrites);
        _stats.Endpoints.Records(context, 1);
        if (obj == SalesforceSchema.Task)
            Interlocked.Increment(ref _stats.TasksCreated);
        await JsonResponses.WriteAsync(context, 201, w => WriteSaveResult(w, result));
    }

    /// <summary>Absent or TRUE means the org's lead assignment rule runs (the trap a connector avoids by sending FALSE).</summary>
    private static bool AutoAssign(HttpContext context)
    {
        var header = context.Request.Headers["Sforce-Auto-Assign"].ToString().Trim();
        return !header.Equals("FALSE", StringComparison.OrdinalIgnoreCase);
    }

    private static CollectionInput? ParseRecord(JsonElement record, string? typeFromPath)
    {
        if (record.ValueKind != JsonValueKind.Object)
            return null;
        var type = typeFromPath;
        if (record.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object &&
            attributes.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
            type = t.GetString();
        if (string.IsNullOrEmpty(type))
            return null;
        string? id = null;
        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in record.EnumerateObject())
        {
            if (p.Name == "attributes")
                continue;
            if (p.Name.Equals("id", StringComparison.OrdinalIgnoreCase))
            {
                id = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
                continue;
            }

            fields[p.Name] = p.Value.Clone();
        }

        return new CollectionInput(type, id, fields);
    }

    private static void WriteSaveResult(Utf8JsonWriter w, SalesforceSaveResult r)
    {
        w.WriteStartObject();
        if (r.Id is not null)
            w.WriteString("id", r.Id);
        w.WriteBoolean("success", r.Success);
        w.WriteStartArray("errors");
        foreach (var e in r.Errors)
        {
            w.WriteStartObject();
            w.WriteString("statusCode", e.StatusCode);
            w.WriteString("message", e.Message);
            w.WriteStartArray("fields");
            foreach (var f in e.Fields)
                w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        // An UpsertResult says whether it created the record; a failed one carries only success and errors (T).
        if (r.Created is { } created && r.Success)
            w.WriteBoolean("created", created);
        w.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter w, string version, string type, string id)
    {
        w.WriteStartObject("attributes");
        w.WriteString("type", type);
        w.WriteString("url", $"/services/data/{version}/sobjects/{type}/{id}");
        w.WriteEndObject();
    }

    internal static void WriteValue(Utf8JsonWriter w, string name, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNull(name);
                break;
            case string s:
                w.WriteString(name, s);
                break;
            case bool b:
                w.WriteBoolean(name, b);
                break;
            case int i:
                w.WriteNumber(name, i);
                break;
            case double d:
                w.WriteNumber(name, d);
                break;
            case DateTimeOffset dt:
                w.WriteString(name, FormatDateTime(dt));
                break;
            case DateOnly date:
                w.WriteString(name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            default:
                w.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>Salesforce's REST datetime rendering: milliseconds and a +0000 offset.</summary>
    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";

    private async Task FaultAsync(HttpContext context, Fault fault)
    {
        if (fault.Kind == FaultKind.MalformedBody)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json;charset=UTF-8";
            await context.Response.WriteAsync("{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":", context.RequestAborted);
            return;
        }

        switch (fault.StatusCode)
        {
            case 401:
                ExpireAllTokens();
                Interlocked.Increment(ref _stats.Http401s);
                context.Response.Headers.WWWAuthenticate = "Token";
                await ErrorAsync(context, 401, "INVALID_SESSION_ID", "Session expired or invalid");
                return;
            case 403:
                await ErrorAsync(context, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
                return;
            case 429:
                Interlocked.Increment(ref _stats.Http429s);
                await ErrorAsync(context, 429, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.");
                return;
            case 503:
                Interlocked.Increment(ref _stats.Http5xxs);
                await ErrorAsync(context, 503, "SERVER_UNAVAILABLE", "Server is unavailable, please try again later.");
                return;
            default:
                if (fault.StatusCode >= 500)
                    Interlocked.Increment(ref _stats.Http5xxs);
                await ErrorAsync(context, fault.StatusCode, fault.StatusCode >= 500 ? "UNKNOWN_EXCEPTION" : "INVALID_INPUT",
                    fault.StatusCode >= 500 ? "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-123456789)" : "injected failure");
                return;
        }
    }

    private static async Task OAuthErrorAsync(HttpContext context, string error, string description) =>
        await JsonResponses.WriteAsync(context, 400, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteString("error_description", description);
            w.WriteEndObject();
        });

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        await JsonResponses.WriteAsync(context, status, w =>
        {
            w.WriteStartArray();
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteString("errorCode", code);
            w.WriteEndObject();
            w.WriteEndArray();
        });
}
