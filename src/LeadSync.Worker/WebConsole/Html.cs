using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using LeadSync.Sync.Reporting;

namespace LeadSync.Worker.WebConsole;

/// <summary>Who is looking: viewers see emails masked and cannot act; admins see everything but secrets (never rendered).</summary>
public enum ConsoleRole
{
    None,
    Viewer,
    Admin,
}

/// <summary>
/// Builds one page. Everything that is not a literal of this file passes <see cref="Text"/>: HTML-encoded, and for a
/// viewer with every email masked, so API data can neither inject markup nor show personal data.
/// </summary>
public sealed partial class Html(ConsoleRole role)
{
    private readonly StringBuilder _body = new();

    public ConsoleRole Role => role;

    public static string Css =>
        """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
        header{background:#17324d;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none}header a.on{text-decoration:underline}header .who{margin-left:auto;font-size:.85rem}
        main{padding:1rem 1.4rem;max-width:1200px}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
        table{border-collapse:collapse;background:#fff;margin:.4rem 0 1rem}th,td{border:1px solid #d7dde4;padding:.3rem .6rem;text-align:left;font-size:.9rem;vertical-align:top}
        th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#17723a}.bad{color:#b3261e}
        .card{display:inline-block;background:#fff;border:1px solid #d7dde4;padding:.6rem 1rem;margin:.2rem .6rem .6rem 0;min-width:9rem}
        .card b{display:block;font-size:1.4rem}.muted{color:#5b6776;font-size:.85rem}form.inline{display:inline}
        button{cursor:pointer}svg{background:#fff;border:1px solid #d7dde4;margin:.4rem 0}input{padding:.2rem}
        """;

    public void Raw(string markup) => _body.Append(markup);

    public void H1(string text) => _body.Append("<h1>").Append(Text(text)).Append("</h1>\n");

    public void H2(string text, string? id = null) =>
        _body.Append(id is null ? "<h2>" : $"<h2 id=\"{Attr(id)}\">").Append(Text(text)).Append("</h2>\n");

    public void P(string text, string cssClass = "") =>
        _body.Append(cssClass.Length == 0 ? "<p>" : $"<p class=\"{Attr(cssClass)}\">").Append(Text(text)).Append("</p>\n");

