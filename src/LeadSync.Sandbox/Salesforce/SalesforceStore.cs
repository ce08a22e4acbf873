using System.Globalization;
using System.Text.Json;

namespace LeadSync.Sandbox.Salesforce;

/// <summary>An immutable version of an sObject record; field names use the describe casing.</summary>
public sealed record SalesforceRecord(string Type, string Id, IReadOnlyDictionary<string, object?> Fields)
{
    public object? Get(string field) => Fields.TryGetValue(field, out var value) ? value : null;

    public string? GetString(string field) => Get(field) as string;

    public string? Email => GetString("Email");

    public string? Status => GetString("Status");

    public string? OwnerId => GetString("OwnerId");

    public bool IsConverted => Get("IsConverted") is true;

    public bool IsActive => Get("IsActive") is true;

    public string? HubSpotContactId => GetString("HubSpot_Contact_Id__c");

    public DateTimeOffset? SystemModstamp => Get("SystemModstamp") as DateTimeOffset?;
}

public sealed record SalesforceSaveError(string StatusCode, string Message, IReadOnlyList<string> Fields);

/// <param name="Created">Upsert only: true when the record was created, false when an existing one was updated.</param>
public sealed record SalesforceSaveResult(string? Id, bool Success, IReadOnlyList<SalesforceSaveError> Errors, bool? Created = null);

/// <summary>One record of an sObject Collections request, before validation.</summary>
internal sealed record CollectionInput(string Type, string? Id, IReadOnlyDictionary<string, JsonElement> Fields);

