using System.Globalization;

namespace LeadSync.Sync.Reporting;

/// <summary>One table of a report. Cells are numbers, text or null, so JSON keeps their types and tables/CSV format them.</summary>
public sealed record ReportSection(string Name, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows)
{
    /// <summary>The cell of the first row whose first cell is <paramref name="key"/>, in the named column.</summary>
    public object? Cell(string key, string column)
    {
        var index = Columns.ToList().IndexOf(column);
        var row = Rows.FirstOrDefault(r => string.Equals(Convert.ToString(r[0], CultureInfo.InvariantCulture), key, StringComparison.Ordinal));
        return index < 0 || row is null ? null : row[index];
    }
}

/// <summary>A report as computed: what it covers and its tables.</summary>
public sealed record Report(string Name, string Connection, DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<ReportSection> Sections)
{
    public ReportSection Section(string name) =>
        Sections.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"report {Name} has no section '{name}'");
}

/// <summary>Percentiles by nearest rank (the value a person can find in the list), so a report's numbers can be checked by hand.</summary>
public static class Percentile
{
    public static TimeSpan? Of(IReadOnlyList<TimeSpan> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
