namespace LeadSync.Worker.Tests.Cli;

/// <summary>Bad input gets a one-line reason and exit code 2, and nothing is written.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Run_UnknownCommand_ExitsTwoWithOneLineReason()
    {
        var (exit, _, error) = await CliRunner.RunAsync("frobnicate");

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", line, StringComparison.Ordinal);
        Assert.Contains("frobnicate", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_NegativeLeads_ExitsTwoWithReason()
    {
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "demo.db");

        var (exit, output, error) = await CliRunner.RunAsync("demo", "--leads", "-5", "--state", state);

        Assert.Equal(2, exit);
        Assert.Contains("--leads must be a whole number between 1 and 200000 (got '-5')", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.False(File.Exists(state));
    }

    [Fact]
    public async Task Demo_UnknownOption_ExitsTwo()
    {
        var (exit, _, error) = await CliRunner.RunAsync("demo", "--bogus");

        Assert.Equal(2, exit);
        Assert.Contains("--bogus", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_MissingFile_ExitsTwo()
    {
        var (exit, _, error) = await CliRunner.RunAsync("validate-config", "--config", "/nonexistent/leadsync.json");

        Assert.Equal(2, exit);
        Assert.Equal("error: configuration file '/nonexistent/leadsync.json' does not exist", error.Trim());
    }

    [Fact]
    public async Task Sync_ConfigNotJson_ExitsTwoWithLine()
    {
        using var dir = new TempDir();
        var config = dir.File("bad.json", "{ \"LeadSync\": { \"Handoff\": ");

        var (exit, _, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("is not valid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_WithoutOnce_ExitsTwoAndPointsAtRun()
    {
        var (exit, _, error) = await CliRunner.RunAsync("sync");

        Assert.Equal(2, exit);
        Assert.Contains("leadsync run", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_EveryCommand_DescribesItself()
    {
        foreach (var command in new[] { "demo", "sandbox", "run", "sync", "validate-config", "explain", "preview", "quarantine" })
        {
            var (exit, output, _) = await CliRunner.RunAsync(command, "--help");

            Assert.Equal(0, exit);
            Assert.Contains("Usage:", output, StringComparison.Ordinal);
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }
}
