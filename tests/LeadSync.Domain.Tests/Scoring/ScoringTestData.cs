using System.Globalization;

namespace LeadSync.Domain.Scoring.Tests;

/// <summary>Small configurations with round numbers so expected scores can be worked out by hand.</summary>
internal static class ScoringTestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Behaviour max 50, fit max 40, half and half. Demo 20/cap 40, clicks 5/cap 15 in 30 days, views 1/cap 10.</summary>
    public static ScoringOptions Simple() => new()
    {
        Signals =
        [
            new() { Signal = Signal.DemoRequest, CountProperty = "demo_requests", LastOccurredProperty = "demo_last" },
            new() { Signal = Signal.EmailClick, CountProperty = "hs_email_click", LastOccurredProperty = "hs_email_last_click_date" },
            new() { Signal = Signal.PageView, CountProperty = "hs_analytics_num_page_views" },
        ],
        LastActivityProperties = ["hs_analytics_last_visit_timestamp"],
        BehaviourRules =
        [
            new() { Id = "demo", Signal = Signal.DemoRequest, PointsPerOccurrence = 20, Cap = 40 },
            new() { Id = "clicks", Signal = Signal.EmailClick, PointsPerOccurrence = 5, Cap = 15, WindowDays = 30 },
            new() { Id = "views", Signal = Signal.PageView, PointsPerOccurrence = 1, Cap = 10 },
        ],
        FitRules =
        [
            new() { Id = "vp", Field = "HubSpot.jobtitle", Operator = FitOperator.Contains, Values = ["vp", "vice president"], Points = 20, Reason = "VP title" },
            new() { Id = "size", Field = "Salesforce.NumberOfEmployees", Operator = FitOperator.Range, Min = 100, Max = 5000, Points = 20 },
            new() { Id = "freemail", Field = "HubSpot.email.domain", Operator = FitOperator.In, Values = ["gmail.com", "yahoo.com"], Points = -10 },
        ],
        BehaviourMax = 50,
        FitMax = 40,
        BehaviourWeight = 0.5,
        FitWeight = 0.5,
        GradeCutoffs = new() { A = 80, B = 60, C = 35 },
    };

    /// <summary>Behaviour only: 0.5 points per page view, 100 points = 100, so N views score N/2 (for rounding boundaries).</summary>
    public static ScoringOptions BehaviourOnly() => new()
    {
        Signals = [new() { Signal = Signal.PageView, CountProperty = "views" }, new() { Signal = Signal.DemoRequest, CountProperty = "demos", LastOccurredProperty = "demo_last" }],
        BehaviourRules =
        [
            new() { Id = "views", Signal = Signal.PageView, PointsPerOccurrence = 0.5, Cap = 100 },
            new() { Id = "demo", Signal = Signal.DemoRequest, PointsPerOccurrence = 20, Cap = 40 },
        ],
        FitRules = [new() { Id = "any-title", Field = "HubSpot.jobtitle", Operator = FitOperator.Missing, Points = -1 }],
        BehaviourMax = 100,
        FitMax = 10,
        BehaviourWeight = 1,
        FitWeight = 0,
    };

    public static Dictionary<string, string?> Bag(params (string Key, object? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value is null ? null : Convert.ToString(v.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public static LeadScore ScoreOf(ScoringOptions options, Dictionary<string, string?> hubSpot, Dictionary<string, string?>? salesforce = null, DateTimeOffset? now = null)
    {
        var model = ScoringModel.Create(options);
        var features = model.Extract(hubSpot, salesforce);
        return model.Score(in features, now ?? Now);
    }
}
