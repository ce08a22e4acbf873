using System.CommandLine;
using LeadSync.Worker.Configuration;

namespace LeadSync.Worker.Cli;

/// <summary>The command line: System.CommandLine for parsing, help and validation; one class per command.</summary>
public static class LeadSyncCli
{
    public static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "LeadSync keeps HubSpot (marketing) and Salesforce (CRM) in step: scores leads 0–100, maps Lead Status and lifecycle stage, " +
            "and hands leads that reach 71 to the right sales rep, exactly once.")
        {
            CommonOptions.Config,
        };

        var io = new CommandIo(output, error);
        root.Subcommands.Add(DemoCommand.Create(io));
        root.Subcommands.Add(SandboxCommand.Create(io));
        root.Subcommands.Add(RunCommand.Create(io));
        root.Subcommands.Add(SyncCommand.Create(io));
        root.Subcommands.Add(ValidateConfigCommand.Create(io));
        root.Subcommands.Add(ExplainCommand.Create(io));
        root.Subcommands.Add(PreviewCommand.Create(io));
        root.Subcommands.Add(QuarantineCommand.Create(io));
        root.Subcommands.Add(ReportCommand.Create(io));
        root.Subcommands.Add(HashPasswordCommand.Create(io));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        // Everything a command prints passes the escaper: API data never drives the terminal.
        output = new EscapingTextWriter(output ?? Console.Out);
        error = new EscapingTextWriter(error ?? Console.Error);
        var root = BuildRoot(output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A one-line reason and exit 2: scripts and people both want to know what was wrong, not a page of help.
            var command = parse.CommandResult.Command;
            await error.WriteLineAsync($"error: {string.Join("; ", parse.Errors.Select(e => e.Message))} (see 'leadsync {(command == root ? string.Empty : command.Name + " ")}--help')");
            return ExitCodes.InvalidInput;
        }

        try
        {
            // `run` leaves SIGTERM/Ctrl+C to the host, which stops Quartz and waits up to Schedule:ShutdownTimeoutSeconds for the
            // running cycle's safe point. System.CommandLine's own handling would end the process after 2 s, mid-cycle.
            var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
            if (parse.CommandResult.Command.Name == "run")
            {
                configuration.ProcessTerminationTimeout = null;
            }

            return await parse.InvokeAsync(configuration);
        }
        catch (ConfigurationFileException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception ex) when (ex is Sync.Ports.ExternalApiException or HttpRequestException or IOException or InvalidOperationException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            // Expected failures at run time get one clear line, not a stack trace.
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }
}

/// <summary>Where a command writes what people read (stdout) and what went wrong (stderr).</summary>
public sealed record CommandIo(TextWriter Out, TextWriter Error);

/// <summary>Options every command takes.</summary>
public static class CommonOptions
{
    public static Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "A JSON file layered over appsettings.json (environment variables LeadSync__… override both)",
        Recursive = true,
    };
}
