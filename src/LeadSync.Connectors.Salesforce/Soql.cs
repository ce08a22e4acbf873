using System.Globalization;
using System.Text;

namespace LeadSync.Connectors.Salesforce;

/// <summary>Renders values as SOQL literals. Every value that came from data goes through here, never through concatenation.</summary>
public static class Soql
{
    /// <summary>A quoted SOQL string literal with \\ \' \" \n \r \t \b \f escaped.</summary>
    /// <exception cref="ArgumentException">The value holds another control character, which SOQL cannot express.</exception>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 8);
        builder.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\'': builder.Append(@"\'"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case '\b': builder.Append(@"\b"); break;
                case '\f': builder.Append(@"\f"); break;
                default:
                    if (char.IsControl(c))
                    {
                        throw new ArgumentException("The value contains a control character that cannot appear in a SOQL literal.", nameof(value));
                    }

                    builder.Append(c);
                    break;
            }
        }

        builder.Append('\'');
        return builder.ToString();
    }

    /// <summary>An unquoted SOQL dateTime literal in UTC, truncated to whole seconds (SOQL literals carry no fraction).</summary>
    public static string DateTime(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
