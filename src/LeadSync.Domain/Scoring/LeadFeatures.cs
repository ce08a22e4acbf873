namespace LeadSync.Domain.Scoring;

/// <summary>
/// One lead's scoring inputs, extracted once by <see cref="ScoringModel.Extract"/> and laid out by the model's indices
/// so that <see cref="ScoringModel.Score"/> does no lookups, parsing or allocation. Only valid with the model that made it.
/// </summary>
public readonly record struct LeadFeatures
{
    internal LeadFeatures(int[] counts, long[] lastOccurredUtcTicks, long lastActivityUtcTicks, string?[] fieldValues, double[] fieldNumbers, double hubSpotScore)
    {
        Counts = counts;
        LastOccurredUtcTicks = lastOccurredUtcTicks;
        LastActivityUtcTicks = lastActivityUtcTicks;
        FieldValues = fieldValues;
        FieldNumbers = fieldNumbers;
        HubSpotScore = hubSpotScore;
    }

    /// <summary>Occurrences per signal, indexed by <c>(int)Signal</c>; negative or unparsable counts are 0.</summary>
    internal int[] Counts { get; }

    /// <summary>Last occurrence per signal in UTC ticks; 0 when unknown.</summary>
    internal long[] LastOccurredUtcTicks { get; }

    /// <summary>Latest activity in UTC ticks; 0 when unknown.</summary>
    internal long LastActivityUtcTicks { get; }

    /// <summary>Trimmed fit field values by the model's field index; null when absent or blank.</summary>
    internal string?[] FieldValues { get; }

    /// <summary>Fit field values parsed as invariant numbers; NaN when not numeric.</summary>
    internal double[] FieldNumbers { get; }

    /// <summary>HubSpot's own score when blending is configured; NaN when absent.</summary>
    internal double HubSpotScore { get; }

    internal bool IsInitialized => Counts is not null;

    public int Count(Signal signal) => Counts[(int)signal];

    public DateTimeOffset? LastOccurred(Signal signal) => FromTicks(LastOccurredUtcTicks[(int)signal]);

    public DateTimeOffset? LastActivity => FromTicks(LastActivityUtcTicks);

    private static DateTimeOffset? FromTicks(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
