using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace LeadSync.Worker.Logging;

/// <summary>
/// Serilog for every command: sinks come from the <c>Serilog</c> configuration section when an operator gives one;
/// otherwise console text (or compact JSON with <c>LeadSync:Logging:Format=json</c>). Emails are masked on the way out.
/// </summary>
public static class SerilogSetup
{
    public static void Configure(LoggerConfiguration logger, IConfiguration configuration, LogEventLevel defaultLevel)
    {
        logger
            .MinimumLevel.Is(defaultLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Enrich.With<EmailMaskingEnricher>();

        if (configuration.GetSection("Serilog:WriteTo").Exists())
        {
            return;
        }

        if (string.Equals(configuration["LeadSync:Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logger.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose);
        }
        else
        {
            // Logs go to stderr so that command output on stdout stays machine-readable (sync --json, demo summary).
            logger.WriteTo.Console(
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>Defence in depth: any log property that looks like an email address is masked (a***@example.com).</summary>
public sealed partial class EmailMaskingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var property in logEvent.Properties.ToList())
        {
            if (property.Value is ScalarValue { Value: string text } && text.Contains('@', StringComparison.Ordinal))
            {
                var masked = EmailPattern().Replace(text, m => string.Concat(m.Value.AsSpan(0, 1), "***", m.Value.AsSpan(m.Value.IndexOf('@', StringComparison.Ordinal))));
                if (!ReferenceEquals(masked, text))
                {
                    logEvent.AddOrUpdateProperty(propertyFactory.CreateProperty(property.Key, masked));
                }
            }
        }
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
