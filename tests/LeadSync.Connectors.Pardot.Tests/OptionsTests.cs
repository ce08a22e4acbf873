using LeadSync.Connectors.Salesforce;

namespace LeadSync.Connectors.Pardot.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Validate_Defaults_WithBusinessUnit_NoProblems()
    {
        var problems = PardotOptionsValidator.Validate(new PardotOptions { BusinessUnitId = PardotTestHost.BusinessUnit }, "LeadSync:Pardot");
        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryProblemWithItsPath()
    {
        var options = new PardotOptions
        {
            BaseUrl = "https://pardot.example.com",
            BusinessUnitId = "0Uv5g000000XYZ",
            MaxConcurrentRequests = 6,
            PageSize = 1001,
            DailyCallLimit = 0,
            ReadCacheLag = TimeSpan.FromHours(2),
            CustomFields = ["score", "Lead_Tier__c"],
            ActivitySignals = [new ActivitySignalOptions { Field = "email", Types = [] }],
            Credentials = new SalesforceOptions { LoginUrl = "not a url" },
        };

        var paths = PardotOptionsValidator.Validate(options, "LeadSync:Pardot").Select(p => p.Path).ToList();

        Assert.Contains("LeadSync:Pardot:BaseUrl", paths);
        Assert.Contains("LeadSync:Pardot:BusinessUnitId", paths);
        Assert.Contains("LeadSync:Pardot:MaxConcurrentRequests", paths);
        Assert.Contains("LeadSync:Pardot:PageSize", paths);
        Assert.Contains("LeadSync:Pardot:DailyCallLimit", paths);
        Assert.Contains("LeadSync:Pardot:ReadCacheLag", paths);
        Assert.Contains("LeadSync:Pardot:CustomFields:0", paths);
        Assert.DoesNotContain("LeadSync:Pardot:CustomFields:1", paths);
        Assert.Contains("LeadSync:Pardot:ActivitySignals:0:Field", paths);
        Assert.Contains("LeadSync:Pardot:ActivitySignals:0:Types", paths);
        Assert.Contains(paths, p => p.StartsWith("LeadSync:Pardot:Credentials:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://pi.pardot.com", true)]
    [InlineData("https://pi.demo.pardot.com", true)]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://pi.pardot.com", false)]
    [InlineData("https://login.salesforce.com", false)]
    public void Validate_Host_OnlyAccountEngagementHostsOrLoopback(string url, bool valid)
    {
        var problems = PardotOptionsValidator.Validate(new PardotOptions { BaseUrl = url, BusinessUnitId = PardotTestHost.BusinessUnit }, "P");
        Assert.Equal(valid, problems.Count == 0);
    }

    [Theory]
    [InlineData("0Uv5g000000XYZ1CAG", true)]
    [InlineData("0Uv5g000000XYZ1", false)]
    [InlineData("00D5g000000XYZ1CAG", false)]
    [InlineData("0Uv5g000000XYZ1CA!", false)]
    public void Validate_BusinessUnitId_18CharactersStartingWith0Uv(string id, bool valid)
    {
        var problems = PardotOptionsValidator.Validate(new PardotOptions { BusinessUnitId = id }, "P");
        Assert.Equal(valid, problems.Count == 0);
    }

    [Theory]
    [InlineData(PardotEdition.Growth, 25_000)]
    [InlineData(PardotEdition.Plus, 50_000)]
    [InlineData(PardotEdition.Advanced, 100_000)]
    [InlineData(PardotEdition.Premium, 100_000)]
    public void EffectiveDailyCallLimit_Edition_DocumentedAllowance(PardotEdition edition, long expected) =>
        Assert.Equal(expected, new PardotOptions { Edition = edition }.EffectiveDailyCallLimit);

    [Fact]
    public void ToString_WithCredentials_HidesThem()
    {
        var options = new PardotOptions { BusinessUnitId = PardotTestHost.BusinessUnit, Credentials = new SalesforceOptions { ClientSecret = "s3cret-value" } };
        Assert.DoesNotContain("s3cret-value", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_GradeOnProfileDrivenField_Refused()
    {
        var schema = new PardotProspectSchema(GradeField: "grade");
        Assert.Throws<ArgumentException>(schema.EnsureValid);
    }
}
