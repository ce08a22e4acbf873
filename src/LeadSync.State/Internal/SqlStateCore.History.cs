using System.Data.Common;
using Dapper;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.State.Internal;

/// <summary>The lead history, the reading side of cycles and audit, and retention (see <see cref="IHistoryStore"/>).</summary>
internal sealed partial class SqlStateCore
{
    private const string HistoryInsert =
        """
        INSERT INTO lead_history (connection, lead_key, at, kind, system, from_value, to_value, actor, crossing, rep, team, rule,
                                  crossed_at, first_seen_at, owner_written_at, source, cycle_id, amount)
        """;

    public async Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string connection, HistoryQuery query, CancellationToken ct)
    {
        var where = new List<string> { "connection = @Connection" };
        var parameters = new DynamicParameters(new { Connection = connection, Limit = Math.Max(0, query.Limit) });
        if (query.Since is { } since)
        {
            where.Add("at >= @Since");
            parameters.Add("Since", Dialect.Time(since));
        }

        if (query.Until is { } until)
        {
            where.Add("at < @Until");
            parameters.Add("Until", Dialect.Time(until));
        }

        if (query.Kinds is { Count: > 0 } kinds)
        {
            where.Add(Dialect.AnyOf("kind", "Kinds"));
            parameters.Add("Kinds", kinds.ToArray());
        }

        if (query.Rep is { Length: > 0 } rep)
        {
            where.Add("rep = @Rep");
            parameters.Add("Rep", rep);
        }

        var rows = new List<HistoryRow>();
        await using var db = await Open(ct);
        IEnumerable<string[]?> chunks = query.LeadKeys is { } keys ? keys.Distinct(StringComparer.Ordinal).Chunk(IdChunk).Cast<string[]?>() : new string[]?[] { null };
        foreach (var chunk in chunks)
        {
            var clauses = where.ToList();
            if (chunk is not null)
            {
                clauses.Add(Dialect.AnyOf("lead_key", "LeadKeys"));
                parameters.Add("LeadKeys", chunk);
            }

            if (chunk is { Length: 0 })
            {
                continue;
            }

            rows.AddRange(await db.QueryAsync<HistoryRow>(Cmd(
                $"SELECT {HistoryRow.Columns} FROM lead_history WHERE {string.Join(" AND ", clauses)} ORDER BY at, id LIMIT @Limit",
                parameters,
                ct)));
        }

        return [.. rows.OrderBy(r => r.Id).Select(r => r.ToEntry()).OrderBy(e => e.At)];
    }

    public async Task<IReadOnlyList<CycleRecord>> GetCyclesAsync(string connection, DateTimeOffset since, int limit, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var rows = await db.QueryAsync<CycleRow>(Cmd(
            $"SELECT {CycleRow.Columns} FROM cycle WHERE connection = @Connection AND started_at >= @Since ORDER BY started_at DESC, cycle_id DESC LIMIT @Limit",
            new { Connection = connection, Since = Dialect.Time(since), Limit = Math.Max(0, limit) },
            ct));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyList<AuditEntry>> SearchAuditAsync(string connection, AuditQuery query, CancellationToken ct)
    {
        var where = new List<string> { "connection = @Connection" };
        var parameters = new DynamicParameters(new { Connection = connection, Limit = Math.Max(0, query.Limit) });
        if (query.Since is { } since)
        {
            where.Add("at >= @Since");
            parameters.Add("Since", Dialect.Time(since));
        }

        if (query.Until is { } until)
        {
            where.Add("at < @Until");
            parameters.Add("Until", Dialect.Time(until));
        }

        if (query.LeadKeys is { } keys)
        {
            if (keys.Count == 0)
            {
                return [];
            }

            where.Add(Dialect.AnyOf("lead_key", "LeadKeys"));
            parameters.Add("LeadKeys", keys.Distinct(StringComparer.Ordinal).Take(IdChunk).ToArray());
        }

        if (query.Text is { Length: > 0 } text)
        {
            // A plain substring: the pattern's own wildcards are escaped, so the text is matched literally.
            where.Add("(details LIKE @Text ESCAPE '\\' OR action LIKE @Text ESCAPE '\\')");
            parameters.Add("Text", "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
        }

        await using var db = await Open(ct);
        var rows = await db.QueryAsync<AuditRow>(Cmd(
            $"SELECT {AuditRow.Columns} FROM audit WHERE {string.Join(" AND ", where)} ORDER BY at DESC, id DESC LIMIT @Limit",
            parameters,
            ct));
        return [.. rows.Select(r => r.ToEntry())];
    }

    public async Task<PruneResult> PruneAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        var cutoff = new { Cutoff = Dialect.Time(olderThan) };
        await using var db = await Open(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        var audit = await db.ExecuteAsync(Cmd("DELETE FROM audit WHERE at < @Cutoff", cutoff, ct, tx));

        // A cycle still running (no finish) is kept whatever its age: it is somebody's current work.
        var cycles = await db.ExecuteAsync(Cmd("DELETE FROM cycle WHERE finished_at IS NOT NULL AND started_at < @Cutoff", cutoff, ct, tx));
        var history = await db.ExecuteAsync(Cmd("DELETE FROM lead_history WHERE at < @Cutoff", cutoff, ct, tx));
        await CommitAsync(tx, ct);
        return new PruneResult(audit, cycles, history);
    }

    private async Task InsertHistoryAsync(DbConnection db, DbTransaction tx, IReadOnlyList<HistoryEntry> entries, CancellationToken ct)
    {
        // Input order is id order: events of one instant read back in the order they happened.
        foreach (var (sql, parameters) in MultiRow(
            HistoryInsert,
            entries,
            e =>
            [
                e.Connection, e.LeadKey, Dialect.Time(e.At), e.Kind, e.System?.ToString(), e.From, e.To, e.By, e.Crossing, e.Rep, e.Team, e.Rule,
                Dialect.Time(e.CrossedAt), Dialect.Time(e.FirstSeenAt), Dialect.Time(e.OwnerWrittenAt), e.Source, e.CycleId, e.Amount,
            ],
            string.Empty))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }
    }
}

