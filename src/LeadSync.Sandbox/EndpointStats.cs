using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace LeadSync.Sandbox;

/// <summary>
/// Calls and records written per endpoint ("PATCH /services/data/{v}/composite/sobjects"), so a benchmark can say
/// where the calls go and how full each batch was. Ids, versions and query locators in a path are folded to
/// placeholders so one endpoint is one line.
/// </summary>
internal sealed class EndpointStats
{
    private const string ItemKey = "LeadSync.Sandbox.Endpoint";
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public void Call(HttpContext context)
    {
        var name = NameOf(context.Request.Method, context.Request.Path.Value ?? string.Empty);
        context.Items[ItemKey] = name;
        Interlocked.Increment(ref _counters.GetOrAdd(name, _ => new Counter()).Calls);
    }

    /// <summary>Records the call at hand wrote (created or changed), on the endpoint it came in on.</summary>
    public void Records(HttpContext context, long count)
    {
        if (context.Items.TryGetValue(ItemKey, out var name) && name is string endpoint)
            Interlocked.Add(ref _counters.GetOrAdd(endpoint, _ => new Counter()).Written, count);
    }

    public Dictionary<string, Dictionary<string, long>> Snapshot() =>
        _counters.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(
            kv => kv.Key,
            kv => new Dictionary<string, long>(StringComparer.Ordinal)
            {
                ["calls"] = Interlocked.Read(ref kv.Value.Calls),
                ["records"] = Interlocked.Read(ref kv.Value.Written),
            },
            StringComparer.Ordinal);

    public void Reset() => _counters.Clear();

    internal static string NameOf(string method, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Fold);
        return method.ToUpperInvariant() + " /" + string.Join('/', parts);
    }

    private static string Fold(string segment)
    {
        if (segment.Length > 1 && segment[0] == 'v' && segment.Skip(1).All(c => char.IsAsciiDigit(c) || c == '.'))
            return "{v}";
        if (segment.Contains('-', StringComparison.Ordinal) || segment.Contains('@', StringComparison.Ordinal) || segment.Contains('%', StringComparison.Ordinal))
            return "{id}";
        if (segment.All(char.IsAsciiDigit) || (segment.Length >= 15 && segment.All(char.IsAsciiLetterOrDigit) && segment.Any(char.IsAsciiDigit)))
            return "{id}";
        return segment;
    }

    private sealed class Counter
    {
        public long Calls;
        public long Written;
    }
}
