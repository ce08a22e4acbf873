using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Cli;

namespace LeadSync.Console.Tests;

/// <summary><c>leadsync report …</c> on the state the console tests use; every number is recomputed here from the history and the records.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReportCommandTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task ReportHandoffs_Json_CountAndLatencyPercentilesMatchTheHistory()
    {
        var (exit, output, error) = await RunAsync("report", "handoffs", "--format", "json", "--since", "30d");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var summary = json.RootElement.GetProperty("sections").GetProperty("summary").EnumerateArray()
            .ToDictionary(r => r.GetProperty("metric").GetString()!, r => r.GetProperty("value"));

        // Recomputed: latency from the person's change that crossed the threshold to the owner written; nearest rank.
        var history = await fixture.History.GetHistoryAsync(ConsoleFixture.Connection, new HistoryQuery(Kinds: [HistoryKinds.Handoff, HistoryKinds.Crossed]), CancellationToken.None);
        var latencies = history.Where(h => h.Kind == HistoryKinds.Handoff).Select(h =>
        {
            var crossed = h.CrossedAt ?? history.LastOrDefault(c => c.Kind == HistoryKinds.Crossed && c.LeadKey == h.LeadKey && c.Crossing == h.Crossing && c.At <= h.At)?.At ?? h.FirstSeenAt!.Value;
            return Math.Max(0, (h.OwnerWrittenAt!.Value - crossed).TotalSeconds);
        }).Order().ToList();
        Assert.True(latencies.Count > 0, "the sandbox has no handoff: the test proves nothing");
        Assert.Equal(latencies.Count, summary["handoffs"].GetInt32());
        Assert.Equal(Math.Round(latencies[(int)Math.Ceiling(0.5 * latencies.Count) - 1], 1), summary["p50_seconds"].GetDouble());
        Assert.Equal(Math.Round(latencies[(int)Math.Ceiling(0.95 * latencies.Count) - 1], 1), summary["p95_seconds"].GetDouble());

        // The people's changes happened before LeadSync looked: the latency is not zero by construction.
        Assert.True(summary["p95_seconds"].GetDouble() > 0, output);
    }

    [Fact]
    public async Task ReportFunnel_Csv_StageCountsMatchTheLeadRecords()
    {
        var (exit, output, error) = await RunAsync("report", "funnel", "--format", "csv");

        Assert.True(exit == 0, error);
        var printed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Where(cells => cells[0] == "stages")
            .ToDictionary(cells => cells[1], cells => int.Parse(cells[2], CultureInfo.InvariantCulture));
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var lead in fixture.Store.StreamLeadsAsync(ConsoleFixture.Connection, CancellationToken.None))
        {
            if (lead.LastSeenMarketing.TryGetValue(SeenKeys.Stage, out var stage) && !string.IsNullOrEmpty(stage))
            {
                expected[stage] = expected.GetValueOrDefault(stage) + 1;
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), printed.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReportHealthAndSla_TableAndJson_CountTheRecordedCyclesAndOutcomes()
    {
        var (exit, output, error) = await RunAsync("report", "health", "--format", "json", "--since", "30d");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var summary = json.RootElement.GetProperty("sections").GetProperty("summary").EnumerateArray()
            .ToDictionary(r => r.GetProperty("metric").GetString()!, r => r.GetProperty("value"));
        var cycles = await fixture.History.GetCyclesAsync(ConsoleFixture.Connection, DateTimeOffset.UnixEpoch, 10_000, CancellationToken.None);
        Assert.Equal(cycles.Count, summary["cycles"].GetInt32());
        Assert.Equal(cycles.Count(c => c.Succeeded), summary["succeeded"].GetInt32());
        Assert.Equal((await fixture.Store.ListQuarantineAsync(ConsoleFixture.Connection, CancellationToken.None)).Count, summary["quarantined"].GetInt32());

        var (slaExit, sla, slaError) = await RunAsync("report", "sla");
        Assert.True(slaExit == 0, slaError);
        Assert.Contains("compliance", sla, StringComparison.Ordinal);
        var handoffs = (await fixture.History.GetHistoryAsync(ConsoleFixture.Connection, new HistoryQuery(Kinds: [HistoryKinds.Handoff]), CancellationToken.None)).Count;
        Assert.Matches($@"\ball\s+{handoffs}\s", sla);
    }

    [Fact]
    public async Task Report_BadSinceOrUnknownConnection_OneLineErrorAndExitTwo()
    {
        var (badSince, _, sinceError) = await RunAsync("report", "funnel", "--since", "last tuesday");
        var (badConnection, _, connectionError) = await RunAsync("report", "sla", "--connection", "nope");

        Assert.Equal((2, 2), (badSince, badConnection));
        Assert.Contains("--since", sinceError, StringComparison.Ordinal);
        Assert.Contains("no connection named 'nope'", connectionError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_PublicBindWithoutAdminCredential_RefusedAndTheCredentialIsAsked()
    {
        var config = WriteConfig(new Dictionary<string, string?>(fixture.Settings, StringComparer.Ordinal)
        {
            ["LeadSync:Health:Urls"] = "http://0.0.0.0:5080",
            ["LeadSync:Health:Console:AdminPasswordHash"] = null,
        });
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await LeadSyncCli.RunAsync(["validate-config", "--config", config], output, error);

        Assert.Equal(2, exit);
        Assert.Contains("LeadSync:Health:Console:AdminPasswordHash", error.ToString() + output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LeadSyncCli.RunAsync([.. args, "--config", WriteConfig(fixture.Settings)], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The settings as a JSON file for <c>--config</c> ("A:B:C" keys become nested objects; null leaves a key out).</summary>
    private static string WriteConfig(IReadOnlyDictionary<string, string?> settings)
    {
        var root = new JsonObject();
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = node[part] as JsonObject ?? (JsonObject)(node[part] = new JsonObject());
            }

            node[parts[^1]] = value;
        }

        var path = Path.Combine(Path.GetTempPath(), $"leadsync_console_config_{Guid.NewGuid():N}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }
}
