using System.Text;

namespace LeadSync.Sandbox.Salesforce;

/// <summary>Realistic 18-character ids (prefix, pod, counter, case-safe checksum), deterministic per seed.</summary>
internal sealed class SalesforceIds
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string SuffixChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly long _start;
    private readonly object _sync = new();

    public SalesforceIds(int seed) => _start = new Random(seed).Next(1_000_000, 900_000_000);

    public string Next(string prefix)
    {
        long n;
        lock (_sync)
        {
            _counters.TryGetValue(prefix, out n);
            _counters[prefix] = n + 1;
        }

        var body = new StringBuilder(prefix).Append("Sb0");
        var digits = new char[9];
        var value = _start + n;
        for (var i = 8; i >= 0; i--)
        {
            digits[i] = Base62[(int)(value % 62)];
            value /= 62;
        }

        body.Append(digits);
        return To18(body.ToString());
    }

    public static string To18(string id15)
    {
        var sb = new StringBuilder(id15, 18);
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var bits = 0;
            for (var j = 0; j < 5; j++)
            {
                var c = id15[(chunk * 5) + j];
                if (c is >= 'A' and <= 'Z')
                    bits |= 1 << j;
            }

            sb.Append(SuffixChars[bits]);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The record's id in its one true spelling, or null when <paramref name="id"/> is not an id. A 15-character id is
    /// case-sensitive: its case is part of the id, so it is taken as written. An 18-character id carries the case of its
    /// first 15 characters in the suffix (five bits per suffix character), which is what makes it safe for systems that
    /// ignore case: Salesforce reads the case back from the suffix, so a re-cased 18-character id still names the same
    /// record, and a suffix that marks a digit as upper-case is no id at all.
    /// </summary>
    public static string? Canonical(string? id)
    {
        if (id is null || (id.Length != 15 && id.Length != 18) || !id.All(char.IsAsciiLetterOrDigit))
            return null;
        if (id.Length == 15)
            return To18(id);
        var chars = id.ToCharArray(0, 15);
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var bits = SuffixChars.IndexOf(char.ToUpperInvariant(id[15 + chunk]), StringComparison.Ordinal);
            if (bits < 0)
                return null;
            for (var j = 0; j < 5; j++)
            {
                var at = (chunk * 5) + j;
                var upper = (bits & (1 << j)) != 0;
                if (char.IsAsciiDigit(chars[at]))
                {
                    if (upper)
                        return null;
                    continue;
                }

                chars[at] = upper ? char.ToUpperInvariant(chars[at]) : char.ToLowerInvariant(chars[at]);
            }
        }

        return To18(new string(chars));
    }

    /// <summary>Well-formed for the given key prefix: 15 or 18 alphanumerics, valid checksum; returns the canonical 18-char form.</summary>
    public static bool TryNormalize(string? id, string prefix, out string id18)
    {
        id18 = Canonical(id) ?? string.Empty;
        return id18.Length == 18 && id18.StartsWith(prefix, StringComparison.Ordinal);
    }
}
