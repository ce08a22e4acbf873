using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using LeadSync.Connectors.Http;
using LeadSync.Connectors.Marketo.Api;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Refit;

namespace LeadSync.Connectors.Marketo;

/// <summary>
/// <see cref="IMarketingPlatform"/> over Marketo Engage's REST API. Translates only: Marketo's field names, the paging
/// token flow, batching, the HTTP-200 error envelopes, per-record skip reasons. Owner and the <c>sfdc*</c> fields are
/// never written: Marketo's native Salesforce sync owns them; <c>sfdcLeadId</c> is read as the cross-reference.
/// </summary>
public sealed partial class MarketoMarketingPlatform : IMarketingPlatform, IMarketingLists
{
    /// <summary>Lead-database reads and writes take at most 300 records per call.</summary>
    internal const int BatchSize = 300;

    /// <summary>The <c>leadIds</c> filter of activities.json takes at most 30 ids.</summary>
    internal const int LeadIdsPerActivityCall = 30;

    /// <summary><c>activityTypeIds</c> takes at most 10 ids.</summary>
    internal const int TypesPerActivityCall = 10;

    /// <summary>Marketo answers 414 above 8 KB of URI: the filter values of one call stay under this many characters.</summary>
    internal const int QueryBudget = 6_000;

    private const string Product = MarketoErrors.Product;
    private const string IdField = "id";
    private const string EmailField = "email";
    private const string UpdatedAtField = "updatedAt";
    private const string SfdcLeadIdField = "sfdcLeadId";
    private const string SfdcContactIdField = "sfdcContactId";
    private const string SfdcTypeField = "sfdcType";

    private readonly string _connection;
    private readonly Func<IMarketoApi> _api;
    private readonly MarketoOptions _options;
    private readonly MarketoTraffic _traffic;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _typedFields;
    private readonly int[] _activityTypes;
    private Dictionary<string, string>? _dataTypes;
    private long _writesPausedUntilTicks = -1;

