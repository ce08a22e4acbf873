using System.Globalization;

namespace LeadSync.Domain.Scoring;

public enum ContributionKind
{
    BehaviourRule,
    FitRule,

    /// <summary>Behaviour points lost to inactivity (negative).</summary>
    Decay,

    /// <summary>Behaviour above <c>BehaviourMax</c> that does not count (negative).</summary>
    BehaviourCap,

    /// <summary>Fit above <c>FitMax</c> that does not count (negative).</summary>
    FitCap,

    /// <summary>Negative fit below 0% that does not count (positive: the fit part never goes below 0%).</summary>
    FitFloor,

    /// <summary>The share taken from HubSpot's own score.</summary>
    HubSpotScore,
}

public enum BehaviourRuleStatus
{
    Counted,
    CapHit,
    WindowMiss,
    NoOccurrences,
}

/// <summary>
/// One line of the explanation in unified-score points. <see cref="ExactPoints"/> sum to the unrounded score;
/// <see cref="Points"/> are those rounded by the largest-remainder method so that they sum exactly to the score:
/// every line is floored, then the lines with the largest fractional parts get one more point each (ties: first line first)
/// until the total equals the (half-away-from-zero rounded) score.
/// </summary>
public sealed record ScoreContribution(ContributionKind Kind, string? RuleId, string Phrase, double ExactPoints, int Points);

public sealed record BehaviourRuleOutcome(
    string RuleId, Signal Signal, int Occurrences, double RawPoints, BehaviourRuleStatus Status, DateTimeOffset? LastOccurred, string Detail);

/// <summary>A fit rule's result. <see cref="Value"/> is masked when it is an email address (personal data).</summary>
public sealed record FitRuleOutcome(string RuleId, string Field, bool Matched, double Points, string? Value, string Detail);

public sealed record DecayOutcome(
    DateTimeOffset? LastActivityAt, double InactiveDays, double DecayingDays, double RawPoints, double DecayedPoints, string Detail);

/// <summary>Why a lead has its score: every rule's outcome, decay, caps, the grade and the points per line.</summary>
public sealed record ScoreExplanation(
    LeadScore Score,
    DateTimeOffset At,
    double ExactScore,
    IReadOnlyList<ScoreContribution> Contributions,
    IReadOnlyList<BehaviourRuleOutcome> BehaviourRules,
    IReadOnlyList<FitRuleOutcome> FitRules,
    DecayOutcome Decay,
    double FitRawPoints,
    string GradeReason,
    string? HubSpotScoreDetail)
{
    /// <summary>
    /// Up to <paramref name="count"/> plain-English phrases for a rep note, the largest effects first
    /// (behaviour and fit rules, and decay), e.g. "requested a demo (2×)", "VP title (+15 fit)".
    /// </summary>
    public IReadOnlyList<string> TopReasons(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Contributions
            .Select((c, i) => (c, i))
            .Where(x => x.c.Kind is ContributionKind.BehaviourRule or ContributionKind.FitRule or ContributionKind.Decay && x.c.ExactPoints != 0)
            .OrderByDescending(x => Math.Abs(x.c.ExactPoints))
            .ThenBy(x => x.i)
            .Take(count)
            .Select(x => x.c.Phrase)
            .ToList();
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"score {Score.Value} (behaviour {Score.Behaviour}%, fit {Score.Fit}%, grade {Score.Grade}): {string.Join("; ", TopReasons(5))}");
}
