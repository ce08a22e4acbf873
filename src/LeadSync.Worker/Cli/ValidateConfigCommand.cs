using System.CommandLine;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary><c>validate-config</c>: every problem of the configuration with its JSON path; exit 2 when anything is wrong.</summary>
public static class ValidateConfigCommand
{
    public static Command Create(CommandIo io)
    {
        var live = new Option<bool>("--live") { Description = "Also check mappings, value maps and scoring properties against the live portal and org (reads their metadata)" };
        var print = new Option<bool>("--print") { Description = "Print the effective configuration (appsettings.json, --config, environment applied; secrets masked) as JSON first" };
        var diff = new Option<FileInfo[]>("--diff")
        {
            Description = "Show the rule changes from the first file to the second (each laid over the shipped configuration as --config would be): keys added, removed and changed, secrets masked; then check the second",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("validate-config", "Check the whole configuration and print every problem with its JSON path, what is wrong and what is allowed.\n\nExamples:\n  leadsync validate-config\n  leadsync validate-config --config prod.json --print\n  leadsync validate-config --config prod.json --live\n  leadsync validate-config --diff current.json proposed.json") { live, print, diff };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(diff) is { Length: 2 } files)
            {
                if (parse.GetValue(CommonOptions.Config) is not null || parse.GetValue(live) || parse.GetValue(print))
                {
                    await io.Error.WriteLineAsync("error: --diff takes its two files alone (no --config, --print or --live)");
                    return ExitCodes.InvalidInput;
                }

                return Diff(io, files[0], files[1]);
            }

            var configuration = ConfigurationLoader.Load(parse.GetValue(CommonOptions.Config)?.FullName);
            var (problems, settings) = LeadSyncHostFactory.Check(configuration);
            if (parse.GetValue(print))
            {
                // Before the verdict, so an admin sees what was checked even when it is wrong; value maps as merged.
                io.Out.WriteLine(ConfigurationPrinter.ToJson(configuration, settings));
            }

            if (problems.Count > 0 || settings is null)
            {
                LeadSyncHostFactory.Report(problems, io.Error);
                return ExitCodes.InvalidInput;
            }

            var loaded = new LoadedConfiguration(configuration, settings);

            if (parse.GetValue(live))
            {
                using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
                if (await LiveConfigurationCheck.RunAsync(loaded.Settings, host.Services.GetRequiredService<ConnectionRegistry>().All, io.Error, ct) is var result and not ExitCodes.Success)
                {
                    return result;
                }
            }

            var connections = string.Join(", ", loaded.Settings.Connections.Select(c => c.Name));
            io.Out.WriteLine($"configuration OK: {loaded.Settings.Connections.Count} connection(s) ({connections}), state {loaded.Settings.State.Provider}{(parse.GetValue(live) ? ", rules agree with the live systems" : string.Empty)}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The changes, then the second file's verdict: exit 2 when the proposal has problems (all listed).</summary>
    private static int Diff(CommandIo io, FileInfo current, FileInfo proposed)
    {
        var before = ConfigurationLoader.Load(current.FullName);
        var after = ConfigurationLoader.Load(proposed.FullName);
        var (beforeProblems, beforeSettings) = LeadSyncHostFactory.Check(before);
        var (problems, afterSettings) = LeadSyncHostFactory.Check(after);
        var changes = ConfigurationDiff.Compute(ConfigurationPrinter.Effective(before, beforeSettings), ConfigurationPrinter.Effective(after, afterSettings));
        io.Out.WriteLine($"rule changes from {current.Name} to {proposed.Name} (each over the shipped configuration): {changes.Count(c => c.Kind == '~')} changed, {changes.Count(c => c.Kind == '+')} added, {changes.Count(c => c.Kind == '-')} removed");
        io.Out.Write(ConfigurationDiff.Render(changes));
        if (beforeProblems.Count > 0)
        {
            io.Out.WriteLine($"note: {current.Name} itself has {beforeProblems.Count} problem(s); run validate-config --config {current.Name}");
        }

        if (problems.Count > 0 || afterSettings is null)
        {
            io.Error.WriteLine($"{proposed.Name}:");
            LeadSyncHostFactory.Report(problems, io.Error);
            return ExitCodes.InvalidInput;
        }

        io.Out.WriteLine($"{proposed.Name}: configuration OK");
        return ExitCodes.Success;
    }
}
