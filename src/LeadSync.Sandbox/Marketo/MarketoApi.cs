using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace LeadSync.Sandbox.Marketo;

/// <summary>
/// HTTP surface of the fake Marketo Engage instance: /identity/oauth/token and the Lead Database API under /rest/v1,
/// written from the facts sheet and Adobe's Swagger files. Errors ride on HTTP 200 envelopes with string codes; only
/// the identity endpoint answers 401, and oversized requests 413/414.
/// </summary>
internal sealed class MarketoApi
{
    private const int MaxBatch = 300;
    private const int MaxUri = 8 * 1024;
    private const int MaxBody = 1024 * 1024;
    private static readonly TimeSpan TokenLife = TimeSpan.FromSeconds(3600);

    private readonly Func<MarketoStore> _store;
    private readonly SandboxOptions _options;
    private readonly StatsCounters _stats;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly RollingWindow _window;
    private readonly DailyCounter _daily;
    private readonly Lock _tokenSync = new();
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private (string Token, DateTimeOffset ExpiresAt)? _current;
    private int _inFlight;
    private long _requestNumber;

    public MarketoApi(Func<MarketoStore> store, SandboxOptions options, StatsCounters stats, FaultInjector faults, TimeProvider time)
    {
        _store = store;
        _options = options;
        _stats = stats;
        _faults = faults;
        _time = time;
        _window = new RollingWindow(options.MarketoCallsPerTwentySeconds, TimeSpan.FromSeconds(20));
        _daily = new DailyCounter(options.MarketoDailyQuota);
    }

    /// <summary>Calls counted against today's quota (the Marketo day starts at midnight CST, 06:00 UTC).</summary>
    public long QuotaUsed => _daily.Used(MarketoDay(_time.GetUtcNow()));

