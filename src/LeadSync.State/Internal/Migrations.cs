using System.Globalization;
using System.Reflection;

namespace LeadSync.State.Internal;

/// <summary>One ordered schema step.</summary>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>The embedded migration scripts of each provider, in version order.</summary>
internal static class Migrations
{
    /// <summary>Created before anything else; the versions recorded in it decide which scripts still run.</summary>
    public const string SqliteBootstrap =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);";

    public const string PostgresBootstrap =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);";

    public static IReadOnlyList<Migration> Sqlite { get; } = Load("Sqlite");

    public static IReadOnlyList<Migration> Postgres { get; } = Load("Postgres");

    /// <summary>
    /// The scripts still to apply, in order. Refuses a database that a newer LeadSync already upgraded: running old
    /// code against a newer schema would silently misread it.
    /// </summary>
    public static IEnumerable<Migration> Pending(IReadOnlyList<Migration> all, IReadOnlyCollection<long> applied)
    {
        var latestKnown = all[^1].Version;
        if (applied.Count > 0 && applied.Max() > latestKnown)
        {
            throw new InvalidOperationException(
                $"The state database is at schema version {applied.Max()}, newer than this LeadSync knows ({latestKnown}). Upgrade LeadSync instead of downgrading.");
        }

        return all.Where(m => !applied.Contains(m.Version));
    }

    private static List<Migration> Load(string provider)
    {
        var assembly = typeof(Migrations).Assembly;
        var prefix = $"Migrations/{provider}/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var version = int.Parse(fileName.AsSpan(0, fileName.IndexOf('_', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            migrations.Add(new Migration(version, Path.GetFileNameWithoutExtension(fileName), Read(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (migrations.Count == 0 || migrations.Select(m => m.Version).Distinct().Count() != migrations.Count)
        {
            throw new InvalidOperationException($"LeadSync.State was built without a consistent set of {provider} migration scripts.");
        }

        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded migration {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
