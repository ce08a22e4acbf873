using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Nurture;

/// <summary>
/// What LeadSync remembers of one lead's nurture enrolment: the track and list it put the lead in (null: none), and the
/// lists a person took the lead out of by hand while it was with marketing (none of them is re-added until the lead
/// comes back to marketing from sales).
/// </summary>
public sealed record NurtureMemory(string? Track, string? ListName, IReadOnlyCollection<string> RemovedByHand)
{
    public static NurtureMemory None { get; } = new(null, null, []);

    public bool Equals(NurtureMemory? other) =>
        other is not null && Track == other.Track && ListName == other.ListName
        && RemovedByHand.Order(StringComparer.Ordinal).SequenceEqual(other.RemovedByHand.Order(StringComparer.Ordinal), StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Track, ListName, RemovedByHand.Count);

    public override string ToString() => $"{Track ?? "-"} / {ListName ?? "-"} / removed by hand: [{string.Join(", ", RemovedByHand.Order(StringComparer.Ordinal))}]";
}

/// <param name="InMarketing">After this cycle's decision the lead is with marketing (not with sales, not converted).</param>
/// <param name="ReenteredMarketing">This cycle brought it back from sales (released, recycled, disqualified).</param>
/// <param name="StillInList">
/// Whether the lead is in the list LeadSync last put it in, as read from the platform this cycle; null when not read.
/// False while LeadSync remembers enrolling it means a person removed it by hand.
/// </param>
public sealed record NurtureInput(
    bool InMarketing,
    MarketingReason Reason,
    bool ReenteredMarketing,
    IReadOnlyList<SegmentValue> Segments,
    NurtureMemory Memory,
    bool? StillInList = null);

/// <summary>The list changes for one lead and what to remember afterwards, with the reason in words.</summary>
/// <param name="Enroll">List name to add the lead to; null: none.</param>
/// <param name="Leave">List name to remove the lead from; null: none.</param>
public sealed record NurtureDecision(string? Track, string? Enroll, string? Leave, NurtureMemory After, string Reason)
{
    public bool HasChanges => Enroll is not null || Leave is not null;
}

/// <summary>
/// Picks a lead's nurture track and the list moves it implies. Pure: a lead with marketing belongs to the first matching
/// track (enrolled when it is not already there), a lead with sales belongs to none (it leaves its list), a segment or
/// reason change moves it between tracks, and a removal by hand holds until the lead comes back from sales.
/// </summary>
public sealed class NurturePolicy
{
    private readonly NurtureOptions _options;
    private readonly string _platform;

    public NurturePolicy(NurtureOptions options, string marketingPlatform = SegmentSystems.HubSpot)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _platform = marketingPlatform;
    }

    public bool IsEmpty => _options.Tracks.Count == 0;

    /// <summary>The track (and its list on this platform) a lead with these segments, with marketing for this reason, belongs to.</summary>
    public (NurtureTrack Track, string? List)? TrackFor(IReadOnlyList<SegmentValue> segments, MarketingReason reason)
    {
        ArgumentNullException.ThrowIfNull(segments);
        foreach (var track in _options.Tracks)
        {
            if (Matches(track, segments, reason))
            {
                return (track, ListOf(track));
            }
        }

        return null;
    }

    public NurtureDecision Decide(NurtureInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var memory = input.Memory;

        // Coming back from sales ends a person's "not these lists": the lead is nurtured again.
        var removedByHand = new SortedSet<string>(input.ReenteredMarketing ? [] : memory.RemovedByHand, StringComparer.Ordinal);
        var current = memory.ListName;
        if (current is not null && input.StillInList == false)
        {
            // LeadSync put it there and it is gone: a person took it out. Remembered, never fought.
            removedByHand.Add(current);
            current = null;
        }

        if (!input.InMarketing)
        {
            var leaving = current;
            var after = new NurtureMemory(null, null, removedByHand);
            return leaving is null
                ? new(null, null, null, after, "with sales: in no nurture track")
                : new(null, null, leaving, after, $"handed to sales: leaves nurture track {memory.Track} (list {leaving})");
        }

        var target = TrackFor(input.Segments, input.Reason);
        if (target is not { List: { } list } found)
        {
            var why = target is null ? "no nurture track matches" : $"nurture track {target.Value.Track.Name} has no list for {_platform}";
            var after = new NurtureMemory(null, null, removedByHand);
            return current is null
                ? new(null, null, null, after, $"with marketing ({input.Reason}): {why}")
                : new(null, null, current, after, $"with marketing ({input.Reason}): {why}; leaves list {current}");
        }

        var name = found.Track.Name;
        if (string.Equals(current, list, StringComparison.Ordinal))
        {
            return new(name, null, null, new NurtureMemory(name, list, removedByHand), $"in nurture track {name} (list {list}) already");
        }

        if (removedByHand.Contains(list))
        {
            var after = new NurtureMemory(null, null, removedByHand);
            var leave = current;
            return new(name, null, leave, after,
                $"nurture track {name}: a person removed the lead from list {list} by hand; not re-added until it comes back from sales{(leave is null ? string.Empty : $"; leaves list {leave}")}");
        }

        var move = current is null ? string.Empty : $", moved from list {current}";
        return new(name, list, current, new NurtureMemory(name, list, removedByHand),
            $"with marketing ({input.Reason}): enrolled in nurture track {name} (list {list}){move}");
    }

    /// <summary>Why a lead is with marketing, from what LeadSync remembers of it.</summary>
    public static MarketingReason Classify(int crossings, bool disqualified, bool recycledBySla) =>
        disqualified ? MarketingReason.DisqualifiedBySales
        : recycledBySla ? MarketingReason.RecycledBySla
        : crossings > 0 ? MarketingReason.BelowThreshold
        : MarketingReason.New;

    /// <summary>The track's list on this connection's platform; null when it names none.</summary>
    public string? ListOf(NurtureTrack track) =>
        Segmenter.Find(track.Lists, _platform) is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim() : null;

    private static bool Matches(NurtureTrack track, IReadOnlyList<SegmentValue> segments, MarketingReason reason)
    {
        if (track.Reasons.Count > 0 && !track.Reasons.Contains(reason))
        {
            return false;
        }

        foreach (var (dimension, value) in track.Segments)
        {
            var actual = segments.FirstOrDefault(s => string.Equals(s.Dimension, dimension.Trim(), StringComparison.OrdinalIgnoreCase));
            if (actual is null || !string.Equals(actual.Value, value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
