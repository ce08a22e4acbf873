using LeadSync.Domain.Configuration;
using Npgsql;

namespace LeadSync.State;

/// <summary>Checks <see cref="StateOptions"/> at start and reports every problem at once.</summary>
public static class StateOptionsValidator
{
    /// <param name="path">JSON path of the section, e.g. <c>LeadSync:State</c>.</param>
    public static IReadOnlyList<ConfigProblem> Validate(StateOptions o, string path)
    {
        var problems = new List<ConfigProblem>();
        if (!Enum.IsDefined(o.Provider))
        {
            problems.Add(new ConfigProblem($"{path}:Provider", $"unknown provider '{o.Provider}'", "Sqlite, Postgres"));
            return problems;
        }

        if (o.RetentionDays is < 0 or > 36_500)
        {
            problems.Add(new ConfigProblem($"{path}:RetentionDays", $"is {o.RetentionDays}", "0 (keep everything) or a number of days up to 36500"));
        }

        if (o.Provider == StateProvider.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(o.SqlitePath))
            {
                problems.Add(new ConfigProblem($"{path}:SqlitePath", "is empty", "a file path such as state/leadsync.db"));
            }
            else if (o.SqlitePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || o.SqlitePath.EndsWith('/') || o.SqlitePath.EndsWith('\\'))
            {
                problems.Add(new ConfigProblem($"{path}:SqlitePath", "is not a valid file path", "a file path such as state/leadsync.db"));
            }
            else if (o.SqlitePath.Trim() == ":memory:")
            {
                problems.Add(new ConfigProblem($"{path}:SqlitePath", "an in-memory database loses the state on restart", "a file path such as state/leadsync.db"));
            }
        }
        else
        {
            ValidatePostgres(o.ConnectionString, $"{path}:ConnectionString", problems);
        }

        return problems;
    }

    private static void ValidatePostgres(string? connectionString, string path, List<ConfigProblem> problems)
    {
        const string Allowed = "an Npgsql connection string such as Host=db;Database=leadsync;Username=leadsync;Password=...";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            problems.Add(new ConfigProblem(path, "is required when Provider is Postgres", Allowed));
            return;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The message would repeat the offending text, which may contain the password: say only that it is malformed.
            problems.Add(new ConfigProblem(path, "is not a valid connection string (value not shown: it may contain a password)", Allowed));
            return;
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            problems.Add(new ConfigProblem(path, "has no Host", Allowed));
        }
    }
}