    /// <summary>Every token issued so far stops working (as when an admin resets the custom service's secret).</summary>
    public void ExpireTokens()
    {
        lock (_tokenSync)
        {
            foreach (var key in _tokens.Keys.ToList())
                _tokens[key] = DateTimeOffset.MinValue;
            _current = null;
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path.Equals("/identity/oauth/token", StringComparison.Ordinal))
        {
            await IdentityAsync(context);
            return;
        }

        Interlocked.Increment(ref _stats.MarketoCalls);
        if (_faults.LatencyMs is > 0 and var latency)
        {
            Interlocked.Increment(ref _stats.FaultsLatency);
            await Task.Delay(latency, context.RequestAborted);
        }

        var uriLength = path.Length + context.Request.QueryString.Value?.Length ?? 0;
        if (uriLength > MaxUri)
        {
            context.Response.StatusCode = StatusCodes.Status414UriTooLong;
            return;
        }

        if (context.Request.ContentLength > MaxBody)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        // Not counted against the limits: 601, 602 (and 604, 605, 608, 611 below).
        if (Authenticate(context) is { } authError)
        {
            await ErrorAsync(context, authError.Code, authError.Message);
            return;
        }

        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            if (_options.MarketoMaxConcurrent > 0 && inFlight > _options.MarketoMaxConcurrent)
            {
                Interlocked.Increment(ref _stats.MarketoThrottled);
                await ErrorAsync(context, "615", "Concurrent access limit reached");
                return;
            }

            var isWrite = HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsDelete(context.Request.Method);
            Fault? lost = null;
            if (_faults.Next(SandboxServer.MarketoSystem, isWrite) is { } fault)
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
            if (!_daily.TryAcquire(MarketoDay(now), out _))
            {
                Interlocked.Increment(ref _stats.MarketoThrottled);
                await ErrorAsync(context, "607", "Daily quota reached");
                return;
            }

            if (!_window.TryAcquire(now, out _))
            {
                Interlocked.Increment(ref _stats.MarketoThrottled);
                await ErrorAsync(context, "606", "Max rate limit '100' exceeded with in '20' secs");
                return;
            }

            if (lost is not null)
            {
                await FaultInjector.ApplyThenLoseAsync(context, lost, _stats, () => RouteAsync(context, path), () =>
                {
                    Interlocked.Increment(ref _stats.Http5xxs);
                    context.Response.StatusCode = StatusCodes.Status502BadGateway;
                    return Task.CompletedTask;
                });
                return;
            }

            await RouteAsync(context, path);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static DateTimeOffset MarketoDay(DateTimeOffset now) => now.AddHours(-6);

    // ---- Identity -----------------------------------------------------------------------------

    /// <summary>GET or POST with client_id, client_secret, grant_type=client_credentials as query parameters.</summary>
    private async Task IdentityAsync(HttpContext context)
    {
        var q = context.Request.Query;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (q["grant_type"] != "client_credentials")
        {
            await JsonResponses.WriteAsync(context, 400, w => OAuthError(w, "unsupported_grant_type", "grant_type must be client_credentials"));
            return;
        }

        if (q["client_id"] != _options.MarketoClientId || q["client_secret"] != _options.MarketoClientSecret)
        {
            Interlocked.Increment(ref _stats.Http401s);
            await JsonResponses.WriteAsync(context, 401, w => OAuthError(w, "invalid_client", "Bad client credentials"));
            return;
        }

        var now = _time.GetUtcNow();
        string token;
        DateTimeOffset expiresAt;
        lock (_tokenSync)
        {
            // Asking again before expiry returns the same token with what is left of its life.
            if (_current is { } current && current.ExpiresAt > now)
            {
                (token, expiresAt) = current;
            }
            else
            {
                token = $"{Guid.NewGuid():D}:sb";
                expiresAt = now + TokenLife;
                _current = (token, expiresAt);
                _tokens[token] = expiresAt;
            }
        }

        Interlocked.Increment(ref _stats.MarketoTokens);
        var left = (long)Math.Max(0, Math.Floor((expiresAt - now).TotalSeconds));
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", token);
            w.WriteString("token_type", "bearer");
            w.WriteNumber("expires_in", left);
            w.WriteString("scope", "leadsync-api@sandbox.example");
            w.WriteEndObject();
        });
    }

    private static void OAuthError(Utf8JsonWriter w, string error, string description)
    {
        w.WriteStartObject();
        w.WriteString("error", error);
        w.WriteString("error_description", description);
        w.WriteEndObject();
    }

    /// <summary>The Authorization header only: the access_token query parameter is being removed and is not accepted here.</summary>
    private (string Code, string Message)? Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return ("601", "Access token invalid");
        var token = header["Bearer ".Length..].Trim();
        lock (_tokenSync)
        {
            if (!_tokens.TryGetValue(token, out var expiresAt))
                return ("601", "Access token invalid");
            if (expiresAt <= _time.GetUtcNow())
                return ("602", "Access token expired");
        }

        return null;
    }

    // ---- Routing ------------------------------------------------------------------------------

    private async Task RouteAsync(HttpContext context, string path)
    {
        var method = context.Request.Method;
        var query = await QueryAsync(context);
        if (query is null)
        {
            await ErrorAsync(context, "612", "Invalid Content Type");
            return;
        }

        var get = HttpMethods.IsGet(method) || query.IsGetOverride;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // rest, v1, ...
        if (segments.Length < 3 || segments[0] != "rest" || segments[1] != "v1")
        {
            await ErrorAsync(context, "610", "Requested resource not found");
            return;
        }

        var rest = string.Join('/', segments[2..]);
        switch (rest)
        {
            case "activities/pagingtoken.json" when get:
                await PagingTokenAsync(context, query);
                return;
            case "activities.json" when get:
                await ActivitiesAsync(context, query, changes: false);
                return;
            case "activities/leadchanges.json" when get:
                await ActivitiesAsync(context, query, changes: true);
                return;
            case "activities/types.json" when get:
                await TypesAsync(context);
                return;
            case "leads.json" when get:
                await LeadsByFilterAsync(context, query);
                return;
            case "leads.json" when HttpMethods.IsPost(method):
                await SyncLeadsAsync(context);
                return;
            case "leads/describe.json" when get:
                await DescribeAsync(context, v2: false);
                return;
            case "leads/describe2.json" when get:
                await DescribeAsync(context, v2: true);
                return;
            case "lists.json" when get:
                await ListsAsync(context);
                return;
        }

        if (segments.Length == 4 && segments[2] == "lead" && segments[3].EndsWith(".json", StringComparison.Ordinal) && get
            && int.TryParse(segments[3][..^5], NumberStyles.None, CultureInfo.InvariantCulture, out var leadId))
        {
            var lead = _store().Get(leadId);
            var fields = Fields(query);
            await OkAsync(context, w => WriteLeads(w, lead is null ? [] : [lead], fields), null, null);
            return;
        }

        if (segments.Length >= 5 && segments[2] == "lists" && int.TryParse(segments[3], NumberStyles.None, CultureInfo.InvariantCulture, out var listId))
        {
            await ListRouteAsync(context, query, listId, string.Join('/', segments[4..]), method, get);
            return;
        }

        if (segments.Length == 5 && segments[2] == "leads" && segments[4] == "listMembership.json" && get
            && int.TryParse(segments[3], NumberStyles.None, CultureInfo.InvariantCulture, out var memberId))
        {
            var lists = _store().ListsOf(memberId);
            await OkAsync(context, w =>
            {
                foreach (var (id, since) in lists)
                {
                    w.WriteStartObject();
                    w.WriteNumber("listId", id);
                    w.WriteString("createdAt", MarketoFormat.Date(since));
                    w.WriteString("updatedAt", MarketoFormat.Date(since));
                    w.WriteEndObject();
                }
            }, null, null);
            return;
        }

        if (segments.Length == 6 && segments[2] == "programs" && segments[4] == "members" && segments[5] == "status.json" && HttpMethods.IsPost(method)
            && int.TryParse(segments[3], NumberStyles.None, CultureInfo.InvariantCulture, out var programId))
        {
            await ProgramStatusAsync(context, programId);
            return;
        }

        if (segments.Length == 5 && segments[2] == "leads" && segments[3] == "programs" && get
            && int.TryParse(segments[4].Replace(".json", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var membersOf))
        {
            await ProgramMembersAsync(context, query, membersOf);
            return;
        }

        // A known path with the wrong method is 605 (e.g. GET on a POST-only resource); anything else 610.
        await ErrorAsync(context, KnownPath(rest) ? "605" : "610", KnownPath(rest) ? "HTTP Method not supported" : "Requested resource not found");
    }

    private static bool KnownPath(string rest) => rest is "activities/pagingtoken.json" or "activities.json" or "activities/leadchanges.json"
        or "activities/types.json" or "leads.json" or "leads/describe.json" or "leads/describe2.json" or "lists.json";

    /// <summary>Query values by key; list parameters accept repeated keys and comma-separated values alike.</summary>
    private sealed class Query(Dictionary<string, List<string>> values, bool isGetOverride)
    {
        public bool IsGetOverride => isGetOverride;

        public string? One(string key) => values.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;

        public List<string> List(string key) =>
            values.TryGetValue(key, out var v) ? [.. v.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))] : [];

        public bool Has(string key) => values.ContainsKey(key);
    }

    /// <summary>The query string, plus the form body of a <c>POST …?_method=GET</c> (the way around a 414). Null = a form post without the form content type.</summary>
    private static async Task<Query?> QueryAsync(HttpContext context)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, StringValues v)
        {
            if (!values.TryGetValue(key, out var list))
                values[key] = list = [];
            list.AddRange(v.OfType<string>());
        }

        foreach (var (key, v) in context.Request.Query)
            Add(key, v);
        var isOverride = HttpMethods.IsPost(context.Request.Method) && string.Equals(context.Request.Query["_method"], "GET", StringComparison.OrdinalIgnoreCase);
        if (isOverride)
        {
            if (!context.Request.HasFormContentType)
                return null;
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            foreach (var (key, v) in form)
                Add(key, v);
        }

        return new Query(values, isOverride);
    }

    // ---- Activities ---------------------------------------------------------------------------

    private async Task PagingTokenAsync(HttpContext context, Query query)
    {
        var since = query.One("sinceDatetime");
        if (string.IsNullOrEmpty(since))
        {
            await ErrorAsync(context, "701", "sinceDatetime cannot be blank");
            return;
        }

        if (!MarketoFormat.TryParse(since, out var at))
        {
            await ErrorAsync(context, "704", "Invalid date format");
            return;
        }

        var token = EncodeToken((at.UtcTicks - 1, long.MaxValue));
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("requestId", RequestId());
            w.WriteBoolean("success", true);
            w.WriteString("nextPageToken", token);
            w.WriteEndObject();
        });
    }

    private async Task ActivitiesAsync(HttpContext context, Query query, bool changes)
    {
        var tokenText = query.One("nextPageToken");
        if (string.IsNullOrEmpty(tokenText))
        {
            await ErrorAsync(context, "701", "nextPageToken cannot be blank");
            return;
        }

        if (DecodeToken(tokenText) is not { } after)
        {
            // T: the error a real instance gives for a garbled token is not documented.
            await ErrorAsync(context, "1003", "Invalid nextPageToken");
            return;
        }

        var batchSize = Math.Clamp(int.TryParse(query.One("batchSize"), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : MaxBatch, 1, MaxBatch);
        var leadIds = new HashSet<int>();
        foreach (var text in query.List("leadIds"))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                await ErrorAsync(context, "1003", $"Invalid leadId '{text}'");
                return;
            }

            leadIds.Add(id);
        }

        if (leadIds.Count > 30)
        {
            await ErrorAsync(context, "1003", "leadIds cannot have more than 30 values");
            return;
        }

        HashSet<int>? listMembers = null;
        if (query.One("listId") is { } listText)
        {
            if (!int.TryParse(listText, NumberStyles.None, CultureInfo.InvariantCulture, out var listId) || !_store().HasList(listId))
            {
                await ErrorAsync(context, "1013", "Static list not found");
                return;
            }

            listMembers = [.. _store().Members(listId).Select(l => l.Id)];
        }

        Func<MarketoActivity, bool> typeMatch;
        HashSet<string>? changeFields = null;
        if (changes)
        {
            var fields = query.List("fields");
            if (fields.Count == 0)
            {
                await ErrorAsync(context, "701", "fields cannot be blank");
                return;
            }

            changeFields = new HashSet<string>(fields, StringComparer.OrdinalIgnoreCase);
            typeMatch = a => a.TypeId == 12 || (a.TypeId == 13 && a.Changes is { } c && c.Any(f => changeFields.Contains(f.Name)));
        }
        else
        {
            var types = new HashSet<int>();
            foreach (var text in query.List("activityTypeIds"))
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var type))
                {
                    await ErrorAsync(context, "1003", $"Invalid activityTypeId '{text}'");
                    return;
                }

                types.Add(type);
            }

            if (types.Count == 0)
            {
                await ErrorAsync(context, "701", "activityTypeIds cannot be blank");
                return;
            }

            if (types.Count > 10)
            {
                await ErrorAsync(context, "1003", "activityTypeIds cannot have more than 10 values");
                return;
            }

            typeMatch = a => types.Contains(a.TypeId);
        }

        var page = _store().Page(after, a => typeMatch(a) && (leadIds.Count == 0 || leadIds.Contains(a.LeadId)) && (listMembers is null || listMembers.Contains(a.LeadId)), batchSize);
        await OkAsync(context, w =>
        {
            foreach (var a in page.Items)
                WriteActivity(w, a, changeFields);
        }, EncodeToken(page.Next), page.More);
    }

    private static void WriteActivity(Utf8JsonWriter w, MarketoActivity a, HashSet<string>? changeFields)
    {
        w.WriteStartObject();
        w.WriteNumber("id", a.Id);
        w.WriteString("marketoGUID", a.Id.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("leadId", a.LeadId);
        w.WriteString("activityDate", MarketoFormat.Date(a.Date));
        w.WriteNumber("activityTypeId", a.TypeId);
        if (a.CampaignId is { } campaign)
            w.WriteNumber("campaignId", campaign);
        if (a.PrimaryAttributeValue is { } primary)
        {
            w.WriteNumber("primaryAttributeValueId", (a.Id % 997) + 1);
            w.WriteString("primaryAttributeValue", primary);
        }

        if (changeFields is not null)
        {
            w.WriteStartArray("fields");
            foreach (var change in a.Changes ?? [])
            {
                if (!changeFields.Contains(change.Name))
                    continue;
                w.WriteStartObject();
                w.WriteNumber("id", change.FieldId);
                w.WriteString("name", change.Name);
                w.WriteString("newValue", change.NewValue ?? "");
                if (change.OldValue is not null)
                    w.WriteString("oldValue", change.OldValue);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        // Empty attributes are omitted, as real responses do.
        w.WriteStartArray("attributes");
        foreach (var (name, value) in a.Attributes)
        {
            if (value.Length == 0)
                continue;
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("value", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private async Task TypesAsync(HttpContext context) =>
        await OkAsync(context, w =>
        {
            foreach (var (id, name, primary) in MarketoSchema.ActivityTypes)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("name", name);
                w.WriteString("description", name);
                w.WriteStartObject("primaryAttribute");
                w.WriteString("name", primary);
                w.WriteString("dataType", "integer");
                w.WriteEndObject();
                w.WriteStartArray("attributes");
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }, null, null);

    /// <summary>Position (ticks, id) as Base32, the alphabet Marketo's tokens use.</summary>
    private static string EncodeToken((long Ticks, long Id) position)
    {
        var bytes = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{position.Ticks}:{position.Id}"));
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
            sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        while (sb.Length % 8 != 0)
            sb.Append('=');
        return sb.ToString();
    }

    private static (long Ticks, long Id)? DecodeToken(string token)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in token.TrimEnd('='))
        {
            var v = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
                return null;
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)((buffer >> (bits - 8)) & 0xFF));
                bits -= 8;
            }
        }

        var parts = Encoding.ASCII.GetString([.. bytes]).Split(':');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? (ticks, id)
            : null;
    }

    // ---- Leads --------------------------------------------------------------------------------

    private static List<string> Fields(Query query)
    {
        var fields = query.List("fields");
        return fields.Count == 0 ? [.. MarketoSchema.DefaultFields] : fields;
    }

    private async Task LeadsByFilterAsync(HttpContext context, Query query)
    {
        var filterType = query.One("filterType");
        var values = query.List("filterValues");
        if (string.IsNullOrEmpty(filterType))
        {
            await ErrorAsync(context, "701", "filterType cannot be blank");
            return;
        }

        if (values.Count == 0)
        {
            await ErrorAsync(context, "701", "filterValues cannot be blank");
            return;
        }

        var searchable = MarketoSchema.FixedFilterTypes.Contains(filterType)
            || (MarketoSchema.ByName.TryGetValue(filterType, out var f) && !f.Standard && f.DataType is "string" or "email" or "integer");
        if (!searchable)
        {
            await ErrorAsync(context, "1011", $"Field '{filterType}' not supported for filterType");
            return;
        }

        if (values.Count > MaxBatch)
        {
            await ErrorAsync(context, "1003", "filterValues cannot have more than 300 values");
            return;
        }

        var fields = Fields(query);
        if (fields.FirstOrDefault(n => !MarketoSchema.ByName.ContainsKey(n)) is { } unknown)
        {
            await ErrorAsync(context, "1006", $"Field '{unknown}' not found");
            return;
        }

        var matches = _store().Filter(MarketoSchema.ByName.TryGetValue(filterType, out var mapped) ? mapped.Name : filterType, values);
        if (matches.Count > 1000)
        {
            await ErrorAsync(context, "1003", "More than 1000 leads match the filter");
            return;
        }

        var batchSize = Math.Clamp(int.TryParse(query.One("batchSize"), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : MaxBatch, 1, MaxBatch);
        var offset = query.One("nextPageToken") is { } token && DecodeToken(token) is { } position ? (int)position.Id : 0;
        var page = matches.Skip(offset).Take(batchSize).ToList();
        var more = offset + page.Count < matches.Count;
        await OkAsync(context, w => WriteLeads(w, page, fields), more ? EncodeToken((0, offset + page.Count)) : null, more ? true : null);
    }

    private static void WriteLeads(Utf8JsonWriter w, IReadOnlyList<MarketoLead> leads, IReadOnlyList<string> fields)
    {
        foreach (var lead in leads)
        {
            w.WriteStartObject();
            w.WriteNumber("id", lead.Id);
            foreach (var name in fields)
            {
                var field = MarketoSchema.ByName[name];
                if (field.Name == "id" || lead.Get(field.Name) is not { } value)
                    continue; // absent means null
                WriteTyped(w, field, value);
            }

            w.WriteEndObject();
        }
    }

    private static void WriteTyped(Utf8JsonWriter w, MarketoField field, string value)
    {
        switch (field.DataType)
        {
            case "integer" when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n):
                w.WriteNumber(field.Name, n);
                break;
            case "currency" or "float" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                w.WriteNumber(field.Name, d);
                break;
            case "boolean":
                w.WriteBoolean(field.Name, value.Equals("true", StringComparison.OrdinalIgnoreCase));
                break;
            default:
                w.WriteString(field.Name, value);
                break;
        }
    }

    private async Task SyncLeadsAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            await ErrorAsync(context, "612", "Invalid Content Type");
            return;
        }

        using var body = await JsonResponses.ReadBodyAsync(context);
        if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, "609", "Invalid JSON");
            return;
        }

        var root = body.RootElement;
        var action = root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "createOrUpdate";
        var lookupField = root.TryGetProperty("lookupField", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "email";
        if (action is not ("createOnly" or "updateOnly" or "createOrUpdate" or "createDuplicate"))
        {
            await ErrorAsync(context, "1003", $"Invalid action '{action}'");
            return;
        }

        if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            await ErrorAsync(context, "701", "input cannot be blank");
            return;
        }

        if (input.GetArrayLength() > MaxBatch)
        {
            // T: what a real instance answers above 300 records is not documented.
            await ErrorAsync(context, "1003", "input cannot have more than 300 records");
            return;
        }

        if (lookupField.Equals("id", StringComparison.OrdinalIgnoreCase) && action != "updateOnly")
        {
            await ErrorAsync(context, "1003", "id can only be used as lookupField with action updateOnly");
            return;
        }

        var results = new List<MarketoSyncResult>();
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                results.Add(new(null, "skipped", "1003", "Invalid record"));
                continue;
            }

            var record = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in item.EnumerateObject())
            {
                record[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => p.Value.GetRawText(),
                };
            }

            results.Add(_store().Sync(action, lookupField, record));
        }

        Interlocked.Add(ref _stats.MarketoWrites, results.Count(r => r.Status != "skipped"));
        await OkAsync(context, w =>
        {
            foreach (var r in results)
            {
                w.WriteStartObject();
                if (r.Id is { } id)
                    w.WriteNumber("id", id);
                w.WriteString("status", r.Status);
                if (r.ReasonCode is not null)
                    WriteReasons(w, r.ReasonCode, r.ReasonMessage!);
                w.WriteEndObject();
            }
        }, null, null);
    }

    private static void WriteReasons(Utf8JsonWriter w, string code, string message)
    {
        w.WriteStartArray("reasons");
        w.WriteStartObject();
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private async Task DescribeAsync(HttpContext context, bool v2)
    {
        if (!v2)
        {
            await OkAsync(context, w =>
            {
                foreach (var f in MarketoSchema.Fields)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", f.Id);
                    w.WriteString("displayName", f.DisplayName);
                    w.WriteString("dataType", f.DataType);
                    if (f.Length is { } length)
                        w.WriteNumber("length", length);
                    w.WriteStartObject("rest");
                    w.WriteString("name", f.Name);
                    w.WriteBoolean("readOnly", !f.Updateable || f.CrmManaged);
                    w.WriteEndObject();
                    w.WriteStartObject("soap");
                    w.WriteString("name", f.Name);
                    w.WriteBoolean("readOnly", !f.Updateable || f.CrmManaged);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
            }, null, null);
            return;
        }

        await OkAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", "API Lead");
            w.WriteStartArray("searchableFields");
            foreach (var name in MarketoSchema.FixedFilterTypes.Order(StringComparer.Ordinal).Concat(MarketoSchema.Fields.Where(f => f.Searchable && !f.Standard).Select(f => f.Name)))
            {
                w.WriteStartArray();
                w.WriteStringValue(name);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("fields");
            foreach (var f in MarketoSchema.Fields)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteString("displayName", f.DisplayName);
                w.WriteString("dataType", f.DataType);
                if (f.Length is { } length)
                    w.WriteNumber("length", length);
                w.WriteBoolean("updateable", f.Updateable && !f.CrmManaged);
                w.WriteBoolean("crmManaged", f.CrmManaged);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, null, null);
    }

    // ---- Lists and programs -------------------------------------------------------------------

    private async Task ListsAsync(HttpContext context) =>
        await OkAsync(context, w =>
        {
            foreach (var list in _store().Lists())
            {
                w.WriteStartObject();
                w.WriteNumber("id", list.Id);
                w.WriteString("name", list.Name);
                if (list.ProgramName is { } program)
                    w.WriteString("programName", program);
                w.WriteString("workspaceName", "Default");
                w.WriteString("createdAt", MarketoFormat.Date(list.CreatedAt));
                w.WriteString("updatedAt", MarketoFormat.Date(list.CreatedAt));
                w.WriteEndObject();
            }
        }, null, null);

    private async Task ListRouteAsync(HttpContext context, Query query, int listId, string rest, string method, bool get)
    {
        var store = _store();
        if (!store.HasList(listId))
        {
            await ErrorAsync(context, "1013", "Static list not found");
            return;
        }

        if (rest == "leads.json" && get)
        {
            var fields = Fields(query);
            await OkAsync(context, w => WriteLeads(w, store.Members(listId), fields), null, null);
            return;
        }

        if (rest == "leads/ismember.json" && get)
        {
            var ids = query.List("id").Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
            await OkAsync(context, w =>
            {
                foreach (var id in ids)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", id);
                    w.WriteString("status", store.Get(id) is null ? "skipped" : store.IsMember(listId, id) ? "memberof" : "notmemberof");
                    if (store.Get(id) is null)
                        WriteReasons(w, "1004", "Lead not found");
                    w.WriteEndObject();
                }
            }, null, null);
            return;
        }

        if (rest == "leads.json" && (HttpMethods.IsPost(method) || HttpMethods.IsDelete(method)))
        {
            // Ids in the query (id=…&id=…) or in the body {"input":[{"id":…}]}: both are documented.
            var ids = query.List("id").Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
            if (context.Request.ContentLength is > 0 || context.Request.ContentType is not null)
            {
                using var body = await JsonResponses.ReadBodyAsync(context);
                if (body?.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array)
                {
                    ids.AddRange(input.EnumerateArray().Select(e => e.TryGetProperty("id", out var id) && id.TryGetInt32(out var n) ? n : -1));
                }
            }

            if (ids.Count == 0)
            {
                await ErrorAsync(context, "701", "id cannot be blank");
                return;
            }

            if (ids.Count > MaxBatch)
            {
                await ErrorAsync(context, "1003", "Cannot process more than 300 ids");
                return;
            }

            var results = store.ChangeMembers(listId, ids, add: HttpMethods.IsPost(method));
            Interlocked.Add(ref _stats.MarketoWrites, results.Count(r => r.Status != "skipped"));
            await OkAsync(context, w =>
            {
                foreach (var (id, status, code, message) in results)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", id);
                    w.WriteString("status", status);
                    if (code is not null)
                        WriteReasons(w, code, message!);
                    w.WriteEndObject();
                }
            }, null, null);
            return;
        }

        await ErrorAsync(context, "610", "Requested resource not found");
    }

    private async Task ProgramStatusAsync(HttpContext context, int programId)
    {
        var store = _store();
        if (store.Program(programId) is null)
        {
            await ErrorAsync(context, "1013", "Program not found");
            return;
        }

        using var body = await JsonResponses.ReadBodyAsync(context);
        if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, "609", "Invalid JSON");
            return;
        }

        var status = body.RootElement.TryGetProperty("statusName", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (string.IsNullOrEmpty(status))
        {
            await ErrorAsync(context, "701", "statusName cannot be blank");
            return;
        }

        var ids = body.RootElement.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array
            ? input.EnumerateArray().Select(e => e.TryGetProperty("leadId", out var id) && id.TryGetInt32(out var n) ? n : -1).ToList()
            : [];
        if (ids.Count is 0 or > MaxBatch)
        {
            await ErrorAsync(context, ids.Count == 0 ? "701" : "1003", ids.Count == 0 ? "input cannot be blank" : "input cannot have more than 300 records");
            return;
        }

        var results = store.SetStatus(programId, status, ids);
        Interlocked.Add(ref _stats.MarketoWrites, results.Count(r => r.Status != "skipped"));
        await OkAsync(context, w =>
        {
            foreach (var (seq, leadId, result, code, message) in results)
            {
                w.WriteStartObject();
                w.WriteNumber("seq", seq);
                w.WriteString("status", result);
                if (code is null)
                    w.WriteNumber("leadId", leadId);
                else
                    WriteReasons(w, code, message!);
                w.WriteEndObject();
            }
        }, null, null);
    }

    private async Task ProgramMembersAsync(HttpContext context, Query query, int programId)
    {
        var store = _store();
        if (store.Program(programId) is null)
        {
            await ErrorAsync(context, "1013", "Program not found");
            return;
        }

        var fields = Fields(query);
        var members = store.MembersOf(programId);
        await OkAsync(context, w =>
        {
            foreach (var m in members)
            {
                if (store.Get(m.LeadId) is not { } lead)
                    continue;
                w.WriteStartObject();
                w.WriteNumber("id", lead.Id);
                foreach (var name in fields.Where(n => n != "id" && MarketoSchema.ByName.ContainsKey(n)))
                {
                    if (lead.Get(MarketoSchema.ByName[name].Name) is { } value)
                        WriteTyped(w, MarketoSchema.ByName[name], value);
                }

                w.WriteStartObject("membership");
                w.WriteString("progressionStatus", m.Status);
                w.WriteBoolean("acquiredBy", false);
                w.WriteBoolean("reachedSuccess", m.ReachedSuccess);
                w.WriteString("membershipDate", MarketoFormat.Date(m.MembershipDate));
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }, null, null);
    }

    // ---- Envelopes ----------------------------------------------------------------------------

    private string RequestId() => string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Increment(ref _requestNumber):x}#{_time.GetUtcNow().ToUnixTimeMilliseconds():x}");

    private async Task OkAsync(HttpContext context, Action<Utf8JsonWriter> results, string? nextPageToken, bool? moreResult) =>
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("requestId", RequestId());
            w.WriteBoolean("success", true);
            if (nextPageToken is not null)
                w.WriteString("nextPageToken", nextPageToken);
            if (moreResult is { } more)
                w.WriteBoolean("moreResult", more);
            w.WriteStartArray("result");
            results(w);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private async Task ErrorAsync(HttpContext context, string code, string message) =>
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("requestId", RequestId());
            w.WriteBoolean("success", false);
            w.WriteStartArray("errors");
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });

    /// <summary>
    /// Injected faults in Marketo's own form: a queued Marketo code (606, 615, 604, 608, 611, 607, 601…) as an envelope;
    /// a random rate limit as 606, a random server error as 608 (temporarily unavailable); a truncated body as is.
    /// </summary>
    private async Task FaultAsync(HttpContext context, Fault fault)
    {
        if (fault.Kind == FaultKind.MalformedBody)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json;charset=UTF-8";
            await context.Response.WriteAsync("{\"requestId\":\"x\",\"success\":true,\"result\":[{\"id\":1,\"email\":", context.RequestAborted);
            return;
        }

        if (fault.PolicyName is { Length: 3 } code && code.All(char.IsAsciiDigit))
        {
            if (code is "606" or "615" or "607")
                Interlocked.Increment(ref _stats.MarketoThrottled);
            await ErrorAsync(context, code, code switch
            {
                "606" => "Max rate limit '100' exceeded with in '20' secs",
                "615" => "Concurrent access limit reached",
                "607" => "Daily quota reached",
                "604" => "Request timed out",
                "608" => "API Temporarily Unavailable",
                "611" => "System error",
                "601" => "Access token invalid",
                "602" => "Access token expired",
                _ => "Injected error",
            });
            return;
        }

        if (fault.StatusCode == 429)
        {
            Interlocked.Increment(ref _stats.MarketoThrottled);
            await ErrorAsync(context, "606", "Max rate limit '100' exceeded with in '20' secs");
            return;
        }

        if (fault.StatusCode >= 500)
        {
            await ErrorAsync(context, "608", "API Temporarily Unavailable");
            return;
        }

        context.Response.StatusCode = fault.StatusCode;
    }
}
