using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LeadSync.State.Internal;

/// <summary>The few places where SQLite and PostgreSQL differ for the statements both stores share.</summary>
internal sealed class SqlDialect
{
    private const string SqliteTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private SqlDialect(bool isPostgres) => IsPostgres = isPostgres;

    public static SqlDialect Sqlite { get; } = new(isPostgres: false);

    public static SqlDialect Postgres { get; } = new(isPostgres: true);

    public bool IsPostgres { get; }

    /// <summary>
    /// SQLite keeps fixed-width UTC text (so comparing text compares instants); Npgsql wants a UTC DateTimeOffset
    /// for timestamptz and refuses any other offset.
    /// </summary>
    public object? Time(DateTimeOffset? value) => value switch
    {
        null => null,
        { } v when IsPostgres => v.ToUniversalTime(),
        { } v => v.UtcDateTime.ToString(SqliteTimeFormat, CultureInfo.InvariantCulture),
    };

    /// <summary>Npgsql receives lists as one array parameter (Dapper does not expand them), SQLite as an expanded IN list.</summary>
    public string AnyOf(string column, string parameter) =>
        IsPostgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    public static DateTimeOffset? ReadTime(object? value) => value switch
    {
        null or DBNull => null,
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new InvalidOperationException($"Unexpected stored time of type {value.GetType().Name}."),
    };

    public static DateTimeOffset ReadRequiredTime(object? value) =>
        ReadTime(value) ?? throw new InvalidOperationException("A required time column is null.");

    /// <summary>A stable 64-bit key for PostgreSQL advisory locks (string.GetHashCode differs per process).</summary>
    public static long LockKey(string purpose, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"leadsync/{purpose}/{name}"));
        return BitConverter.ToInt64(hash, 0);
    }
}
