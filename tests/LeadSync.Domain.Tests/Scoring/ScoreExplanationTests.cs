using static LeadSync.Domain.Scoring.Tests.ScoringTestData;

namespace LeadSync.Domain.Scoring.Tests;

public sealed class ScoreExplanationTests
{
    [Fact]
    public void Explain_EngagedLead_MatchesScoreAndPointsSumToIt()
    {
        var options = Simple();
        options.Decay = new DecayOptions { HalfLifeDays = 10, GraceDays = 3 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(
            Bag(("demo_requests", 3), ("demo_last", Iso(Now.AddDays(-8))), ("hs_email_click", 2), ("hs_email_last_click_date", Iso(Now.AddDays(-45))),
                ("hs_analytics_num_page_views", 7), ("jobtitle", "VP Marketing"), ("email", "ada@gmail.com")),
            Bag(("NumberOfEmployees", 250)));

        var explanation = model.Explain(in features, Now);

        Assert.Equal(model.Score(in features, Now), explanation.Score);
        Assert.Equal(explanation.Score.Value, explanation.Contributions.Sum(c => c.Points));
        Assert.Equal(explanation.ExactScore, explanation.Contributions.Sum(c => c.ExactPoints), 9);
    }

    [Fact]
    public void Explain_RuleOutcomes_ReportCapsWindowMissesAndUnfiredRules()
    {
        var model = ScoringModel.Create(Simple());
        var features = model.Extract(Bag(("demo_requests", 3), ("hs_email_click", 2), ("hs_email_last_click_date", Iso(Now.AddDays(-45)))));

        var explanation = model.Explain(in features, Now);

        var demo = Assert.Single(explanation.BehaviourRules, r => r.RuleId == "demo");
        Assert.Equal(BehaviourRuleStatus.CapHit, demo.Status);
        Assert.Equal(40, demo.RawPoints);
        Assert.Contains("capped at 40", demo.Detail, StringComparison.Ordinal);
        var clicks = Assert.Single(explanation.BehaviourRules, r => r.RuleId == "clicks");
        Assert.Equal(BehaviourRuleStatus.WindowMiss, clicks.Status);
        Assert.Contains("outside the 30-day window", clicks.Detail, StringComparison.Ordinal);
        Assert.Equal(BehaviourRuleStatus.NoOccurrences, Assert.Single(explanation.BehaviourRules, r => r.RuleId == "views").Status);
        Assert.All(explanation.FitRules, f => Assert.False(f.Matched));
    }

    [Fact]
    public void TopReasons_DemoAndVp_PlainEnglishPhrasesLargestFirst()
    {
        var model = ScoringModel.Create(Simple());
        var features = model.Extract(Bag(("demo_requests", 2), ("jobtitle", "VP Sales"), ("hs_analytics_num_page_views", 3)));

        var reasons = model.Explain(in features, Now).TopReasons(2);

        Assert.Equal(["requested a demo (2×)", "VP title (+20 fit)"], reasons);
    }

    [Fact]
    public void TopReasons_NegativeFitAndDecay_PhrasedWithSign()
    {
        var options = Simple();
        options.Decay = new DecayOptions { HalfLifeDays = 10 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("demo_requests", 1), ("demo_last", Iso(Now.AddDays(-20))), ("email", "ada@gmail.com")));

        var explanation = model.Explain(in features, Now);
        var reasons = explanation.TopReasons(5);

        Assert.Contains("freemail (-10 fit)", reasons);
        Assert.Contains(reasons, r => r.StartsWith("no activity for 20 days", StringComparison.Ordinal));
        Assert.Equal(20, explanation.Decay.RawPoints);
        Assert.Equal(5, explanation.Decay.DecayedPoints, 9);
        Assert.Contains(explanation.Contributions, c => c.Kind == ContributionKind.Decay && c.ExactPoints < 0);
        Assert.Contains(explanation.Contributions, c => c.Kind == ContributionKind.FitFloor);
        Assert.Equal(explanation.Score.Value, explanation.Contributions.Sum(c => c.Points));
    }

    [Fact]
    public void Explain_CapsOnParts_AppearAsLinesSoPointsStillSum()
    {
        var options = Simple();
        options.FitRules[0].Points = 50;
        var model = ScoringModel.Create(options);
        var features = model.Extract(
            Bag(("demo_requests", 2), ("hs_email_click", 3), ("hs_email_last_click_date", Iso(Now)), ("hs_analytics_num_page_views", 10), ("jobtitle", "VP")),
            Bag(("NumberOfEmployees", 150)));

        var explanation = model.Explain(in features, Now);

        Assert.Equal(100, explanation.Score.Value);
        Assert.Contains(explanation.Contributions, c => c.Kind == ContributionKind.BehaviourCap);
        Assert.Contains(explanation.Contributions, c => c.Kind == ContributionKind.FitCap);
        Assert.Equal(100, explanation.Contributions.Sum(c => c.Points));
    }

    [Fact]
    public void Explain_HubSpotBlend_IsALine()
    {
        var options = Simple();
        options.HubSpotScoreBlend = new HubSpotScoreBlendOptions { Weight = 0.25 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("demo_requests", 1), ("hubspotscore", "33")));

        var explanation = model.Explain(in features, Now);

        var blend = Assert.Single(explanation.Contributions, c => c.Kind == ContributionKind.HubSpotScore);
        Assert.Equal(8.25, blend.ExactPoints, 9);
        Assert.Equal(explanation.Score.Value, explanation.Contributions.Sum(c => c.Points));
        Assert.NotNull(explanation.HubSpotScoreDetail);
    }

    [Fact]
    public void Explain_EmailFieldValue_IsMasked()
    {
        var options = ScoringModelTests.FitOnly(new FitRule { Id = "known", Field = "HubSpot.email", Operator = FitOperator.EndsWith, Value = "@example.com", Points = 5 });
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("email", "ada.lovelace@example.com")));

        var explanation = model.Explain(in features, Now);

        var rule = Assert.Single(explanation.FitRules);
        Assert.Equal("a***@example.com", rule.Value);
        Assert.DoesNotContain("lovelace", rule.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("lovelace", explanation.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_Grade_SaysWhy()
    {
        var model = ScoringModel.Create(Simple());
        var features = model.Extract(Bag(("jobtitle", "VP")));

        var explanation = model.Explain(in features, Now);

        Assert.Equal(FitGrade.C, explanation.Score.Grade);
        Assert.Equal("fit 50% is at or above the C cut-off 35% and below B 60%", explanation.GradeReason);
    }

    [Theory]
    [InlineData(new[] { 33.3333, 33.3333, 33.3334 }, 100, new[] { 33, 33, 34 })]
    [InlineData(new[] { 10.5, 10.5 }, 21, new[] { 11, 10 })]
    [InlineData(new[] { 30.6, -5.3, 20.2 }, 46, new[] { 31, -5, 20 })]
    [InlineData(new[] { 12.9999999999, 0.0000000001 }, 13, new[] { 13, 0 })]
    public void DistributeRounding_LargestRemainder_SumsToTotal(double[] exact, int total, int[] expected)
    {
        var rounded = ScoringModel.DistributeRounding(exact, total);

        Assert.Equal(expected, rounded);
        Assert.Equal(total, rounded.Sum());
    }
}
