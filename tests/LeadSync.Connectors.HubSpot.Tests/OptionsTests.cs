namespace LeadSync.Connectors.HubSpot.Tests;

public sealed class OptionsTests
{
    private static HubSpotOptions Valid() => new() { AccessToken = "pat-na1-abc" };

    [Fact]
    public void Validate_Defaults_WithToken_NoProblems() =>
        Assert.Empty(HubSpotOptionsValidator.Validate(Valid(), "LeadSync:HubSpot"));

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:8080/hubspot")]
    [InlineData("https://api.hubapi.com")]
    public void Validate_HttpsOrLoopbackHttp_NoProblems(string url)
    {
        var options = Valid();
        options.BaseUrl = url;
        Assert.Empty(HubSpotOptionsValidator.Validate(options, "LeadSync:HubSpot"));
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryProblemWithPath()
    {
        var options = new HubSpotOptions
        {
            BaseUrl = "http://api.hubapi.com",
            AccessToken = " ",
            RequestsPerTenSeconds = 0,
            SearchRequestsPerSecond = 9,
            PageSize = 500,
            AttemptTimeout = TimeSpan.Zero,
            TotalTimeout = TimeSpan.FromSeconds(-1),
            MaxRetries = -1,
        };

        var problems = HubSpotOptionsValidator.Validate(options, "LeadSync:Connections:main:HubSpot");

        Assert.Equal(
            ["BaseUrl", "AccessToken", "RequestsPerTenSeconds", "SearchRequestsPerSecond", "PageSize", "AttemptTimeout", "TotalTimeout", "MaxRetries"],
            problems.Select(p => p.Path["LeadSync:Connections:main:HubSpot:".Length..]));
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Allowed)));
    }

    [Fact]
    public void Validate_NotAUrl_ReportsBaseUrl()
    {
        var options = Valid();
        options.BaseUrl = "api.hubapi.com";
        Assert.Equal("x:BaseUrl", Assert.Single(HubSpotOptionsValidator.Validate(options, "x")).Path);
    }

    [Fact]
    public void ToString_WithToken_NeverShowsToken()
    {
        var options = Valid();
        Assert.DoesNotContain("pat-na1-abc", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", options.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ada@example.com", "a***@example.com")]
    [InlineData("", "")]
    [InlineData("nodomain", "***")]
    public void MaskEmail_Values_MasksLocalPart(string email, string expected) =>
        Assert.Equal(expected, Redaction.MaskEmail(email));

    [Fact]
    public void MaskEmails_FreeText_MasksEveryAddress() =>
        Assert.Equal("Object not found: a***@example.com, b***@example.org", Redaction.MaskEmails("Object not found: ada@example.com, bob@example.org"));
}
