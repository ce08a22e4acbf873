using System.Globalization;

namespace LeadSync.Sandbox.HubSpot;

/// <summary>An immutable version of a contact: every write publishes a new one, so a snapshot is safe to read without the lock.</summary>
public sealed record SandboxContact(
    string Id,
    IReadOnlyDictionary<string, string> Properties,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Archived)
{
    internal long Number { get; init; }

    /// <summary>The version the search index still shows while <see cref="SandboxOptions.SearchIndexLag"/> has not elapsed.</summary>
    internal SandboxContact? Previous { get; init; }

    public string? Get(string property) => Properties.TryGetValue(property, out var value) ? value : null;

    public string? Email => Get("email");

    public string? LifecycleStage => Get("lifecyclestage");

    public string? LeadStatus => Get("hs_lead_status");

    public string? OwnerId => Get("hubspot_owner_id");

    public string? SalesforceLeadId => Get("salesforceleadid");
}

public sealed record SandboxOwner(
    string Id,
    string Email,
    string FirstName,
    string LastName,
    int UserId,
    bool Archived,
    string TeamId,
    string TeamName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One per-input failure of a batch call, rendered as a StandardError.</summary>
internal sealed record HubSpotInputError(string Category, string Message, string Id, IReadOnlyList<HubSpotErrorDetail> Details);

internal sealed record HubSpotErrorDetail(string Message, string Code, string PropertyName);

internal static class HubSpotFormat
{
    public static string Iso(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset TruncateToMs(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>HubSpot accepts datetimes as epoch milliseconds or ISO-8601 (or a bare date).</summary>
    public static bool TryParseMillis(string? text, out long millis)
    {
        millis = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out millis))
            return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            millis = parsed.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
