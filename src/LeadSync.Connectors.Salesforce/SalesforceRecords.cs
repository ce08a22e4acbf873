using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadSync.Domain.Planning;

namespace LeadSync.Connectors.Salesforce;

/// <summary>Translation between Salesforce JSON records and the ports' records.</summary>
internal static class SalesforceRecords
{
    /// <summary>Key prefix of Group ids; a Lead owned by a Group is owned by a queue.</summary>
    public const string QueueKeyPrefix = "00G";

    private static readonly HashSet<string> NumericTypes = new(StringComparer.OrdinalIgnoreCase) { "int", "double", "currency", "percent", "long" };

    /// <summary>Every value as an invariant string: numbers as written ("250"), booleans "true"/"false", JSON null as null.</summary>
    public static Dictionary<string, string?> ToFields(JsonElement record)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in record.EnumerateObject())
        {
            if (property.NameEquals("attributes"))
            {
                continue;
            }

            fields[property.Name] = Render(property.Value);
        }

        return fields;
    }

    public static string? Render(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        // Raw JSON number text is already invariant and keeps the API's precision.
        JsonValueKind.Number => value.GetRawText(),
        _ => value.GetRawText(),
    };

    /// <summary>Parses Salesforce datetimes such as <c>2024-05-02T10:11:12.000+0000</c> (offset without a colon).</summary>
    public static bool TryParseDateTime(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var normalized = text;
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && char.IsAsciiDigit(text[^1]) && !text[^5..].Contains(':', StringComparison.Ordinal))
        {
            normalized = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>
    /// A Lead as the engine sees it: typed values from the standard fields and the schema's, every value read in
    /// <see cref="CrmPerson.Fields"/>. A queue owns the lead when OwnerId has the Group key prefix.
    /// </summary>
    public static CrmPerson ToPerson(JsonElement record, HttpResponseMessage response, SalesforceLeadSchema schema)
    {
        var fields = ToFields(record);
        if (!fields.TryGetValue("Id", out var id) || string.IsNullOrEmpty(id))
        {
            throw SalesforceErrors.Malformed("a Lead record has no Id", response);
        }

        if (!fields.TryGetValue("SystemModstamp", out var stamp) || !TryParseDateTime(stamp, out var modifiedAt))
        {
            throw SalesforceErrors.Malformed("a Lead record has no readable SystemModstamp", response);
        }

        var ownerId = Value(fields, "OwnerId");
        return new CrmPerson(
            id,
            Value(fields, "Email"),
            Value(fields, "FirstName"),
            Value(fields, "LastName"),
            Value(fields, "Company"),
            Value(fields, "LeadSource"),
            Value(fields, "Status"),
            ownerId,
            ownerId?.StartsWith(QueueKeyPrefix, StringComparison.Ordinal) == true,
            string.Equals(Value(fields, "IsConverted"), "true", StringComparison.OrdinalIgnoreCase),
            Value(fields, schema.MarketingIdField),
            Value(fields, schema.ScoreField),
            Value(fields, schema.GradeField),
            TryParseDate(Value(fields, "LastActivityDate"), out var activity) ? activity : null,
            fields,
            modifiedAt);
    }

    /// <summary>
    /// An Opportunity (<c>Id, StageName, IsClosed, IsWon, Amount, CloseDate, SystemModstamp</c>) for the converted lead
    /// <paramref name="leadId"/>; the lead is attached by the caller, which knows which lead points at the deal.
    /// </summary>
    public static CrmOpportunity ToOpportunity(JsonElement record, HttpResponseMessage response, string leadId)
    {
        var fields = ToFields(record);
        if (!fields.TryGetValue("Id", out var id) || string.IsNullOrEmpty(id))
        {
            throw SalesforceErrors.Malformed("an Opportunity record has no Id", response);
        }

        if (!fields.TryGetValue("SystemModstamp", out var stamp) || !TryParseDateTime(stamp, out var modifiedAt))
        {
            throw SalesforceErrors.Malformed("an Opportunity record has no readable SystemModstamp", response);
        }

        static bool True(string? text) => string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
        return new CrmOpportunity(
            id,
            leadId,
            Value(fields, "StageName"),
            True(Value(fields, "IsClosed")),
            True(Value(fields, "IsWon")),
            decimal.TryParse(Value(fields, "Amount"), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) ? amount : null,
            DateOnly.TryParseExact(Value(fields, "CloseDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var close) ? close : null,
            modifiedAt);
    }

    /// <summary>A date field (<c>2024-05-02</c>) as midnight UTC; a datetime is taken as it is.</summary>
    public static bool TryParseDate(string? text, out DateTimeOffset value)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new DateTimeOffset(date, TimeOnly.MinValue, TimeSpan.Zero);
            return true;
        }

        return TryParseDateTime(text, out value);
    }

    /// <summary>Salesforce answers with the describe's casing; a configured name may be cased otherwise.</summary>
    private static string? Value(Dictionary<string, string?> fields, string name)
    {
        if (fields.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, other) in fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return other;
            }
        }

        return null;
    }

    /// <summary>
    /// A write value: null or "" clears the field (JSON null). Booleans and numbers are sent typed only when describe
    /// told us the field's type; otherwise as strings, which Salesforce converts for number fields.
    /// </summary>
    public static JsonNode? ToWriteValue(string field, string? value, IReadOnlyDictionary<string, string> fieldTypes)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (fieldTypes.TryGetValue(field, out var type))
        {
            if (string.Equals(type, "boolean", StringComparison.OrdinalIgnoreCase) && bool.TryParse(value, out var flag))
            {
                return JsonValue.Create(flag);
            }

            if (NumericTypes.Contains(type) && decimal.TryParse(value, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number))
            {
                return JsonValue.Create(number);
            }
        }

        return JsonValue.Create(value);
    }

    public static JsonObject Record(string type, string? id, IReadOnlyDictionary<string, string?> values, IReadOnlyDictionary<string, string> fieldTypes)
    {
        var record = new JsonObject { ["attributes"] = new JsonObject { ["type"] = type } };
        if (id is not null)
        {
            record["id"] = id;
        }

        foreach (var (field, value) in values)
        {
            if (string.Equals(field, "id", StringComparison.OrdinalIgnoreCase) || string.Equals(field, "attributes", StringComparison.Ordinal))
            {
                continue;
            }

            record[field] = ToWriteValue(field, value, fieldTypes);
        }

        return record;
    }

    /// <summary>
    /// SaveResults (or UpsertResults) in request order → outcomes in input order. An UpsertResult's <c>created</c>
    /// says whether the record was made or found; without it, a success counts as <paramref name="createdWhenUnsaid"/>
    /// (true for a plain create, false for an update).
    /// </summary>
    public static List<WriteOutcome> ToOutcomes(JsonElement results, IReadOnlyList<string?> inputIds, bool createdWhenUnsaid, HttpResponseMessage response)
    {
        if (results.ValueKind != JsonValueKind.Array || results.GetArrayLength() != inputIds.Count)
        {
            throw SalesforceErrors.Malformed($"expected an array of {inputIds.Count} save results", response);
        }

        var outcomes = new List<WriteOutcome>(inputIds.Count);
        var index = 0;
        foreach (var result in results.EnumerateArray())
        {
            var id = result.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : inputIds[index];
            var success = result.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True;
            if (success)
            {
                var created = result.TryGetProperty("created", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? c.ValueKind == JsonValueKind.True
                    : createdWhenUnsaid;
                outcomes.Add(new WriteOutcome(id ?? string.Empty, true, Created: created));
            }
            else
            {
                string? code = null;
                string? message = null;
                if (result.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                {
                    var first = errors[0];
                    code = first.TryGetProperty("statusCode", out var c) ? c.GetString() : null;
                    message = first.TryGetProperty("message", out var m) ? m.GetString() : null;
                    if (first.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Array && f.GetArrayLength() > 0)
                    {
                        message = $"{message} (fields: {string.Join(", ", f.EnumerateArray().Select(x => x.ToString()))})";
                    }
                }

                outcomes.Add(new WriteOutcome(id, false, code ?? "UNKNOWN_ERROR", message ?? "Salesforce reported a failure without detail."));
            }

            index++;
        }

        return outcomes;
    }
}
