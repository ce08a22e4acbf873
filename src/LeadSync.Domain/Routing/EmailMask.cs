namespace LeadSync.Domain.Routing;

/// <summary>Emails are personal data: anything a reason string may carry into logs or audit shows them masked.</summary>
public static class EmailMask
{
    /// <summary><c>ada@example.com</c> → <c>a***@example.com</c>.</summary>
    public static string Mask(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "(no email)";
        }

        var trimmed = email.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0)
        {
            return "***";
        }

        return string.Concat(trimmed.AsSpan(0, 1), "***", trimmed.AsSpan(at));
    }

    /// <summary>Trimmed, lower-case: how Salesforce users and HubSpot owners are matched to configured reps.</summary>
    public static string Normalize(string? email) => (email ?? "").Trim().ToLowerInvariant();
}
