using System.Globalization;
using System.Text.Json;

namespace LeadSync.Connectors.HubSpot.Tests.Infrastructure;

/// <summary>
/// A faithful-enough search endpoint over an in-memory set: AND-ed filters, one ascending sort, offset cursors and
/// the result window (paging past it answers 400, as HubSpot does). Ties under the sort come back in descending id
/// order on purpose, so the client cannot rely on an id order it did not ask for. <see cref="Touch"/> changes a
/// record's modification time between requests, as a write does.
/// </summary>
public sealed class SearchEngine(IReadOnlyList<(string Id, long Ms)> records, int window)
{
    private readonly List<(string Id, long Ms)> _records = [.. records];

    public List<string> RequestBodies { get; } = [];

    public void Touch(string id, long ms)
    {
        lock (_records)
        {
            var index = _records.FindIndex(r => r.Id == id);
            _records[index] = (id, ms);
        }
    }

    public Reply Handle(Captured request)
    {
        RequestBodies.Add(request.Body);
        using var doc = JsonDocument.Parse(request.Body);
        var root = doc.RootElement;
        var limit = root.GetProperty("limit").GetInt32();
        var offset = root.TryGetProperty("after", out var after) ? int.Parse(after.GetString()!, CultureInfo.InvariantCulture) : 0;
        if (offset + limit > window)
        {
            return new Reply(400, """{"status":"error","message":"Paging past the result window is not supported","correlationId":"00000000-0000-0000-0000-000000000001","category":"VALIDATION_ERROR"}""");
        }

        IEnumerable<(string Id, long Ms)> matches;
        lock (_records)
        {
            matches = [.. _records];
        }

        foreach (var filter in root.GetProperty("filterGroups")[0].GetProperty("filters").EnumerateArray())
        {
            var property = filter.GetProperty("propertyName").GetString();
            var op = filter.GetProperty("operator").GetString();
            var operand = long.Parse(filter.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
            Func<(string Id, long Ms), long> key = property == "hs_object_id" ? r => long.Parse(r.Id, CultureInfo.InvariantCulture) : r => r.Ms;
            matches = op switch
            {
                "GTE" => matches.Where(r => key(r) >= operand),
                "GT" => matches.Where(r => key(r) > operand),
                "LTE" => matches.Where(r => key(r) <= operand),
                "EQ" => matches.Where(r => key(r) == operand),
                _ => throw new InvalidOperationException("unsupported operator " + op),
            };
        }

        var sort = root.GetProperty("sorts")[0].GetProperty("propertyName").GetString();
        var sorted = sort == "hs_object_id"
            ? matches.OrderBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).ToList()
            : matches.OrderBy(r => r.Ms).ThenByDescending(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).ToList();
        var page = sorted.Skip(offset).Take(limit).Select(r => Contacts.Contact(r.Id, r.Ms)).ToList();
        var next = offset + limit < sorted.Count ? (offset + limit).ToString(CultureInfo.InvariantCulture) : null;
        return Reply.Json(Contacts.SearchPage(page, next, sorted.Count));
    }
}
