using System.Text.Json;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;

namespace LeadSync.State.Internal;

// Dapper materialises these; time columns are object because SQLite returns text and Npgsql returns DateTime.
// Roles are stored as their names ('Marketing', 'Crm'); schema v3 renamed the vendor names of earlier versions.

internal sealed class WatermarkRow
{
    public object? ModifiedAt { get; set; }

    public string? LastId { get; set; }

    public ChangeCursor ToCursor() => new(SqlDialect.ReadRequiredTime(ModifiedAt), LastId);
}

internal sealed class LeadRow
{
    public const string Columns =
        "connection AS Connection, lead_key AS LeadKey, marketing_id AS MarketingId, crm_id AS CrmId, " +
        "last_seen_marketing AS LastSeenMarketing, last_seen_crm AS LastSeenCrm, score AS Score, grade AS Grade, " +
        "in_sales AS InSales, crossings AS Crossings, first_seen_above_threshold_at AS FirstSeenAboveThresholdAt, updated_at AS UpdatedAt, " +
        "disqualified_at AS DisqualifiedAt, disqualified_score AS DisqualifiedScore, disqualified_status AS DisqualifiedStatus";

    public string Connection { get; set; } = string.Empty;

    public string LeadKey { get; set; } = string.Empty;

    public string? MarketingId { get; set; }

    public string? CrmId { get; set; }

    public string LastSeenMarketing { get; set; } = "{}";

    public string LastSeenCrm { get; set; } = "{}";

    public int? Score { get; set; }

    public string? Grade { get; set; }

    public bool InSales { get; set; }

    public int Crossings { get; set; }

    public object? FirstSeenAboveThresholdAt { get; set; }

    public object? UpdatedAt { get; set; }

    public object? DisqualifiedAt { get; set; }

    public int? DisqualifiedScore { get; set; }

    public string? DisqualifiedStatus { get; set; }

    public LeadRecord ToRecord() => new(
        Connection,
        LeadKey,
        MarketingId,
        CrmId,
        Json.ReadMap(LastSeenMarketing),
        Json.ReadMap(LastSeenCrm),
        Score,
        Grade,
        InSales,
        Crossings,
        SqlDialect.ReadTime(FirstSeenAboveThresholdAt),
        SqlDialect.ReadRequiredTime(UpdatedAt),
        SqlDialect.ReadTime(DisqualifiedAt) is { } at && DisqualifiedScore is { } score && DisqualifiedStatus is { } status
            ? new Disqualification(at, score, status)
            : null);
}

internal sealed class AssignmentRow
{
    public const string Columns =
        "connection AS Connection, lead_key AS LeadKey, crossing AS Crossing, crm_lead_id AS CrmLeadId, " +
        "owner_id AS OwnerId, marketing_owner_id AS MarketingOwnerId, team AS Team, reason AS Reason, steps_done AS StepsDone, " +
        "task_id AS TaskId, first_seen_at AS FirstSeenAt, started_at AS StartedAt, owner_written_at AS OwnerWrittenAt, " +
        "completed_at AS CompletedAt, escalations AS Escalations, sla_due_at AS SlaDueAt, closed AS Closed, " +
        "task_subject AS TaskSubject, task_priority AS TaskPriority, task_description AS TaskDescription, task_owner_id AS TaskOwnerId, " +
        "refused_reason AS RefusedReason, refused_at AS RefusedAt, refused_marketing_modified_at AS RefusedMarketingModifiedAt, " +
        "refused_crm_modified_at AS RefusedCrmModifiedAt";

    public string? TaskSubject { get; set; }

    public string? TaskPriority { get; set; }

    public string? TaskDescription { get; set; }

    public string? TaskOwnerId { get; set; }

    public string? RefusedReason { get; set; }

    public object? RefusedAt { get; set; }

    public object? RefusedMarketingModifiedAt { get; set; }

    public object? RefusedCrmModifiedAt { get; set; }

    public string Connection { get; set; } = string.Empty;

    public string LeadKey { get; set; } = string.Empty;

    public int Crossing { get; set; }

    public string? CrmLeadId { get; set; }

    public string OwnerId { get; set; } = string.Empty;

