namespace LeadSync.Domain.Scoring;

/// <summary>
/// The unified score (0–100) with its two parts as percentages (0–100) and the fit grade.
/// Values are rounded half away from zero (70.5 → 71), so a lead exactly half a point under 71 counts as 71.
/// </summary>
public readonly record struct LeadScore(int Value, int Behaviour, int Fit, FitGrade Grade)
{
    /// <summary>The domain's rule: 71 and above goes to sales, 70 and below stays with marketing (threshold 71).</summary>
    public bool IsSalesReady(int threshold) => Value >= threshold;
}
