using LeadSync.Connectors.Salesforce;
using LeadSync.Domain.Configuration;

namespace LeadSync.Connectors.Pardot;

/// <summary>Checks a Pardot connection's options and reports every problem at once.</summary>
public static class PardotOptionsValidator
{
    /// <param name="path">Configuration path of the section, e.g. <c>LeadSync:Pardot</c>.</param>
    public static IReadOnlyList<ConfigProblem> Validate(PardotOptions o, string path)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problems = new List<ConfigProblem>();
        void Add(string key, string problem, string allowed) => problems.Add(new ConfigProblem($"{path}:{key}", problem, allowed));

        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add(nameof(o.BaseUrl), $"'{o.BaseUrl}' is not an absolute http(s) URL", $"{PardotOptions.ProductionUrl} or {PardotOptions.DemoUrl}");
        }
        else if (!uri.IsLoopback && !(uri.Scheme == Uri.UriSchemeHttps && uri.Host is "pi.pardot.com" or "pi.demo.pardot.com"))
        {
            // The token is a Salesforce session: it goes to Account Engagement's own hosts only (or a local sandbox).
            Add(nameof(o.BaseUrl), $"'{o.BaseUrl}' is not an Account Engagement API host",
                $"{PardotOptions.ProductionUrl} (production), {PardotOptions.DemoUrl} (developer orgs and sandboxes), or http://127.0.0.1 for the local sandbox");
        }

        if (!IsBusinessUnitId(o.BusinessUnitId))
        {
            Add(nameof(o.BusinessUnitId), string.IsNullOrWhiteSpace(o.BusinessUnitId) ? "no business unit id is set" : $"'{o.BusinessUnitId}' is not a business unit id",
                "the 18-character id starting with 0Uv (Setup → Account Engagement → Business Unit Setup)");
        }

        if (o.Credentials is { } credentials)
        {
            problems.AddRange(SalesforceOptionsValidator.Validate(credentials, $"{path}:{nameof(o.Credentials)}"));
        }

        var typed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, key) in new[] { (o.StatusField, nameof(o.StatusField)), (o.ScoreField, nameof(o.ScoreField)), (o.GradeField, nameof(o.GradeField)) })
        {
            if (name is null)
            {
                continue;
            }

            if (!IsFieldName(name) || (PardotFields.Standard.TryGetValue(name, out var field) && !field.Writable) || !typed.Add(name))
            {
                Add(key, $"'{name}' is not a writable prospect field of its own", "a writable field, usually a custom field such as LeadSync_Score__c, different for status, score and grade (grade and the salesforce* fields are read-only)");
            }
        }

        if (o.DailyCallLimit is <= 0)
        {
            Add(nameof(o.DailyCallLimit), $"{o.DailyCallLimit} is not positive", "the account's daily call allowance, or empty for the edition's");
        }

        if (o.DailyLimitResetTimeOfDayUtc is { } reset && (reset < TimeSpan.Zero || reset >= TimeSpan.FromDays(1)))
        {
            Add(nameof(o.DailyLimitResetTimeOfDayUtc), $"{reset} is not a time of day", "00:00:00 to 23:59:59, or empty for UTC midnight");
        }

        if (o.MaxConcurrentRequests is < 1 or > 5)
        {
            Add(nameof(o.MaxConcurrentRequests), $"{o.MaxConcurrentRequests} is out of range", "1 to 5 (Account Engagement refuses a sixth concurrent request)");
        }

        if (o.PageSize is < 1 or > 1000)
        {
            Add(nameof(o.PageSize), $"{o.PageSize} is out of range", "1 to 1000 (the v5 query limit)");
        }

        if (o.ReadCacheLag < TimeSpan.Zero || o.ReadCacheLag > TimeSpan.FromHours(1))
        {
            Add(nameof(o.ReadCacheLag), $"{o.ReadCacheLag} is out of range", "00:00:00 to 01:00:00 (documented: about a minute)");
        }

        for (var i = 0; i < o.CustomFields.Count; i++)
        {
            if (!IsFieldName(o.CustomFields[i]) || PardotFields.Standard.ContainsKey(o.CustomFields[i]))
            {
                Add($"{nameof(o.CustomFields)}:{i}", $"'{o.CustomFields[i]}' is not a custom field id", "a custom field's API id such as Lead_Tier__c, not a standard field");
            }
        }

        var signalFields = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.ActivitySignals.Count; i++)
        {
            var signal = o.ActivitySignals[i];
            var at = $"{nameof(o.ActivitySignals)}:{i}";
            if (!IsFieldName(signal.Field) || PardotFields.Standard.ContainsKey(signal.Field) || !signalFields.Add(signal.Field))
            {
                Add($"{at}:Field", $"'{signal.Field}' is not a free field name", "a name of letters, digits and '_' that no prospect field and no other signal uses, such as activity_email_open");
            }

            if (signal.Types.Count == 0 || signal.Types.Exists(t => t < 1))
            {
                Add($"{at}:Types", "no activity type, or one below 1", "visitor activity type codes such as 11 (email open), 1 (click), 4 (form success)");
            }
        }

        if (o.AttemptTimeout <= TimeSpan.Zero)
        {
            Add(nameof(o.AttemptTimeout), $"{o.AttemptTimeout} is not positive", "a positive duration such as 00:00:20");
        }

        if (o.TotalTimeout <= TimeSpan.Zero || o.TotalTimeout < o.AttemptTimeout)
        {
            Add(nameof(o.TotalTimeout), $"{o.TotalTimeout} is not positive or shorter than AttemptTimeout ({o.AttemptTimeout})", "a positive duration at least AttemptTimeout, such as 00:02:00");
        }

        if (o.MaxRetries is < 0 or > 10)
        {
            Add(nameof(o.MaxRetries), $"{o.MaxRetries} is out of range", "0 to 10");
        }

        if (o.RetryBaseDelay < TimeSpan.Zero)
        {
            Add(nameof(o.RetryBaseDelay), $"{o.RetryBaseDelay} is negative", "zero or a positive duration such as 00:00:01");
        }

        return problems;
    }

    internal static bool IsBusinessUnitId(string? id) =>
        id is { Length: 18 } && id.StartsWith("0Uv", StringComparison.Ordinal) && id.All(char.IsAsciiLetterOrDigit);

    internal static bool IsFieldName(string? name) =>
        !string.IsNullOrEmpty(name) && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
