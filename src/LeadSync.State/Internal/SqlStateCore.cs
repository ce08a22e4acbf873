using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using LeadSync.Sync.Ports;

namespace LeadSync.State.Internal;

/// <summary>
/// The statements both stores run unchanged (SQLite 3.35+ and PostgreSQL share upsert and RETURNING syntax).
/// Each operation opens its own (pooled) connection, so one store serves concurrent callers.
/// </summary>
internal sealed class SqlStateCore(Func<CancellationToken, Task<DbConnection>> open, SqlDialect dialect)
{
    // Keeps expanded IN lists well under SQLite's bound-parameter limit.
    private const int IdChunk = 500;

    public Func<CancellationToken, Task<DbConnection>> Open { get; } = open;

    public SqlDialect Dialect { get; } = dialect;

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

    public async Task<ChangeCursor?> GetWatermarkAsync(string connection, SystemKind system, CancellationToken ct)
    {
        await using var db = await Open(ct);
        var row = await db.QuerySingleOrDefaultAsync<WatermarkRow>(Cmd(
            "SELECT modified_at AS ModifiedAt, last_id AS LastId FROM watermark WHERE connection = @Connection AND system = @System",
            new { Connection = connection, System = system.ToString() },
            ct));
        return row?.ToCursor();
    }

