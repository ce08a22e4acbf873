namespace LeadSync.Connectors.Pardot;

/// <summary>The standard v5 prospect fields, their JSON type and whether the API accepts them in a write (facts §3).</summary>
internal static class PardotFields
{
    public const string Id = "id";
    public const string Email = "email";
    public const string FirstName = "firstName";
    public const string LastName = "lastName";
    public const string Company = "company";
    public const string Source = "source";
    public const string SalesforceId = "salesforceId";
    public const string UpdatedAt = "updatedAt";
    public const string IsDeleted = "isDeleted";
    public const string Score = "score";
    public const string Grade = "grade";

    public sealed record Field(string Type, bool Writable);

    private static readonly Field Text = new("string", true);
    private static readonly Field ReadOnlyText = new("string", false);
    private static readonly Field Integer = new("integer", true);
    private static readonly Field ReadOnlyInteger = new("integer", false);
    private static readonly Field Boolean = new("boolean", true);
    private static readonly Field ReadOnlyBoolean = new("boolean", false);
    private static readonly Field ReadOnlyDate = new("datetime", false);

    /// <summary>
    /// Writability as the sheet gives it: score is writable, grade is profile-driven, the salesforce* fields belong to
    /// the native connector, assignedToId/userId are treated as read-only (unverified), optedOut is not writable (v3/v4).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Field> Standard = new Dictionary<string, Field>(StringComparer.Ordinal)
    {
        [Id] = ReadOnlyInteger,
        [Email] = Text,
        ["salutation"] = Text,
        [FirstName] = Text,
        [LastName] = Text,
        [Company] = Text,
        ["jobTitle"] = Text,
        ["department"] = Text,
        ["industry"] = Text,
        ["employees"] = Text,
        ["annualRevenue"] = Text,
        ["yearsInBusiness"] = Text,
        ["website"] = Text,
        ["phone"] = Text,
        ["fax"] = Text,
        ["addressOne"] = Text,
        ["addressTwo"] = Text,
        ["city"] = Text,
        ["state"] = Text,
        ["zip"] = Text,
        ["country"] = Text,
        ["territory"] = Text,
        [Source] = Text,
        ["comments"] = Text,
        ["notes"] = Text,
        [Score] = Integer,
        [Grade] = ReadOnlyText,
        ["campaignId"] = Integer,
        ["salesforceCampaignId"] = ReadOnlyText,
        ["prospectAccountId"] = ReadOnlyInteger,
        ["profileId"] = ReadOnlyInteger,
        ["lifecycleStageId"] = ReadOnlyInteger,
        ["assignedToId"] = ReadOnlyInteger,
        ["userId"] = ReadOnlyInteger,
        [SalesforceId] = ReadOnlyText,
        ["salesforceLeadId"] = ReadOnlyText,
        ["salesforceContactId"] = ReadOnlyText,
        ["salesforceAccountId"] = ReadOnlyText,
        ["salesforceOwnerId"] = ReadOnlyText,
        ["salesforceUrl"] = ReadOnlyText,
        ["salesforceLastSync"] = ReadOnlyDate,
        ["isDoNotEmail"] = Boolean,
        ["isDoNotCall"] = Boolean,
        ["optedOut"] = ReadOnlyBoolean,
        ["isEmailHardBounced"] = ReadOnlyBoolean,
        ["emailBouncedAt"] = ReadOnlyDate,
        ["isReviewed"] = Boolean,
        ["isStarred"] = Boolean,
        [IsDeleted] = ReadOnlyBoolean,
        ["lastActivityAt"] = ReadOnlyDate,
        ["firstActivityAt"] = ReadOnlyDate,
        ["firstAssignedAt"] = ReadOnlyDate,
        ["recentInteraction"] = ReadOnlyText,
        ["convertedAt"] = ReadOnlyDate,
        ["createdAt"] = ReadOnlyDate,
        ["createdById"] = ReadOnlyInteger,
        [UpdatedAt] = ReadOnlyDate,
        ["updatedById"] = ReadOnlyInteger,
    };
}
