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
        var command = new Command("validate-config", "Check the whole configuration and print every problem with its JSON path, what is wrong and what is allowed.\n\nExamples:\n  leadsync validate-config\n  leadsync validate-config --config prod.json --print\n  leadsync validate-config --config prod.json --live") { live, print };
        command.SetAction(async (parse, ct) =>
        {
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
}
