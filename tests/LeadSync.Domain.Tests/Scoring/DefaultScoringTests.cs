using static LeadSync.Domain.Scoring.Tests.ScoringTestData;

namespace LeadSync.Domain.Scoring.Tests;

/// <summary>The default model's intent: hot leads need real engagement and fit; neither alone is enough.</summary>
public sealed class DefaultScoringTests
{
    private readonly ScoringModel _model = ScoringModel.Create(ScoringOptions.CreateDefault());

    private static Dictionary<string, string?> GoodFit(params (string Key, object? Value)[] extra) =>
        Bag([("jobtitle", "VP of Operations"), ("numemployees", "1200"), ("industry", "Technology"), ("country", "United States"), ("email", "ada@acme.example"), .. extra]);

    [Fact]
    public void Score_EngagedGoodFit_IsSalesReady()
    {
        var features = _model.Extract(GoodFit(("demo_requests", 1), ("pricing_page_views", 2), ("hs_email_click", 3), ("hs_email_last_click_date", Iso(Now.AddDays(-2)))));

        var score = _model.Score(in features, Now);

        Assert.True(score.IsSalesReady(71), score.ToString());
        Assert.Equal(FitGrade.A, score.Grade);
    }

    [Fact]
    public void Score_PerfectFitNoEngagement_StaysWithMarketing()
    {
        var features = _model.Extract(GoodFit(("annualrevenue", "50000000")), Bag(("LeadSource", "Partner Referral")));

        var score = _model.Score(in features, Now);

        Assert.Equal(50, score.Value);
        Assert.False(score.IsSalesReady(71));
    }

    [Fact]
    public void Score_StudentWhoClicksEverything_StaysWithMarketing()
    {
        var recent = Iso(Now.AddDays(-1));
        var features = _model.Extract(Bag(
            ("jobtitle", "Student"), ("email", "sam@state.edu"), ("demo_requests", 5), ("pricing_page_views", 9), ("num_conversion_events", 8),
            ("recent_conversion_date", recent), ("content_downloads", 20), ("webinars_attended", 4), ("hs_email_click", 30),
            ("hs_email_last_click_date", recent), ("hs_email_open", 80), ("hs_email_last_open_date", recent),
            ("hs_analytics_num_visits", 60), ("hs_analytics_last_visit_timestamp", recent), ("hs_analytics_num_page_views", 300)));

        var score = _model.Score(in features, Now);

        Assert.Equal(100, score.Behaviour);
        Assert.Equal(50, score.Value);
        Assert.Equal(FitGrade.D, score.Grade);
    }

    [Fact]
    public void Score_HotLeadGoneQuiet_DecaysBelowThreshold()
    {
        var last = Now.AddDays(-2);
        var features = _model.Extract(GoodFit(("demo_requests", 1), ("pricing_page_views", 2), ("hs_email_click", 3), ("hs_email_last_click_date", Iso(last))));

        Assert.True(_model.Score(in features, Now).IsSalesReady(71));
        Assert.False(_model.Score(in features, Now.AddDays(60)).IsSalesReady(71));
    }

    [Fact]
    public void RequiredProperties_Defaults_CoverVocabularyNames()
    {
        Assert.Superset(
            new HashSet<string> { "demo_requests", "hs_email_click", "hs_email_last_click_date", "jobtitle", "email", "hs_email_optout", "hs_email_bounce", "numemployees" },
            _model.RequiredHubSpotProperties.ToHashSet());
        Assert.Equal(["LeadSource"], _model.RequiredSalesforceFields);
    }
}
