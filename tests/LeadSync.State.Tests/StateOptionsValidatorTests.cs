namespace LeadSync.State.Tests;

public sealed class StateOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_HasNoProblems()
    {
        Assert.Empty(StateOptionsValidator.Validate(new StateOptions(), "LeadSync:State"));
    }

    [Fact]
    public void Validate_PostgresWithoutConnectionString_ReportsPath()
    {
        var problems = StateOptionsValidator.Validate(new StateOptions { Provider = StateProvider.Postgres }, "LeadSync:State");

        var problem = Assert.Single(problems);
        Assert.Equal("LeadSync:State:ConnectionString", problem.Path);
    }

    [Fact]
    public void Validate_MalformedConnectionString_DoesNotEchoIt()
    {
        var options = new StateOptions { Provider = StateProvider.Postgres, ConnectionString = "Host=db;Password=s3cret;Bogus Key=1" };

        var problem = Assert.Single(StateOptionsValidator.Validate(options, "LeadSync:State"));

        Assert.Equal("LeadSync:State:ConnectionString", problem.Path);
        Assert.DoesNotContain("s3cret", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConnectionStringWithoutHost_IsReported()
    {
        var options = new StateOptions { Provider = StateProvider.Postgres, ConnectionString = "Database=leadsync;Username=u" };

        Assert.Contains(StateOptionsValidator.Validate(options, "S"), p => p.Problem.Contains("Host", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ValidPostgres_HasNoProblems()
    {
        var options = new StateOptions { Provider = StateProvider.Postgres, ConnectionString = "Host=db;Database=leadsync;Username=u;Password=p" };

        Assert.Empty(StateOptionsValidator.Validate(options, "S"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("state/")]
    [InlineData(":memory:")]
    public void Validate_BadSqlitePath_IsReported(string path)
    {
        var problem = Assert.Single(StateOptionsValidator.Validate(new StateOptions { SqlitePath = path }, "LeadSync:State"));

        Assert.Equal("LeadSync:State:SqlitePath", problem.Path);
    }

    [Fact]
    public void Validate_UnknownProvider_IsReported()
    {
        var problem = Assert.Single(StateOptionsValidator.Validate(new StateOptions { Provider = (StateProvider)7 }, "S"));

        Assert.Equal("S:Provider", problem.Path);
    }
}
