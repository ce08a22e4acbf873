using LeadSync.State.Internal;

namespace LeadSync.State.Tests;

public sealed class MigrationScriptTests
{
    [Fact]
    public void Migrations_BothProviders_HaveTheSameVersions()
    {
        Assert.Equal(Migrations.Sqlite.Select(m => (m.Version, m.Name)), Migrations.Postgres.Select(m => (m.Version, m.Name)));
        // Versions are unique and increasing; a gap is allowed while parallel work fills it (0004, 0005 land separately).
        Assert.Equal(1, Migrations.Sqlite[0].Version);
        Assert.Equal(Migrations.Sqlite.Select(m => m.Version).Order(), Migrations.Sqlite.Select(m => m.Version));
        Assert.Equal(Migrations.Sqlite.Count, Migrations.Sqlite.Select(m => m.Version).Distinct().Count());
    }

    [Fact]
    public void DeployScript_RepeatsEveryPostgresMigrationVerbatim()
    {
        var script = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "deploy", "sql", "leadsync-postgres.sql"));

        Assert.Contains(Migrations.PostgresBootstrap, script, StringComparison.Ordinal);
        foreach (var migration in Migrations.Postgres)
        {
            Assert.Contains(migration.Sql, script, StringComparison.Ordinal);
            Assert.Contains($"VALUES ({migration.Version}, '{migration.Name}', now()) ON CONFLICT (version) DO NOTHING", script, StringComparison.Ordinal);
        }
    }

    internal static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeadSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LeadSync.sln not found above the test output directory.");
    }
}
