using System.Globalization;
using System.Text;
using System.Text.Json;
using LeadSync.Sync.Reporting;
using LeadSync.Worker.Cli;

namespace LeadSync.Worker.Reporting;

/// <summary>How <c>leadsync report</c> prints: a table for people, CSV for spreadsheets, JSON for scripts.</summary>
public enum ReportOutput
{
    Table,
    Csv,
    Json,
}

/// <summary>Renders a <see cref="Report"/> in each output format (the numbers are the same in all three).</summary>
public static class ReportFormat
{
    public static string Render(Report report, ReportOutput output) => output switch
    {
        ReportOutput.Csv => Csv(report),
        ReportOutput.Json => Json(report),
        _ => Table(report),
    };

    public static string Cell(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Table(Report report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Name} report, connection {report.Connection}, {report.Since:u} to {report.Until:u}");
        foreach (var section in report.Sections)
        {
            text.AppendLine().AppendLine(section.Name);
            if (section.Rows.Count == 0)
            {
                text.AppendLine("  (none)");
                continue;
            }

            var table = new TextTable([.. section.Columns]);
            foreach (var row in section.Rows)
            {
                table.Add([.. row.Select(Cell)]);
            }

            text.Append(table);
        }

        return text.ToString();
    }

    /// <summary>One CSV block per section: a "section" column first, so all sections load into one sheet.</summary>
    private static string Csv(Report report)
    {
        var text = new StringBuilder();
        foreach (var section in report.Sections)
        {
            text.AppendLine(string.Join(',', section.Columns.Prepend("section").Select(Quote)));
            foreach (var row in section.Rows)
            {
                text.AppendLine(string.Join(',', row.Select(Cell).Prepend(section.Name).Select(Quote)));
            }
        }

        return text.ToString();
    }

    private static string Quote(string value)
    {
        // A leading =, +, - or @ would be run as a formula by spreadsheets: prefixed with a quote (OWASP CSV injection).
        var safe = value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + value
            : value;
        return safe.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }

    private static string Json(Report report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("report", report.Name);
            json.WriteString("connection", report.Connection);
            json.WriteString("since", report.Since);
            json.WriteString("until", report.Until);
            json.WriteStartObject("sections");
            foreach (var section in report.Sections)
            {
                json.WriteStartArray(section.Name);
                foreach (var row in section.Rows)
                {
                    json.WriteStartObject();
                    for (var i = 0; i < section.Columns.Count; i++)
                    {
                        json.WritePropertyName(section.Columns[i]);
                        switch (row[i])
                        {
                            case null:
                                json.WriteNullValue();
                                break;
                            case int n:
                                json.WriteNumberValue(n);
                                break;
                            case long n:
                                json.WriteNumberValue(n);
                                break;
                            case double d:
                                json.WriteNumberValue(d);
                                break;
                            case decimal m:
                                json.WriteNumberValue(m); // money: exact, as the CRM gave it
                                break;
                            default:
                                json.WriteStringValue(Cell(row[i]));
                                break;
                        }
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }
}