    public async Task SetWatermarkAsync(string connection, SystemKind system, ChangeCursor cursor, CancellationToken ct)
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
        string connection, IReadOnlyCollection<string> hubSpotIds, IReadOnlyCollection<string> salesforceIds, CancellationToken ct)
    {
        var found = new Dictionary<string, LeadRecord>(StringComparer.Ordinal);
        await using var db = await Open(ct);
        foreach (var (column, ids) in new[] { ("hubspot_id", hubSpotIds), ("salesforce_id", salesforceIds) })
        {
            foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(IdChunk))
            {
                var rows = await db.QueryAsync<LeadRow>(Cmd(
                    $"SELECT {LeadRow.Columns} FROM lead_record WHERE connection = @Connection AND {Dialect.AnyOf(column, "Ids")}",
                    new { Connection = connection, Ids = chunk },
                    ct));
                foreach (var row in rows)
                {
                    found.TryAdd(row.LeadKey, row.ToRecord());
                }
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

        var foreign = leads.FirstOrDefault(l => !string.Equals(l.Connection, connection, StringComparison.Ordinal));
        if (foreign is not null)
        {
            throw new ArgumentException($"Lead '{foreign.LeadKey}' belongs to another connection than '{connection}'.", nameof(leads));
        }

        var parameters = leads.Select(l => new
        {
            Connection = connection,
            l.LeadKey,
            l.HubSpotId,
            l.SalesforceId,
            LastSeenHubSpot = Json.WriteMap(l.LastSeenHubSpot),
            LastSeenSalesforce = Json.WriteMap(l.LastSeenSalesforce),
            l.Score,
            l.Grade,
            l.InSales,
            l.Crossings,
            FirstSeenAboveThresholdAt = Dialect.Time(l.FirstSeenAboveThresholdAt),
            UpdatedAt = Dialect.Time(l.UpdatedAt),
        }).ToList();

        await using var db = await Open(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO lead_record (connection, lead_key, hubspot_id, salesforce_id, last_seen_hubspot, last_seen_salesforce,
                                     score, grade, in_sales, crossings, first_seen_above_threshold_at, updated_at)
            VALUES (@Connection, @LeadKey, @HubSpotId, @SalesforceId, @LastSeenHubSpot, @LastSeenSalesforce,
                    @Score, @Grade, @InSales, @Crossings, @FirstSeenAboveThresholdAt, @UpdatedAt)
            ON CONFLICT (connection, lead_key) DO UPDATE SET
                hubspot_id = excluded.hubspot_id, salesforce_id = excluded.salesforce_id,
                last_seen_hubspot = excluded.last_seen_hubspot, last_seen_salesforce = excluded.last_seen_salesforce,
                score = excluded.score, grade = excluded.grade, in_sales = excluded.in_sales, crossings = excluded.crossings,
                first_seen_above_threshold_at = excluded.first_seen_above_threshold_at, updated_at = excluded.updated_at
            """,
            parameters,
            tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    public async IAsyncEnumerable<LeadRecord> StreamLeadsAsync(string connection, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await Open(ct);
        var rows = db.QueryUnbufferedAsync<LeadRow>(
            $"SELECT {LeadRow.Columns} FROM lead_record WHERE connection = @Connection ORDER BY lead_key",
            new { Connection = connection });
        await foreach (var row in rows.WithCancellation(ct))
        {
            yield return row.ToRecord();
        }
    }

    // ---- Assignment ledger ----

    public async Task<AssignmentEntry> BeginAssignmentAsync(AssignmentEntry entry, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // Insert-if-absent then read back: a second worker beginning the same crossing gets the first one's entry.
        await db.ExecuteAsync(Cmd(
            """
            INSERT INTO assignment (connection, lead_key, crossing, salesforce_lead_id, owner_id, hubspot_owner_id, team, reason,
                                    steps_done, task_id, first_seen_at, started_at, owner_written_at, completed_at, escalations,
                                    sla_due_at, closed, task_subject, task_priority, task_description)
            VALUES (@Connection, @LeadKey, @Crossing, @SalesforceLeadId, @OwnerId, @HubSpotOwnerId, @Team, @Reason,
                    @StepsDone, @TaskId, @FirstSeenAt, @StartedAt, @OwnerWrittenAt, @CompletedAt, @Escalations,
                    @SlaDueAt, @Closed, @TaskSubject, @TaskPriority, @TaskDescription)
            ON CONFLICT (connection, lead_key, crossing) DO NOTHING
            """,
            AssignmentParameters(entry),
            ct));
        var row = await db.QuerySingleAsync<AssignmentRow>(Cmd(
            $"SELECT {AssignmentRow.Columns} FROM assignment WHERE connection = @Connection AND lead_key = @LeadKey AND crossing = @Crossing",
            new { entry.Connection, entry.LeadKey, entry.Crossing },
            ct));
        return row.ToEntry();
    }

    public async Task UpdateAssignmentAsync(AssignmentEntry entry, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // The key and when the crossing was first seen / started stay as begun; everything else may move on (reassignment included).
        var changed = await db.ExecuteAsync(Cmd(
            """
            UPDATE assignment SET
                salesforce_lead_id = @SalesforceLeadId, owner_id = @OwnerId, hubspot_owner_id = @HubSpotOwnerId, team = @Team,
                reason = @Reason, steps_done = @StepsDone, task_id = @TaskId, owner_written_at = @OwnerWrittenAt,
                completed_at = @CompletedAt, escalations = @Escalations, sla_due_at = @SlaDueAt, closed = @Closed,
                task_subject = COALESCE(@TaskSubject, task_subject), task_priority = COALESCE(@TaskPriority, task_priority),
                task_description = COALESCE(@TaskDescription, task_description)
            WHERE connection = @Connection AND lead_key = @LeadKey AND crossing = @Crossing
            """,
            AssignmentParameters(entry),
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

    public async Task<IReadOnlyDictionary<string, int>> CountOpenLeadsByOwnerAsync(string connection, CancellationToken ct)
    {
        await using var db = await Open(ct);

        // Only a lead's latest crossing counts: an earlier, superseded handoff no longer loads that owner.
        var rows = await db.QueryAsync<(string OwnerId, long Count)>(Cmd(
            """
            SELECT a.owner_id, COUNT(*) FROM assignment a
            WHERE a.connection = @Connection AND a.closed = FALSE
              AND a.crossing = (SELECT MAX(b.crossing) FROM assignment b WHERE b.connection = a.connection AND b.lead_key = a.lead_key)
            GROUP BY a.owner_id
            """,
            new { Connection = connection },
            ct));
        return rows.ToDictionary(r => r.OwnerId, r => checked((int)r.Count), StringComparer.Ordinal);
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

    // ---- Audit ----

    public async Task AppendAuditAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var parameters = entries.Select(e => new
        {
            e.Connection,
            e.CycleId,
            e.LeadKey,
            At = Dialect.Time(e.At),
            e.Action,
            e.Details,
        }).ToList();
        await using var db = await Open(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit (connection, cycle_id, lead_key, at, action, details) VALUES (@Connection, @CycleId, @LeadKey, @At, @Action, @Details)",
            parameters,
            tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
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

        // A fresh failure supersedes an admin's pending retry request: the retry has effectively happened.
        await db.ExecuteAsync(Cmd(
            """
            INSERT INTO quarantine (connection, system, record_id, reason, first_seen_at, last_seen_at, attempts, retry_requested)
            VALUES (@Connection, @System, @RecordId, @Reason, @FirstSeenAt, @LastSeenAt, 1, FALSE)
            ON CONFLICT (connection, system, record_id) DO UPDATE SET
                reason = excluded.reason, last_seen_at = excluded.last_seen_at,
                attempts = quarantine.attempts + 1, retry_requested = FALSE
            """,
            new
            {
                item.Connection,
                System = item.System.ToString(),
                item.RecordId,
                item.Reason,
                FirstSeenAt = Dialect.Time(item.FirstSeenAt),
                LastSeenAt = Dialect.Time(item.LastSeenAt),
            },
            ct));
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

    public async Task ResolveQuarantineAsync(string connection, SystemKind system, string recordId, CancellationToken ct)
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

    private object AssignmentParameters(AssignmentEntry e) => new
    {
        e.Connection,
        e.LeadKey,
        e.Crossing,
        e.SalesforceLeadId,
        e.OwnerId,
        e.HubSpotOwnerId,
        e.Team,
        e.Reason,
        StepsDone = (int)e.StepsDone,
        e.TaskId,
        FirstSeenAt = Dialect.Time(e.FirstSeenAt),
        StartedAt = Dialect.Time(e.StartedAt),
        OwnerWrittenAt = Dialect.Time(e.OwnerWrittenAt),
        CompletedAt = Dialect.Time(e.CompletedAt),
        e.Escalations,
        SlaDueAt = Dialect.Time(e.SlaDueAt),
        e.Closed,
        TaskSubject = e.Note?.Subject,
        TaskPriority = e.Note?.Priority,
        TaskDescription = e.Note?.Description,
    };

    private static CommandDefinition Cmd(string sql, object? parameters, CancellationToken ct) =>
        new(sql, parameters, cancellationToken: ct);
}
