namespace LeadSync.Connectors.Pardot;

/// <summary>
/// The connection-specific prospect fields behind LeadSync's typed values. Account Engagement has no lead-status or
/// writable lifecycle field of its own, and its <c>score</c> belongs to its own scoring rules, so each of these is an
/// admin's choice (usually a custom field); null means the value is not written to Account Engagement. The link to the
/// CRM is always <c>salesforceId</c>, which the native Salesforce connector maintains.
/// </summary>
/// <param name="StatusField">Holds the lead status LeadSync maps (e.g. a custom <c>Lead_Status__c</c>).</param>
/// <param name="ScoreField">Where the unified score is written (e.g. <c>LeadSync_Score__c</c>); not <c>score</c> unless Pardot scoring is off.</param>
/// <param name="GradeField">Where the fit grade is written; never <c>grade</c>, which is profile-driven and read-only.</param>
public sealed record PardotProspectSchema(string? StatusField = null, string? ScoreField = null, string? GradeField = null)
{
    public static PardotProspectSchema Default { get; } = new();

    /// <summary>Throws when a field is blank, not writable, or holds two typed values.</summary>
    internal void EnsureValid()
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, role) in new[] { (StatusField, nameof(StatusField)), (ScoreField, nameof(ScoreField)), (GradeField, nameof(GradeField)) })
        {
            if (name is null)
            {
                continue;
            }

            if (!PardotOptionsValidator.IsFieldName(name))
            {
                throw new ArgumentException($"'{name}' is not an Account Engagement field name.", role);
            }

            if (PardotFields.Standard.TryGetValue(name, out var field) && !field.Writable)
            {
                throw new ArgumentException($"Account Engagement field '{name}' cannot be written through the API; {role} needs a writable field.", role);
            }

            if (!taken.Add(name))
            {
                throw new ArgumentException($"Account Engagement field '{name}' would hold two of LeadSync's values; {role} needs a field of its own.", role);
            }
        }
    }
}
