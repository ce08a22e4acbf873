using System.Globalization;
using System.Text;

namespace LeadSync.Worker.Cli;

/// <summary>
/// Text from the APIs (a company name, a rep's note, an error body) is data, never terminal control: C0 and C1 control
/// characters (ESC/OSC sequences, BEL, backspace, carriage return), DEL and the bidirectional overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) are shown as <c>\uXXXX</c> instead of acting on the screen. The same spelling is a
/// valid escape inside a JSON string, so JSON output stays valid.
/// </summary>
public static class ConsoleText
{
    /// <summary>Escapes every control character, line breaks and tabs included (for one field of API data).</summary>
    public static string Escape(string? text) => Escape(text, keepLayout: false);

    /// <summary>Escapes control characters but keeps line feeds and tabs: for whole lines LeadSync itself lays out.</summary>
    public static string EscapeKeepingLayout(string? text) => Escape(text, keepLayout: true);

    /// <summary>A quarantine or failure reason as shown: tokens, secrets and emails masked, control characters escaped.</summary>
    public static string Reason(string? text) => Escape(Logging.LogRedactionEnricher.RedactText(text ?? string.Empty));

    public static bool IsUnsafe(char c) =>
        c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';

    private static string Escape(string? text, bool keepLayout)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var firstUnsafe = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]) && !(keepLayout && text[i] is '\n' or '\t'))
            {
                firstUnsafe = i;
                break;
            }
        }

        if (firstUnsafe < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, firstUnsafe);
        for (var i = firstUnsafe; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnsafe(c) && !(keepLayout && c is '\n' or '\t'))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>
/// What every command writes goes through this: a control character that reached a line (from API data LeadSync did
/// not escape itself, an exception message, a log event) is escaped on the way to the terminal.
/// </summary>
public sealed class EscapingTextWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value)
    {
        if (ConsoleText.IsUnsafe(value) && value is not '\n' and not '\t' && !(value == '\r' && NewLine.Contains('\r', StringComparison.Ordinal)))
        {
            inner.Write(ConsoleText.Escape(value.ToString()));
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value) => inner.Write(EscapeLine(value));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => inner.WriteLine(EscapeLine(value));

    public override Task WriteAsync(string? value) => inner.WriteAsync(EscapeLine(value));

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(EscapeLine(value));

    public override Task WriteAsync(char value) => inner.WriteAsync(EscapeLine(value.ToString()));

    public override Task WriteLineAsync() => inner.WriteLineAsync();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override string ToString() => inner.ToString() ?? string.Empty;

    private string EscapeLine(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        // The platform's own line break (CRLF on Windows) stays a line break.
        return NewLine == "\n" || !value.Contains('\r', StringComparison.Ordinal)
            ? ConsoleText.EscapeKeepingLayout(value)
            : string.Join(NewLine, value.Split(NewLine).Select(ConsoleText.EscapeKeepingLayout));
    }
}
