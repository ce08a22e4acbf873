using System.Globalization;
using LeadSync.Sandbox;
using LeadSync.Worker.Tests.Cli;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Worker.Tests.Sync;

/// <summary>
/// The unified score and fit grade written back to each marketing platform's own LeadSync fields, through the real
/// host against the sandbox: after a cycle the platform holds the score the CRM holds; a second cycle with nothing
/// changed writes nothing to the platform (no echo loop).
/// </summary>
public sealed class MarketingScoreWriteBackTests
{
    [Fact]
    public async Task SyncOnce_HubSpot_ScoreAndGradeInTheConfiguredPropertiesAndASecondCycleWritesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 });
        using var dir = new TempDir();
        var config = HubSpotConfig(dir, sandbox);
        var nativeBefore = sandbox.HubSpot.ListContacts().ToDictionary(c => c.Id, c => c.Get("hubspotscore"), StringComparer.Ordinal);

        await SyncOnceAsync(config);

        var contacts = sandbox.HubSpot.ListContacts();
        var pairs = contacts.Select(c => (c.Get("leadsync_score"), c.Get("leadsync_fit_grade"), c.SalesforceLeadId)).ToList();
        AssertWrittenAndMatchingTheCrm(sandbox, pairs);

        // HubSpot's own score (an input of the blend) is not where LeadSync writes.
        Assert.All(contacts, c => Assert.Equal(nativeBefore.GetValueOrDefault(c.Id), c.Get("hubspotscore")));

        await AssertSecondCycleWritesOnlyRealScoreChangesThenNothingAsync(
            sandbox, config, () => sandbox.Stats.HubSpotWrites, () => sandbox.HubSpot.ListContacts().Select(c => (c.Get("leadsync_score"), c.SalesforceLeadId)));
    }

    [Fact]
    public async Task SyncOnce_Marketo_ScoreAndGradeInTheConfiguredFieldsAndASecondCycleWritesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 });
        using var dir = new TempDir();
        var config = MarketoConnectionTests.MarketoConfig(dir, sandbox);
        var nativeBefore = sandbox.Marketo.ListLeads().ToDictionary(l => l.Id, l => l.Get("leadScore"));

        await SyncOnceAsync(config);

        var leads = sandbox.Marketo.ListLeads();
        AssertWrittenAndMatchingTheCrm(sandbox, [.. leads.Select(l => (l.Get("leadSyncScore"), l.Get("fitGrade"), l.Get("sfdcLeadId")))]);
        Assert.All(leads, l => Assert.Equal(nativeBefore.GetValueOrDefault(l.Id), l.Get("leadScore")));

        await AssertSecondCycleWritesOnlyRealScoreChangesThenNothingAsync(
            sandbox, config, () => sandbox.Stats.MarketoWrites, () => sandbox.Marketo.ListLeads().Select(l => (l.Get("leadSyncScore"), l.Get("sfdcLeadId"))));
    }

    [Fact]
    public async Task SyncOnce_Pardot_ScoreAndGradeInTheConfiguredFieldsAndASecondCycleWritesNothing()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 }, time);
        using var dir = new TempDir();
        var config = PardotLoopTests.PardotConfig(dir, sandbox);
        var nativeBefore = sandbox.Pardot.CurrentProspects().ToDictionary(p => p.Id, p => Text(p.Get("score")));

        await SyncOnceAsync(config);

        var prospects = sandbox.Pardot.CurrentProspects();
        AssertWrittenAndMatchingTheCrm(sandbox, [.. prospects.Select(p => (Text(p.Get("LeadSync_Score__c")), Text(p.Get("LeadSync_Grade__c")), p.GetString("salesforceId")))]);
        Assert.All(prospects, p => Assert.Equal(nativeBefore.GetValueOrDefault(p.Id), Text(p.Get("score"))));

        // Past Account Engagement's read cache lag, so the second cycle reads what the first wrote.
        time.Advance(TimeSpan.FromSeconds(61));
        await AssertSecondCycleWritesOnlyRealScoreChangesThenNothingAsync(
            sandbox, config, () => sandbox.Stats.PardotWrites, () => sandbox.Pardot.CurrentProspects().Select(p => (Text(p.Get("LeadSync_Score__c")), p.GetString("salesforceId"))),
            () => time.Advance(TimeSpan.FromSeconds(61)));
    }

    /// <summary>
    /// The cycle after the first writes a marketing score only where the score really moved on the CRM side too (a
    /// person handed off in the first cycle gets a CRM lead whose fields then feed the fit part: that moves a score
    /// once, on both sides alike); the cycle after that, with nothing changed anywhere, writes nothing at all.
    /// </summary>
    private static async Task AssertSecondCycleWritesOnlyRealScoreChangesThenNothingAsync(
        SandboxServer sandbox, string config, Func<long> marketingWrites, Func<IEnumerable<(string? Score, string? CrmId)>> scores, Action? betweenCycles = null)
    {
        var crmBefore = sandbox.Salesforce.ListLeads().ToDictionary(l => l.Id, l => Text(l.Get("Score__c")), StringComparer.Ordinal);
        var marketingBefore = scores().ToList();
        await SyncOnceAsync(config);
        var crmAfter = sandbox.Salesforce.ListLeads().ToDictionary(l => l.Id, l => Text(l.Get("Score__c")), StringComparer.Ordinal);
        var moved = marketingBefore.Zip(scores()).Where(p => p.First.Score != p.Second.Score).ToList();
        Assert.All(moved, p => Assert.True(
            p.Second.CrmId is not null && crmAfter.GetValueOrDefault(p.Second.CrmId) == p.Second.Score && crmBefore.GetValueOrDefault(p.Second.CrmId) != p.Second.Score,
            $"marketing score {p.First.Score} → {p.Second.Score} without the same change on the CRM lead {p.Second.CrmId}"));
        Assert.True(moved.Count <= marketingBefore.Count / 20, $"{moved.Count} scores moved in the second cycle");

        betweenCycles?.Invoke();
        var writes = marketingWrites();
        var crmWrites = sandbox.Stats.SalesforceWrites;
        await SyncOnceAsync(config);
        Assert.Equal(writes, marketingWrites());
        Assert.Equal(crmWrites, sandbox.Stats.SalesforceWrites);
    }

    private static async Task SyncOnceAsync(string config)
    {
        var (exit, output, error) = await CliRunner.RunAsync("sync", "--once", "--config", config);
        Assert.True(exit == 0, error + output);
        Assert.Contains("default: ok", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Most people carry a score and grade (the quarantined ones are not written), and a person linked to a CRM lead
    /// carries the one the lead carries: one unified score, on both sides.
    /// </summary>
    private static void AssertWrittenAndMatchingTheCrm(SandboxServer sandbox, IReadOnlyList<(string? Score, string? Grade, string? CrmId)> people)
    {
        var written = people.Where(p => p.Score is not null).ToList();
        Assert.True(written.Count >= people.Count * 3 / 4, $"{written.Count} of {people.Count} carry a score");
        Assert.All(written, p => Assert.Contains(p.Grade, new[] { "A", "B", "C", "D" }));
        Assert.All(written, p => Assert.InRange(decimal.Parse(p.Score!, CultureInfo.InvariantCulture), 0, 100));

        var compared = 0;
        foreach (var (score, grade, crmId) in written.Where(p => p.CrmId is not null))
        {
            if (sandbox.Salesforce.GetLead(crmId!) is not { IsConverted: false } lead || Text(lead.Get("Score__c")) is not { } crmScore)
            {
                continue;
            }

            Assert.Equal(decimal.Parse(crmScore, CultureInfo.InvariantCulture), decimal.Parse(score!, CultureInfo.InvariantCulture));
            Assert.Equal(lead.GetString("Fit_Grade__c"), grade);
            compared++;
        }

        Assert.True(compared > 10, $"only {compared} people linked to a CRM lead with a score");
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string HubSpotConfig(TempDir dir, SandboxServer sandbox) => dir.File("leadsync-hubspot.json", $$"""
        {
          "LeadSync": {
            "HubSpot": {
              "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}",
              "AccessToken": "{{sandbox.HubSpotAccessToken}}",
              "ScoreProperty": "leadsync_score",
              "GradeProperty": "leadsync_fit_grade"
            },
            "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
            "State": { "Provider": "Sqlite", "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" }
          }
        }
        """);
}
