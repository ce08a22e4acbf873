using System.Globalization;
using LeadSync.Domain.Handoff;
using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>
/// Whether a record read back holds what a write sent: how a write whose answer was lost is settled — by what the
/// system holds now, never by a guess. Values are compared the way the APIs render them (a blank is empty or null, a
/// number may come back as 57 or 57.0, a Salesforce id in its 15- or 18-character form); anything else must be equal.
/// A false "not confirmed" costs one more write of the same values next cycle; a false "confirmed" would lose an update,
/// so every value written is checked.
/// </summary>
internal static class ReadBack
{
    public static bool Holds(CrmPerson lead, CrmUpdate write) =>
        Fields(lead.Fields, write.Fields)
        && (write.Status is null || Same(lead.Status, write.Status))
        && (write.Owner is null || SameOwner(lead.OwnerId, write.Owner.OwnerId))
        && (write.MarketingId is null || Same(lead.MarketingId, write.MarketingId))
        && (write.Score is null || (Same(lead.Score, write.Score.Score.ToString(CultureInfo.InvariantCulture)) && Same(lead.Grade, write.Score.Grade)));

    public static bool Holds(CrmPerson lead, CrmLeadCreate create) =>
        Fields(lead.Fields, create.Fields)
        && Same(lead.Status, create.Status)
        && SameOwner(lead.OwnerId, create.OwnerId)
        && (create.MarketingId is null || Same(lead.MarketingId, create.MarketingId))
        && (create.Email is null || string.Equals(lead.Email, create.Email, StringComparison.OrdinalIgnoreCase))
        && Same(lead.Score, create.Score.Score.ToString(CultureInfo.InvariantCulture))
        && Same(lead.Grade, create.Score.Grade);

    /// <param name="core">The platform's names of the score and grade fields (written only where it has them).</param>
    public static bool Holds(MarketingPerson contact, MarketingUpdate write, CoreFieldNames core) =>
        Fields(contact.Fields, write.Fields)
        && (write.LeadStatus is null || Same(contact.LeadStatus, write.LeadStatus))
        && (write.Stage is null || Same(contact.LifecycleStage, write.Stage.Value))
        && (write.Owner is null || Same(contact.OwnerId, write.Owner.OwnerId))
        && (write.CrmId is null || SameOwner(contact.CrmId, write.CrmId))
        && (write.Score is null
            || ((core.Score is null || Same(Field(contact.Fields, core.Score), write.Score.Score.ToString(CultureInfo.InvariantCulture)))
                && (core.Grade is null || Same(Field(contact.Fields, core.Grade), write.Score.Grade))));

    /// <summary>The fields a read-back must ask for: the model's own and every field the writes name.</summary>
    public static IReadOnlyCollection<string> FieldsToRead(IEnumerable<string> modelFields, IEnumerable<string> written, params string?[] extra)
    {
        var fields = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in modelFields.Concat(written).Concat(extra.OfType<string>()))
        {
            if (seen.Add(field))
            {
                fields.Add(field);
            }
        }

        return fields;
    }

    /// <summary>Two values as an API renders them: blank = blank, numbers by value, instants by instant, else ordinal.</summary>
    public static bool Same(string? held, string? written)
    {
        var a = string.IsNullOrEmpty(held) ? null : held;
        var b = string.IsNullOrEmpty(written) ? null : written;
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true;
        }

        if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && decimal.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
        {
            return x == y;
        }

        if (bool.TryParse(a, out var p) && bool.TryParse(b, out var q))
        {
            return p == q;
        }

        return DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s)
            && DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            && s == t;
    }

    private static bool SameOwner(string? held, string? written) =>
        string.IsNullOrEmpty(held) || string.IsNullOrEmpty(written)
            ? string.IsNullOrEmpty(held) && string.IsNullOrEmpty(written)
            : OwnerClassifier.SameId(held, written);

    private static bool Fields(IReadOnlyDictionary<string, string?> held, IReadOnlyDictionary<string, string?> written)
    {
        foreach (var (field, value) in written)
        {
            if (!Same(Field(held, field), value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A field by name; vendors' field names are case-insensitive (Salesforce) or lower-case (HubSpot).</summary>
    private static string? Field(IReadOnlyDictionary<string, string?> fields, string name)
    {
        if (fields.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, found) in fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return found;
            }
        }

        return null;
    }
}
