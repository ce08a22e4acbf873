using LeadSync.Domain.Configuration;
using static LeadSync.Domain.Scoring.Tests.ScoringTestData;

namespace LeadSync.Domain.Scoring.Tests;

public sealed class ScoringOptionsValidatorTests
{
    private const string Root = "LeadSync:Scoring";

    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        Assert.Empty(ScoringOptionsValidator.Validate(ScoringOptions.CreateDefault(), Root));
    }

    [Fact]
    public void Validate_SimpleTestOptions_NoProblems()
    {
        Assert.Empty(ScoringOptionsValidator.Validate(Simple(), Root));
    }

    [Fact]
    public void Validate_DuplicateRuleIds_ReportedAcrossBehaviourAndFit()
    {
        var options = Simple();
        options.BehaviourRules[1].Id = "demo";
        options.FitRules[0].Id = "DEMO";

        var problems = ScoringOptionsValidator.Validate(options, Root);

        AssertHas(problems, "LeadSync:Scoring:BehaviourRules[1]:Id", "duplicate");
        AssertHas(problems, "LeadSync:Scoring:FitRules[0]:Id", "duplicate");
    }

    [Fact]
    public void Validate_UnknownSignal_Reported()
    {
        var options = Simple();
        options.BehaviourRules[0].Signal = (Signal)42;

        AssertHas(ScoringOptionsValidator.Validate(options, Root), "LeadSync:Scoring:BehaviourRules[0]:Signal", "unknown signal");
    }

    [Fact]
    public void Validate_RuleOnSignalWithoutSource_Reported()
    {
        var options = Simple();
        options.BehaviourRules.Add(new BehaviourRule { Id = "webinar", Signal = Signal.WebinarAttendance, PointsPerOccurrence = 5, Cap = 10 });

        AssertHas(ScoringOptionsValidator.Validate(options, Root), "LeadSync:Scoring:BehaviourRules[3]:Signal", "no configured source");
    }

    [Fact]
    public void Validate_WindowOnSignalWithoutLastOccurred_Reported()
    {
        var options = Simple();
        options.BehaviourRules[2].WindowDays = 30;

        AssertHas(ScoringOptionsValidator.Validate(options, Root), "LeadSync:Scoring:BehaviourRules[2]:WindowDays", "no LastOccurredProperty");
    }

    [Fact]
    public void Validate_CapBelowPoints_Reported()
    {
        var options = Simple();
        options.BehaviourRules[0].Cap = 10;

        AssertHas(ScoringOptionsValidator.Validate(options, Root), "LeadSync:Scoring:BehaviourRules[0]:Cap", "below");
    }

    [Theory]
    [InlineData(0.6, 0.6, "LeadSync:Scoring:FitWeight", "sum")]
    [InlineData(-0.5, 1.5, "LeadSync:Scoring:BehaviourWeight", "weight -0.5")]
    [InlineData(0.5, 1.5, "LeadSync:Scoring:FitWeight", "weight 1.5")]
    public void Validate_BadWeights_Reported(double behaviour, double fit, string path, string text)
    {
        var options = Simple();
        options.BehaviourWeight = behaviour;
        options.FitWeight = fit;

        AssertHas(ScoringOptionsValidator.Validate(options, Root), path, text);
    }

    [Fact]
    public void Validate_GradeCutoffsOutOfOrder_Reported()
    {
        var options = Simple();
        options.GradeCutoffs = new GradeCutoffs { A = 50, B = 60, C = 70 };

        var problems = ScoringOptionsValidator.Validate(options, Root);

        AssertHas(problems, "LeadSync:Scoring:GradeCutoffs:B", "A > B > C");
        AssertHas(problems, "LeadSync:Scoring:GradeCutoffs:C", "A > B > C");
    }

    [Fact]
    public void Validate_ThresholdUnreachable_Reported()
    {
        var options = Simple();
        options.BehaviourMax = 1000;

        var problems = ScoringOptionsValidator.Validate(options, Root);

        // Behaviour caps 65 of 1000 → 3.25; fit 40 of 40 → 50: best 53.
        AssertHas(problems, Root, "best reachable score is 53");
        Assert.Empty(ScoringOptionsValidator.Validate(options, Root, salesReadyThreshold: 50));
    }

    [Fact]
    public void Validate_BadFitRules_EachReportedWithPath()
    {
        var options = Simple();
        options.FitRules.AddRange(
        [
            new FitRule { Id = "no-system", Field = "jobtitle", Operator = FitOperator.Equals, Value = "CEO", Points = 5 },
            new FitRule { Id = "empty-in", Field = "HubSpot.industry", Operator = FitOperator.In, Points = 5 },
            new FitRule { Id = "bad-range", Field = "HubSpot.numemployees", Operator = FitOperator.Range, Min = 10, Max = 5, Points = 5 },
            new FitRule { Id = "no-range", Field = "HubSpot.numemployees", Operator = FitOperator.Range, Points = 5 },
            new FitRule { Id = "zero", Field = "HubSpot.country", Operator = FitOperator.Missing, Points = 0 },
            new FitRule { Id = "contains-nothing", Field = "HubSpot.jobtitle", Operator = FitOperator.Contains, Points = 5 },
            new FitRule { Id = "bad-op", Field = "HubSpot.jobtitle", Operator = (FitOperator)99, Value = "x", Points = 5 },
        ]);

        var problems = ScoringOptionsValidator.Validate(options, Root);

        AssertHas(problems, "LeadSync:Scoring:FitRules[3]:Field", "not a field reference");
        AssertHas(problems, "LeadSync:Scoring:FitRules[4]:Values", "In needs");
        AssertHas(problems, "LeadSync:Scoring:FitRules[5]:Max", "below Min");
        AssertHas(problems, "LeadSync:Scoring:FitRules[6]:Min", "neither");
        AssertHas(problems, "LeadSync:Scoring:FitRules[7]:Points", "changes nothing");
        AssertHas(problems, "LeadSync:Scoring:FitRules[8]:Value", "nothing to compare");
        AssertHas(problems, "LeadSync:Scoring:FitRules[9]:Operator", "unknown operator");
    }

    [Fact]
    public void Validate_ManyProblems_AllReportedAtOnce()
    {
        var options = Simple();
        options.Signals.Add(new SignalSource { Signal = Signal.DemoRequest, CountProperty = "other_demos" });
        options.Signals.Add(new SignalSource { Signal = Signal.SiteVisit, CountProperty = "has space" });
        options.LastActivityProperties.Add("HubSpot.email.domain");
        options.BehaviourRules[0].PointsPerOccurrence = -1;
        options.BehaviourRules[1].WindowDays = 0;
        options.Decay = new DecayOptions { HalfLifeDays = 0, PointsPerInactiveWeek = -1, GraceDays = -1, FloorPoints = -1 };
        options.FitMax = 0;
        options.HubSpotScoreBlend = new HubSpotScoreBlendOptions { Weight = 1, Property = "" };

        var problems = ScoringOptionsValidator.Validate(options, Root);

        AssertHas(problems, "LeadSync:Scoring:Signals[3]:Signal", "already has a source");
        AssertHas(problems, "LeadSync:Scoring:Signals[4]:CountProperty", "not a property name");
        AssertHas(problems, "LeadSync:Scoring:LastActivityProperties[1]", "not a property reference");
        AssertHas(problems, "LeadSync:Scoring:BehaviourRules[0]:PointsPerOccurrence", "points per occurrence");
        AssertHas(problems, "LeadSync:Scoring:BehaviourRules[1]:WindowDays", "window of 0 days");
        AssertHas(problems, "LeadSync:Scoring:Decay:HalfLifeDays", "half-life");
        AssertHas(problems, "LeadSync:Scoring:Decay:PointsPerInactiveWeek", "per week");
        AssertHas(problems, "LeadSync:Scoring:Decay:GraceDays", "grace");
        AssertHas(problems, "LeadSync:Scoring:Decay:FloorPoints", "floor");
        AssertHas(problems, "LeadSync:Scoring:FitMax", "100% of fit");
        AssertHas(problems, "LeadSync:Scoring:HubSpotScoreBlend:Weight", "blend weight 1");
        AssertHas(problems, "LeadSync:Scoring:HubSpotScoreBlend:Property", "not a property name");
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Allowed)));
    }

    private static void AssertHas(IReadOnlyList<ConfigProblem> problems, string path, string text) =>
        Assert.True(
            problems.Any(p => p.Path == path && $"{p.Problem} {p.Allowed}".Contains(text, StringComparison.OrdinalIgnoreCase)),
            $"expected a problem at {path} containing '{text}', got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
}
