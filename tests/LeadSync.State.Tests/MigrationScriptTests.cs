using LeadSync.State.Internal;

namespace LeadSync.State.Tests;

public sealed class MigrationScriptTests
{
    [Fact]
    public void Migrations_BothProviders_HaveTheSameVersions()
    {
        Assert.Equal(Migrations.Sqlite.Select(m => (m.Version, m.Name)), Migrations.Postgres.Select(m => (m.Version, m.Name)));
        Assert.Equal(Enumerable.Range(1, Migrations.Sqlite.Count), Migrations.Sqlite.Select(m => m.Version));
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
