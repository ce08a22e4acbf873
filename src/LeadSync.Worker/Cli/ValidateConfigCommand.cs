using System.CommandLine;
using LeadSync.Worker.Hosting;

namespace LeadSync.Worker.Cli;

/// <summary><c>validate-config</c>: every problem of the configuration with its JSON path; exit 2 when anything is wrong.</summary>
public static class ValidateConfigCommand
{
    public static Command Create(CommandIo io)
    {
        var command = new Command("validate-config", "Check the whole configuration and print every problem with its JSON path, what is wrong and what is allowed.\n\nExamples:\n  leadsync validate-config\n  leadsync validate-config --config prod.json");
        command.SetAction((parse, _) =>
        {
            var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
            if (loaded is null)
            {
                return Task.FromResult(ExitCodes.InvalidInput);
            }

            var connections = string.Join(", ", loaded.Settings.Connections.Select(c => c.Name));
            io.Out.WriteLine($"configuration OK: {loaded.Settings.Connections.Count} connection(s) ({connections}), state {loaded.Settings.State.Provider}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