    public string? MarketingOwnerId { get; set; }

    public string Team { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    public int StepsDone { get; set; }

    public string? TaskId { get; set; }

    public object? FirstSeenAt { get; set; }

    public object? StartedAt { get; set; }

    public object? OwnerWrittenAt { get; set; }

    public object? CompletedAt { get; set; }

    public int Escalations { get; set; }

    public object? SlaDueAt { get; set; }

    public bool Closed { get; set; }

    public AssignmentEntry ToEntry() => new(
        Connection,
        LeadKey,
        Crossing,
        CrmLeadId,
        OwnerId,
        MarketingOwnerId,
        Team,
        Reason,
        (AssignmentSteps)StepsDone,
        TaskId,
        SqlDialect.ReadRequiredTime(FirstSeenAt),
        SqlDialect.ReadRequiredTime(StartedAt),
        SqlDialect.ReadTime(OwnerWrittenAt),
        SqlDialect.ReadTime(CompletedAt),
        Escalations,
        SqlDialect.ReadTime(SlaDueAt),
        Closed,
        TaskSubject is not null && TaskPriority is not null && TaskDescription is not null
            ? new AssignmentNote(TaskSubject, TaskPriority, TaskDescription, TaskOwnerId)
            : null,
        RefusedReason is not null && SqlDialect.ReadTime(RefusedAt) is { } refusedAt
            ? new HandoffRefusal(RefusedReason, refusedAt, SqlDialect.ReadTime(RefusedMarketingModifiedAt), SqlDialect.ReadTime(RefusedCrmModifiedAt))
            : null);
}

internal sealed class AuditRow
{
    public const string Columns =
        "connection AS Connection, cycle_id AS CycleId, lead_key AS LeadKey, at AS At, action AS Action, details AS Details";

    public string Connection { get; set; } = string.Empty;

    public string CycleId { get; set; } = string.Empty;

    public string LeadKey { get; set; } = string.Empty;

    public object? At { get; set; }

    public string Action { get; set; } = string.Empty;

    public string Details { get; set; } = string.Empty;

    public AuditEntry ToEntry() => new(Connection, CycleId, LeadKey, SqlDialect.ReadRequiredTime(At), Action, Details);
}

internal sealed class QuarantineRow
{
    public const string Columns =
        "id AS Id, connection AS Connection, system AS System, record_id AS RecordId, reason AS Reason, " +
        "first_seen_at AS FirstSeenAt, last_seen_at AS LastSeenAt, attempts AS Attempts, retry_requested AS RetryRequested";

    public long Id { get; set; }

    public string Connection { get; set; } = string.Empty;

    public string System { get; set; } = string.Empty;

    public string RecordId { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    public object? FirstSeenAt { get; set; }

    public object? LastSeenAt { get; set; }

    public int Attempts { get; set; }

    public bool RetryRequested { get; set; }

    public QuarantineItem ToItem() => new(
        Id,
        Connection,
        Enum.Parse<SystemRole>(System),
        RecordId,
        Reason,
        SqlDialect.ReadRequiredTime(FirstSeenAt),
        SqlDialect.ReadRequiredTime(LastSeenAt),
        Attempts,
        RetryRequested);
}

internal sealed class CycleRow
{
    public const string Columns =
        "connection AS Connection, cycle_id AS CycleId, kind AS Kind, started_at AS StartedAt, finished_at AS FinishedAt, " +
        "succeeded AS Succeeded, summary AS Summary";

    public string Connection { get; set; } = string.Empty;

    public string CycleId { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public object? StartedAt { get; set; }

    public object? FinishedAt { get; set; }

    public bool Succeeded { get; set; }

    public string Summary { get; set; } = string.Empty;

    public CycleRecord ToRecord() => new(
        Connection, CycleId, Kind, SqlDialect.ReadRequiredTime(StartedAt), SqlDialect.ReadTime(FinishedAt), Succeeded, Summary);
}

internal static class Json
{
    public static string WriteMap(IReadOnlyDictionary<string, string?> map) => JsonSerializer.Serialize(map);

    public static IReadOnlyDictionary<string, string?> ReadMap(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? new Dictionary<string, string?>(StringComparer.Ordinal);
}
