using LeadSync.Domain.Configuration;

namespace LeadSync.Connectors.HubSpot;

/// <summary>Checks a HubSpot connection's options and reports every problem at once.</summary>
public static class HubSpotOptionsValidator
{
    /// <summary>HubSpot's own calculated contact score.</summary>
    private const string NativeScoreProperty = "hubspotscore";

    /// <param name="path">Configuration path of the section, e.g. <c>LeadSync:Connections:main:HubSpot</c>.</param>
    public static IReadOnlyList<ConfigProblem> Validate(HubSpotOptions o, string path)
    {
        var problems = new List<ConfigProblem>();
        void Add(string key, string problem, string allowed) => problems.Add(new ConfigProblem($"{path}:{key}", problem, allowed));

        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add(nameof(o.BaseUrl), $"'{o.BaseUrl}' is not an absolute http(s) URL", "an absolute URL such as https://api.hubapi.com");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
        {
            // The bearer token travels with every request: plain http is tolerated only for a local sandbox.
            Add(nameof(o.BaseUrl), $"'{o.BaseUrl}' uses http for a non-local host", "https, or http only for localhost/127.0.0.1");
        }

        if (string.IsNullOrWhiteSpace(o.AccessToken))
        {
            Add(nameof(o.AccessToken), "no access token is set", "a HubSpot private-app token (set it from a secret store or environment variable)");
        }
        else if (o.AccessToken.Any(char.IsWhiteSpace))
        {
            Add(nameof(o.AccessToken), "the access token contains whitespace", "the token exactly as issued, without spaces or line breaks");
        }

        if (o.RequestsPerTenSeconds <= 0)
        {
            Add(nameof(o.RequestsPerTenSeconds), $"{o.RequestsPerTenSeconds} is not positive", "the portal's ten-second limit: 100 (Free/Starter), 190 (Professional/Enterprise) or another positive number");
        }

        if (o.SearchRequestsPerSecond is <= 0 or > 5)
        {
            Add(nameof(o.SearchRequestsPerSecond), $"{o.SearchRequestsPerSecond} is out of range", "1 to 5 (HubSpot documents 4 per second per token)");
        }

        if (o.PageSize is <= 0 or > 200)
        {
            Add(nameof(o.PageSize), $"{o.PageSize} is out of range", "1 to 200 (the search API's maximum limit)");
        }

        if (o.AttemptTimeout <= TimeSpan.Zero)
        {
            Add(nameof(o.AttemptTimeout), $"{o.AttemptTimeout} is not positive", "a positive duration such as 00:00:10");
        }

        if (o.TotalTimeout <= TimeSpan.Zero || o.TotalTimeout < o.AttemptTimeout)
        {
            Add(nameof(o.TotalTimeout), $"{o.TotalTimeout} is not positive or shorter than AttemptTimeout ({o.AttemptTimeout})", "a positive duration at least AttemptTimeout, such as 00:01:00");
        }

        if (o.MaxRetries is < 0 or > 10)
        {
            Add(nameof(o.MaxRetries), $"{o.MaxRetries} is out of range", "0 to 10");
        }

        if (o.CircuitBreakerMinimumThroughput < 2)
        {
            Add(nameof(o.CircuitBreakerMinimumThroughput), $"{o.CircuitBreakerMinimumThroughput} is out of range", "2 or more");
        }

        if (o.RetryBaseDelay < TimeSpan.Zero)
        {
            Add(nameof(o.RetryBaseDelay), $"{o.RetryBaseDelay} is negative", "zero or a positive duration such as 00:00:01");
        }

        if (o.TenSecondlyRetryDelay < TimeSpan.Zero)
        {
            Add(nameof(o.TenSecondlyRetryDelay), $"{o.TenSecondlyRetryDelay} is negative", "zero or a positive duration such as 00:00:10");
        }

        string? score = string.IsNullOrWhiteSpace(o.ScoreProperty) ? null : o.ScoreProperty.Trim();
        string? grade = string.IsNullOrWhiteSpace(o.GradeProperty) ? null : o.GradeProperty.Trim();
        foreach (var (name, key) in new[] { (score, nameof(o.ScoreProperty)), (grade, nameof(o.GradeProperty)) })
        {
            if (name is null)
            {
                continue;
            }

            if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || !char.IsAsciiLetterLower(name[0]))
            {
                Add(key, $"'{name}' is not a HubSpot property name", "an internal property name: lower-case letters, digits and underscores, such as leadsync_score");
            }
            else if (HubSpotMarketingSystem.StandardProperties.Contains(name, StringComparer.Ordinal)
                || HubSpotMarketingSystem.ReservedProperties.Contains(name, StringComparer.Ordinal)
                || string.Equals(name, NativeScoreProperty, StringComparison.Ordinal))
            {
                // hubspotscore is HubSpot's own calculated score (read-only, and a possible input of the blend).
                Add(key, $"'{name}' is one of HubSpot's own properties LeadSync reads", "a custom contact property of LeadSync's own, such as leadsync_score / leadsync_fit_grade");
            }
        }

        if (score is not null && string.Equals(score, grade, StringComparison.Ordinal))
        {
            Add(nameof(o.GradeProperty), $"'{grade}' is also the ScoreProperty", "a property of its own for the grade");
        }

        if (o.DailyLimitResetTimeOfDayUtc is { } reset && (reset < TimeSpan.Zero || reset >= TimeSpan.FromDays(1)))
        {
            Add(nameof(o.DailyLimitResetTimeOfDayUtc), $"{reset} is not a time of day", "00:00:00 to 23:59:59, or empty for UTC midnight");
        }

        return problems;
    }
}
