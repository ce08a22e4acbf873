using System.Globalization;
using LeadSync.Domain.Configuration;

namespace LeadSync.Domain.Scoring;

/// <summary>Checks <see cref="ScoringOptions"/> and reports every problem at once, each with its JSON path.</summary>
public static class ScoringOptionsValidator
{
    /// <summary>The domain's sales-ready threshold: 71 and above goes to sales.</summary>
    public const int DefaultSalesReadyThreshold = 71;

    private const double Tolerance = 1e-9;

    /// <param name="path">The section's path, e.g. <c>LeadSync:Scoring</c>.</param>
    /// <param name="salesReadyThreshold">The best reachable score must reach this; 0 skips that check.</param>
    public static IReadOnlyList<ConfigProblem> Validate(ScoringOptions options, string path, int salesReadyThreshold = DefaultSalesReadyThreshold)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ConfigProblem>();
        void Add(string at, string problem, string allowed) => problems.Add(new ConfigProblem(at, problem, allowed));
        static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        var signalNames = string.Join(", ", Enum.GetNames<Signal>());
        var sources = new Dictionary<Signal, SignalSource>();
        for (var i = 0; i < (options.Signals?.Count ?? 0); i++)
        {
            var at = $"{path}:Signals[{i}]";
            var source = options.Signals![i];
            if (!Enum.IsDefined(source.Signal))
            {
                Add($"{at}:Signal", $"unknown signal '{source.Signal}'", signalNames);
            }
            else if (!sources.TryAdd(source.Signal, source))
            {
                Add($"{at}:Signal", $"signal {source.Signal} already has a source property", "one entry per signal");
            }

            if (!IsPropertyName(source.CountProperty))
            {
                Add($"{at}:CountProperty", $"'{source.CountProperty}' is not a property name", "a HubSpot property name such as hs_email_open");
            }

            if (source.LastOccurredProperty is not null && !IsPropertyName(source.LastOccurredProperty))
            {
                Add($"{at}:LastOccurredProperty", $"'{source.LastOccurredProperty}' is not a property name", "a HubSpot date property name, or omit it");
            }
        }

