namespace LeadSync.State;

/// <summary>The SQLite state file cannot be used; the message names the path and why, in one line.</summary>
public sealed class StateFileException(string path, string reason, Exception? inner = null)
    : IOException($"state: cannot open SQLite file {path}: {reason}", inner)
{
    public string StatePath { get; } = path;
}
