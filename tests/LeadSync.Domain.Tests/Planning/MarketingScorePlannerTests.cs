using LeadSync.Domain.Planning;
using static LeadSync.Domain.Tests.Planning.PlannerTestData;

namespace LeadSync.Domain.Tests.Planning;

/// <summary>The unified score and fit grade written back to the marketing platform (where it has fields for them).</summary>
public sealed class MarketingScorePlannerTests
{
    private static readonly MarketingScoreFields Both = new(Score: true, Grade: true);

    private static PersonPlan Plan(PersonSnapshot person, MarketingScoreFields? fields) =>
        new LeadPlanner(new ConnectionModel(Options()), fields).PlanOne(person, Owners(), RoutingState.Empty, Now);

    [Fact]
    public void Plan_PlatformHasScoreFieldsAndHoldsNothing_WritesScoreAndGrade()
    {
        var plan = Plan(Person(Contact(Warm), Lead(score: "70", grade: "A")), Both);

        Assert.Equal(new ScoreWrite(70, "A"), plan.MarketingWrite!.Score);
        Assert.Null(plan.CrmWrite);
    }

    [Fact]
    public void Plan_PlatformHoldsTheSameScoreAndGrade_NoMarketingWrite()
    {
        var plan = Plan(Person(Contact(Warm) with { Score = "70", Grade = "A" }, Lead(score: "70", grade: "A")), Both);

        Assert.Null(plan.MarketingWrite);
        Assert.False(plan.HasWrites, string.Join("; ", plan.Reasons));
    }

    [Theory]
    [InlineData("70.0", "A")]
    [InlineData(" 70 ", " A ")]
    public void Plan_PlatformHoldsTheSameValuesRenderedDifferently_NoMarketingWrite(string score, string grade)
    {
        var plan = Plan(Person(Contact(Warm) with { Score = score, Grade = grade }, Lead(score: "70", grade: "A")), Both);

        Assert.Null(plan.MarketingWrite);
    }

    [Theory]
    [InlineData("64", "A")]
    [InlineData("70", "B")]
    [InlineData(null, "A")]
    [InlineData("70", "")]
    public void Plan_ScoreOrGradeDiffers_WritesBoth(string? score, string? grade)
    {
        var plan = Plan(Person(Contact(Warm) with { Score = score, Grade = grade }, Lead(score: "70", grade: "A")), Both);

        Assert.Equal(new ScoreWrite(70, "A"), plan.MarketingWrite!.Score);
    }

    [Fact]
    public void Plan_PlatformHasNoScoreFields_NoMarketingScoreWrite()
    {
        var none = Plan(Person(Contact(Warm), Lead(score: "70", grade: "A")), MarketingScoreFields.None);
        var unset = Plan(Person(Contact(Warm), Lead(score: "70", grade: "A")), null);

        Assert.Null(none.MarketingWrite);
        Assert.Null(unset.MarketingWrite);
    }

    [Fact]
    public void Plan_PlatformHasOnlyAGradeField_ScoreDifferenceAloneWritesNothing()
    {
        var gradeOnly = new MarketingScoreFields(Score: false, Grade: true);

        var same = Plan(Person(Contact(Warm) with { Score = "12", Grade = "A" }, Lead(score: "70", grade: "A")), gradeOnly);
        var differs = Plan(Person(Contact(Warm) with { Grade = "C" }, Lead(score: "70", grade: "A")), gradeOnly);

        Assert.Null(same.MarketingWrite);
        Assert.Equal(new ScoreWrite(70, "A"), differs.MarketingWrite!.Score);
    }

    [Fact]
    public void Plan_MarketingOnlyPerson_ScoreWrittenToTheMarketingPlatform()
    {
        var plan = Plan(Person(Contact(Warm, crmId: null), null), Both);

        Assert.Equal(new ScoreWrite(70, "A"), plan.MarketingWrite!.Score);
    }

    [Fact]
    public void Plan_QuarantinedPerson_NoMarketingScoreWrite()
    {
        var person = Person(Contact(Warm), Lead(score: "70", grade: "A")) with { Blocked = new Blocked(SystemRole.Marketing, MarketingId, "two records share the email") };

        var plan = Plan(person, Both);

        Assert.Null(plan.MarketingWrite);
    }

    [Fact]
    public void Plan_ConvertedLead_ScoreStillWrittenToTheMarketingPlatform()
    {
        // The CRM refuses writes to a converted lead; the marketing platform still shows the score LeadSync computes.
        var plan = Plan(Person(Contact(Warm), Lead(converted: true, score: "10", grade: "D")), Both);

        Assert.Null(plan.CrmWrite);
        Assert.Equal(new ScoreWrite(70, "A"), plan.MarketingWrite!.Score);
    }

    [Fact]
    public void Describe_MarketingScoreWrite_SaysOldAndNewValues()
    {
        var contact = Contact(Warm) with { Score = "64", Grade = "B" };
        var plan = Plan(Person(contact, Lead(score: "70", grade: "A")), Both);

        var parts = Settlement.Describe(plan.MarketingWrite!, contact);

        Assert.Contains("score: 64 → 70, grade: B → A", parts);
    }
}
