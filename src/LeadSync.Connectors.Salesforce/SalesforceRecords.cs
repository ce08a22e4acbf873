using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadSync.Sync.Ports;

namespace LeadSync.Connectors.Salesforce;

/// <summary>Translation between Salesforce JSON records and the ports' string-valued records.</summary>
internal static class SalesforceRecords
{
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

    public static CrmLead ToLead(JsonElement record, HttpResponseMessage response)
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

        return new CrmLead(id, fields, modifiedAt);
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

    /// <summary>SaveResults in request order → outcomes in input order.</summary>
    public static List<WriteOutcome> ToOutcomes(JsonElement results, IReadOnlyList<string?> inputIds, HttpResponseMessage response)
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
                outcomes.Add(WriteOutcome.Ok(id ?? string.Empty));
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
