using LeadSync.Domain.Configuration;

namespace LeadSync.Worker.WebConsole;

/// <summary>
/// Section <c>LeadSync:Health:Console</c>: the web console served on the health port. Credentials are stored as
/// PBKDF2 hashes (<c>leadsync hash-password</c> makes one), never as passwords.
/// </summary>
public sealed class ConsoleOptions
{
    public bool Enabled { get; set; } = true;

    public string AdminUser { get; set; } = "admin";

    /// <summary>The admin's password hash. Without it the console serves loopback only, and everyone there is admin.</summary>
    public string? AdminPasswordHash { get; set; }

    public string ViewerUser { get; set; } = "viewer";

    /// <summary>Optional: a viewer login for other machines (viewers see masked emails and cannot act).</summary>
    public string? ViewerPasswordHash { get; set; }
}

/// <summary>The console's start-up rules: a non-loopback bind needs an admin credential; hashes must be readable.</summary>
public static class ConsoleOptionsValidator
{
    public static IReadOnlyList<ConfigProblem> Validate(ConsoleOptions options, string urls, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ConfigProblem>();
        if (!options.Enabled)
        {
            return problems;
        }

        foreach (var (name, hash) in new[] { ("AdminPasswordHash", options.AdminPasswordHash), ("ViewerPasswordHash", options.ViewerPasswordHash) })
        {
            if (!string.IsNullOrEmpty(hash) && !PasswordHash.IsWellFormed(hash))
            {
                problems.Add(new ConfigProblem($"{path}:{name}", "is not a password hash (value not shown)", "the output of 'leadsync hash-password'"));
            }
        }

        if (string.IsNullOrEmpty(options.AdminPasswordHash) && !LoopbackUrls.AllLoopback(urls))
        {
            problems.Add(new ConfigProblem(
                $"{path}:AdminPasswordHash",
                "is required: LeadSync:Health:Urls binds beyond loopback, and the console would be open to other machines without authentication",
                "a hash from 'leadsync hash-password', or Urls on 127.0.0.1 / localhost, or Console:Enabled false"));
        }

        return problems;
    }
}

/// <summary>Whether every URL the host binds is a loopback address.</summary>
public static class LoopbackUrls
{
    public static bool AllLoopback(string urls)
    {
        foreach (var url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcards (*, +, 0.0.0.0) are not valid URI hosts: anything unparseable counts as public.
            if (!Uri.TryCreate(url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return false;
            }

            var host = uri.Host.Trim('[', ']');
            var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                return false;
            }
        }

        return true;
    }
}