        for (var i = 0; i < (options.LastActivityProperties?.Count ?? 0); i++)
        {
            var text = options.LastActivityProperties![i];
            if (!FieldRef.TryParse(text, FieldSystem.HubSpot, out var field) || field!.EmailDomain)
            {
                Add($"{path}:LastActivityProperties[{i}]", $"'{text}' is not a property reference", "a HubSpot property name, or Salesforce.<field>");
            }
        }

        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void CheckId(string at, string? id)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                Add($"{at}:Id", "rule id is missing", "a unique, non-empty id");
            }
            else if (!ids.TryAdd(id.Trim(), at))
            {
                Add($"{at}:Id", $"duplicate rule id '{id}' (also at {ids[id.Trim()]})", "ids unique across behaviour and fit rules");
            }
        }

        double behaviourReach = 0;
        for (var i = 0; i < (options.BehaviourRules?.Count ?? 0); i++)
        {
            var at = $"{path}:BehaviourRules[{i}]";
            var rule = options.BehaviourRules![i];
            CheckId(at, rule.Id);
            if (!Enum.IsDefined(rule.Signal))
            {
                Add($"{at}:Signal", $"unknown signal '{rule.Signal}'", signalNames);
            }
            else if (!sources.TryGetValue(rule.Signal, out var source))
            {
                Add($"{at}:Signal", $"signal {rule.Signal} has no configured source property", "a signal listed under Signals");
            }
            else if (rule.WindowDays is not null && string.IsNullOrWhiteSpace(source.LastOccurredProperty))
            {
                Add($"{at}:WindowDays", $"signal {rule.Signal} has no LastOccurredProperty, so a window can never be checked", "omit WindowDays, or give the signal a LastOccurredProperty");
            }

            if (!(rule.PointsPerOccurrence > 0) || !double.IsFinite(rule.PointsPerOccurrence))
            {
                Add($"{at}:PointsPerOccurrence", $"{F(rule.PointsPerOccurrence)} points per occurrence", "a positive number (negative signals are fit rules)");
            }

            if (!double.IsFinite(rule.Cap) || rule.Cap < rule.PointsPerOccurrence)
            {
                Add($"{at}:Cap", $"cap {F(rule.Cap)} is below the {F(rule.PointsPerOccurrence)} points of one occurrence", "a cap at least PointsPerOccurrence");
            }
            else if (rule.Cap > 0)
            {
                behaviourReach += rule.Cap;
            }

            if (rule.WindowDays is { } days && days <= 0)
            {
                Add($"{at}:WindowDays", $"window of {days} days", "a positive number of days, or omit it for no window");
            }
        }

        double fitReach = 0;
        var operators = string.Join(", ", Enum.GetNames<FitOperator>());
        for (var i = 0; i < (options.FitRules?.Count ?? 0); i++)
        {
            var at = $"{path}:FitRules[{i}]";
            var rule = options.FitRules![i];
            CheckId(at, rule.Id);
            if (!FieldRef.TryParse(rule.Field, null, out _))
            {
                Add($"{at}:Field", $"'{rule.Field}' is not a field reference", "HubSpot.<property>, Salesforce.<field>, or <system>.<email field>.domain");
            }

            var hasNeedle = !string.IsNullOrWhiteSpace(rule.Value) || (rule.Values?.Any(v => !string.IsNullOrWhiteSpace(v)) ?? false);
            switch (rule.Operator)
            {
                case FitOperator.Equals or FitOperator.Contains or FitOperator.EndsWith when !hasNeedle:
                    Add($"{at}:Value", $"operator {rule.Operator} has nothing to compare with", "a Value or a non-empty Values list");
                    break;
                case FitOperator.In when !(rule.Values?.Any(v => !string.IsNullOrWhiteSpace(v)) ?? false):
                    Add($"{at}:Values", "operator In needs a list of values", "a non-empty Values list");
                    break;
                case FitOperator.Range when rule.Min is null && rule.Max is null:
                    Add($"{at}:Min", "operator Range has neither Min nor Max", "Min, Max or both");
                    break;
                case FitOperator.Range when rule.Min > rule.Max:
                    Add($"{at}:Max", $"Max {F(rule.Max!.Value)} is below Min {F(rule.Min!.Value)}", "Min ≤ Max");
                    break;
                case FitOperator.Missing when hasNeedle || rule.Min is not null || rule.Max is not null:
                    Add($"{at}:Value", "operator Missing takes no Value, Values, Min or Max", "remove them, or choose another operator");
                    break;
                default:
                    if (!Enum.IsDefined(rule.Operator))
                    {
                        Add($"{at}:Operator", $"unknown operator '{rule.Operator}'", operators);
                    }

                    break;
            }

            if (rule.Points == 0 || !double.IsFinite(rule.Points))
            {
                Add($"{at}:Points", $"{F(rule.Points)} points: the rule changes nothing", "a non-zero number (negative for disqualifying signals)");
            }
            else if (rule.Points > 0)
            {
                fitReach += rule.Points;
            }
        }

        var decay = options.Decay ?? new DecayOptions();
        if (decay.HalfLifeDays is { } halfLife && !(halfLife > 0))
        {
            Add($"{path}:Decay:HalfLifeDays", $"half-life of {F(halfLife)} days", "a positive number of days, or omit it");
        }

        if (decay.PointsPerInactiveWeek is { } perWeek && !(perWeek >= 0))
        {
            Add($"{path}:Decay:PointsPerInactiveWeek", $"{F(perWeek)} points per week", "zero or more, or omit it");
        }

        if (!(decay.GraceDays >= 0))
        {
            Add($"{path}:Decay:GraceDays", $"{F(decay.GraceDays)} grace days", "zero or more days");
        }

        if (!(decay.FloorPoints >= 0))
        {
            Add($"{path}:Decay:FloorPoints", $"floor of {F(decay.FloorPoints)} points", "zero or more points");
        }

        if (!(options.BehaviourMax > 0) || !double.IsFinite(options.BehaviourMax))
        {
            Add($"{path}:BehaviourMax", $"{F(options.BehaviourMax)} points as 100% of behaviour", "a positive number of points");
        }

        if (!(options.FitMax > 0) || !double.IsFinite(options.FitMax))
        {
            Add($"{path}:FitMax", $"{F(options.FitMax)} points as 100% of fit", "a positive number of points");
        }

        var weightsValid = true;
        foreach (var (name, weight) in new[] { ("BehaviourWeight", options.BehaviourWeight), ("FitWeight", options.FitWeight) })
        {
            if (!(weight >= 0 && weight <= 1))
            {
                weightsValid = false;
                Add($"{path}:{name}", $"weight {F(weight)}", "a number from 0 to 1");
            }
        }

        if (weightsValid && Math.Abs(options.BehaviourWeight + options.FitWeight - 1) > Tolerance)
        {
            weightsValid = false;
            Add($"{path}:FitWeight", $"BehaviourWeight + FitWeight = {F(options.BehaviourWeight + options.FitWeight)}", "weights that sum to 1");
        }

        double blendWeight = 0;
        if (options.HubSpotScoreBlend is { } blend)
        {
            if (!(blend.Weight > 0 && blend.Weight < 1))
            {
                weightsValid = false;
                Add($"{path}:HubSpotScoreBlend:Weight", $"blend weight {F(blend.Weight)}", "more than 0 and less than 1 (omit the section for no blend)");
            }
            else
            {
                blendWeight = blend.Weight;
            }

            if (!IsPropertyName(blend.Property))
            {
                Add($"{path}:HubSpotScoreBlend:Property", $"'{blend.Property}' is not a property name", "a HubSpot number property such as hubspotscore");
            }
        }

        var cut = options.GradeCutoffs ?? new GradeCutoffs();
        foreach (var (name, value) in new[] { ("A", cut.A), ("B", cut.B), ("C", cut.C) })
        {
            if (!(value >= 0 && value <= 100))
            {
                Add($"{path}:GradeCutoffs:{name}", $"cut-off {F(value)}%", "a fit percent from 0 to 100");
            }
        }

        if (!(cut.A > cut.B))
        {
            Add($"{path}:GradeCutoffs:B", $"B cut-off {F(cut.B)} is not below A cut-off {F(cut.A)}", "A > B > C");
        }

        if (!(cut.B > cut.C))
        {
            Add($"{path}:GradeCutoffs:C", $"C cut-off {F(cut.C)} is not below B cut-off {F(cut.B)}", "A > B > C");
        }

        if (salesReadyThreshold > 0 && weightsValid && options.BehaviourMax > 0 && options.FitMax > 0)
        {
            var own = (options.BehaviourWeight * Math.Min(100, behaviourReach / options.BehaviourMax * 100))
                + (options.FitWeight * Math.Min(100, fitReach / options.FitMax * 100));
            var best = (int)Math.Round(((1 - blendWeight) * own) + (blendWeight * 100), MidpointRounding.AwayFromZero);
            if (best < salesReadyThreshold)
            {
                Add(path, $"the best reachable score is {best} (behaviour caps {F(behaviourReach)} of {F(options.BehaviourMax)}, positive fit {F(fitReach)} of {F(options.FitMax)}), below the sales-ready threshold {salesReadyThreshold}",
                    "caps, points, maxima and weights that let a lead reach the threshold");
            }
        }

        return problems;
    }

    private static bool IsPropertyName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && !name.Trim().Any(c => char.IsWhiteSpace(c) || c == '.');
}
