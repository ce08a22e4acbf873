namespace LeadSync.State;

/// <summary>Where LeadSync keeps its state.</summary>
public enum StateProvider
{
    /// <summary>A local SQLite file: the default, right for one worker process per machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database: for several workers sharing one state.</summary>
    Postgres,
}

/// <summary>The <c>LeadSync:State</c> configuration section.</summary>
public sealed class StateOptions
{
    public StateProvider Provider { get; set; } = StateProvider.Sqlite;

    /// <summary>SQLite database file; relative paths resolve against the working directory.</summary>
    public string SqlitePath { get; set; } = "state/leadsync.db";

    /// <summary>Npgsql connection string, used when <see cref="Provider"/> is <see cref="StateProvider.Postgres"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Days of audit entries, finished cycles and lead history kept; older rows are pruned by the running worker (at start,
    /// then every six hours). 0 keeps everything. Lead records, the ledger and quarantine are never pruned.
    /// </summary>
    public int RetentionDays { get; set; } = 365;
}
