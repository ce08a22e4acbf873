using System.Runtime.CompilerServices;

namespace LeadSync.Domain.Scoring;

/// <summary>
/// One lead's scoring inputs, extracted once by <see cref="ScoringModel.Extract"/> and laid out by the model's indices
/// so that <see cref="ScoringModel.Score"/> does no lookups, parsing, pointer chasing or allocation: signal counts and
/// timestamps are stored inline, and the fit points (which do not depend on time) are summed at extraction.
/// Only valid with the model that made it.
/// </summary>
public readonly record struct LeadFeatures
{
    internal readonly SignalInts Counts;
    internal readonly SignalTicks LastOccurredUtcTicks;

    internal LeadFeatures(
        in SignalInts counts, in SignalTicks lastOccurredUtcTicks, long lastActivityUtcTicks, double fitRawPoints,
        string?[] fieldValues, double[] fieldNumbers, double hubSpotScore, object model)
    {
        Counts = counts;
        LastOccurredUtcTicks = lastOccurredUtcTicks;
        LastActivityUtcTicks = lastActivityUtcTicks;
        FitRawPoints = fitRawPoints;
        FieldValues = fieldValues;
        FieldNumbers = fieldNumbers;
        HubSpotScore = hubSpotScore;
        Model = model;
    }

    /// <summary>Latest activity in UTC ticks; 0 when unknown.</summary>
    internal long LastActivityUtcTicks { get; }

    /// <summary>Sum of the points of the fit rules that match (fit does not change with time, so it is settled at extraction).</summary>
    internal double FitRawPoints { get; }

    /// <summary>Trimmed fit field values by the model's field index; null when absent or blank (kept for explanations).</summary>
    internal string?[] FieldValues { get; }

    /// <summary>Values of fields read by Range rules, parsed as invariant numbers; NaN when not numeric or not needed.</summary>
    internal double[] FieldNumbers { get; }

    /// <summary>HubSpot's own score when blending is configured; NaN when absent.</summary>
    internal double HubSpotScore { get; }

    /// <summary>The model that extracted these features, so features are never scored by another model's indices.</summary>
    internal object Model { get; }

    public int Count(Signal signal) => Counts[(int)signal];

    public DateTimeOffset? LastOccurred(Signal signal) => FromTicks(LastOccurredUtcTicks[(int)signal]);

    public DateTimeOffset? LastActivity => FromTicks(LastActivityUtcTicks);

    private static DateTimeOffset? FromTicks(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}

/// <summary>One int per <see cref="Signal"/>, stored inline in <see cref="LeadFeatures"/>.</summary>
[InlineArray(ScoringModel.SignalSlots)]
internal struct SignalInts
{
    private int _element0;
}

/// <summary>One UTC tick count per <see cref="Signal"/>, stored inline in <see cref="LeadFeatures"/>.</summary>
[InlineArray(ScoringModel.SignalSlots)]
internal struct SignalTicks
{
    private long _element0;
}