    internal MarketoMarketingPlatform(
        string connection, Func<IMarketoApi> api, MarketoOptions options, MarketoTraffic traffic, TimeProvider time, ILogger logger)
    {
        _connection = connection;
        _api = api;
        _options = options;
        _traffic = traffic;
        _time = time;
        _logger = logger;
        _typedFields = new[]
            {
                IdField, EmailField, "firstName", "lastName", "company", "leadSource", UpdatedAtField,
                SfdcLeadIdField, SfdcContactIdField, SfdcTypeField, options.StatusField, options.StageField,
                options.ScoreField, options.GradeField,
            }
            .Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => f!.Trim()).Distinct(StringComparer.Ordinal).ToList();
        _activityTypes = [.. options.Activities.Select(a => a.ActivityTypeId).Distinct().Order()];
        CoreFields = new CoreFieldNames(
            options.StatusField, Blank(options.StageField), Owner: null, Blank(options.ScoreField), Blank(options.GradeField), CrossReference: null);
    }

    public string SystemName => Product;

    /// <summary>
    /// Status, stage, score and grade as configured. No owner (Marketo's Salesforce sync owns it) and no writable
    /// cross-reference (<c>sfdcLeadId</c> is read-only): neither is checked for writability nor written.
    /// </summary>
    public CoreFieldNames CoreFields { get; }

    public long CallCount => _traffic.Attempts;

    public long ThrottledCount => _traffic.Throttled;

    /// <summary>LeadSync's own calls of the Marketo day against the configured daily quota.</summary>
    public ApiQuota? LastObservedQuota => _traffic.Quota;

    /// <summary>Until when writes are refused locally after a 607; null when writes are allowed.</summary>
    public DateTimeOffset? WritesPausedUntil
    {
        get
        {
            var ticks = Interlocked.Read(ref _writesPausedUntilTicks);
            return ticks < 0 || _time.GetUtcNow().UtcTicks >= ticks ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public override string ToString() => $"Marketo connector '{_connection}' ({_options.BaseUrl})";

    // ---- Incremental read ---------------------------------------------------------------------

    /// <remarks>
    /// Marketo has no "updated since" lead query. A paging token for <paramref name="since"/> starts two activity reads:
    /// lead changes (New Lead, Change Data Value) of the fields the model reads, and the configured behaviour activity
    /// types (≤ 10 ids per call). Both loop on <c>moreResult</c> with the newest token, whatever a page's size (empty
    /// pages with more to come are normal; a run of them longer than <see cref="MarketoOptions.MaxConsecutiveEmptyPages"/>
    /// fails the read instead of looping). Each lead's first activity of the read is its modified time, so leads are
    /// released ascending by (that time, id) in batches of ≤ 300, read by id with only the fields needed. A lead that is
    /// active again later in the read comes back in the next cycle (its later activity is after the watermark).
    /// Behaviour counts cover <see cref="MarketoOptions.BehaviourLookbackDays"/>: when the read starts before that
    /// window its own activity stream has them all; otherwise they are read for the changed leads (30 per call).
    /// </remarks>
    public async IAsyncEnumerable<IReadOnlyList<MarketingPerson>> ReadChangedAsync(
        ChangeCursor since, IReadOnlyCollection<string> fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        var lookbackStart = _time.GetUtcNow().AddDays(-_options.BehaviourLookbackDays);
        var streamTally = since.ModifiedAt <= lookbackStart ? new BehaviourTally(_options.Activities, lookbackStart) : null;
        var first = new Dictionary<long, DateTimeOffset>();
        void Note(ActivityRecord activity, DateTimeOffset date)
        {
            if (!first.TryGetValue(activity.LeadId, out var seen) || date < seen)
            {
                first[activity.LeadId] = date;
            }
        }

        var token = await PagingTokenAsync(since.ModifiedAt, cancellationToken);
        var changeFields = LeadFields(fields).Where(f => f is not (IdField or UpdatedAtField) && !f.StartsWith("sfdc", StringComparison.Ordinal)).ToList();
        await foreach (var (activity, date) in ActivitiesAsync("lead changes", token, null, null, changeFields, cancellationToken))
        {
            Note(activity, date);
        }

        foreach (var types in _activityTypes.Chunk(TypesPerActivityCall))
        {
            await foreach (var (activity, date) in ActivitiesAsync("activities", token, types, null, null, cancellationToken))
            {
                Note(activity, date);
                streamTally?.Add(activity, date);
            }
        }

        var lastId = since.LastId is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
        var ordered = first
            .Where(kv => kv.Value >= since.ModifiedAt && !(lastId is { } floor && kv.Value == since.ModifiedAt && kv.Key <= floor))
            .OrderBy(kv => kv.Value).ThenBy(kv => kv.Key)
            .ToList();

        foreach (var chunk in ordered.Chunk(BatchSize))
        {
            var ids = chunk.Select(kv => kv.Key).ToList();
            var tally = streamTally ?? await TallyAsync(ids, lookbackStart, cancellationToken);
            var leads = await ReadLeadsAsync("id", [.. ids.Select(Id)], fields, cancellationToken);
            var byId = leads.ToDictionary(l => l.Id, StringComparer.Ordinal);
            var batch = new List<MarketingPerson>(chunk.Length);
            foreach (var (id, modified) in chunk)
            {
                if (byId.TryGetValue(Id(id), out var lead))
                {
                    batch.Add(ToPerson(lead, tally, modified));
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }
    }

    private async Task<string> PagingTokenAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var sinceText = since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var response = await SendAsync("paging token", (api, ct) => api.GetPagingTokenAsync(sinceText, ct), MarketoJsonContext.Default.TokenEnvelope, cancellationToken);
        return response.NextPageToken is { Length: > 0 } token
            ? token
            : throw Malformed("paging token", "the paging-token response carries no nextPageToken", response.RequestId);
    }

    /// <summary>
    /// One activity stream to its end: activities.json (with <paramref name="types"/>) or leadchanges.json (with
    /// <paramref name="changeFields"/>). Stops on <c>moreResult:false</c>, never on the token (the last page still has one).
    /// </summary>
    private async IAsyncEnumerable<(ActivityRecord Activity, DateTimeOffset Date)> ActivitiesAsync(
        string stream, string token, int[]? types, IReadOnlyList<long>? leadIds, IReadOnlyList<string>? changeFields,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var empty = 0;
        for (var page = 1; ; page++)
        {
            var current = token;
            var response = changeFields is not null
                ? await SendAsync(stream, (api, ct) => api.GetLeadChangesAsync(current, changeFields, BatchSize, ct), MarketoJsonContext.Default.ActivityEnvelope, cancellationToken)
                : await SendAsync(stream, (api, ct) => api.GetActivitiesAsync(current, types!, leadIds, BatchSize, ct), MarketoJsonContext.Default.ActivityEnvelope, cancellationToken);
            var results = response.Result ?? [];
            var more = response.MoreResult == true;
            Log.ActivityPage(_logger, _connection, stream, page, results.Count, more);
            foreach (var activity in results)
            {
                if (ParseDate(activity.ActivityDate) is { } date)
                {
                    yield return (activity, date);
                }
            }

            if (!more)
            {
                yield break;
            }

            if (response.NextPageToken is not { Length: > 0 } next)
            {
                throw Malformed(stream, "a page says moreResult:true but carries no nextPageToken", response.RequestId);
            }

            empty = results.Count == 0 ? empty + 1 : 0;
            if (empty >= _options.MaxConsecutiveEmptyPages)
            {
                throw new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.Transient, 200, "EMPTY_PAGES",
                    $"{stream}: {empty} pages in a row were empty with moreResult:true; the read stops here and starts again from its watermark next cycle (connection {_connection})",
                    response.RequestId);
            }

            token = next;
        }
    }

    /// <summary>Behaviour of the given leads over the lookback window: ≤ 30 lead ids and ≤ 10 type ids per call.</summary>
    private async Task<BehaviourTally> TallyAsync(IReadOnlyList<long> leadIds, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var tally = new BehaviourTally(_options.Activities, from);
        if (_activityTypes.Length == 0 || leadIds.Count == 0)
        {
            return tally;
        }

        var token = await PagingTokenAsync(from, cancellationToken);
        foreach (var ids in leadIds.Distinct().Chunk(LeadIdsPerActivityCall))
        {
            foreach (var types in _activityTypes.Chunk(TypesPerActivityCall))
            {
                await foreach (var (activity, date) in ActivitiesAsync("behaviour", token, types, ids, null, cancellationToken))
                {
                    tally.Add(activity, date);
                }
            }
        }

        return tally;
    }

    // ---- Batch reads --------------------------------------------------------------------------

    public async Task<IReadOnlyList<MarketingPerson>> ReadByIdsAsync(
        IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // Marketo lead ids are integers: anything else cannot be a lead of this instance.
        var numeric = ids.Where(i => long.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out _)).Distinct(StringComparer.Ordinal).ToList();
        return await ReadWithBehaviourAsync("id", numeric, fields, cancellationToken);
    }

    public async Task<IReadOnlyList<MarketingPerson>> ReadByEmailsAsync(
        IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var distinct = emails.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return await ReadWithBehaviourAsync(EmailField, distinct, fields, cancellationToken);
    }

    private async Task<IReadOnlyList<MarketingPerson>> ReadWithBehaviourAsync(
        string filterType, IReadOnlyList<string> values, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        if (values.Count == 0)
        {
            return [];
        }

        var leads = await ReadLeadsAsync(filterType, values, fields, cancellationToken);
        var ids = leads.Select(l => long.Parse(l.Id, CultureInfo.InvariantCulture)).ToList();
        var tally = await TallyAsync(ids, _time.GetUtcNow().AddDays(-_options.BehaviourLookbackDays), cancellationToken);
        return [.. leads.Select(l => ToPerson(l, tally, modified: null))];
    }

    /// <summary>A lead as read, before behaviour is added.</summary>
    private sealed record RawLead(string Id, Dictionary<string, string?> Values);

    /// <summary>
    /// Get Leads by Filter Type, ≤ 300 values per call and within the URI budget, following <c>nextPageToken</c> while
    /// <c>moreResult</c> (an email can match several leads). No match is <c>success:true</c> with an empty result.
    /// </summary>
    private async Task<List<RawLead>> ReadLeadsAsync(
        string filterType, IReadOnlyList<string> values, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        var leadFields = LeadFields(fields);
        var budget = QueryBudget - leadFields.Sum(f => f.Length + 8);
        var leads = new List<RawLead>(values.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ChunkByBudget(values, BatchSize, Math.Max(budget, 1_000)))
        {
            string? next = null;
            do
            {
                var token = next;
                var response = await SendAsync("leads by " + filterType, (api, ct) => api.GetLeadsByFilterAsync(filterType, chunk, leadFields, BatchSize, token, ct), MarketoJsonContext.Default.LeadEnvelope, cancellationToken);
                foreach (var record in response.Result ?? [])
                {
                    var lead = ToRaw(record, response.RequestId);
                    if (seen.Add(lead.Id))
                    {
                        leads.Add(lead);
                    }
                }

                next = response.MoreResult == true && response.NextPageToken is { Length: > 0 } t ? t : null;
            }
            while (next is not null);
        }

        return leads;
    }

    internal static IEnumerable<List<string>> ChunkByBudget(IReadOnlyList<string> values, int maxCount, int maxChars)
    {
        var chunk = new List<string>();
        var chars = 0;
        foreach (var value in values)
        {
            var cost = Uri.EscapeDataString(value).Length + "&filterValues=".Length;
            if (chunk.Count > 0 && (chunk.Count >= maxCount || chars + cost > maxChars))
            {
                yield return chunk;
                chunk = [];
                chars = 0;
            }

            chunk.Add(value);
            chars += cost;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private RawLead ToRaw(Dictionary<string, JsonElement> record, string? requestId)
    {
        var values = new Dictionary<string, string?>(record.Count, StringComparer.Ordinal);
        foreach (var (name, value) in record)
        {
            values[name] = Text(value);
        }

        return values.GetValueOrDefault(IdField) is { Length: > 0 } id
            ? new RawLead(id, values)
            : throw Malformed("leads", "a lead in the response has no id", requestId);
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    /// <summary>The rules' fields Marketo has (the behaviour fields are the connector's own), then the typed ones.</summary>
    private List<string> LeadFields(IReadOnlyCollection<string> fields)
    {
        var list = fields.Where(f => !MarketoSignals.IsSignalField(f)).Distinct(StringComparer.Ordinal).ToList();
        var asked = new HashSet<string>(list, StringComparer.Ordinal);
        list.AddRange(_typedFields.Where(asked.Add));
        return list;
    }

    private MarketingPerson ToPerson(RawLead lead, BehaviourTally tally, DateTimeOffset? modified)
    {
        var values = lead.Values;
        tally.Fill(long.Parse(lead.Id, CultureInfo.InvariantCulture), values);
        string? Typed(string? name) => name is not null && values.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;

        return new MarketingPerson(
            lead.Id,
            Typed(EmailField),
            Typed("firstName"),
            Typed("lastName"),
            Typed("company"),
            Typed("leadSource"),
            Typed(_options.StatusField),
            Typed(_options.StageField),
            OwnerId: null,
            CrmId: Typed(SfdcLeadIdField),
            values,
            modified ?? ParseDate(Typed(UpdatedAtField)) ?? DateTimeOffset.UnixEpoch,
            Score: Typed(Blank(_options.ScoreField)),
            Grade: Typed(Blank(_options.GradeField)));
    }

    // ---- Writes -------------------------------------------------------------------------------

    /// <remarks>
    /// Sync Leads with <c>action:updateOnly</c> and <c>lookupField:id</c>, ≤ 300 records per call; result[i] answers
    /// input[i], a skipped record's first reason becomes its outcome. Owner and cross-reference writes are dropped
    /// (Marketo's Salesforce sync owns them); a stage moving back is simply set (a custom field has no forward-only
    /// rule). Writes to <c>sfdc*</c> fields are refused per record. An update with nothing left to write sends nothing.
    /// </remarks>
    public async Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var outcomes = new WriteOutcome?[updates.Count];
        var pending = new List<(int Index, JsonObject Record)>(updates.Count);
        var types = await DataTypesAsync(cancellationToken);
        for (var i = 0; i < updates.Count; i++)
        {
            var update = updates[i];
            ArgumentNullException.ThrowIfNull(update);
            if (!long.TryParse(update.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                outcomes[i] = new WriteOutcome(update.Id, false, "INVALID_ID", $"'{update.Id}' is not a Marketo lead id");
                continue;
            }

            var values = ToValues(update);
            if (values.Keys.FirstOrDefault(k => k.StartsWith("sfdc", StringComparison.OrdinalIgnoreCase) || MarketoSignals.IsSignalField(k)) is { } readOnly)
            {
                outcomes[i] = new WriteOutcome(update.Id, false, "READ_ONLY_FIELD",
                    $"'{readOnly}' is read-only in Marketo ({(MarketoSignals.IsSignalField(readOnly) ? "counted from activities" : "owned by Marketo's Salesforce sync")}); map it in the other direction or drop it");
                continue;
            }

            if (values.Count == 0)
            {
                outcomes[i] = WriteOutcome.Ok(update.Id);
                continue;
            }

            var record = new JsonObject { [IdField] = id };
            foreach (var (field, value) in values)
            {
                record[field] = Typed(value, types.GetValueOrDefault(field));
            }

            pending.Add((i, record));
        }

        var chunkIndex = 0;
        var confirmed = false;
        foreach (var chunk in pending.Chunk(BatchSize))
        {
            SyncEnvelope response;
            try
            {
                EnsureWritesAllowed();
                var request = new SyncLeadRequest("updateOnly", IdField, [.. chunk.Select(c => c.Record)]);
                response = await SendAsync("sync leads", (api, ct) => api.SyncLeadsAsync(request, ct), MarketoJsonContext.Default.SyncEnvelope, cancellationToken);
            }
            catch (ExternalApiException ex) when (ex.Kind == ApiErrorKind.Rejected || confirmed)
            {
                // A rejected call fails its own records; any other failure after confirmed writes fails the rest
                // instead of throwing, so the caller never loses what was written.
                var failing = ex.Kind == ApiErrorKind.Rejected ? chunk : [.. pending.Skip(chunkIndex * BatchSize)];
                Log.WriteChunkFailed(_logger, _connection, chunkIndex, ex.Kind.ToString(), failing.Length);
                foreach (var (index, _) in failing)
                {
                    outcomes[index] = new WriteOutcome(updates[index].Id, false, ex.Kind == ApiErrorKind.Rejected ? ex.ErrorCode : ex.Kind.ToString(), ex.ApiMessage);
                }

                if (ex.Kind != ApiErrorKind.Rejected)
                {
                    break;
                }

                chunkIndex++;
                continue;
            }

            var results = response.Result ?? [];
            for (var k = 0; k < chunk.Length; k++)
            {
                var (index, _) = chunk[k];
                outcomes[index] = k < results.Count ? ToOutcome(updates[index].Id, results[k]) : NotConfirmed(updates[index].Id);
                confirmed |= outcomes[index]!.Success;
            }

            chunkIndex++;
        }

        return [.. outcomes.Select((o, i) => o ?? NotConfirmed(updates[i].Id))];
    }

    private static WriteOutcome ToOutcome(string id, SyncResult result)
    {
        if (result.Status is "updated" or "created")
        {
            return WriteOutcome.Ok(id);
        }

        var reason = result.Reasons?.FirstOrDefault() ?? result.Reason;
        return new WriteOutcome(id, false, reason?.Code ?? result.Status ?? "SKIPPED", reason?.Message ?? $"Marketo answered status '{result.Status}'");
    }

    private static WriteOutcome NotConfirmed(string id) =>
        new(id, false, "NOT_CONFIRMED", "Marketo returned no result for this input");

    /// <summary>The update in Marketo's field names; typed intents win over a mapped field of the same name.</summary>
    private Dictionary<string, string?> ToValues(MarketingUpdate update)
    {
        var values = update.Fields.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (update.LeadStatus is { } status)
        {
            values[_options.StatusField] = status;
        }

        if (update.Stage is { } stage && Blank(_options.StageField) is { } stageField)
        {
            values[stageField] = stage.Value;
        }

        if (update.Score is { } score)
        {
            if (Blank(_options.ScoreField) is { } scoreField)
            {
                values[scoreField] = score.Score.ToString(CultureInfo.InvariantCulture);
            }

            if (Blank(_options.GradeField) is { } gradeField)
            {
                values[gradeField] = score.Grade;
            }
        }

        // update.Owner and update.CrmId / LinkCreatedCrmLead are not written: Marketo's Salesforce sync sets the
        // owner and sfdcLeadId itself, and LeadSync keeps the link in its own state and on the CRM side.
        return values;
    }

    /// <summary>JSON value by the field's describe data type: numbers as numbers, booleans as booleans, "" and null as null.</summary>
    private static JsonNode? Typed(string? value, string? dataType)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        switch (dataType)
        {
            case "integer" or "score" when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole):
                return JsonValue.Create(whole);
            case "integer" or "score" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && real == Math.Round(real) && Math.Abs(real) < 1e15:
                // A CRM number field reads "84.0"; Marketo's integer fields take 84.
                return JsonValue.Create((long)real);
            case "float" or "currency" or "percent" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                return JsonValue.Create(number);
            case "boolean" when bool.TryParse(value, out var flag):
                return JsonValue.Create(flag);
            default:
                return JsonValue.Create(value);
        }
    }

    private void EnsureWritesAllowed()
    {
        if (WritesPausedUntil is { } until)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"Marketo daily quota reached (607); writes are paused until {until:u}");
            Log.WriteRefused(_logger, _connection, reason);
            throw new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.DailyLimitReached, null, "607", reason);
        }

        var quota = _traffic.Quota;
        if (quota.UsedShare >= _options.WriteReserveShare)
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"LeadSync used {quota.Max - quota.Remaining}/{quota.Max} calls of today's Marketo quota, the write reserve of {_options.WriteReserveShare:P0}; writes resume after {_traffic.NextReset:u}");
            Log.WriteRefused(_logger, _connection, reason);
            throw new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.DailyLimitReached, null, "WRITE_RESERVE", reason);
        }
    }

    // ---- Owners and fields --------------------------------------------------------------------

    /// <summary>None: Marketo's sales owners come from its Salesforce sync, and LeadSync assigns in Salesforce only.</summary>
    public Task<IReadOnlyList<MarketingOwner>> GetOwnersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MarketingOwner>>([]);

    /// <summary>
    /// describe2's lead fields (writable = updateable and not managed by the CRM sync), plus the behaviour fields of the
    /// configured activity types that exist in the instance (types.json), read-only: a configured type the instance
    /// does not have leaves its signal's fields out, so the start-up check names them.
    /// </summary>
    public async Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken)
    {
        var describe = await SendAsync("describe", (api, ct) => api.DescribeLeadsAsync(ct), MarketoJsonContext.Default.DescribeEnvelope, cancellationToken);
        var described = (describe.Result ?? []).SelectMany(r => r.Fields ?? []).Where(f => f.Name is { Length: > 0 }).ToList();
        Volatile.Write(ref _dataTypes, described.GroupBy(f => f.Name!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().DataType ?? "string", StringComparer.Ordinal));
        var fields = described
            .Select(f => new FieldMetadata(f.Name!, f.DataType ?? "string", (f.Updateable ?? false) && !(f.CrmManaged ?? false), []))
            .ToList();

        if (_options.Activities.Count > 0)
        {
            var types = await SendAsync("activity types", (api, ct) => api.GetActivityTypesAsync(ct), MarketoJsonContext.Default.LeadEnvelope, cancellationToken);
            var known = (types.Result ?? [])
                .Select(t => t.TryGetValue(IdField, out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out var n) ? n : -1)
                .ToHashSet();
            foreach (var activity in _options.Activities.Where(a => known.Contains(a.ActivityTypeId)))
            {
                fields.Add(new FieldMetadata(MarketoSignals.CountField(activity.Signal), "integer", false, []));
                fields.Add(new FieldMetadata(MarketoSignals.LastField(activity.Signal), "datetime", false, []));
            }
        }

        return fields;
    }

    private async ValueTask<Dictionary<string, string>> DataTypesAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _dataTypes) is { } cached)
        {
            return cached;
        }

        await GetFieldsAsync(cancellationToken);
        return Volatile.Read(ref _dataTypes) ?? [];
    }

    // ---- HTTP and envelopes -------------------------------------------------------------------

    private async Task<T> SendAsync<T>(
        string operation, Func<IMarketoApi, CancellationToken, Task<HttpResponseMessage>> call, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class, IEnvelope
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
        catch (ApiRequestException ex) when (ex.InnerException is ExternalApiException inner)
        {
            // The token provider's own errors, wrapped by Refit.
            throw inner;
        }
        catch (Exception ex) when (ToTransportException(operation, ex) is { } mapped)
        {
            throw mapped;
        }

        using (response)
        {
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw Transient(operation, "the response body could not be read", ex);
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var kind = status switch
                {
                    401 or 403 => ApiErrorKind.Authentication,
                    408 or >= 500 => ApiErrorKind.Transient,
                    _ => ApiErrorKind.Rejected, // 413 body too large, 414 URI too long
                };
                throw new ExternalApiException(SystemRole.Marketing, Product, kind, status, string.Create(CultureInfo.InvariantCulture, $"HTTP_{status}"),
                    $"{operation}: {response.ReasonPhrase ?? "no reason"}");
            }

            T? body;
            try
            {
                body = JsonSerializer.Deserialize(text, type);
            }
            catch (JsonException ex)
            {
                throw Malformed(operation, $"the response is not the expected JSON ({ex.Path ?? "$"}, line {ex.LineNumber}): {Truncate(text)}", null, ex);
            }

            if (body is null)
            {
                throw Malformed(operation, "the response body is empty or null", null);
            }

            if (!body.Success)
            {
                throw ToException(operation, body);
            }

            return body;
        }
    }

    private ExternalApiException ToException(string operation, IEnvelope body)
    {
        var error = body.Errors?.FirstOrDefault();
        var code = error?.Code is { Length: > 0 } c ? c : "UNKNOWN";
        var kind = MarketoErrors.Kind(code);
        if (kind == ApiErrorKind.DailyLimitReached)
        {
            var until = _traffic.NextReset;
            Interlocked.Exchange(ref _writesPausedUntilTicks, until.UtcTicks);
            Log.DailyQuotaReached(_logger, _connection, until);
        }

        return new ExternalApiException(SystemRole.Marketing, Product, kind, 200, code,
            $"{operation}: {Redact(error?.Message ?? "success:false without an error")}", body.RequestId);
    }

    /// <summary>Failures before any response. Refit's wrapper carries the request (its Authorization header): only the cause is kept.</summary>
    private ExternalApiException? ToTransportException(string operation, Exception ex)
    {
        var wrapper = ex is ApiRequestException;
        var inner = wrapper ? ex.InnerException : ex;
        return inner switch
        {
            ExternalApiException => null,
            BrokenCircuitException => Transient(operation, "the circuit is open after repeated failures", inner),
            TimeoutRejectedException => Transient(operation, "the request timed out", inner),
            RateLimiterRejectedException => new ExternalApiException(SystemRole.Marketing, Product, ApiErrorKind.RateLimited, null, "CLIENT_RATE_LIMIT",
                $"{operation}: the local rate limiter's queue is full", null, inner),
            UnreadableResponseException => Malformed(operation, inner.Message, null, inner), // after its retries
            HttpRequestException => Transient(operation, Redact(inner.Message), inner),
            OperationCanceledException => Transient(operation, "the request was cancelled by a timeout", inner),
            _ when wrapper => Transient(operation, Redact(inner?.Message ?? "the request could not be sent"), inner),
            _ => null,
        };
    }

    private static ExternalApiException Transient(string operation, string message, Exception? inner) =>
        new(SystemRole.Marketing, Product, ApiErrorKind.Transient, null, "TRANSIENT", $"{operation}: {message}", null, inner);

    private ExternalApiException Malformed(string operation, string message, string? requestId, Exception? inner = null) =>
        new(SystemRole.Marketing, Product, ApiErrorKind.MalformedResponse, 200, "MALFORMED_RESPONSE", $"{operation}: {Redact(message)}", requestId, inner);

    private string Redact(string text)
    {
        var masked = MaskEmails(text);
        return string.IsNullOrEmpty(_options.ClientSecret) ? masked : masked.Replace(_options.ClientSecret, "***", StringComparison.Ordinal);
    }

    /// <summary>Emails are personal data: <c>a***@example.com</c> in anything printed.</summary>
    internal static string MaskEmails(string text)
    {
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var word in text.Split(' '))
        {
            var at = word.IndexOf('@', StringComparison.Ordinal);
            builder.Append(builder.Length == 0 ? string.Empty : " ");
            builder.Append(at > 0 ? string.Concat(word.AsSpan(0, 1), "***", word.AsSpan(at)) : word);
        }

        return builder.ToString();
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Marketo writes <c>…Z</c> and, on some endpoints, <c>…+0000</c>: both are read.</summary>
    internal static DateTimeOffset? ParseDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        return DateTimeOffset.TryParseExact(value, "yyyy-MM-dd'T'HH:mm:sszzzz", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed)
            || DateTimeOffset.TryParseExact(value, "yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed)
            ? parsed.ToUniversalTime()
            : TryParseCompactOffset(value);
    }

    /// <summary>"+0000" (no colon) is not an offset .NET's general parser accepts: insert the colon.</summary>
    private static DateTimeOffset? TryParseCompactOffset(string value)
    {
        if (value.Length >= 5 && (value[^5] is '+' or '-') && value[^4..].All(char.IsAsciiDigit))
        {
            var withColon = string.Concat(value.AsSpan(0, value.Length - 2), ":", value.AsSpan(value.Length - 2));
            return DateTimeOffset.TryParse(withColon, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;
        }

        return null;
    }
}
