namespace LeadSync.Domain.Planning;

/// <summary>How the cycle itself behaves (section <c>LeadSync:Sync</c>).</summary>
public sealed class SyncOptions
{
    /// <summary>Each read starts this far before the watermark, so clock skew and late index updates never skip a record.</summary>
    public int OverlapSeconds { get; set; } = 5;

    /// <summary>CRM field that receives the unified 0–100 score (the CRM connector writes it).</summary>
    public string ScoreField { get; set; } = "Score__c";

    /// <summary>CRM field that receives the fit grade (A–D).</summary>
    public string GradeField { get; set; } = "Fit_Grade__c";

    /// <summary>When a marketing-only person is handed to sales, create their CRM lead (a rep needs a record to own).</summary>
    public bool CreateSalesforceLeadOnHandoff { get; set; } = true;

    /// <summary>Reps, owners and queues are re-read at most this often (they change rarely; reading them every cycle would cost calls).</summary>
    public int ReferenceDataCacheMinutes { get; set; } = 15;

    /// <summary>How long a cycle may hold the connection's lock before another worker may take it over.</summary>
    public int CycleLeaseMinutes { get; set; } = 30;
}
