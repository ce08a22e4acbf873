namespace LeadSync.Connectors.Marketo.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Validate_EmptyOptions_ListsEveryMissingSettingWithItsPath()
    {
        var problems = MarketoOptionsValidator.Validate(new MarketoOptions(), "LeadSync:Marketo");

        var paths = problems.Select(p => p.Path).ToList();
        Assert.Contains("LeadSync:Marketo:BaseUrl", paths);
        Assert.Contains("LeadSync:Marketo:ClientId", paths);
        Assert.Contains("LeadSync:Marketo:ClientSecret", paths);
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsAllAtOnce()
    {
        var options = new MarketoOptions
        {
            BaseUrl = "http://284-RPR-133.mktorest.com/rest",
            ClientId = "id",
            ClientSecret = "with space",
            CallsPerTwentySeconds = 150,
            MaxConcurrentCalls = 0,
            WriteReserveShare = 1.5,
            ScoreField = "sfdcLeadScore",
            GradeField = "leadStatus",
            Activities = [new ActivitySignalOptions { ActivityTypeId = 0, Signal = Domain.Scoring.Signal.PageView }],
            TotalTimeout = TimeSpan.FromSeconds(1),
        };

        var problems = MarketoOptionsValidator.Validate(options, "P");

        var keys = problems.Select(p => p.Path).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "P:BaseUrl", "P:ClientSecret", "P:CallsPerTwentySeconds", "P:MaxConcurrentCalls", "P:WriteReserveShare", "P:ScoreField", "P:GradeField", "P:Activities:0:ActivityTypeId", "P:TotalTimeout" },
            keys);
    }

    [Fact]
    public void Validate_HttpsHostWithoutPath_HasNoProblem()
    {
        var options = new MarketoOptions { BaseUrl = "https://284-RPR-133.mktorest.com", ClientId = "id", ClientSecret = "secret", Activities = MarketoOptions.DefaultActivities() };

        Assert.Empty(MarketoOptionsValidator.Validate(options, "P"));
    }

    [Fact]
    public void ToString_NeverShowsTheSecret()
    {
        var options = new MarketoOptions { BaseUrl = "https://x.mktorest.com", ClientId = "id", ClientSecret = "SECRET-4711" };

        Assert.DoesNotContain("SECRET-4711", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", options.ToString(), StringComparison.Ordinal);
    }
}