internal sealed class HistoryRow
{
    public const string Columns =
        "id AS Id, connection AS Connection, lead_key AS LeadKey, at AS At, kind AS Kind, system AS System, from_value AS FromValue, " +
        "to_value AS ToValue, actor AS Actor, crossing AS Crossing, rep AS Rep, team AS Team, rule AS Rule, crossed_at AS CrossedAt, " +
        "first_seen_at AS FirstSeenAt, owner_written_at AS OwnerWrittenAt, source AS Source, cycle_id AS CycleId, amount AS Amount";

    public long Id { get; set; }

    public string Connection { get; set; } = string.Empty;

    public string LeadKey { get; set; } = string.Empty;

    public object? At { get; set; }

    public string Kind { get; set; } = string.Empty;

    public string? System { get; set; }

    public string? FromValue { get; set; }

    public string? ToValue { get; set; }

    public string Actor { get; set; } = string.Empty;

    public long? Crossing { get; set; }

    public string? Rep { get; set; }

    public string? Team { get; set; }

    public string? Rule { get; set; }

    public object? CrossedAt { get; set; }

    public object? FirstSeenAt { get; set; }

    public object? OwnerWrittenAt { get; set; }

    public string? Source { get; set; }

    public string CycleId { get; set; } = string.Empty;

    /// <summary>SQLite hands a NUMERIC back as an integer or a real, PostgreSQL as numeric.</summary>
    public object? Amount { get; set; }

    public HistoryEntry ToEntry() => new(
        Connection, LeadKey, SqlDialect.ReadRequiredTime(At), Kind,
        global::System.Enum.TryParse<SystemRole>(System, out var role) ? role : null,
        FromValue, ToValue, Actor, Crossing is { } c ? checked((int)c) : null, Rep, Team, Rule,
        SqlDialect.ReadTime(CrossedAt), SqlDialect.ReadTime(FirstSeenAt), SqlDialect.ReadTime(OwnerWrittenAt), Source, CycleId,
        Amount is null or DBNull ? null : Convert.ToDecimal(Amount, global::System.Globalization.CultureInfo.InvariantCulture))
    {
        Id = Id,
    };
}
