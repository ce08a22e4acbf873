using LeadSync.Worker.Cli;

namespace LeadSync.Worker.Tests.Cli;

/// <summary>Runs the real command line in-process and captures what a person would see.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LeadSyncCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}

/// <summary>A temp directory that cleans up after itself.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "leadsync-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still held by a pooled connection: the OS temp cleaner will get it.
        }
    }
}
