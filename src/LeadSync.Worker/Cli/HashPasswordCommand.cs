using System.CommandLine;
using LeadSync.Worker.WebConsole;

namespace LeadSync.Worker.Cli;

/// <summary><c>hash-password</c>: reads a password from standard input and prints the hash to configure (never the password).</summary>
public static class HashPasswordCommand
{
    public static Command Create(CommandIo io)
    {
        var command = new Command(
            "hash-password",
            "Read a console password from standard input and print its PBKDF2 hash for LeadSync:Health:Console:AdminPasswordHash (or ViewerPasswordHash).\n\nExample:\n  printf '%s' \"$PASSWORD\" | leadsync hash-password");
        command.SetAction(async (_, ct) =>
        {
            var password = (await Console.In.ReadToEndAsync(ct)).TrimEnd('\r', '\n');
            if (password.Length < 12)
            {
                await io.Error.WriteLineAsync("error: the password must have at least 12 characters (read from standard input)");
                return ExitCodes.InvalidInput;
            }

            io.Out.WriteLine(PasswordHash.Create(password));
            return ExitCodes.Success;
        });
        return command;
    }
}
