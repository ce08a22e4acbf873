using System.Diagnostics;
using System.Globalization;

namespace LeadSync.State;

/// <summary>
/// Who holds a SQLite cycle lease, as stored in its <c>holder</c> column: <c>machine|pid|process token|store token</c>.
/// The machine and pid let a later run on the same machine see that the holder process is gone (killed, crashed) and take
/// the lease over at once instead of waiting for it to expire. The process token tells a new process that reuses the
/// pid (pid 1 in a restarted container) from the one that held the lease. Kept in the existing text column, so the
/// schema does not change.
/// </summary>
internal sealed record LeaseHolder(string? Machine, int? ProcessId, string ProcessToken, string StoreToken)
{
    private const char Separator = '|';

    private static readonly string ThisProcessToken = Guid.NewGuid().ToString("N");

    /// <summary>A holder for one store instance of this process.</summary>
    public static LeaseHolder ThisInstance() =>
        new(Environment.MachineName, Environment.ProcessId, ThisProcessToken, Guid.NewGuid().ToString("N"));

    /// <summary>Reads a stored holder; a bare token (written before holders were described) has no machine or pid.</summary>
    public static LeaseHolder Parse(string stored)
    {
        var parts = stored.Split(Separator);
        return parts.Length == 4 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? new LeaseHolder(parts[0], pid, parts[2], parts[3])
            : new LeaseHolder(null, null, string.Empty, stored);
    }

    /// <summary>
    /// True only when the holder certainly no longer runs: it was a process on this machine, and no process has its pid
    /// now, or the pid now belongs to this process although the lease was not taken by it. Anything else (another
    /// machine, an unknown holder, a pid some other process reuses) is left to the lease's expiry.
    /// </summary>
    public bool IsGoneFromThisMachine()
    {
        if (Machine is null || ProcessId is not { } pid || !string.Equals(Machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return pid == Environment.ProcessId
            ? !string.Equals(ProcessToken, ThisProcessToken, StringComparison.Ordinal)
            : !ProcessExists(pid);
    }

    public string Describe() => Machine is null || ProcessId is null
        ? $"lease holder {StoreToken}"
        : FormattableString.Invariant($"pid {ProcessId} on {Machine}");

    public override string ToString() =>
        FormattableString.Invariant($"{Machine}{Separator}{ProcessId}{Separator}{ProcessToken}{Separator}{StoreToken}");

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
