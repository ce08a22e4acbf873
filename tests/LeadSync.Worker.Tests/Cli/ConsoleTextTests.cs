using LeadSync.Sandbox;
using LeadSync.Worker.Cli;

namespace LeadSync.Worker.Tests.Cli;

public sealed class ConsoleTextTests
{
    private const string Evil = "Acme\u001b]0;pwned\u0007 \u202eLtd";

    [Fact]
    public void Escape_TerminalControlAndBidiOverrides_AreShownNotObeyed()
    {
        Assert.Equal(@"Acme\u001b]0;pwned\u0007 \u202eLtd", ConsoleText.Escape(Evil));
        Assert.Equal(@"a\u0085b\u009bc\u2066d\u2069e\u007ff\u000dg\u000ah", ConsoleText.Escape("a\u0085b\u009bc\u2066d\u2069e\u007ff\rg\nh"));
        Assert.Equal("Müller & Søn — 東京", ConsoleText.Escape("Müller & Søn — 東京"));
        Assert.Equal("line one\nline\\u001b two", ConsoleText.EscapeKeepingLayout("line one\nline\u001b two"));
    }

    [Fact]
    public async Task SyncDryRun_CompanyNameWithControlSequences_IsPrintedEscaped()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 60 });
        using var dir = new TempDir();
        var config = DemoAndSyncCommandTests.SandboxConfig(dir, sandbox);
        var (firstExit, _, firstError) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(firstExit == 0, firstError);

        // A person types a hostile company name into HubSpot; the next plan would copy it to Salesforce.
        var contact = sandbox.HubSpot.ListContacts().First(c => !c.Archived && sandbox.Salesforce.ListLeads().Any(l => string.Equals(l.Email, c.Get("email"), StringComparison.OrdinalIgnoreCase)));
        sandbox.HubSpot.SetProperties(contact.Id, new Dictionary<string, string?> { ["company"] = Evil });

        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--dry-run", "--config", config);

        Assert.True(exit == 0, error);
        Assert.Contains(@"Company: ", output, StringComparison.Ordinal);
        Assert.Contains(@"→ Acme\u001b]0;pwned\u0007 \u202eLtd", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output + error);
        Assert.DoesNotContain('\u0007', output + error);
        Assert.DoesNotContain('\u202e', output + error);
    }
}
