namespace LeadSync.Domain.Routing;

/// <summary>
/// The lead's two property bags (HubSpot contact properties, Salesforce Lead fields); either may be empty.
/// Field names are looked up ignoring case.
/// </summary>
public sealed class LeadAttributes
{
    private readonly Dictionary<string, string?> _hubSpot;
    private readonly Dictionary<string, string?> _salesforce;

    public LeadAttributes(IReadOnlyDictionary<string, string?>? hubSpot, IReadOnlyDictionary<string, string?>? salesforce)
    {
        _hubSpot = Copy(hubSpot);
        _salesforce = Copy(salesforce);
    }

    public static LeadAttributes Empty { get; } = new(null, null);

    /// <summary>The value of <c>System.field</c> (<c>HubSpot.industry</c>, <c>Salesforce.Country</c>), null when absent.</summary>
    public string? Get(string qualifiedField)
    {
        if (!FieldPath.TryParse(qualifiedField, out var system, out var field))
        {
            return null;
        }

        var bag = system == FieldPath.HubSpot ? _hubSpot : _salesforce;
        return bag.TryGetValue(field, out var value) ? value : null;
    }

    private static Dictionary<string, string?> Copy(IReadOnlyDictionary<string, string?>? source)
    {
        var copy = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (source is not null)
        {
            foreach (var (key, value) in source)
            {
                copy[key] = value;
            }
        }

        return copy;
    }
}

/// <summary>Parses <c>System.field</c> references used by routing rules.</summary>
public static class FieldPath
{
    public const string HubSpot = "HubSpot";
    public const string Salesforce = "Salesforce";

    /// <summary>
    /// Other names of the marketing side (whose bag is <see cref="HubSpot"/>): <c>Marketing</c> for any platform, and
    /// the product names of the platforms other than HubSpot, so their admins write <c>Marketo.title</c>.
    /// </summary>
    public static bool IsMarketingAlias(string prefix) =>
        prefix.Equals("Marketing", StringComparison.OrdinalIgnoreCase) || prefix.Equals("Marketo", StringComparison.OrdinalIgnoreCase);

    public static bool TryParse(string? qualifiedField, out string system, out string field)
    {
        system = "";
        field = "";
        if (string.IsNullOrWhiteSpace(qualifiedField))
        {
            return false;
        }

        var dot = qualifiedField.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == qualifiedField.Length - 1)
        {
            return false;
        }

        var prefix = qualifiedField[..dot].Trim();
        if (prefix.Equals(HubSpot, StringComparison.OrdinalIgnoreCase) || IsMarketingAlias(prefix))
        {
            system = HubSpot;
        }
        else if (prefix.Equals(Salesforce, StringComparison.OrdinalIgnoreCase))
        {
            system = Salesforce;
        }
        else
        {
            return false;
        }

        field = qualifiedField[(dot + 1)..].Trim();
        return field.Length > 0;
    }
}