/// <summary>
/// The Salesforce org: Leads, Users, Groups (queues) and Tasks. One lock guards all state; records are
/// immutable versions, so snapshots (and open query cursors) stay consistent after the lock is released.
/// </summary>
public sealed partial class SalesforceStore
{
    private static readonly string[] LeadRequired = ["LastName", "Company"];
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SalesforceTable> _tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Lead"] = new(SalesforceSchema.Lead, ["Email", "HubSpot_Contact_Id__c", SalesforceSchema.ExternalKeyField, "ConvertedOpportunityId"], ["SystemModstamp", "LastModifiedDate"]),
        ["Contact"] = new(SalesforceSchema.Contact, [], ["SystemModstamp"]),
        ["Opportunity"] = new(SalesforceSchema.Opportunity, [], ["SystemModstamp"]),
        ["User"] = new(SalesforceSchema.User, [], []),
        ["Group"] = new(SalesforceSchema.Group, [], []),
        ["Task"] = new(SalesforceSchema.Task, ["WhoId"], []),
    };

    internal SalesforceStore(TimeProvider time, int seed)
    {
        _time = time;
        Ids = new SalesforceIds(seed);
        OrgId = SalesforceIds.To18("00DSb000000" + new Random(seed).Next(1000, 9999).ToString(CultureInfo.InvariantCulture));
    }

    public string OrgId { get; }

    /// <summary>The user the API runs as (client-credentials integration user).</summary>
    public string IntegrationUserId { get; internal set; } = string.Empty;

    /// <summary>The Marketing_Nurture queue, which owns leads not yet handed off and is where the assignment rule puts them.</summary>
    public string MarketingQueueId { get; internal set; } = string.Empty;

    internal SalesforceIds Ids { get; }

    public int LeadCount
    {
        get
        {
            lock (_sync)
                return _tables["Lead"].Count;
        }
    }

    public int TaskCount
    {
        get
        {
            lock (_sync)
                return _tables["Task"].Count;
        }
    }

    public SalesforceRecord? GetLead(string id)
    {
        if (!SalesforceIds.TryNormalize(id, "00Q", out var id18))
            return null;
        lock (_sync)
            return _tables["Lead"].Get(id18);
    }

    /// <summary>Case- and whitespace-insensitive, like SOQL's Email = '...'. Several leads may share an email.</summary>
    public IReadOnlyList<SalesforceRecord> FindLeadsByEmail(string email)
    {
        var wanted = email.Trim();
        lock (_sync)
            return [.. _tables["Lead"].WithValue("Email", wanted).Where(l => l.Email is { } e && string.Equals(e.Trim(), wanted, StringComparison.OrdinalIgnoreCase))];
    }

    public IReadOnlyList<SalesforceRecord> ListLeads() => Rows("Lead");

    public IReadOnlyList<SalesforceRecord> ListUsers() => Rows("User");

    public IReadOnlyList<SalesforceRecord> ListGroups() => Rows("Group");

    public IReadOnlyList<SalesforceRecord> ListTasks() => Rows("Task");

    /// <summary>
    /// Changes a lead as a person in the Salesforce UI would (no API validation, no assignment rule);
    /// advances LastModifiedDate/SystemModstamp. Values use .NET types: string, int, double, bool.
    /// </summary>
    public SalesforceRecord SetLeadFields(string id, IReadOnlyDictionary<string, object?> values)
    {
        lock (_sync)
        {
            var lead = GetLead(id) ?? throw new KeyNotFoundException($"No lead with id {id}.");
            var next = new Dictionary<string, object?>(lead.Fields, StringComparer.Ordinal);
            foreach (var (name, value) in values)
            {
                var field = SalesforceSchema.Lead.Field(name) ?? throw new ArgumentException($"No such field {name} on Lead.", nameof(values));
                next[field.Name] = value;
            }

            return ReplaceLeadLocked(lead, next, Stamp());
        }
    }

    internal IReadOnlyList<SalesforceRecord> Rows(string table)
    {
        lock (_sync)
            return [.. _tables[table].Rows];
    }

    internal SalesforceRecord? Get(string table, string id18)
    {
        lock (_sync)
            return _tables[table].Get(id18);
    }

    /// <summary>
    /// Runs a query as a snapshot: the indexes pick the rows it can match under the lock, and the evaluation (the same
    /// one a full scan uses) filters and orders them outside it; records are immutable, so the snapshot stays whole.
    /// </summary>
    internal List<SalesforceRecord> Query(SoqlQuery query)
    {
        List<SalesforceRecord> candidates;
        lock (_sync)
            candidates = _tables[query.From.Name].Candidates(query.Where);
        return Soql.Execute(query, candidates);
    }

    internal SalesforceRecord Insert(SalesforceObject type, Dictionary<string, object?> fields)
    {
        lock (_sync)
            return InsertLocked(type, fields);
    }

    private SalesforceRecord InsertLocked(SalesforceObject type, Dictionary<string, object?> fields)
    {
        var id = fields.TryGetValue("Id", out var given) && given is string s ? s : Ids.Next(type.KeyPrefix);
        fields["Id"] = id;
        var record = new SalesforceRecord(type.Name, id, fields);
        _tables[type.Name].Add(record);
        return record;
    }

    /// <summary>Salesforce keeps whole seconds (.000), so many records written together share one SystemModstamp.</summary>
    internal DateTimeOffset Stamp()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private SalesforceRecord ReplaceLeadLocked(SalesforceRecord lead, Dictionary<string, object?> next, DateTimeOffset stamp)
    {
        next["LastModifiedDate"] = stamp;
        next["SystemModstamp"] = stamp;
        var updated = lead with { Fields = next };
        _tables["Lead"].Replace(updated);
        return updated;
    }

    /// <summary>sObject Collections PATCH for Leads: per-record results in order; allOrNone rolls everything back.</summary>
    internal List<SalesforceSaveResult> ApiUpdate(IReadOnlyList<CollectionInput> inputs, bool allOrNone, bool autoAssign)
    {
        lock (_sync)
        {
            var planned = new List<(SalesforceRecord Lead, Dictionary<string, object?> Changes)?>();
            var results = new List<SalesforceSaveResult>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var input in inputs)
            {
                var (result, plan) = PlanUpdateLocked(input, seen, claimed);
                results.Add(result);
                planned.Add(plan);
            }

            if (allOrNone && results.Exists(r => !r.Success))
                return RolledBack(results);

            var stamp = Stamp();
            foreach (var plan in planned)
            {
                if (plan is { } p)
                    ApplyUpdateLocked(p.Lead.Id, p.Changes, stamp, autoAssign);
            }

            return results;
        }
    }

    private void ApplyUpdateLocked(string leadId, Dictionary<string, object?> changes, DateTimeOffset stamp, bool autoAssign)
    {
        var current = _tables["Lead"].Get(leadId)!;
        var next = new Dictionary<string, object?>(current.Fields, StringComparer.Ordinal);
        foreach (var (k, v) in changes)
            next[k] = v;
        if (autoAssign)
            next["OwnerId"] = MarketingQueueId; // the org's lead assignment rule fires unless Sforce-Auto-Assign: FALSE
        ReplaceLeadLocked(current, next, stamp);
    }

    private (SalesforceSaveResult, (SalesforceRecord, Dictionary<string, object?>)?) PlanUpdateLocked(
        CollectionInput input, HashSet<string> seen, Dictionary<string, string> claimed)
    {
        if (!string.Equals(input.Type, "Lead", StringComparison.OrdinalIgnoreCase))
            return (Fail(input.Id, "INVALID_TYPE", $"sObject type '{input.Type}' is not supported for update here.", []), null);
        if (string.IsNullOrEmpty(input.Id))
            return (Fail(null, "MISSING_ARGUMENT", "Id not specified in an update call", ["Id"]), null);
        if (!SalesforceIds.TryNormalize(input.Id, "00Q", out var id18))
            return (Fail(null, "MALFORMED_ID", $"Lead ID: id value of incorrect type: {input.Id}", ["Id"]), null);
        if (!seen.Add(id18))
            return (Fail(input.Id, "DUPLICATE_VALUE", $"duplicate value found: Id duplicates value on record with id: {input.Id}", ["Id"]), null);
        if (_tables["Lead"].Get(id18) is not { } lead)
            return (Fail(input.Id, "ENTITY_IS_DELETED", "entity is deleted", []), null);
        if (lead.IsConverted)
            return (Fail(lead.Id, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", []), null);

        var errors = ConvertLocked(SalesforceSchema.Lead, input.Fields, isCreate: false, out var changes);
        if (errors.Count == 0 && UniqueErrorLocked(SalesforceSchema.Lead, changes, lead.Id, claimed) is { } duplicate)
            errors.Add(duplicate);
        if (errors.Count > 0)
            return (new SalesforceSaveResult(lead.Id, false, errors), null);
        return (new SalesforceSaveResult(lead.Id, true, []), (lead, changes));
    }

    /// <summary>sObject Collections POST (Lead or Task) and the single-record POST.</summary>
    internal List<SalesforceSaveResult> ApiCreate(IReadOnlyList<CollectionInput> inputs, bool allOrNone, bool autoAssign)
    {
        lock (_sync)
        {
            var results = new List<SalesforceSaveResult>();
            var planned = new List<(SalesforceObject Type, Dictionary<string, object?> Fields)?>();
            var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var input in inputs)
            {
                var type = SalesforceSchema.Find(input.Type);
                if (type is null || (type != SalesforceSchema.Lead && type != SalesforceSchema.Task))
                {
                    results.Add(Fail(null, "INVALID_TYPE", $"sObject type '{input.Type}' is not supported.", []));
                    planned.Add(null);
                    continue;
                }

                if (input.Id is not null)
                {
                    results.Add(Fail(null, "INVALID_FIELD", "The Id field should not be specified in the sobject data.", ["Id"]));
                    planned.Add(null);
                    continue;
                }

                var errors = ConvertLocked(type, input.Fields, isCreate: true, out var fields);
                if (errors.Count == 0 && UniqueErrorLocked(type, fields, null, claimed) is { } duplicate)
                    errors.Add(duplicate);
                if (errors.Count > 0)
                {
                    results.Add(new SalesforceSaveResult(null, false, errors));
                    planned.Add(null);
                    continue;
                }

                results.Add(new SalesforceSaveResult(null, true, []));
                planned.Add((type, fields));
            }

            if (allOrNone && results.Exists(r => !r.Success))
                return RolledBack(results);

            var stamp = Stamp();
            for (var i = 0; i < planned.Count; i++)
            {
                if (planned[i] is not { } plan)
                    continue;
                var record = InsertNewLocked(plan.Type, plan.Fields, stamp, autoAssign);
                results[i] = new SalesforceSaveResult(record.Id, true, []);
            }

            return results;
        }
    }

    /// <summary>An API insert: system fields and the org's defaults, and the assignment rule unless the client turned it off.</summary>
    private SalesforceRecord InsertNewLocked(SalesforceObject type, Dictionary<string, object?> fields, DateTimeOffset stamp, bool autoAssign)
    {
        fields["CreatedDate"] = stamp;
        fields["LastModifiedDate"] = stamp;
        fields["SystemModstamp"] = stamp;
        if (type == SalesforceSchema.Lead)
        {
            fields.TryAdd("Status", SalesforceSchema.DefaultStatus);
            fields["IsConverted"] = false;
            fields.TryAdd("HasOptedOutOfEmail", false);
            fields.TryAdd("OwnerId", IntegrationUserId);
            if (autoAssign)
                fields["OwnerId"] = MarketingQueueId;
        }
        else
        {
            fields.TryAdd("Status", "Not Started");
            fields.TryAdd("Priority", "Normal");
            fields.TryAdd("OwnerId", IntegrationUserId);
        }

        return InsertLocked(type, fields);
    }

    /// <summary>
    /// sObject Collections upsert (api-facts §2.4a): each record is matched on <paramref name="externalIdField"/>; no
    /// match creates it, one match updates that record, results come back in order with <c>created</c>. The field must
    /// be an External ID of the object. Matching is case-insensitive, like a text External ID that is not marked
    /// case-sensitive.
    /// </summary>
    internal List<SalesforceSaveResult> ApiUpsert(SalesforceObject type, string externalIdField, IReadOnlyList<CollectionInput> inputs, bool allOrNone, bool autoAssign)
    {
        lock (_sync)
        {
            var keyField = type.Field(externalIdField);
            if (type != SalesforceSchema.Lead || keyField is not { ExternalId: true })
            {
                return [.. inputs.Select(_ => Fail(null, "INVALID_FIELD",
                    $"Provided external ID field does not exist or is not accessible: {externalIdField}", [externalIdField]))];
            }

            var keys = inputs.Select(input => ExternalKey(input, keyField)).ToList();
            var keyCounts = keys.Where(k => k is not null).GroupBy(k => k!, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
            var results = new List<SalesforceSaveResult>();
            var planned = new List<(string? ExistingId, Dictionary<string, object?> Fields)?>();
            var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < inputs.Count; i++)
            {
                var (result, plan) = PlanUpsertLocked(type, keyField, inputs[i], keys[i], keyCounts, claimed);
                results.Add(result);
                planned.Add(plan);
            }

            if (allOrNone && results.Exists(r => !r.Success))
                return RolledBack(results);

            var stamp = Stamp();
            for (var i = 0; i < planned.Count; i++)
            {
                if (planned[i] is not { } plan)
                    continue;
                if (plan.ExistingId is { } existing)
                {
                    ApplyUpdateLocked(existing, plan.Fields, stamp, autoAssign);
                }
                else
                {
                    var record = InsertNewLocked(type, plan.Fields, stamp, autoAssign);
                    results[i] = new SalesforceSaveResult(record.Id, true, [], Created: true);
                }
            }

            return results;
        }
    }

    private (SalesforceSaveResult, (string?, Dictionary<string, object?>)?) PlanUpsertLocked(
        SalesforceObject type, SalesforceField keyField, CollectionInput input, string? key, Dictionary<string, int> keyCounts, Dictionary<string, string> claimed)
    {
        if (!string.Equals(input.Type, type.Name, StringComparison.OrdinalIgnoreCase))
            return (Fail(null, "INVALID_TYPE", $"The records must all be of the type in the URI ({type.Name}), not {input.Type}.", []), null);
        if (input.Id is not null)
            return (Fail(null, "INVALID_FIELD", "The Id field should not be specified in the sobject data.", ["Id"]), null);

        // The exact codes of the next three are not in the facts except DUPLICATE_EXTERNAL_ID for a key sent twice
        // (marked T there); a missing key and several matching records use Salesforce's codes as we know them.
        if (key is null)
            return (Fail(null, "MISSING_ARGUMENT", $"{keyField.Name} not specified", [keyField.Name]), null);
        if (keyCounts[key] > 1)
            return (Fail(null, "DUPLICATE_EXTERNAL_ID", $"Duplicate external id specified: {key}", [keyField.Name]), null);
        var matches = WithText(_tables[type.Name], keyField.Name, key).ToList();
        if (matches.Count > 1)
        {
            // Reachable only where the field is not Unique (or was made an External ID over data that already
            // repeated a value): Salesforce refuses to choose, like the single-record upsert's HTTP 300.
            return (Fail(null, "DUPLICATE_EXTERNAL_ID",
                $"{keyField.Name}: more than one record found for external id field: [{string.Join(", ", matches.Select(m => m.Id))}]", [keyField.Name]), null);
        }

        var existing = matches.Count == 1 ? matches[0] : null;
        if (existing is { IsConverted: true })
            return (Fail(existing.Id, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", []), null);
        var errors = ConvertLocked(type, input.Fields, isCreate: existing is null, out var fields);
        if (errors.Count == 0 && UniqueErrorLocked(type, fields, existing?.Id, claimed) is { } duplicate)
            errors.Add(duplicate);
        if (errors.Count > 0)
            return (new SalesforceSaveResult(existing?.Id, false, errors), null);
        return existing is null
            ? (new SalesforceSaveResult(null, true, [], Created: true), (null, fields))
            : (new SalesforceSaveResult(existing.Id, true, [], Created: false), (existing.Id, fields));
    }

    /// <summary>The record's external id value as text (a number is taken as written); null when absent, null or empty.</summary>
    private static string? ExternalKey(CollectionInput input, SalesforceField keyField)
    {
        if (!input.Fields.TryGetValue(keyField.Name, out var json))
            return null;
        var key = json.ValueKind switch
        {
            JsonValueKind.String => json.GetString(),
            JsonValueKind.Number => json.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(key) ? null : key;
    }

    /// <summary>
    /// A Unique field's value already held by another record, or by an earlier record of this request, is refused
    /// with DUPLICATE_VALUE (case-insensitively). <paramref name="claimed"/> collects this request's values.
    /// </summary>
    private SalesforceSaveError? UniqueErrorLocked(SalesforceObject type, IReadOnlyDictionary<string, object?> values, string? selfId, Dictionary<string, string> claimed)
    {
        foreach (var field in type.Fields)
        {
            if (!field.Unique || !values.TryGetValue(field.Name, out var value) || value is not string text)
                continue;
            var holder = WithText(_tables[type.Name], field.Name, text).FirstOrDefault(r => r.Id != selfId)?.Id;
            var claim = field.Name + "\n" + text.ToUpperInvariant();
            if (holder is null && claimed.TryGetValue(claim, out var earlier) && earlier != selfId)
                holder = earlier.Length == 0 ? "<unknown>" : earlier; // Salesforce's wording for a record of the same request not yet saved
            if (holder is not null)
                return new("DUPLICATE_VALUE", $"duplicate value found: {field.Name} duplicates value on record with id: {holder}", [field.Name]);
            claimed[claim] = selfId ?? string.Empty;
        }

        return null;
    }

    /// <summary>Records whose text <paramref name="field"/> equals <paramref name="value"/> case-insensitively, in table order.</summary>
    private static IEnumerable<SalesforceRecord> WithText(SalesforceTable table, string field, string value)
    {
        var candidates = table.IsValueIndexed(field) ? table.WithValue(field, value) : table.Rows;
        return candidates.Where(r => r.Get(field) is string stored && string.Equals(stored, value, StringComparison.OrdinalIgnoreCase));
    }

    private static List<SalesforceSaveResult> RolledBack(List<SalesforceSaveResult> results) =>
        [.. results.Select(r => r.Success
            ? new SalesforceSaveResult(null, false,
                [new("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid and the request was using AllOrNone header", [])])
            : r)];

    private static SalesforceSaveResult Fail(string? id, string code, string message, IReadOnlyList<string> fields) =>
        new(id, false, [new SalesforceSaveError(code, message, fields)]);

    /// <summary>Validates JSON values against the describe and converts them to stored .NET values.</summary>
    private List<SalesforceSaveError> ConvertLocked(SalesforceObject type, IReadOnlyDictionary<string, JsonElement> input, bool isCreate, out Dictionary<string, object?> converted)
    {
        converted = new Dictionary<string, object?>(StringComparer.Ordinal);
        var errors = new List<SalesforceSaveError>();
        foreach (var (name, json) in input)
        {
            var field = type.Field(name);
            if (field is null)
            {
                errors.Add(new("INVALID_FIELD", $"No such column '{name}' on sobject of type {type.Name}", [name]));
                continue;
            }

            if (isCreate ? !field.Createable : !field.Updateable)
            {
                errors.Add(new("INVALID_FIELD_FOR_INSERT_UPDATE",
                    $"Unable to create/update fields: {field.Name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                    [field.Name]));
                continue;
            }

            if (!TryConvert(field, json, out var value))
            {
                errors.Add(new("INVALID_TYPE_ON_FIELD_IN_RECORD", $"{field.Label}: value not of required type: {json.GetRawText()}", [field.Name]));
                continue;
            }

            if (value is null && !field.Nillable)
            {
                var code = field.RestrictedPicklist ? "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" : "REQUIRED_FIELD_MISSING";
                errors.Add(new(code, $"Required fields are missing: [{field.Name}]", [field.Name]));
                continue;
            }

            if (value is string text)
            {
                if (field.Length > 0 && text.Length > field.Length)
                {
                    errors.Add(new("STRING_TOO_LONG", $"{field.Label}: data value too large: {text} (max length={field.Length})", [field.Name]));
                    continue;
                }

                if (field.Type == "picklist" && field.RestrictedPicklist && !field.PicklistValues.Any(p => p.Active && p.Value == text))
                {
                    errors.Add(new("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", $"{field.Label}: bad value for restricted picklist field: {text}", [field.Name]));
                    continue;
                }

                if (field.Type == "email" && !LooksLikeEmail(text))
                {
                    errors.Add(new("INVALID_EMAIL_ADDRESS", $"Email: invalid email address: {text}", [field.Name]));
                    continue;
                }

                if (field.Name == "OwnerId" && OwnerError(text, type) is { } ownerError)
                {
                    errors.Add(ownerError);
                    continue;
                }

                if (field.Name == "WhoId" && (!SalesforceIds.TryNormalize(text, "00Q", out var who) || !_tables["Lead"].Contains(who)))
                {
                    errors.Add(new("INVALID_CROSS_REFERENCE_KEY", $"Name ID: id value of incorrect type: {text}", [field.Name]));
                    continue;
                }
            }

            converted[field.Name] = value;
        }

        if (isCreate && type == SalesforceSchema.Lead)
        {
            var given = converted;
            var missing = LeadRequired.Where(f => !given.TryGetValue(f, out var v) || v is null or "").ToList();
            if (missing.Count > 0)
                errors.Add(new("REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", missing)}]", missing));
        }

        return errors;
    }

    private SalesforceSaveError? OwnerError(string ownerId, SalesforceObject type)
    {
        if (SalesforceIds.TryNormalize(ownerId, "005", out var userId))
        {
            var user = _tables["User"].Get(userId);
            if (user is null)
                return new("INVALID_CROSS_REFERENCE_KEY", $"invalid cross reference id: {ownerId}", ["OwnerId"]);
            return user.IsActive ? null : new("INACTIVE_OWNER_OR_USER", "operation performed with inactive user as owner of " + type.Name.ToLowerInvariant(), ["OwnerId"]);
        }

        if (type == SalesforceSchema.Lead && SalesforceIds.TryNormalize(ownerId, "00G", out var groupId) &&
            _tables["Group"].Get(groupId)?.GetString("Type") == "Queue")
            return null;
        return new("INVALID_CROSS_REFERENCE_KEY", $"Owner ID: id value of incorrect type: {ownerId}", ["OwnerId"]);
    }

    private static bool LooksLikeEmail(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < text.Length - 3 && text.IndexOf('.', at) > at && !text.Contains(' ', StringComparison.Ordinal);
    }

    private static bool TryConvert(SalesforceField field, JsonElement json, out object? value)
    {
        value = null;
        if (json.ValueKind == JsonValueKind.Null)
            return true;
        switch (field.Type)
        {
            case "boolean":
                if (json.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    value = json.GetBoolean();
                    return true;
                }

                if (json.ValueKind == JsonValueKind.String && bool.TryParse(json.GetString(), out var b))
                {
                    value = b;
                    return true;
                }

                return false;
            case "int":
            case "double":
            case "currency":
            case "percent":
                double d;
                if (json.ValueKind == JsonValueKind.Number)
                    d = json.GetDouble();
                else if (json.ValueKind != JsonValueKind.String || !double.TryParse(json.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                    return false;
                if (field.Type == "int")
                {
                    if (d != Math.Floor(d) || d > int.MaxValue || d < int.MinValue)
                        return false;
                    value = (int)d;
                }
                else
                {
                    value = d;
                }

                return true;
            case "date":
                if (json.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(json.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    value = date;
                    return true;
                }

                return false;
            case "datetime":
                if (json.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(json.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
                {
                    value = dt.ToUniversalTime();
                    return true;
                }

                return false;
            default:
                if (json.ValueKind == JsonValueKind.String)
                {
                    var s = json.GetString();
                    value = s is "" ? null : s; // Salesforce stores an empty string as null
                    return true;
                }

                if (json.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    value = json.GetRawText();
                    return true;
                }

                return false;
        }
    }
}
