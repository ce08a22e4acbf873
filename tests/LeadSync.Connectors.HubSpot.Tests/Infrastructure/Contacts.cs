using System.Globalization;
using System.Text.Json;

namespace LeadSync.Connectors.HubSpot.Tests.Infrastructure;

/// <summary>Response JSON in HubSpot's shapes (SimplePublicObject and friends).</summary>
public static class Contacts
{
    public static object Contact(string id, long modifiedMs, string? email = null) => new Dictionary<string, object?>
    {
        ["id"] = id,
        ["properties"] = new Dictionary<string, string?>
        {
            ["hs_object_id"] = id,
            ["email"] = email ?? $"c{id}@example.com",
            ["lastmodifieddate"] = DateTimeOffset.FromUnixTimeMilliseconds(modifiedMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        },
        ["createdAt"] = "2026-01-01T00:00:00.000Z",
        ["updatedAt"] = DateTimeOffset.FromUnixTimeMilliseconds(modifiedMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["archived"] = false,
    };

    public static string SearchPage(IEnumerable<object> results, string? nextAfter, int total = 0)
    {
        var list = results.ToList();
        var body = new Dictionary<string, object?> { ["total"] = total == 0 ? list.Count : total, ["results"] = list };
        if (nextAfter is not null)
        {
            body["paging"] = new { next = new { after = nextAfter, link = "?after=" + nextAfter } };
        }

        return JsonSerializer.Serialize(body);
    }

    public static string Batch(IEnumerable<object> results, IEnumerable<object>? errors = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["status"] = "COMPLETE",
            ["results"] = results.ToList(),
            ["startedAt"] = "2026-11-20T09:15:00.000Z",
            ["completedAt"] = "2026-11-20T09:15:00.120Z",
        };
        if (errors is not null)
        {
            var list = errors.ToList();
            body["errors"] = list;
            body["numErrors"] = list.Count;
        }

        return JsonSerializer.Serialize(body);
    }

    public static object Error(string category, string message, params string[] ids) => new
    {
        status = "error",
        category,
        message,
        context = new Dictionary<string, string[]> { ["ids"] = ids },
        errors = Array.Empty<object>(),
        links = new Dictionary<string, string>(),
    };

    public static readonly long T0 = DateTimeOffset.Parse("2026-11-20T09:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
