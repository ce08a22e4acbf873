using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.State.Internal;

/// <summary>
/// The statements both stores run unchanged (SQLite 3.35+ and PostgreSQL share upsert and RETURNING syntax).
/// Each operation opens its own (pooled) connection, so one store serves concurrent callers. Writes of many rows are
/// multi-row statements (one INSERT ... VALUES (...), (...) per chunk), so a batch costs a handful of round trips.
/// </summary>
internal sealed partial class SqlStateCore(Func<CancellationToken, Task<DbConnection>> open, SqlDialect dialect)
{
    // Keeps expanded IN lists well under SQLite's bound-parameter limit.
    private const int IdChunk = 500;

    // Bound parameters per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535.
    private const int MaxParameters = 10_000;

    private const string LeadInsert =
        """
        INSERT INTO lead_record (connection, lead_key, marketing_id, crm_id, last_seen_marketing, last_seen_crm,
                                 score, grade, in_sales, crossings, first_seen_above_threshold_at, updated_at,
                                 disqualified_at, disqualified_score, disqualified_status)
        """;

    private const string LeadUpsert =
        """
        ON CONFLICT (connection, lead_key) DO UPDATE SET
            marketing_id = excluded.marketing_id, crm_id = excluded.crm_id,
            last_seen_marketing = excluded.last_seen_marketing, last_seen_crm = excluded.last_seen_crm,
            score = excluded.score, grade = excluded.grade, in_sales = excluded.in_sales, crossings = excluded.crossings,
            first_seen_above_threshold_at = excluded.first_seen_above_threshold_at, updated_at = excluded.updated_at,
            disqualified_at = excluded.disqualified_at, disqualified_score = excluded.disqualified_score,
            disqualified_status = excluded.disqualified_status
        """;

    private const string AssignmentInsert =
        """
        INSERT INTO assignment (connection, lead_key, crossing, crm_lead_id, owner_id, marketing_owner_id, team, reason,
                                steps_done, task_id, first_seen_at, started_at, owner_written_at, completed_at, escalations,
                                sla_due_at, closed, task_subject, task_priority, task_description, task_owner_id,
                                refused_reason, refused_at, refused_marketing_modified_at, refused_crm_modified_at)
        """;

    // The key and when the crossing was first seen / started stay as begun; everything else may move on (reassignment
    // included). An entry carrying no note keeps the stored one.
    private const string AssignmentUpsert =
        """
        ON CONFLICT (connection, lead_key, crossing) DO UPDATE SET
            crm_lead_id = excluded.crm_lead_id, owner_id = excluded.owner_id, marketing_owner_id = excluded.marketing_owner_id,
            team = excluded.team, reason = excluded.reason, steps_done = excluded.steps_done, task_id = excluded.task_id,
            owner_written_at = excluded.owner_written_at, completed_at = excluded.completed_at, escalations = excluded.escalations,
            sla_due_at = excluded.sla_due_at, closed = excluded.closed,
            refused_reason = excluded.refused_reason, refused_at = excluded.refused_at,
            refused_marketing_modified_at = excluded.refused_marketing_modified_at, refused_crm_modified_at = excluded.refused_crm_modified_at,
            task_subject = COALESCE(excluded.task_subject, assignment.task_subject),
            task_priority = COALESCE(excluded.task_priority, assignment.task_priority),
            task_description = COALESCE(excluded.task_description, assignment.task_description),
            task_owner_id = CASE WHEN excluded.task_subject IS NULL THEN assignment.task_owner_id ELSE excluded.task_owner_id END
        """;

    private const string AuditInsert = "INSERT INTO audit (connection, cycle_id, lead_key, at, action, details)";

    private const string QuarantineInsert =
        "INSERT INTO quarantine (connection, system, record_id, reason, first_seen_at, last_seen_at, attempts, retry_requested)";

    // A fresh failure supersedes an admin's pending retry request: the retry has effectively happened.
    private const string QuarantineUpsert =
        """
        ON CONFLICT (connection, system, record_id) DO UPDATE SET
            reason = excluded.reason, last_seen_at = excluded.last_seen_at,
            attempts = quarantine.attempts + 1, retry_requested = FALSE
        """;

