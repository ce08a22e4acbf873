using System.Text.RegularExpressions;

namespace LeadSync.Connectors.Pardot;

/// <summary>Emails are personal data: anything logged or put in an error shows them as <c>a***@example.com</c>.</summary>
internal static partial class Redaction
{
    public static string MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "";
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }

    public static string MaskEmails(string text) => EmailPattern().Replace(text, m => MaskEmail(m.Value));

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailPattern();
}
