using LeadSync.Domain.Configuration;

namespace LeadSync.Connectors.Marketo;

/// <summary>Checks a Marketo connection's options and reports every problem at once.</summary>
public static class MarketoOptionsValidator
{
    /// <param name="path">Configuration path of the section, e.g. <c>LeadSync:Connections:0:Marketo</c>.</param>
    public static IReadOnlyList<ConfigProblem> Validate(MarketoOptions o, string path)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problems = new List<ConfigProblem>();
        void Add(string key, string problem, string allowed) => problems.Add(new ConfigProblem($"{path}:{key}", problem, allowed));

        if (string.IsNullOrWhiteSpace(o.BaseUrl))
        {
            Add(nameof(o.BaseUrl), "no REST base URL is set", "the instance's REST host, https://<munchkin-id>.mktorest.com (Admin → Web Services)");
        }
        else if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add(nameof(o.BaseUrl), $"'{o.BaseUrl}' is not an absolute http(s) URL", "https://<munchkin-id>.mktorest.com");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
        {
            // The client secret travels to the identity endpoint and the token with every call.
            Add(nameof(o.BaseUrl), $"'{o.BaseUrl}' uses http for a non-local host", "https, or http only for localhost/127.0.0.1");
        }
        else if (uri.AbsolutePath.TrimEnd('/').Length > 0)
        {
            Add(nameof(o.BaseUrl), $"'{o.BaseUrl}' has a path ({uri.AbsolutePath})", "the host only: /identity and /rest are added by LeadSync");
        }

        if (string.IsNullOrWhiteSpace(o.ClientId))
        {
            Add(nameof(o.ClientId), "no client id is set", "the LaunchPoint custom service's client id (Admin → LaunchPoint → View Details)");
        }

        if (string.IsNullOrWhiteSpace(o.ClientSecret))
        {
            Add(nameof(o.ClientSecret), "no client secret is set", "the custom service's client secret, from a secret store or environment variable");
        }
        else if (o.ClientSecret.Any(char.IsWhiteSpace))
        {
            Add(nameof(o.ClientSecret), "the client secret contains whitespace", "the secret exactly as issued");
        }

        if (o.CallsPerTwentySeconds is <= 0 or > 100)
        {
            Add(nameof(o.CallsPerTwentySeconds), $"{o.CallsPerTwentySeconds} is out of range", "1 to 100 (the instance's limit, shared by every integration; Adobe suggests 50 or fewer)");
        }

        if (o.MaxConcurrentCalls is <= 0 or > 10)
        {
            Add(nameof(o.MaxConcurrentCalls), $"{o.MaxConcurrentCalls} is out of range", "1 to 10 (the instance's concurrency limit)");
        }

        if (o.DailyQuota <= 0)
        {
            Add(nameof(o.DailyQuota), $"{o.DailyQuota} is not positive", "the subscription's daily API quota (Admin → Web Services), e.g. 50000");
        }

        if (o.WriteReserveShare is <= 0 or > 1 || double.IsNaN(o.WriteReserveShare))
        {
            Add(nameof(o.WriteReserveShare), $"{o.WriteReserveShare} is out of range", "above 0 and at most 1, e.g. 0.9");
        }

        if (o.DailyQuotaResetTimeOfDayUtc < TimeSpan.Zero || o.DailyQuotaResetTimeOfDayUtc >= TimeSpan.FromDays(1))
        {
            Add(nameof(o.DailyQuotaResetTimeOfDayUtc), $"{o.DailyQuotaResetTimeOfDayUtc} is not a time of day", "00:00:00 to 23:59:59 (06:00:00 = midnight CST)");
        }

        if (string.IsNullOrWhiteSpace(o.StatusField))
        {
            Add(nameof(o.StatusField), "no Lead Status field is set", "a lead field such as leadStatus");
        }

        var typed = new[] { (nameof(o.StatusField), o.StatusField), (nameof(o.StageField), o.StageField), (nameof(o.ScoreField), o.ScoreField), (nameof(o.GradeField), o.GradeField) }
            .Where(f => !string.IsNullOrWhiteSpace(f.Item2))
            .ToList();
        foreach (var (key, value) in typed)
        {
            if (value!.StartsWith("sfdc", StringComparison.OrdinalIgnoreCase))
            {
                Add(key, $"'{value}' is a field Marketo's Salesforce sync owns (read-only)", "a Marketo field LeadSync may write, e.g. a custom field");
            }
        }

        foreach (var group in typed.GroupBy(f => f.Item2!.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            Add(group.Last().Item1, $"'{group.Key}' would hold two of LeadSync's values ({string.Join(", ", group.Select(g => g.Item1))})", "a different field for each");
        }

        for (var i = 0; i < o.Activities.Count; i++)
        {
            var a = o.Activities[i];
            if (a.ActivityTypeId <= 0)
            {
                Add($"Activities:{i}:ActivityTypeId", $"{a.ActivityTypeId} is not an activity type id", "a positive id from GET /rest/v1/activities/types.json (1 Visit Webpage, 2 Fill Out Form, …)");
            }

            if (!Enum.IsDefined(a.Signal))
            {
                Add($"Activities:{i}:Signal", $"'{a.Signal}' is not a signal", string.Join(", ", Enum.GetNames<Domain.Scoring.Signal>()));
            }
        }

        foreach (var duplicate in o.Activities.GroupBy(a => a.Signal).Where(g => g.Count() > 1))
        {
            Add("Activities", $"signal {duplicate.Key} is fed by {duplicate.Count()} entries", "one entry per signal (counts of one signal would be added up from different rules)");
        }

        if (o.BehaviourLookbackDays is < 1 or > 3650)
        {
            Add(nameof(o.BehaviourLookbackDays), $"{o.BehaviourLookbackDays} is out of range", "1 to 3650 days");
        }

        if (o.MaxConsecutiveEmptyPages is < 1 or > 100_000)
        {
            Add(nameof(o.MaxConsecutiveEmptyPages), $"{o.MaxConsecutiveEmptyPages} is out of range", "1 to 100000");
        }

        if (o.AttemptTimeout <= TimeSpan.Zero)
        {
            Add(nameof(o.AttemptTimeout), $"{o.AttemptTimeout} is not positive", "a positive duration such as 00:01:00 (Sync Leads may take up to 90 s)");
        }

        if (o.TotalTimeout <= TimeSpan.Zero || o.TotalTimeout < o.AttemptTimeout)
        {
            Add(nameof(o.TotalTimeout), $"{o.TotalTimeout} is not positive or shorter than AttemptTimeout ({o.AttemptTimeout})", "a positive duration at least AttemptTimeout, such as 00:05:00");
        }

        if (o.MaxRetries is < 0 or > 10)
        {
            Add(nameof(o.MaxRetries), $"{o.MaxRetries} is out of range", "0 to 10");
        }

        if (o.RetryBaseDelay < TimeSpan.Zero)
        {
            Add(nameof(o.RetryBaseDelay), $"{o.RetryBaseDelay} is negative", "zero or a positive duration such as 00:00:01");
        }

        if (o.RateLimitRetryDelay < TimeSpan.Zero)
        {
            Add(nameof(o.RateLimitRetryDelay), $"{o.RateLimitRetryDelay} is negative", "zero or a positive duration such as 00:00:20");
        }

        if (o.TokenRefreshMargin < TimeSpan.Zero || o.TokenRefreshMargin > TimeSpan.FromMinutes(30))
        {
            Add(nameof(o.TokenRefreshMargin), $"{o.TokenRefreshMargin} is out of range", "00:00:00 to 00:30:00 (tokens live an hour)");
        }

        return problems;
    }
}
