using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace LeadSync.Worker.Logging;

/// <summary>
/// Serilog for every command: sinks come from the <c>Serilog</c> configuration section when an operator gives one;
/// otherwise console text (or compact JSON with <c>LeadSync:Logging:Format=json</c>) on stderr. Whatever the level and
/// the format, every event passes <see cref="LogRedactionEnricher"/> (tokens, secrets and emails masked in every
/// property), and the console output escapes control characters from API data (<see cref="Cli.EscapingTextWriter"/>).
/// </summary>
public static class SerilogSetup
{
    public static void Configure(LoggerConfiguration logger, IConfiguration configuration, LogEventLevel defaultLevel, TextWriter? destination = null)
    {
        logger
            .MinimumLevel.Is(defaultLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext();
        var json = string.Equals(configuration["LeadSync:Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);

        // Text lines also escape line breaks inside values (a forged log line); JSON already escapes them itself.
        logger.Enrich.With(new LogRedactionEnricher(escapeControlCharacters: !json));

        if (configuration.GetSection("Serilog:WriteTo").Exists())
        {
            return;
        }

        // Logs go to stderr so that command output on stdout stays machine-readable (sync --json, demo summary).
        var writer = new Cli.EscapingTextWriter(destination ?? Console.Error);
        var formatter = json
            ? (ITextFormatter)new CompactJsonFormatter()
            : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:l}{NewLine}{Exception}", System.Globalization.CultureInfo.InvariantCulture);
        logger.WriteTo.Sink(new TextWriterSink(formatter, writer));
    }

    /// <summary>One event at a time to one writer, flushed, so lines from several threads never interleave.</summary>
    private sealed class TextWriterSink(ITextFormatter formatter, TextWriter writer) : ILogEventSink
    {
        private readonly Lock _gate = new();

        public void Emit(LogEvent logEvent)
        {
            lock (_gate)
            {
                formatter.Format(logEvent, writer);
                writer.Flush();
            }
        }
    }
}

/// <summary>
/// Defence in depth, on every property of every event (nested structures and lists included): a bearer token, an
/// OAuth token or client secret in a <c>key=value</c> or JSON text, a property named like a credential (Authorization,
/// AccessToken, ClientSecret, Password) and an email address are masked before any sink sees them.
/// </summary>
public sealed partial class LogRedactionEnricher(bool escapeControlCharacters) : ILogEventEnricher
{
    public const string Mask = "***";

    public LogRedactionEnricher()
        : this(escapeControlCharacters: false)
    {
    }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties.ToList())
        {
            var redacted = IsSecretName(name) ? new ScalarValue(Mask) : Redact(value, escapeControlCharacters);
            if (!ReferenceEquals(redacted, value))
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, redacted));
            }
        }
    }

    /// <summary>The text with every token, secret and email masked; the same instance when there is nothing to mask.</summary>
    public static string RedactText(string text)
    {
        var result = text;
        result = BearerToken().Replace(result, "${scheme}" + Mask);

        if (result.Contains('=', StringComparison.Ordinal) || result.Contains(':', StringComparison.Ordinal))
        {
            result = SecretPair().Replace(result, "${key}" + Mask);
        }

        if (result.Contains('@', StringComparison.Ordinal))
        {
            result = EmailPattern().Replace(result, m => string.Concat(m.Value.AsSpan(0, 1), "***", m.Value.AsSpan(m.Value.IndexOf('@', StringComparison.Ordinal))));
        }

        return string.Equals(result, text, StringComparison.Ordinal) ? text : result;
    }

    private static LogEventPropertyValue Redact(LogEventPropertyValue value, bool escape)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var redacted = escape ? Cli.ConsoleText.Escape(RedactText(text)) : RedactText(text);
                return string.Equals(redacted, text, StringComparison.Ordinal) ? value : new ScalarValue(redacted);
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(e => Redact(e, escape)).ToList();
                return elements.Where((e, i) => !ReferenceEquals(e, sequence.Elements[i])).Any() ? new SequenceValue(elements) : value;
            case StructureValue structure:
                var properties = structure.Properties
                    .Select(p => IsSecretName(p.Name) ? new LogEventProperty(p.Name, new ScalarValue(Mask)) : new LogEventProperty(p.Name, Redact(p.Value, escape)))
                    .ToList();
                return properties.Where((p, i) => !ReferenceEquals(p.Value, structure.Properties[i].Value)).Any()
                    ? new StructureValue(properties, structure.TypeTag)
                    : value;
            case DictionaryValue dictionary:
                var entries = dictionary.Elements
                    .Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                        e.Key, e.Key.Value is string key && IsSecretName(key) ? new ScalarValue(Mask) : Redact(e.Value, escape)))
                    .ToList();
                return entries.Where((e, i) => !ReferenceEquals(e.Value, dictionary.Elements.ElementAt(i).Value)).Any()
                    ? new DictionaryValue(entries)
                    : value;
            default:
                return value;
        }
    }

    private static bool IsSecretName(string name) => SecretName().IsMatch(name);

    [GeneratedRegex(@"^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|.*(access|refresh|id|bearer)_?token|.*secret|.*password|token|assertion|client_assertion)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|OAuth)\s+)[A-Za-z0-9\-._~+/!=]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"(?<key>[""']?\b(?:access_token|refresh_token|id_token|client_secret|password|assertion|client_assertion)[""']?\s*[:=]\s*[""']?)[^""'&\s,;}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPair();

    [GeneratedRegex(@"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