    private const string RoutingInsert = "INSERT INTO routing_ticket (connection, team, next_ticket)";

    private const string RoutingAdvance =
        "ON CONFLICT (connection, team) DO UPDATE SET next_ticket = routing_ticket.next_ticket + excluded.next_ticket";

    private long _roundTrips;
    private long _connectionsOpened;

    public SqlDialect Dialect { get; } = dialect;

    /// <summary>SQL commands sent (a multi-row statement counts once) plus commits; BEGIN rides on the first command.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Connections taken from the pool by data operations.</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await Open(ct);
            return await db.ExecuteScalarAsync<int>(Cmd("SELECT 1", null, ct)) == 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // Readiness reports "not ready" rather than crashing the probe.
            return false;
        }
    }

    // ---- Watermarks ----

    public async Task<ChangeCursor?> GetWatermarkAsync(string connection, SystemRole system, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var row = await db.QuerySingleOrDefaultAsync<WatermarkRow>(Cmd(
            "SELECT modified_at AS ModifiedAt, last_id AS LastId FROM watermark WHERE connection = @Connection AND system = @System",
            new { Connection = connection, System = system.ToString() },
            ct));
        return row?.ToCursor();
    }

    public async Task SetWatermarkAsync(string connection, SystemRole system, ChangeCursor cursor, CancellationToken ct)
    {
        await using var db = await Open(ct);
        await db.ExecuteAsync(Cmd(
            """
            INSERT INTO watermark (connection, system, modified_at, last_id) VALUES (@Connection, @System, @ModifiedAt, @LastId)
            ON CONFLICT (connection, system) DO UPDATE SET modified_at = excluded.modified_at, last_id = excluded.last_id
            """,
            new { Connection = connection, System = system.ToString(), ModifiedAt = Dialect.Time(cursor.ModifiedAt), cursor.LastId },
            ct));
    }

    // ---- Leads ----

    public async Task<IReadOnlyList<LeadRecord>> FindLeadsAsync(
        string connection, IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> crmIds, CancellationToken ct)
    {
        var marketing = marketingIds.Distinct(StringComparer.Ordinal).Chunk(IdChunk).ToList();
        var crm = crmIds.Distinct(StringComparer.Ordinal).Chunk(IdChunk).ToList();
        if (marketing.Count == 0 && crm.Count == 0)
        {
            return [];
        }

        // Both id lists in one statement (one round trip for up to IdChunk ids per side).
        var found = new Dictionary<string, LeadRecord>(StringComparer.Ordinal);
        await using var db = await Open(ct);
        for (var i = 0; i < Math.Max(marketing.Count, crm.Count); i++)
        {
            var rows = await db.QueryAsync<LeadRow>(Cmd(
                $"""
                SELECT {LeadRow.Columns} FROM lead_record
                WHERE connection = @Connection AND ({Dialect.AnyOf("marketing_id", "MarketingIds")} OR {Dialect.AnyOf("crm_id", "CrmIds")})
                """,
                new { Connection = connection, MarketingIds = i < marketing.Count ? marketing[i] : Array.Empty<string>(), CrmIds = i < crm.Count ? crm[i] : Array.Empty<string>() },
                ct));
            foreach (var row in rows)
            {
                found.TryAdd(row.LeadKey, row.ToRecord());
            }
        }

        return [.. found.Values.OrderBy(l => l.LeadKey, StringComparer.Ordinal)];
    }

    public async Task<LeadRecord?> GetLeadAsync(string connection, string leadKey, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var row = await db.QuerySingleOrDefaultAsync<LeadRow>(Cmd(
            $"SELECT {LeadRow.Columns} FROM lead_record WHERE connection = @Connection AND lead_key = @LeadKey",
            new { Connection = connection, LeadKey = leadKey },
            ct));
        return row?.ToRecord();
    }

    public async Task SaveLeadsAsync(string connection, IReadOnlyCollection<LeadRecord> leads, CancellationToken ct)
    {
        if (leads.Count == 0)
        {
            return;
        }

        RequireConnection(connection, leads, l => l.Connection, l => $"Lead '{l.LeadKey}'", nameof(leads));
        await using var db = await Open(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await UpsertLeadsAsync(db, tx, leads, ct);
        await CommitAsync(tx, ct);
    }

    public async IAsyncEnumerable<LeadRecord> StreamLeadsAsync(string connection, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await Open(ct);
        Interlocked.Increment(ref _roundTrips);
        var rows = db.QueryUnbufferedAsync<LeadRow>(
            $"SELECT {LeadRow.Columns} FROM lead_record WHERE connection = @Connection ORDER BY lead_key",
            new { Connection = connection });
        await foreach (var row in rows.WithCancellation(ct))
        {
            yield return row.ToRecord();
        }
    }

    // ---- Assignment ledger ----

    public async Task<IReadOnlyList<AssignmentEntry>> BeginAssignmentsAsync(
        IReadOnlyList<AssignmentEntry> entries, IReadOnlyDictionary<string, long> routingAdvances, CancellationToken ct)
    {
        var negative = routingAdvances.FirstOrDefault(a => a.Value < 0);
        if (negative.Key is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(routingAdvances), negative.Value, $"Team '{negative.Key}' cannot move its round-robin position backwards.");
        }

        if (entries.Count == 0)
        {
            if (routingAdvances.Any(a => a.Value > 0))
            {
                throw new ArgumentException("Round-robin positions move only with the handoffs that used them.", nameof(routingAdvances));
            }

            return [];
        }

        var connections = entries.Select(e => e.Connection).Distinct(StringComparer.Ordinal).ToList();
        if (routingAdvances.Any(a => a.Value > 0) && connections.Count != 1)
        {
            throw new ArgumentException("Round-robin positions belong to one connection: begin one connection's handoffs at a time.", nameof(routingAdvances));
        }

        // Insert-if-absent then read back in the same transaction: a second worker beginning the same crossing gets the
        // first one's entry. Rows go in key order so two workers beginning overlapping sets cannot deadlock.
        var absent = entries
            .DistinctBy(AssignmentKey)
            .OrderBy(e => e.Connection, StringComparer.Ordinal).ThenBy(e => e.LeadKey, StringComparer.Ordinal).ThenBy(e => e.Crossing)
            .ToList();
        await using var db = await Open(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        foreach (var (sql, parameters) in MultiRow(AssignmentInsert, absent, AssignmentValues, "ON CONFLICT (connection, lead_key, crossing) DO NOTHING"))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }

        var advances = routingAdvances
            .Where(a => a.Value > 0)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => (Team: a.Key, Count: a.Value))
            .ToList();
        foreach (var (sql, parameters) in MultiRow(RoutingInsert, advances, a => [connections[0], a.Team, a.Count], RoutingAdvance))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }

        var stored = new Dictionary<(string, string, int), AssignmentEntry>();
        foreach (var group in absent.GroupBy(e => e.Connection, StringComparer.Ordinal))
        {
            foreach (var row in await QueryAssignmentsAsync(db, tx, group.Key, [.. group.Select(e => e.LeadKey)], ct))
            {
                stored[(row.Connection, row.LeadKey, row.Crossing)] = row.ToEntry();
            }
        }

        await CommitAsync(tx, ct);
        return [.. entries.Select(e => stored[AssignmentKey(e)])];
    }

    public async Task UpdateAssignmentAsync(AssignmentEntry entry, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // The key and when the crossing was first seen / started stay as begun; everything else may move on (reassignment included).
        var changed = await db.ExecuteAsync(Cmd(
            """
            UPDATE assignment SET
                crm_lead_id = @CrmLeadId, owner_id = @OwnerId, marketing_owner_id = @MarketingOwnerId, team = @Team,
                reason = @Reason, steps_done = @StepsDone, task_id = @TaskId, owner_written_at = @OwnerWrittenAt,
                completed_at = @CompletedAt, escalations = @Escalations, sla_due_at = @SlaDueAt, closed = @Closed,
                refused_reason = @RefusedReason, refused_at = @RefusedAt,
                refused_marketing_modified_at = @RefusedMarketingModifiedAt, refused_crm_modified_at = @RefusedCrmModifiedAt,
                task_subject = COALESCE(@TaskSubject, task_subject), task_priority = COALESCE(@TaskPriority, task_priority),
                task_description = COALESCE(@TaskDescription, task_description),
                task_owner_id = CASE WHEN @TaskSubject IS NULL THEN task_owner_id ELSE @TaskOwnerId END
            WHERE connection = @Connection AND lead_key = @LeadKey AND crossing = @Crossing
            """,
            new
            {
                entry.Connection,
                entry.LeadKey,
                entry.Crossing,
                entry.CrmLeadId,
                entry.OwnerId,
                entry.MarketingOwnerId,
                entry.Team,
                entry.Reason,
                StepsDone = (int)entry.StepsDone,
                entry.TaskId,
                OwnerWrittenAt = Dialect.Time(entry.OwnerWrittenAt),
                CompletedAt = Dialect.Time(entry.CompletedAt),
                entry.Escalations,
                SlaDueAt = Dialect.Time(entry.SlaDueAt),
                entry.Closed,
                RefusedReason = entry.Refused?.Reason,
                RefusedAt = Dialect.Time(entry.Refused?.At),
                RefusedMarketingModifiedAt = Dialect.Time(entry.Refused?.MarketingModifiedAt),
                RefusedCrmModifiedAt = Dialect.Time(entry.Refused?.CrmModifiedAt),
                TaskSubject = entry.Note?.Subject,
                TaskPriority = entry.Note?.Priority,
                TaskDescription = entry.Note?.Description,
                TaskOwnerId = entry.Note?.TaskOwnerId,
            },
            ct));
        if (changed == 0)
        {
            throw new InvalidOperationException(
                $"No assignment entry for lead '{entry.LeadKey}' crossing {entry.Crossing} in connection '{entry.Connection}': begin it first.");
        }
    }

    public async Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, string leadKey, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var rows = await db.QueryAsync<AssignmentRow>(Cmd(
            $"SELECT {AssignmentRow.Columns} FROM assignment WHERE connection = @Connection AND lead_key = @LeadKey ORDER BY crossing",
            new { Connection = connection, LeadKey = leadKey },
            ct));
        return [.. rows.Select(r => r.ToEntry())];
    }

    public async Task<IReadOnlyList<AssignmentEntry>> GetAssignmentsAsync(string connection, IReadOnlyCollection<string> leadKeys, CancellationToken ct)
    {
        if (leadKeys.Count == 0)
        {
            return [];
        }

        await using var db = await Open(ct);
        var rows = await QueryAssignmentsAsync(db, null, connection, leadKeys, ct);
        return [.. rows
            .OrderBy(r => r.LeadKey, StringComparer.Ordinal).ThenBy(r => r.Crossing)
            .Select(r => r.ToEntry())];
    }

    public async Task<IReadOnlyList<AssignmentEntry>> GetOpenAssignmentsAsync(string connection, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // Open = not closed and either unfinished (a crash left it mid-way) or carrying an SLA still to follow up.
        var rows = await db.QueryAsync<AssignmentRow>(Cmd(
            $"""
            SELECT {AssignmentRow.Columns} FROM assignment
            WHERE connection = @Connection AND closed = FALSE AND (completed_at IS NULL OR sla_due_at IS NOT NULL)
            ORDER BY started_at, lead_key, crossing
            """,
            new { Connection = connection },
            ct));
        return [.. rows.Select(r => r.ToEntry())];
    }

    public async Task<RoutingState> GetRoutingStateAsync(string connection, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // One statement for both halves. Position = the next ticket TakeRoutingTicketAsync would hand out (absent = 0).
        // Open leads: only a lead's latest crossing counts, so an earlier, superseded handoff no longer loads that owner.
        var rows = await db.QueryAsync<RoutingRow>(Cmd(
            """
            SELECT 0 AS Kind, team AS Name, next_ticket AS Value FROM routing_ticket WHERE connection = @Connection
            UNION ALL
            SELECT 1 AS Kind, a.owner_id AS Name, COUNT(*) AS Value FROM assignment a
            WHERE a.connection = @Connection AND a.closed = FALSE
              AND a.crossing = (SELECT MAX(b.crossing) FROM assignment b WHERE b.connection = a.connection AND b.lead_key = a.lead_key)
            GROUP BY a.owner_id
            """,
            new { Connection = connection },
            ct));
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Kind == 0)
            {
                positions[row.Name] = row.Value;
            }
            else
            {
                open[row.Name] = checked((int)row.Value);
            }
        }

        return new RoutingState(positions, open);
    }

    public async Task<long> TakeRoutingTicketAsync(string connection, string team, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // One upsert statement is atomic on both engines: concurrent takers serialise on the row and each get their own value.
        return await db.ExecuteScalarAsync<long>(Cmd(
            """
            INSERT INTO routing_ticket (connection, team, next_ticket) VALUES (@Connection, @Team, 1)
            ON CONFLICT (connection, team) DO UPDATE SET next_ticket = routing_ticket.next_ticket + 1
            RETURNING next_ticket - 1
            """,
            new { Connection = connection, Team = team },
            ct));
    }

    // ---- One batch, settled at once ----

    public async Task SettleAsync(BatchSettlement settlement, CancellationToken ct)
    {
        var s = settlement;
        // Everything is checked before the transaction starts; a failure inside it rolls the whole batch back.
        var connection = s.Connection;
        RequireConnection(connection, s.Leads, l => l.Connection, l => $"Lead '{l.LeadKey}'", nameof(settlement));
        RequireConnection(connection, s.Assignments, a => a.Connection, a => $"Assignment '{a.Key}'", nameof(settlement));
        RequireConnection(connection, s.Audit, a => a.Connection, a => $"Audit entry of '{a.LeadKey}'", nameof(settlement));
        RequireConnection(connection, s.Quarantine, q => q.Connection, q => $"Quarantine item '{q.RecordId}'", nameof(settlement));
        RequireConnection(connection, s.History, h => h.Connection, h => $"History event of '{h.LeadKey}'", nameof(settlement));
        var negative = s.RoutingAdvances.FirstOrDefault(a => a.Value < 0);
        if (negative.Key is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(settlement), negative.Value, $"Team '{negative.Key}' cannot move its round-robin position backwards.");
        }

        if (s.IsEmpty)
        {
            return;
        }

        // One row per key (PostgreSQL refuses to upsert a row twice in one statement); the last one wins, as if the
        // items had been saved one after another. Key order keeps concurrent writers from deadlocking.
        var assignments = s.Assignments
            .GroupBy(AssignmentKey).Select(g => g.Last())
            .OrderBy(e => e.LeadKey, StringComparer.Ordinal).ThenBy(e => e.Crossing)
            .ToList();
        var quarantine = s.Quarantine
            .GroupBy(q => (q.System, q.RecordId)).Select(g => g.Last())
            .OrderBy(q => q.System).ThenBy(q => q.RecordId, StringComparer.Ordinal)
            .ToList();

        // A record both quarantined and resolved in one batch failed last: it stays quarantined (attempts counted on).
        var quarantined = quarantine.Select(q => (q.System, q.RecordId)).ToHashSet();
        var resolved = s.Resolved.Where(r => !quarantined.Contains((r.System, r.RecordId))).ToList();
        var advances = s.RoutingAdvances
            .Where(a => a.Value > 0)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => (Team: a.Key, Count: a.Value))
            .ToList();

        await using var db = await Open(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await UpsertLeadsAsync(db, tx, s.Leads, ct);
        foreach (var (sql, parameters) in MultiRow(AssignmentInsert, assignments, AssignmentValues, AssignmentUpsert))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }

        await InsertAuditAsync(db, tx, s.Audit, ct);
        await InsertHistoryAsync(db, tx, s.History, ct);
        foreach (var (sql, parameters) in MultiRow(QuarantineInsert, quarantine, QuarantineValues, QuarantineUpsert))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }

        await DeleteQuarantineAsync(db, tx, connection, resolved, ct);
        foreach (var (sql, parameters) in MultiRow(RoutingInsert, advances, a => [connection, a.Team, a.Count], RoutingAdvance))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }

        await CommitAsync(tx, ct);
    }

    // ---- Audit ----

    public async Task AppendAuditAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var db = await Open(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await InsertAuditAsync(db, tx, entries, ct);
        await CommitAsync(tx, ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string connection, string leadKey, int limit, CancellationToken ct)
    {
        if (limit <= 0)
        {
            return [];
        }

        await using var db = await Open(ct);
        var rows = await db.QueryAsync<AuditRow>(Cmd(
            $"SELECT {AuditRow.Columns} FROM audit WHERE connection = @Connection AND lead_key = @LeadKey ORDER BY at DESC, id DESC LIMIT @Limit",
            new { Connection = connection, LeadKey = leadKey, Limit = limit },
            ct));
        return [.. rows.Select(r => r.ToEntry())];
    }

    // ---- Quarantine ----

    public async Task QuarantineAsync(QuarantineItem item, CancellationToken ct)
    {
        await using var db = await Open(ct);
        foreach (var (sql, parameters) in MultiRow(QuarantineInsert, [item], QuarantineValues, QuarantineUpsert))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct));
        }
    }

    public async Task<IReadOnlyList<QuarantineItem>> ListQuarantineAsync(string connection, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var rows = await db.QueryAsync<QuarantineRow>(Cmd(
            $"SELECT {QuarantineRow.Columns} FROM quarantine WHERE connection = @Connection ORDER BY id",
            new { Connection = connection },
            ct));
        return [.. rows.Select(r => r.ToItem())];
    }

    public async Task<bool> RequestRetryAsync(string connection, long quarantineId, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var changed = await db.ExecuteAsync(Cmd(
            "UPDATE quarantine SET retry_requested = TRUE WHERE connection = @Connection AND id = @Id",
            new { Connection = connection, Id = quarantineId },
            ct));
        return changed > 0;
    }

    public async Task<IReadOnlyList<QuarantineItem>> GetRetryRequestsAsync(string connection, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var rows = await db.QueryAsync<QuarantineRow>(Cmd(
            $"SELECT {QuarantineRow.Columns} FROM quarantine WHERE connection = @Connection AND retry_requested = TRUE ORDER BY id",
            new { Connection = connection },
            ct));
        return [.. rows.Select(r => r.ToItem())];
    }

    public async Task ResolveQuarantineAsync(string connection, SystemRole system, string recordId, CancellationToken ct)
    {
        await using var db = await Open(ct);
        await db.ExecuteAsync(Cmd(
            "DELETE FROM quarantine WHERE connection = @Connection AND system = @System AND record_id = @RecordId",
            new { Connection = connection, System = system.ToString(), RecordId = recordId },
            ct));
    }

    // ---- Cycles ----

    public async Task RecordCycleAsync(CycleRecord cycle, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // Upsert so a cycle can be recorded when it starts and again when it finishes.
        await db.ExecuteAsync(Cmd(
            """
            INSERT INTO cycle (connection, cycle_id, kind, started_at, finished_at, succeeded, summary)
            VALUES (@Connection, @CycleId, @Kind, @StartedAt, @FinishedAt, @Succeeded, @Summary)
            ON CONFLICT (connection, cycle_id) DO UPDATE SET
                kind = excluded.kind, started_at = excluded.started_at, finished_at = excluded.finished_at,
                succeeded = excluded.succeeded, summary = excluded.summary
            """,
            new
            {
                cycle.Connection,
                cycle.CycleId,
                cycle.Kind,
                StartedAt = Dialect.Time(cycle.StartedAt),
                FinishedAt = Dialect.Time(cycle.FinishedAt),
                cycle.Succeeded,
                cycle.Summary,
            },
            ct));
    }

    public async Task<CycleRecord?> GetLastSuccessfulCycleAsync(string connection, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var row = await db.QueryFirstOrDefaultAsync<CycleRow>(Cmd(
            $"SELECT {CycleRow.Columns} FROM cycle WHERE connection = @Connection AND succeeded = TRUE ORDER BY started_at DESC, cycle_id DESC LIMIT 1",
            new { Connection = connection },
            ct));
        return row?.ToRecord();
    }

    // ---- Shared statements ----

    private async Task UpsertLeadsAsync(DbConnection db, DbTransaction tx, IReadOnlyCollection<LeadRecord> leads, CancellationToken ct)
    {
        var rows = leads
            .GroupBy(l => l.LeadKey, StringComparer.Ordinal).Select(g => g.Last())
            .OrderBy(l => l.LeadKey, StringComparer.Ordinal)
            .ToList();
        foreach (var (sql, parameters) in MultiRow(LeadInsert, rows, LeadValues, LeadUpsert))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }
    }

    private async Task InsertAuditAsync(DbConnection db, DbTransaction tx, IReadOnlyCollection<AuditEntry> entries, CancellationToken ct)
    {
        // Input order is id order, so entries with one timestamp read back newest-last-written first.
        foreach (var (sql, parameters) in MultiRow(
            AuditInsert, [.. entries], e => [e.Connection, e.CycleId, e.LeadKey, Dialect.Time(e.At), e.Action, e.Details], string.Empty))
        {
            await db.ExecuteAsync(Cmd(sql, parameters, ct, tx));
        }
    }

    private async Task DeleteQuarantineAsync(DbConnection db, DbTransaction tx, string connection, IReadOnlyList<RecordRef> resolved, CancellationToken ct)
    {
        var marketing = resolved.Where(r => r.System == SystemRole.Marketing).Select(r => r.RecordId).Distinct(StringComparer.Ordinal).Chunk(IdChunk).ToList();
        var crm = resolved.Where(r => r.System == SystemRole.Crm).Select(r => r.RecordId).Distinct(StringComparer.Ordinal).Chunk(IdChunk).ToList();
        for (var i = 0; i < Math.Max(marketing.Count, crm.Count); i++)
        {
            await db.ExecuteAsync(Cmd(
                $"""
                DELETE FROM quarantine WHERE connection = @Connection AND (
                    (system = @Marketing AND {Dialect.AnyOf("record_id", "MarketingIds")}) OR (system = @Crm AND {Dialect.AnyOf("record_id", "CrmIds")}))
                """,
                new
                {
                    Connection = connection,
                    Marketing = nameof(SystemRole.Marketing),
                    Crm = nameof(SystemRole.Crm),
                    MarketingIds = i < marketing.Count ? marketing[i] : Array.Empty<string>(),
                    CrmIds = i < crm.Count ? crm[i] : Array.Empty<string>(),
                },
                ct,
                tx));
        }
    }

    private async Task<IEnumerable<AssignmentRow>> QueryAssignmentsAsync(
        DbConnection db, DbTransaction? tx, string connection, IReadOnlyCollection<string> leadKeys, CancellationToken ct)
    {
        var rows = new List<AssignmentRow>();
        foreach (var chunk in leadKeys.Distinct(StringComparer.Ordinal).Chunk(IdChunk))
        {
            rows.AddRange(await db.QueryAsync<AssignmentRow>(Cmd(
                $"SELECT {AssignmentRow.Columns} FROM assignment WHERE connection = @Connection AND {Dialect.AnyOf("lead_key", "LeadKeys")}",
                new { Connection = connection, LeadKeys = chunk },
                ct,
                tx)));
        }

        return rows;
    }

    private object?[] LeadValues(LeadRecord l) =>
    [
        l.Connection, l.LeadKey, l.MarketingId, l.CrmId, Json.WriteMap(l.LastSeenMarketing), Json.WriteMap(l.LastSeenCrm),
        l.Score, l.Grade, l.InSales, l.Crossings, Dialect.Time(l.FirstSeenAboveThresholdAt), Dialect.Time(l.UpdatedAt),
        Dialect.Time(l.Disqualified?.At), l.Disqualified?.Score, l.Disqualified?.Status,
    ];

    private object?[] AssignmentValues(AssignmentEntry e) =>
    [
        e.Connection, e.LeadKey, e.Crossing, e.CrmLeadId, e.OwnerId, e.MarketingOwnerId, e.Team, e.Reason,
        (int)e.StepsDone, e.TaskId, Dialect.Time(e.FirstSeenAt), Dialect.Time(e.StartedAt), Dialect.Time(e.OwnerWrittenAt),
        Dialect.Time(e.CompletedAt), e.Escalations, Dialect.Time(e.SlaDueAt), e.Closed,
        e.Note?.Subject, e.Note?.Priority, e.Note?.Description, e.Note?.TaskOwnerId,
        e.Refused?.Reason, Dialect.Time(e.Refused?.At), Dialect.Time(e.Refused?.MarketingModifiedAt), Dialect.Time(e.Refused?.CrmModifiedAt),
    ];

    private object?[] QuarantineValues(QuarantineItem q) =>
    [
        q.Connection, q.System.ToString(), q.RecordId, q.Reason, Dialect.Time(q.FirstSeenAt), Dialect.Time(q.LastSeenAt), 1, false,
    ];

    private static (string, string, int) AssignmentKey(AssignmentEntry e) => (e.Connection, e.LeadKey, e.Crossing);

    private static void RequireConnection<T>(
        string connection, IEnumerable<T> items, Func<T, string> connectionOf, Func<T, string> describe, string parameterName)
    {
        foreach (var item in items)
        {
            if (!string.Equals(connectionOf(item), connection, StringComparison.Ordinal))
            {
                throw new ArgumentException($"{describe(item)} belongs to another connection than '{connection}'.", parameterName);
            }
        }
    }

    /// <summary>
    /// "INSERT ... VALUES (@p0, @p1, ...), (...) tail" for the rows, as few statements as the parameter limit allows.
    /// Every value is a bound parameter; only the generated placeholder names are spliced into the text.
    /// </summary>
    private static IEnumerable<(string Sql, DynamicParameters Parameters)> MultiRow<T>(
        string insert, IReadOnlyList<T> rows, Func<T, object?[]> values, string tail)
    {
        if (rows.Count == 0)
        {
            yield break;
        }

        var columns = values(rows[0]).Length;
        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / columns)))
        {
            var sql = new StringBuilder(insert).Append("\nVALUES ");
            var parameters = new DynamicParameters();
            var index = 0;
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                var row = values(chunk[r]);
                for (var c = 0; c < row.Length; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{index++}");
                    sql.Append(c == 0 ? "@" : ", @").Append(name);
                    parameters.Add(name, row[c]);
                }

                sql.Append(')');
            }

            yield return (sql.Append('\n').Append(tail).ToString(), parameters);
        }
    }

    private async Task<DbConnection> Open(CancellationToken ct)
    {
        var db = await open(ct);
        Interlocked.Increment(ref _connectionsOpened);
        return db;
    }

    private async Task CommitAsync(DbTransaction tx, CancellationToken ct)
    {
        Interlocked.Increment(ref _roundTrips);
        await tx.CommitAsync(ct);
    }

    private CommandDefinition Cmd(string sql, object? parameters, CancellationToken ct, DbTransaction? tx = null)
    {
        Interlocked.Increment(ref _roundTrips);
        return new(sql, parameters, tx, cancellationToken: ct);
    }

    private sealed class RoutingRow
    {
        public int Kind { get; set; }

        public string Name { get; set; } = string.Empty;

        public long Value { get; set; }
    }
}
