using Microsoft.Extensions.Time.Testing;
using static LeadSync.Domain.Scoring.Tests.ScoringTestData;

namespace LeadSync.Domain.Scoring.Tests;

public sealed class ScoringModelTests
{
    [Fact]
    public void Score_EngagedFittingLead_CombinesWeightedParts()
    {
        var score = ScoreOf(Simple(), Bag(("demo_requests", 2), ("jobtitle", "VP Marketing")), Bag(("NumberOfEmployees", 200)));

        // Behaviour 40/50 = 80% × 0.5 = 40; fit 40/40 = 100% × 0.5 = 50.
        Assert.Equal(new LeadScore(90, 80, 100, FitGrade.A), score);
    }

    [Fact]
    public void Score_RepeatedBehaviourAboveCap_CountsOnlyTheCap()
    {
        var two = ScoreOf(Simple(), Bag(("demo_requests", 2)));
        var ten = ScoreOf(Simple(), Bag(("demo_requests", 10)));

        Assert.Equal(40, two.Value);
        Assert.Equal(two, ten);
    }

    [Fact]
    public void Score_BehaviourAboveBehaviourMax_PartCappedAtHundredPercent()
    {
        var score = ScoreOf(Simple(), Bag(("demo_requests", 2), ("hs_email_click", 3), ("hs_email_last_click_date", Iso(Now.AddDays(-1))), ("hs_analytics_num_page_views", 50)));

        // 40 + 15 + 10 = 65 raw points, max 50 → 100% behaviour.
        Assert.Equal(100, score.Behaviour);
        Assert.Equal(50, score.Value);
    }

    [Theory]
    [InlineData(29, 10)]
    [InlineData(30, 10)]
    [InlineData(31, 0)]
    [InlineData(-2, 10)]
    public void Score_WindowedRule_CountsOnlyWhenLastOccurrenceWithinWindow(int daysAgo, int expected)
    {
        var score = ScoreOf(Simple(), Bag(("hs_email_click", 2), ("hs_email_last_click_date", Iso(Now.AddDays(-daysAgo)))));

        Assert.Equal(expected, score.Value);
    }

    [Fact]
    public void Score_WindowedRuleWithoutTimestamp_DoesNotCount()
    {
        var score = ScoreOf(Simple(), Bag(("hs_email_click", 2)));

        Assert.Equal(0, score.Value);
    }

    [Theory]
    [InlineData(139, 70)]
    [InlineData(140, 70)]
    [InlineData(141, 71)]
    [InlineData(142, 71)]
    public void Score_HalfPointBoundary_RoundsHalfAwayFromZero(int views, int expected)
    {
        var score = ScoreOf(BehaviourOnly(), Bag(("views", views), ("jobtitle", "CEO")));

        Assert.Equal(expected, score.Value);
    }

    [Theory]
    [InlineData(140, false)]
    [InlineData(141, true)]
    public void IsSalesReady_SeventyStaysSeventyOneGoes_AtThreshold71(int views, bool expected)
    {
        var score = ScoreOf(BehaviourOnly(), Bag(("views", views), ("jobtitle", "CEO")));

        Assert.Equal(expected, score.IsSalesReady(71));
    }

    [Fact]
    public void Score_NoInputsAtAll_IsZeroAndGradeD()
    {
        Assert.Equal(new LeadScore(0, 0, 0, FitGrade.D), ScoreOf(Simple(), Bag()));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(5, 100)]
    [InlineData(15, 50)]
    [InlineData(25, 25)]
    public void Score_HalfLifeDecayAfterGrace_HalvesBehaviourPerHalfLife(int daysLater, int expected)
    {
        var options = BehaviourOnly();
        options.BehaviourMax = 40;
        options.Decay = new DecayOptions { HalfLifeDays = 10, GraceDays = 5 };
        var model = ScoringModel.Create(options);
        var lastDemo = Now;
        var features = model.Extract(Bag(("demos", 2), ("demo_last", Iso(lastDemo)), ("jobtitle", "CEO")));
        var time = new FakeTimeProvider(lastDemo);

        time.Advance(TimeSpan.FromDays(daysLater));

        Assert.Equal(expected, model.Score(in features, time.GetUtcNow()).Value);
    }

