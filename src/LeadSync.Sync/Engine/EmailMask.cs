namespace LeadSync.Sync.Engine;

/// <summary>Emails are personal data: anything printed or logged shows only the first letter and the domain.</summary>
public static class EmailMask
{
    public static string? Mask(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var trimmed = email.Trim();
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            return "***";
        }

        return string.Concat(trimmed.AsSpan(0, 1), "***", trimmed.AsSpan(at));
    }

    /// <summary>The form used for matching: trimmed, lower-case (invariant). Null when blank.</summary>
    public static string? Normalize(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();
}
