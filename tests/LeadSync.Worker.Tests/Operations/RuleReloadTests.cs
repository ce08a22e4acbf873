using LeadSync.Worker.Cli;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Worker.Tests.Operations;

/// <summary>
/// Issue 18: a running worker takes rule changes from its --config file without a restart, validated first; a bad file
/// is refused with every problem and the running rules stay. The waits are hang guards (minutes), never timing checks:
/// the test waits for the reload event itself.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RuleReloadTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    private static string Config(string statePath, int port, string handoff) => $$"""
        {
          "LeadSync": {
            "Handoff": {{handoff}},
            "State": { "Provider": "Sqlite", "SqlitePath": "{{statePath}}" },
            "Schedule": { "SyncCron": "0 30 2 * * ?", "SlaCron": "0 40 2 * * ?", "ReconcileCron": "0 50 2 * * ?" },
            "Health": { "Urls": "http://127.0.0.1:{{port}}" }
          }
        }
        """;

    /// <summary>Replaces the file in one step, as editors that save through a temporary file do.</summary>
    private static void Save(string path, string content)
    {
        var temporary = path + ".saving";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task<RuleReload> NextAsync(RuleReloadService service, Func<RuleReload, bool> wanted, Action change)
    {
        var seen = new TaskCompletionSource<RuleReload>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnCompleted(RuleReload reload)
        {
            if (wanted(reload))
            {
                seen.TrySetResult(reload);
            }
        }

        service.Completed += OnCompleted;
        try
        {
            change();
            return await seen.Task.WaitAsync(HangGuard);
        }
        finally
        {
            service.Completed -= OnCompleted;
        }
    }

    [Fact]
    public async Task Run_ConfigFileChanges_BadFileRefusedWithEveryProblemThenGoodFileApplied()
    {
        using var dir = new Cli.TempDir();
        var state = Path.Combine(dir.Path, "state.db");
        var port = FreePort.Next();
        var path = dir.File("prod.json", Config(state, port, """{ "Threshold": 71 }"""));
        using var error = new StringWriter();
        var loaded = LeadSyncHostFactory.LoadOrReport(new FileInfo(path), error);
        Assert.True(loaded is not null, error.ToString());
        await using var app = RunCommand.BuildWorker(loaded, []);
        await app.StartAsync();
        try
        {
            var service = app.Services.GetRequiredService<RuleReloadService>();
            var registry = app.Services.GetRequiredService<ConnectionRegistry>();

            var refused = await NextAsync(
                service,
                r => !r.Applied && r.Problems.Any(p => p.Path == "LeadSync:Handoff:Thresold"),
                () => Save(path, Config(state, port, """{ "Threshold": 150, "Thresold": 80 }""")));

            Assert.Contains(refused.Problems, p => p.Path == "LeadSync:Handoff:Threshold" && p.Problem.Contains("150", StringComparison.Ordinal));
            Assert.Contains(refused.Problems, p => p.Path == "LeadSync:Handoff:Thresold" && p.Problem.Contains("unknown setting", StringComparison.Ordinal));
            Assert.Equal(71, registry.Find("default")!.Model.Options.Handoff.Threshold);

            var applied = await NextAsync(
                service,
                r => r.Applied,
                () => Save(path, Config(state, port, """{ "Threshold": 71, "ReleaseBelow": 40 }""")));

            Assert.Empty(applied.Problems);
            Assert.Equal(["LeadSync:Handoff:ReleaseBelow"], applied.ChangedKeys);
            Assert.Empty(applied.NeedRestart);
            Assert.Equal(40, registry.Find("default")!.Model.Options.Handoff.ReleaseBelow);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Run_ChangeTheConnectorsWereBuiltWith_RefusedAndRulesStay()
    {
        using var dir = new Cli.TempDir();
        var state = Path.Combine(dir.Path, "state.db");
        var port = FreePort.Next();
        var path = dir.File("prod.json", Config(state, port, """{ "Threshold": 71 }"""));
        using var error = new StringWriter();
        var loaded = LeadSyncHostFactory.LoadOrReport(new FileInfo(path), error);
        Assert.True(loaded is not null, error.ToString());
        await using var app = RunCommand.BuildWorker(loaded, []);
        await app.StartAsync();
        try
        {
            var service = app.Services.GetRequiredService<RuleReloadService>();
            var registry = app.Services.GetRequiredService<ConnectionRegistry>();
            var changed = Config(state, port, """{ "Threshold": 71, "ReleaseBelow": 40 }""")
                .Replace("\"State\"", "\"Sync\": { \"ScoreField\": \"Lead_Score__c\" }, \"State\"", StringComparison.Ordinal);

            var refused = await NextAsync(service, r => !r.Applied, () => Save(path, changed));

            var problem = Assert.Single(refused.Problems);
            Assert.Equal("LeadSync:Sync:ScoreField", problem.Path);
            Assert.Equal("restart to apply", problem.Allowed);
            Assert.Equal(50, registry.Find("default")!.Model.Options.Handoff.ReleaseBelow);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
