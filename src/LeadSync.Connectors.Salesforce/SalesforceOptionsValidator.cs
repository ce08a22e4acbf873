using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using LeadSync.Domain.Configuration;

namespace LeadSync.Connectors.Salesforce;

/// <summary>Checks one connection's options and reports every problem at once.</summary>
public static partial class SalesforceOptionsValidator
{
    private const int MinimumMajorVersion = 60;

    public static IReadOnlyList<ConfigProblem> Validate(SalesforceOptions o, string path)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problems = new List<ConfigProblem>();

        void Add(string field, string problem, string allowed) => problems.Add(new ConfigProblem($"{path}:{field}", problem, allowed));

        if (!Uri.TryCreate(o.LoginUrl, UriKind.Absolute, out var login) || (login.Scheme != Uri.UriSchemeHttps && login.Scheme != Uri.UriSchemeHttp))
        {
            Add(nameof(o.LoginUrl), "is not an absolute URL", "the org's My Domain URL, e.g. https://acme.my.salesforce.com");
        }
        else if (login.Scheme != Uri.UriSchemeHttps && !login.IsLoopback)
        {
            Add(nameof(o.LoginUrl), "uses http for a non-local host, which would send credentials in clear text", "https:// (http only for localhost)");
        }

        if (string.IsNullOrWhiteSpace(o.ClientId))
        {
            Add(nameof(o.ClientId), "is empty", "the connected app's consumer key");
        }

        switch (o.AuthFlow)
        {
            case SalesforceAuthFlow.ClientCredentials:
                if (string.IsNullOrWhiteSpace(o.ClientSecret))
                {
                    Add(nameof(o.ClientSecret), "is empty but the client credentials flow needs it", "the connected app's consumer secret (from a secret store)");
                }

                break;
            case SalesforceAuthFlow.JwtBearer:
                if (string.IsNullOrWhiteSpace(o.Username))
                {
                    Add(nameof(o.Username), "is empty but the JWT bearer flow needs it", "the Salesforce username the assertion is issued for");
                }

                ValidateKeyFile(o.PrivateKeyPath, Add);
                break;
            default:
                Add(nameof(o.AuthFlow), $"'{o.AuthFlow}' is not a known flow", "ClientCredentials, JwtBearer");
                break;
        }

        if (string.IsNullOrWhiteSpace(o.ExternalKeyField) || !CustomFieldPattern().IsMatch(o.ExternalKeyField))
        {
            Add(nameof(o.ExternalKeyField), $"'{o.ExternalKeyField}' is not a custom field's API name", "a Lead custom text field marked External ID and Unique, e.g. LeadSync_Key__c");
        }

        var version = ApiVersionPattern().Match(o.ApiVersion ?? string.Empty);
        if (!version.Success)
        {
            Add(nameof(o.ApiVersion), $"'{o.ApiVersion}' is not of the form vNN.N", "v60.0 or later, e.g. v62.0");
        }
        else if (int.Parse(version.Groups[1].Value, CultureInfo.InvariantCulture) < MinimumMajorVersion)
        {
            Add(nameof(o.ApiVersion), $"'{o.ApiVersion}' is older than the connector supports", "v60.0 or later");
        }

        if (!(o.DailyApiReserveShare > 0 && o.DailyApiReserveShare <= 1))
        {
            Add(nameof(o.DailyApiReserveShare), $"{o.DailyApiReserveShare.ToString(CultureInfo.InvariantCulture)} is out of range", "a share greater than 0 and at most 1, e.g. 0.8");
        }

        if (o.QueryBatchSize is < 200 or > 2000)
        {
            Add(nameof(o.QueryBatchSize), $"{o.QueryBatchSize} is out of range", "200 to 2000 (Sforce-Query-Options batchSize)");
        }

        if (o.AttemptTimeout < TimeSpan.FromMilliseconds(10) || o.AttemptTimeout > TimeSpan.FromHours(1))
        {
            Add(nameof(o.AttemptTimeout), $"{o.AttemptTimeout} is out of range", "10 ms to 1 hour");
        }

        if (o.TotalTimeout < o.AttemptTimeout || o.TotalTimeout > TimeSpan.FromHours(1))
        {
            Add(nameof(o.TotalTimeout), $"{o.TotalTimeout} is shorter than AttemptTimeout or longer than an hour", "at least AttemptTimeout, at most 1 hour");
        }

        if (o.MaxRetries is < 0 or > 10)
        {
            Add(nameof(o.MaxRetries), $"{o.MaxRetries} is out of range", "0 to 10");
        }

        if (o.CircuitBreakerMinimumThroughput < 2)
        {
            Add(nameof(o.CircuitBreakerMinimumThroughput), $"{o.CircuitBreakerMinimumThroughput} is out of range", "2 or more");
        }

        if (o.RetryBaseDelay <= TimeSpan.Zero || o.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            Add(nameof(o.RetryBaseDelay), $"{o.RetryBaseDelay} is out of range", "more than 0, at most 1 minute");
        }

        if (o.MaxConcurrentRequests is < 1 or > 25)
        {
            Add(nameof(o.MaxConcurrentRequests), $"{o.MaxConcurrentRequests} is out of range", "1 to 25");
        }

        return problems;
    }

    private static void ValidateKeyFile(string? keyPath, Action<string, string, string> add)
    {
        const string Field = nameof(SalesforceOptions.PrivateKeyPath);
        const string Allowed = "path of a readable PEM file holding the connected app's RSA private key";
        if (string.IsNullOrWhiteSpace(keyPath))
        {
            add(Field, "is empty but the JWT bearer flow needs it", Allowed);
            return;
        }

        if (!File.Exists(keyPath))
        {
            add(Field, $"file '{keyPath}' does not exist", Allowed);
            return;
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(File.ReadAllText(keyPath));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The key itself is a secret: report only that it could not be read, never its content.
            add(Field, $"file '{keyPath}' is not a readable PEM RSA private key", Allowed);
        }
    }

    [GeneratedRegex(@"^v(\d{2,3})\.(\d)$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiVersionPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*__c$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomFieldPattern();
}