    public void Card(string label, object? value, string testId) =>
        _body.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><b data-testid=\"{Attr(testId)}\">{Text(ReportCellText(value))}</b><span class=\"muted\">{Text(label)}</span></div>");

    /// <summary>A report section as a table; each numeric cell carries <c>data-testid="section:key:column"</c> so tests read what people see.</summary>
    public void Section(ReportSection section, string? title = null)
    {
        H2(title ?? section.Name);
        if (section.Rows.Count == 0)
        {
            P("nothing in this period", "muted");
            return;
        }

        _body.Append(CultureInfo.InvariantCulture, $"<table data-testid=\"{Attr(section.Name)}\"><tr>");
        foreach (var column in section.Columns)
        {
            _body.Append("<th>").Append(Text(column)).Append("</th>");
        }

        _body.Append("</tr>\n");
        foreach (var row in section.Rows)
        {
            var key = ReportCellText(row[0]);
            _body.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                var numeric = row[i] is int or long or double;
                _body.Append(CultureInfo.InvariantCulture, $"<td{(numeric ? " class=\"n\"" : string.Empty)} data-testid=\"{Attr($"{section.Name}:{key}:{section.Columns[i]}")}\">{Text(ReportCellText(row[i]))}</td>");
            }

            _body.Append("</tr>\n");
        }

        _body.Append("</table>\n");
    }

    /// <summary>A horizontal bar chart as inline SVG (no script, nothing fetched).</summary>
    public void BarChart(string title, IReadOnlyList<(string Label, double Value)> bars, string unit = "")
    {
        if (bars.Count == 0)
        {
            return;
        }

        const int Width = 640, Row = 24, LabelWidth = 210;
        var max = Math.Max(1, bars.Max(b => b.Value));
        var height = (bars.Count * Row) + 10;
        _body.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{Attr(title)}\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{Text(title)}</title>");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = 5 + (i * Row);
            var w = Math.Max(1, (Width - LabelWidth - 70) * value / max);
            _body.Append(CultureInfo.InvariantCulture,
                $"<text x=\"4\" y=\"{y + 16}\" font-size=\"12\">{Text(label)}</text><rect x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{w:0.#}\" height=\"{Row - 8}\" fill=\"#2f6fa8\"/><text x=\"{LabelWidth + w + 6:0.#}\" y=\"{y + 16}\" font-size=\"12\">{Text(ReportCellText(value) + unit)}</text>");
        }

        _body.Append("</svg>\n");
    }

    /// <summary>Vertical bars over time (one per item), coloured by outcome.</summary>
    public void Columns(string title, IReadOnlyList<(string Label, double Value, bool Good)> columns)
    {
        if (columns.Count == 0)
        {
            return;
        }

        const int Height = 140, Bar = 14;
        var width = Math.Max(200, (columns.Count * (Bar + 4)) + 10);
        var max = Math.Max(1, columns.Max(c => c.Value));
        _body.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{Attr(title)}\" width=\"{width}\" height=\"{Height}\" viewBox=\"0 0 {width} {Height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{Text(title)}</title>");
        for (var i = 0; i < columns.Count; i++)
        {
            var (label, value, good) = columns[i];
            var h = Math.Max(2, (Height - 20) * value / max);
            _body.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{5 + (i * (Bar + 4))}\" y=\"{Height - 10 - h:0.#}\" width=\"{Bar}\" height=\"{h:0.#}\" fill=\"{(good ? "#2f8f4e" : "#c0392b")}\"><title>{Text(label + ": " + ReportCellText(value))}</title></rect>");
        }

        _body.Append("</svg>\n");
    }

    /// <summary>The whole document: navigation, who is looking, the body. No script, no external resource.</summary>
    public string Page(string title, string active, string connection, IReadOnlyCollection<string> connections)
    {
        var nav = new StringBuilder();
        foreach (var (path, label) in new[] { ("/console/", "Overview"), ("/console/funnel", "Funnel"), ("/console/handoffs", "Handoffs & SLA"), ("/console/quarantine", "Quarantine"), ("/console/audit", "Audit") })
        {
            nav.Append(CultureInfo.InvariantCulture, $"<a href=\"{Attr(path + "?connection=" + Uri.EscapeDataString(connection))}\"{(path == active ? " class=\"on\"" : string.Empty)}>{Text(label)}</a>");
        }

        var who = role == ConsoleRole.Admin
            ? "<span class=\"who\" data-testid=\"role\">admin</span>"
            : "<span class=\"who\"><span data-testid=\"role\">viewer</span> — emails masked · <a href=\"/console/login\">sign in as admin</a></span>";
        var picker = connections.Count > 1
            ? "<form method=\"get\" class=\"inline\"><select name=\"connection\">" + string.Concat(connections.Select(c => $"<option{(c == connection ? " selected" : string.Empty)}>{Text(c)}</option>")) + "</select> <button>switch</button></form>"
            : $"<span class=\"muted\">connection {Text(connection)}</span>";
        return $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Text(title)} · LeadSync</title><meta name=\"viewport\" content=\"width=device-width\"><link rel=\"stylesheet\" href=\"/console/app.css\"></head>\n<body><header><strong>LeadSync</strong>{nav}{picker}{who}</header>\n<main>{_body}</main></body></html>\n";
    }

    /// <summary>Encoded text; for viewers every email in it is masked first.</summary>
    public string Text(string? value)
    {
        var text = value ?? string.Empty;
        if (role != ConsoleRole.Admin)
        {
            text = MaskEmails(text);
        }

        return HtmlEncoder.Default.Encode(text);
    }

    public static string MaskEmails(string text) => EmailPattern().Replace(text, m => Domain.EmailMask.Mask(m.Value));

    public static string Attr(string value) => HtmlEncoder.Default.Encode(value);

    public static string ReportCellText(object? value) => Reporting.ReportFormat.Cell(value);

    [GeneratedRegex(@"[^\s@<>""'(),;:]+@[^\s@<>""'(),;:]+\.[^\s@<>""'(),;:]+")]
    private static partial Regex EmailPattern();
}
