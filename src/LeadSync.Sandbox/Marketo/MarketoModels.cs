using System.Globalization;

namespace LeadSync.Sandbox.Marketo;

/// <summary>A Marketo person record; values are kept as text and typed by the schema on the way out.</summary>
public sealed record MarketoLead(int Id, IReadOnlyDictionary<string, string?> Fields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string? Get(string field) => Fields.TryGetValue(field, out var value) ? value : null;

    public string? Email => Get("email");
}

/// <summary>One activity of the activity log. <see cref="Changes"/> only on Change Data Value (13).</summary>
public sealed record MarketoActivity(
    long Id,
    int LeadId,
    DateTimeOffset Date,
    int TypeId,
    string? PrimaryAttributeValue,
    IReadOnlyList<KeyValuePair<string, string>> Attributes,
    IReadOnlyList<MarketoFieldChange>? Changes = null,
    long? CampaignId = null);

public sealed record MarketoFieldChange(int FieldId, string Name, string? NewValue, string? OldValue);

/// <summary>A field of the lead object as describe2 lists it.</summary>
public sealed record MarketoField(int Id, string Name, string DisplayName, string DataType, int? Length, bool Updateable, bool CrmManaged, bool Searchable, bool Standard);

public sealed record MarketoStaticList(int Id, string Name, string? ProgramName, DateTimeOffset CreatedAt);

public sealed record MarketoProgram(int Id, string Name, IReadOnlyList<string> Statuses);

/// <summary>A lead's membership of a program: its status and that status's step in the channel.</summary>
public sealed record MarketoMembership(int LeadId, int ProgramId, string Status, DateTimeOffset MembershipDate, bool ReachedSuccess);

internal static class MarketoFormat
{
    /// <summary>Marketo writes "YYYY-MM-DDThh:mm:ssZ".</summary>
    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Input dates: ISO-8601 with Z or ±hh:mm (also ±hhmm and a bare date).</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var t = text.Trim();
        if (t.Length > 5 && (t[^5] is '+' or '-') && t[^4..].All(char.IsAsciiDigit))
            t = string.Concat(t.AsSpan(0, t.Length - 2), ":", t.AsSpan(t.Length - 2));
        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