    [Theory]
    [InlineData(6.9, 100)]
    [InlineData(7, 83)]
    [InlineData(13.9, 83)]
    [InlineData(14, 65)]
    public void Score_PointsPerInactiveWeek_SubtractsPerWholeWeek(double daysLater, int expected)
    {
        var options = BehaviourOnly();
        options.BehaviourMax = 40;
        options.Decay = new DecayOptions { PointsPerInactiveWeek = 7 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("demos", 2), ("demo_last", Iso(Now)), ("jobtitle", "CEO")));

        Assert.Equal(expected, model.Score(in features, Now.AddDays(daysLater)).Value);
    }

    [Fact]
    public void Score_LongInactive_DecaysNoLowerThanFloor()
    {
        var options = BehaviourOnly();
        options.BehaviourMax = 40;
        options.Decay = new DecayOptions { HalfLifeDays = 1, FloorPoints = 10 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("demos", 2), ("demo_last", Iso(Now)), ("jobtitle", "CEO")));

        Assert.Equal(25, model.Score(in features, Now.AddDays(100)).Value);
    }

    [Fact]
    public void Score_NoKnownLastActivity_DoesNotDecay()
    {
        var options = BehaviourOnly();
        options.BehaviourMax = 40;
        options.Decay = new DecayOptions { HalfLifeDays = 1 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("demos", 2), ("jobtitle", "CEO")));

        Assert.Equal(100, model.Score(in features, Now.AddDays(1000)).Value);
    }

    [Fact]
    public void Score_RecentActivityProperty_StopsDecayOfOlderSignals()
    {
        var options = Simple();
        options.Decay = new DecayOptions { HalfLifeDays = 10, GraceDays = 2 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("demo_requests", 2), ("demo_last", Iso(Now.AddDays(-100))), ("hs_analytics_last_visit_timestamp", Iso(Now.AddDays(-1)))));

        Assert.Equal(Now.AddDays(-1), features.LastActivity);
        Assert.Equal(40, model.Score(in features, Now).Value);
    }

    [Fact]
    public void Score_Decay_LeavesFitAndGradeUnchanged()
    {
        var options = Simple();
        options.Decay = new DecayOptions { HalfLifeDays = 7 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(Bag(("demo_requests", 2), ("demo_last", Iso(Now)), ("jobtitle", "VP Sales")));

        var fresh = model.Score(in features, Now);
        var stale = model.Score(in features, Now.AddDays(365));

        Assert.True(stale.Value < fresh.Value);
        Assert.Equal(fresh.Fit, stale.Fit);
        Assert.Equal(fresh.Grade, stale.Grade);
        Assert.Equal(0, stale.Behaviour);
    }

    [Theory]
    [InlineData("40", 80)]
    [InlineData("150", 92)]
    [InlineData(null, 90)]
    [InlineData("n/a", 90)]
    public void Score_HubSpotScoreBlend_MixesHubSpotsScoreWhenPresent(string? hubSpotScore, int expected)
    {
        var options = Simple();
        options.HubSpotScoreBlend = new HubSpotScoreBlendOptions { Weight = 0.2 };

        var score = ScoreOf(options, Bag(("demo_requests", 2), ("jobtitle", "VP"), ("hubspotscore", hubSpotScore)), Bag(("NumberOfEmployees", 200)));

        Assert.Equal(expected, score.Value);
    }

    [Theory]
    [InlineData(80, FitGrade.A)]
    [InlineData(79, FitGrade.B)]
    [InlineData(60, FitGrade.B)]
    [InlineData(59, FitGrade.C)]
    [InlineData(35, FitGrade.C)]
    [InlineData(34, FitGrade.D)]
    public void Score_FitPercentAtCutoffs_GivesGrade(int fitPoints, FitGrade expected)
    {
        var options = FitOnly(new FitRule { Id = "r", Field = "HubSpot.jobtitle", Operator = FitOperator.Missing, Points = fitPoints });
        options.FitMax = 100;

        var score = ScoreOf(options, Bag());

        Assert.Equal(fitPoints, score.Fit);
        Assert.Equal(expected, score.Grade);
    }

    [Fact]
    public void Score_NegativeFitOutweighsPositive_FitFlooredAtZero()
    {
        var score = ScoreOf(Simple(), Bag(("jobtitle", "VP"), ("email", "ada@GMAIL.com")));

        // 20 - 10 = 10 of 40 → 25% fit → 12.5 → 13.
        Assert.Equal(new LeadScore(13, 0, 25, FitGrade.D), score);
        var options = Simple();
        options.FitRules[2].Points = -30;
        Assert.Equal(0, ScoreOf(options, Bag(("jobtitle", "VP"), ("email", "ada@gmail.com"))).Fit);
    }

    [Theory]
    [InlineData(FitOperator.Equals, "HubSpot.hs_email_optout", "true", double.NaN, double.NaN, "hs_email_optout", "TRUE", true)]
    [InlineData(FitOperator.Equals, "HubSpot.hs_email_optout", "true", double.NaN, double.NaN, "hs_email_optout", "false", false)]
    [InlineData(FitOperator.In, "Salesforce.Industry", "Technology|Finance", double.NaN, double.NaN, "sf:Industry", " technology ", true)]
    [InlineData(FitOperator.In, "Salesforce.Industry", "Technology|Finance", double.NaN, double.NaN, "sf:Industry", "Retail", false)]
    [InlineData(FitOperator.In, "Salesforce.Industry", "Technology|Finance", double.NaN, double.NaN, "sf:Industry", null, false)]
    [InlineData(FitOperator.Contains, "HubSpot.jobtitle", "vp|vice president", double.NaN, double.NaN, "jobtitle", "SVP, Sales", true)]
    [InlineData(FitOperator.Contains, "HubSpot.jobtitle", "vp|vice president", double.NaN, double.NaN, "jobtitle", "Vice President IT", true)]
    [InlineData(FitOperator.Contains, "HubSpot.jobtitle", "vp|vice president", double.NaN, double.NaN, "jobtitle", "Engineer", false)]
    [InlineData(FitOperator.Range, "HubSpot.hs_email_bounce", "", 1d, double.NaN, "hs_email_bounce", "1", true)]
    [InlineData(FitOperator.Range, "HubSpot.hs_email_bounce", "", 1d, double.NaN, "hs_email_bounce", "0", false)]
    [InlineData(FitOperator.Range, "HubSpot.hs_email_bounce", "", 1d, double.NaN, "hs_email_bounce", "many", false)]
    [InlineData(FitOperator.Range, "Salesforce.NumberOfEmployees", "", 50d, 500d, "sf:NumberOfEmployees", "500", true)]
    [InlineData(FitOperator.Range, "Salesforce.NumberOfEmployees", "", 50d, 500d, "sf:NumberOfEmployees", "500.5", false)]
    [InlineData(FitOperator.Range, "Salesforce.NumberOfEmployees", "", 50d, 500d, "sf:NumberOfEmployees", "49", false)]
    [InlineData(FitOperator.Missing, "HubSpot.company", "", double.NaN, double.NaN, "company", "  ", true)]
    [InlineData(FitOperator.Missing, "HubSpot.company", "", double.NaN, double.NaN, "company", null, true)]
    [InlineData(FitOperator.Missing, "HubSpot.company", "", double.NaN, double.NaN, "company", "Acme", false)]
    [InlineData(FitOperator.EndsWith, "HubSpot.email.domain", ".edu", double.NaN, double.NaN, "email", "kim@MIT.EDU", true)]
    [InlineData(FitOperator.EndsWith, "HubSpot.email.domain", ".edu", double.NaN, double.NaN, "email", "kim@example.com", false)]
    [InlineData(FitOperator.In, "Salesforce.Email.domain", "competitor.example", double.NaN, double.NaN, "sf:Email", "x@Competitor.Example", true)]
    [InlineData(FitOperator.In, "Salesforce.Email.domain", "competitor.example", double.NaN, double.NaN, "sf:Email", "not-an-email", false)]
    public void Score_FitOperator_MatchesCaseInsensitively(
        FitOperator op, string field, string values, double min, double max, string input, string? value, bool expected)
    {
        var rule = new FitRule
        {
            Id = "r",
            Field = field,
            Operator = op,
            Values = [.. values.Split('|', StringSplitOptions.RemoveEmptyEntries)],
            Min = double.IsNaN(min) ? null : min,
            Max = double.IsNaN(max) ? null : max,
            Points = 10,
        };
        var salesforce = input.StartsWith("sf:", StringComparison.Ordinal);
        var bag = Bag((salesforce ? input[3..] : input, value));

        var score = ScoreOf(FitOnly(rule), salesforce ? Bag() : bag, salesforce ? bag : null);

        Assert.Equal(expected ? 100 : 0, score.Value);
    }

    [Fact]
    public void Score_SalesforceFieldWithoutSalesforceLead_TreatedAsMissing()
    {
        var rule = new FitRule { Id = "r", Field = "Salesforce.LeadSource", Operator = FitOperator.Missing, Points = 10 };

        Assert.Equal(100, ScoreOf(FitOnly(rule), Bag(("LeadSource", "Web")), salesforce: null).Value);
    }

    [Fact]
    public void Extract_TimestampFormats_ParsedAsUtc()
    {
        var model = ScoringModel.Create(Simple());

        var iso = model.Extract(Bag(("demo_last", "2026-11-20T09:15:00.000Z")));
        var epoch = model.Extract(Bag(("demo_last", "1763630100000")));
        var offset = model.Extract(Bag(("demo_last", "2026-11-20T10:15:00+01:00")));
        var garbage = model.Extract(Bag(("demo_last", "yesterday")));

        var expected = new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero);
        Assert.Equal(expected, iso.LastOccurred(Signal.DemoRequest));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763630100000), epoch.LastOccurred(Signal.DemoRequest));
        Assert.Equal(expected, offset.LastOccurred(Signal.DemoRequest));
        Assert.Null(garbage.LastOccurred(Signal.DemoRequest));
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData(" 3 ", 3)]
    [InlineData("3.0", 3)]
    [InlineData("-4", 0)]
    [InlineData("lots", 0)]
    [InlineData(null, 0)]
    public void Extract_Counts_ParsedDefensively(string? text, int expected)
    {
        var model = ScoringModel.Create(Simple());

        Assert.Equal(expected, model.Extract(Bag(("demo_requests", text))).Count(Signal.DemoRequest));
    }

    [Fact]
    public void RequiredProperties_ListEverythingTheModelReads()
    {
        var model = ScoringModel.Create(Simple());

        Assert.Equal(
            ["demo_requests", "demo_last", "hs_email_click", "hs_email_last_click_date", "hs_analytics_num_page_views", "hs_analytics_last_visit_timestamp", "jobtitle", "email"],
            model.RequiredHubSpotProperties);
        Assert.Equal(["NumberOfEmployees"], model.RequiredSalesforceFields);
    }

    [Fact]
    public void RequiredProperties_WithBlend_IncludeHubSpotScoreProperty()
    {
        var options = Simple();
        options.HubSpotScoreBlend = new HubSpotScoreBlendOptions { Weight = 0.1 };

        Assert.Contains("hubspotscore", ScoringModel.Create(options).RequiredHubSpotProperties);
    }

    [Fact]
    public void Create_InvalidOptions_ThrowsWithEveryProblem()
    {
        var options = Simple();
        options.BehaviourRules[0].Cap = 1;
        options.FitWeight = 0.9;

        var error = Assert.Throws<ArgumentException>(() => ScoringModel.Create(options));

        Assert.Contains("BehaviourRules[0]:Cap", error.Message, StringComparison.Ordinal);
        Assert.Contains("FitWeight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_FeaturesFromAnotherModel_Throws()
    {
        var features = ScoringModel.Create(Simple()).Extract(Bag());
        var other = ScoringModel.Create(ScoringOptions.CreateDefault());

        Assert.Throws<ArgumentException>(() => other.Score(in features, Now));
        Assert.Throws<ArgumentException>(() => other.Score(default, Now));
    }

    [Fact]
    public void Score_Repeatedly_AllocatesNothing()
    {
        var options = ScoringOptions.CreateDefault();
        options.HubSpotScoreBlend = new HubSpotScoreBlendOptions { Weight = 0.1 };
        var model = ScoringModel.Create(options);
        var features = model.Extract(
            Bag(("demo_requests", 1), ("hs_email_click", 4), ("hs_email_last_click_date", Iso(Now.AddDays(-40))), ("jobtitle", "VP Sales"),
                ("email", "ada@gmail.com"), ("numemployees", "900"), ("industry", "Technology"), ("hubspotscore", "55")),
            Bag(("LeadSource", "Webinar")));
        var total = model.Score(in features, Now).Value;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            total += model.Score(in features, Now.AddHours(i)).Value;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(total > 0);
    }

    internal static ScoringOptions FitOnly(FitRule rule) => new()
    {
        FitRules = [rule],
        BehaviourMax = 1,
        FitMax = Math.Abs(rule.Points),
        BehaviourWeight = 0,
        FitWeight = 1,
    };
}
