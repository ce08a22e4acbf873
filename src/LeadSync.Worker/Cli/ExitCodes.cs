namespace LeadSync.Worker.Cli;

/// <summary>
/// 0 success, 1 failure at run time, 2 invalid input or configuration (with the reasons printed), 3 a cycle was skipped
/// because another run holds the connection's cycle lock (who, and since when, is printed).
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int InvalidInput = 2;
    public const int CycleSkipped = 3;
}
