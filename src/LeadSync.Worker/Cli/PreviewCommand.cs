using System.CommandLine;
using System.Globalization;
using LeadSync.Domain.Scoring;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary>
/// <c>preview --scoring FILE</c>: applies a proposed scoring model to the leads LeadSync knows (their last-seen values
/// in the state store — no API calls) and reports who would cross the threshold up or down and the largest movers.
/// </summary>
public static class PreviewCommand
{
    public static Command Create(CommandIo io)
    {
        var scoring = new Option<FileInfo?>("--scoring") { Description = "JSON file with a proposed scoring model alone (a LeadSync:Scoring section, or the section's content); scores only, from the state store" };
        var proposedOption = new Option<FileInfo?>("--proposed") { Description = "JSON file shaped like a --config file, laid over the current configuration: its rules (scoring, lifecycle maps, field mappings, handoff, routing) are planned against the leads LeadSync knows, read now from both systems (reads only)" };
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON (with --proposed)" };
        var connectionOption = ConnectionChoice.CreateOption();
        var top = DemoCommand.Bounded("--top", "How many of the largest movers to list", 10, 1, 10_000);
        var command = new Command(
            "preview",
            "Preview proposed rules against current leads before they reach sales. --proposed compares everything the planner would do (threshold crossings, status and stage per system, field writes, who receives whom), totals first, then the largest movers; --scoring compares scores only.\n\nExamples:\n  leadsync preview --proposed proposed.json\n  leadsync preview --proposed proposed.json --json --top 50\n  leadsync preview --scoring proposed-scoring.json")
        {
            scoring, proposedOption, json, connectionOption, top,
        };
        command.SetAction(async (parse, ct) =>
        {
            if ((parse.GetValue(scoring) is null) == (parse.GetValue(proposedOption) is null))
            {
                await io.Error.WriteLineAsync("error: give either --proposed FILE or --scoring FILE (see 'leadsync preview --help')");
                return ExitCodes.InvalidInput;
            }

            var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
            if (loaded is null)
            {
                return ExitCodes.InvalidInput;
            }

            if (parse.GetValue(proposedOption) is { } proposedFile)
            {
                return await ProposalPreview.RunAsync(io, loaded, proposedFile, parse.GetValue(connectionOption), parse.GetValue(top), parse.GetValue(json), ct);
            }

            var file = parse.GetValue(scoring)!;
            var proposedConfig = ConfigurationLoader.LoadFile(file.FullName);
            var section = proposedConfig.GetSection("LeadSync:Scoring");
            ScoringOptions proposed;
            try
            {
                proposed = (section.Exists() ? section.Get<ScoringOptions>(o => o.ErrorOnUnknownConfiguration = true) : proposedConfig.Get<ScoringOptions>(o => o.ErrorOnUnknownConfiguration = true)) ?? new ScoringOptions();
            }
            catch (InvalidOperationException ex)
            {
                await io.Error.WriteLineAsync($"error: {file.Name} cannot be read as a scoring model: {ex.Message}");
                return ExitCodes.InvalidInput;
            }

            if (ConnectionChoice.Resolve(loaded.Settings, parse.GetValue(connectionOption), out var choiceError) is not { } settings)
            {
                await io.Error.WriteLineAsync(choiceError);
                return ExitCodes.InvalidInput;
            }

            var threshold = settings.Model.Handoff.Threshold;
            var problems = ScoringOptionsValidator.Validate(proposed, file.Name, threshold);
            if (problems.Count > 0)
            {
                LeadSyncHostFactory.Report(problems, io.Error);
                return ExitCodes.InvalidInput;
            }

            using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
            var store = host.Services.GetRequiredService<IStateStore>();
            await store.MigrateAsync(ct);
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var current = ScoringModel.Create(settings.Model.Scoring);
            var candidate = ScoringModel.Create(proposed);
            int leads = 0, up = 0, down = 0;
            var movers = new List<(string Key, int Before, int After)>();
            await foreach (var lead in store.StreamLeadsAsync(settings.Name, ct))
            {
                leads++;
                var before = current.Score(current.Extract(lead.LastSeenMarketing, lead.LastSeenCrm), now).Value;
                var after = candidate.Score(candidate.Extract(lead.LastSeenMarketing, lead.LastSeenCrm), now).Value;
                up += before < threshold && after >= threshold ? 1 : 0;
                down += before >= threshold && after < threshold ? 1 : 0;
                if (before != after)
                {
                    movers.Add((lead.LeadKey, before, after));
                }
            }

            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"preview of {file.Name} over {leads} leads known to LeadSync (threshold {threshold}), as of {now:u}:"));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  would cross up to sales:   {up}"));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  would drop below threshold: {down}"));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  scores that change:         {movers.Count}"));
            var table = new TextTable("lead", "current", "proposed", "change");
            foreach (var (key, before, after) in movers.OrderByDescending(m => Math.Abs(m.After - m.Before)).Take(parse.GetValue(top)))
            {
                table.Add(key, before.ToString(CultureInfo.InvariantCulture), after.ToString(CultureInfo.InvariantCulture), (after - before).ToString("+0;-0", CultureInfo.InvariantCulture));
            }

            if (table.Count > 0)
            {
                io.Out.Write(table.ToString());
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
