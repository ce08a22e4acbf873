using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Scoring;

/// <summary>
/// A parsed field reference: <c>HubSpot.jobtitle</c>, <c>Salesforce.NumberOfEmployees</c>, or with a <c>.domain</c>
/// suffix (<c>HubSpot.email.domain</c>) the domain part of an email field. API field names never contain dots,
/// so the first dot separates the system and a trailing <c>.domain</c> is unambiguous.
/// </summary>
public sealed record FieldRef(FieldSystem System, string Name, bool EmailDomain)
{
    private const string DomainSuffix = ".domain";

    /// <summary>Parses "System.field[.domain]". A bare name is taken as <paramref name="defaultSystem"/> when one is given.</summary>
    public static bool TryParse(string? text, FieldSystem? defaultSystem, out FieldRef? field)
    {
        field = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var dot = trimmed.IndexOf('.', StringComparison.Ordinal);
        FieldSystem system;
        string rest;
        if (dot > 0 && TryParseSystem(trimmed[..dot], out var parsed) && !char.IsDigit(trimmed[0]))
        {
            system = parsed;
            rest = trimmed[(dot + 1)..];
        }
        else if (defaultSystem is { } fallback && dot < 0)
        {
            system = fallback;
            rest = trimmed;
        }
        else
        {
            return false;
        }

        var domain = false;
        if (rest.EndsWith(DomainSuffix, StringComparison.OrdinalIgnoreCase))
        {
            domain = true;
            rest = rest[..^DomainSuffix.Length];
        }

        if (rest.Length == 0 || rest.Contains('.', StringComparison.Ordinal) || rest.Any(char.IsWhiteSpace))
        {
            return false;
        }

        field = new FieldRef(system, rest, domain);
        return true;
    }

    /// <summary>
    /// <c>HubSpot</c> or <c>Salesforce</c>; <c>Marketing</c> (and the marketing products' names, <c>Marketo</c>) also
    /// name the marketing side, so a connection to another marketing platform does not have to write "HubSpot.".
    /// </summary>
    private static bool TryParseSystem(string prefix, out FieldSystem system)
    {
        if (FieldPath.IsMarketingAlias(prefix))
        {
            system = FieldSystem.HubSpot;
            return true;
        }

        return Enum.TryParse(prefix, ignoreCase: true, out system) && Enum.IsDefined(system);
    }

    public override string ToString() => $"{System}.{Name}{(EmailDomain ? DomainSuffix : string.Empty)}";
}
