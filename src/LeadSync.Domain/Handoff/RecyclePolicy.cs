using System.Globalization;
using LeadSync.Domain.Lifecycle;

namespace LeadSync.Domain.Handoff;

/// <param name="InSales">LeadSync's recorded state: handed off and not released since.</param>
/// <param name="CrmStatus">Canonical Salesforce status; null when unknown.</param>
/// <param name="LastActivityAt">Latest activity on the lead in either system; null when none is known.</param>
/// <param name="HandedOffAt">When it went to sales; inactivity is never counted from before it.</param>
public sealed record RecycleInput(
    bool InSales,
    bool IsConverted,
    LeadStatus? CrmStatus,
    DateTimeOffset? LastActivityAt,
    DateTimeOffset? HandedOffAt,
    DateTimeOffset Now);

/// <param name="TargetQueueDeveloperName">Marketing queue to own the lead; null when it does not recycle.</param>
/// <param name="Status">Status to set; null = leave the status as it is (it was set by sales, a human decision).</param>
public sealed record RecycleDecision(bool Recycle, string? TargetQueueDeveloperName, LeadStatus? Status, string Reason);

/// <summary>Returns leads that sales handed back, or that went cold in sales, to the marketing queue.</summary>
public sealed class RecyclePolicy(HandoffOptions options)
{
    public RecycleDecision Evaluate(RecycleInput input)
    {
        if (input.IsConverted || input.CrmStatus == LeadStatus.Converted)
        {
            return new(false, null, null, "Converted: LeadSync never changes a converted lead.");
        }

        if (!input.InSales)
        {
            return new(false, null, null, "Not with sales: nothing to recycle.");
        }

        var queue = options.MarketingQueueDeveloperName;
        if (input.CrmStatus is { } status && options.Recycle.EffectiveStatuses.Contains(status))
        {
            return new(true, queue, null, $"Sales set the status to {status}: back to marketing queue {queue}; the status sales chose is kept.");
        }

        var since = Latest(input.LastActivityAt, input.HandedOffAt);
        if (since is null)
        {
            return new(false, null, null, "No activity or handoff time is known, so inactivity cannot be measured.");
        }

        var idle = input.Now - since.Value;
        var limit = TimeSpan.FromDays(options.Recycle.InactiveDays);
        var sinceText = since.Value.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (idle >= limit)
        {
            return new(
                true,
                queue,
                options.ReleaseStatus,
                string.Create(CultureInfo.InvariantCulture, $"No activity since {sinceText} ({(int)idle.TotalDays} days, limit {options.Recycle.InactiveDays}): back to marketing queue {queue} as {options.ReleaseStatus}."));
        }

        return new(
            false,
            null,
            null,
            string.Create(CultureInfo.InvariantCulture, $"Last activity {sinceText}, {(int)idle.TotalDays} of {options.Recycle.InactiveDays} inactive days: stays with sales."));
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a > b ? a : b);
}
