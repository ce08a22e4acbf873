using System.Globalization;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Lifecycle;

/// <summary>What the stage policy needs to know about one lead. <see cref="Current"/> is null when HubSpot has no stage yet.</summary>
public sealed record StageInput(LifecycleStage? Current, int Score, FitGrade Grade, LeadStatus? Status, bool OwnedBySales);

/// <summary>
/// The stage to set, if any. <see cref="Target"/> is null when nothing should change. <see cref="RequiresReset"/> means
/// HubSpot must first get an empty <c>lifecyclestage</c> and then the target, in two separate requests.
/// </summary>
public sealed record StageDecision(LifecycleStage? Target, bool RequiresReset, string Reason, string? RuleId = null);

/// <summary>Applies the ordered stage rules and HubSpot's forward-only lifecycle stage.</summary>
public sealed class StagePolicy
{
    private readonly StageRule[] _rules;
    private readonly bool _allowBackwardWithReset;

    private StagePolicy(LifecycleOptions options)
    {
        _rules = [.. options.StageRules.Select(r => new StageRule
        {
            Id = r.Id,
            MinScore = r.MinScore,
            MinGrade = r.MinGrade,
            Statuses = [.. r.Statuses],
            OwnedBySales = r.OwnedBySales,
            Stage = r.Stage,
        })];
        _allowBackwardWithReset = options.AllowBackwardWithReset;
    }

    public static StagePolicy Create(LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StagePolicy(options);
    }

    public StageDecision Decide(StageInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rule = _rules.FirstOrDefault(r => Matches(r, input));
        if (rule is null)
        {
            return new StageDecision(null, false, "no stage rule matched: stage left as it is");
        }

        var why = Describe(rule, input);
        if (input.Current is not { } current)
        {
            return new StageDecision(rule.Stage, false, $"rule {rule.Id} ({why}) → {rule.Stage}; no current stage", rule.Id);
        }

        if (current == rule.Stage)
        {
            return new StageDecision(null, false, $"rule {rule.Id} ({why}) → {rule.Stage}: already there", rule.Id);
        }

        if (rule.Stage > current)
        {
            return new StageDecision(rule.Stage, false, $"rule {rule.Id} ({why}) → {rule.Stage}: forward from {current}", rule.Id);
        }

        return _allowBackwardWithReset
            ? new StageDecision(rule.Stage, true, $"rule {rule.Id} ({why}) → {rule.Stage}: backward from {current}, so clear the stage first, then set it (two requests)", rule.Id)
            : new StageDecision(null, false, $"rule {rule.Id} ({why}) → {rule.Stage} would move backward from {current}; HubSpot lifecycle stage is forward-only and AllowBackwardWithReset is off", rule.Id);
    }

    private static bool Matches(StageRule rule, StageInput input) =>
        (rule.MinScore is not { } min || input.Score >= min)
        && (rule.MinGrade is not { } grade || input.Grade.IsAtLeast(grade))
        && (rule.Statuses.Count == 0 || (input.Status is { } status && rule.Statuses.Contains(status)))
        && (rule.OwnedBySales is not { } owned || input.OwnedBySales == owned);

    private static string Describe(StageRule rule, StageInput input)
    {
        var parts = new List<string>();
        if (rule.MinScore is { } min)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"score {input.Score} ≥ {min}"));
        }

        if (rule.MinGrade is { } grade)
        {
            parts.Add($"grade {input.Grade} ≥ {grade}");
        }

        if (rule.Statuses.Count > 0)
        {
            parts.Add($"status {input.Status}");
        }

        if (rule.OwnedBySales is { } owned)
        {
            parts.Add(owned ? "owned by sales" : "owned by marketing");
        }

        return parts.Count == 0 ? "always" : string.Join(", ", parts);
    }
}
