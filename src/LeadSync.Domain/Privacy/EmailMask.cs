namespace LeadSync.Domain;

/// <summary>
/// Emails are personal data: anything printed, logged or audited shows them masked (first letter and domain), and
/// people are matched by one normal form. The only masker in LeadSync.
/// </summary>
public static class EmailMask
{
    /// <summary><c>ada@example.com</c> → <c>a***@example.com</c>; "(no email)" when blank.</summary>
    public static string Mask(string? email) => MaskOrNull(email) ?? "(no email)";

    /// <summary>As <see cref="Mask"/>, but null when blank (for optional columns).</summary>
    public static string? MaskOrNull(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var trimmed = email.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0)
        {
            return "***";
        }

        return string.Concat(trimmed.AsSpan(0, 1), "***", trimmed.AsSpan(at));
    }

    /// <summary>The form people, users and owners are matched by: trimmed, lower-case (invariant). Null when blank.</summary>
    public static string? Normalize(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();
}
