using System.Globalization;
using LeadSync.Domain.Configuration;

namespace LeadSync.Domain.Scoring;

/// <summary>
/// A scoring configuration compiled once: property names resolved to indices, value sets built, weights folded into factors.
/// Immutable and thread-safe. <see cref="Score"/> is allocation-free; <see cref="Explain"/> tells why, line by line.
/// Deterministic: the same features and the same <c>now</c> give the same score.
/// </summary>
public sealed class ScoringModel
{
    /// <summary>Room for every <see cref="Signal"/> value; a static check below keeps it in step with the enum.</summary>
    internal const int SignalSlots = 9;

    private const double TicksPerDay = TimeSpan.TicksPerDay;
    private static readonly int SignalCount = Enum.GetValues<Signal>().Length == SignalSlots
        ? SignalSlots
        : throw new InvalidOperationException("ScoringModel.SignalSlots must equal the number of Signal values.");

    private readonly SignalSourceSlot[] _sources;
    private readonly FieldRef[] _lastActivityFields;
    private readonly int[] _lastActivityFieldIndex;
    private readonly BehaviourSlot[] _behaviour;
    private readonly FitSlot[] _fit;
    private readonly FieldRef[] _fields;
    private readonly bool[] _numericFields;
    private readonly double _behaviourMax;
    private readonly double _fitMax;
    private readonly double _behaviourWeight;
    private readonly double _fitWeight;
    private readonly double _blendWeight;
    private readonly string? _blendProperty;
    private readonly double? _halfLifeDays;
    private readonly double? _pointsPerInactiveWeek;
    private readonly double _graceDays;
    private readonly double _floorPoints;
    private readonly double _cutA;
    private readonly double _cutB;
    private readonly double _cutC;

    private ScoringModel(ScoringOptions options)
    {
        _sources = new SignalSourceSlot[SignalCount];
        foreach (var source in options.Signals)
        {
            _sources[(int)source.Signal] = new SignalSourceSlot(source.CountProperty.Trim(), string.IsNullOrWhiteSpace(source.LastOccurredProperty) ? null : source.LastOccurredProperty.Trim());
        }

        var fields = new List<FieldRef>();
        int IndexOf(FieldRef field)
        {
            var index = fields.IndexOf(field);
            if (index < 0)
            {
                fields.Add(field);
                index = fields.Count - 1;
            }

            return index;
        }

        _lastActivityFields = [.. options.LastActivityProperties.Select(p => Parse(p, FieldSystem.HubSpot))];
        _lastActivityFieldIndex = [.. _lastActivityFields.Select(IndexOf)];

        _behaviour = [.. options.BehaviourRules.Select(r => new BehaviourSlot(
            r.Id, r.Signal, r.PointsPerOccurrence, r.Cap,
            r.WindowDays is { } days ? days * TimeSpan.TicksPerDay : -1,
            string.IsNullOrWhiteSpace(r.Reason) ? SignalPhrase(r.Signal) : r.Reason.Trim()))];

        _fit = [.. options.FitRules.Select(r =>
        {
            var field = Parse(r.Field, null);
            var needles = (r.Value is null ? r.Values : r.Values.Prepend(r.Value))
                .Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            return new FitSlot(r.Id, field.ToString(), IndexOf(field), r.Operator, needles,
                new HashSet<string>(needles, StringComparer.OrdinalIgnoreCase), r.Min, r.Max, r.Points,
                string.IsNullOrWhiteSpace(r.Reason) ? r.Id : r.Reason.Trim());
        })];

        _fields = [.. fields];

        // Parsing numbers is a large part of extraction; only Range rules read them (dates are parsed separately).
        _numericFields = new bool[_fields.Length];
        foreach (var rule in _fit.Where(r => r.Operator == FitOperator.Range))
        {
            _numericFields[rule.FieldIndex] = true;
        }
        _behaviourMax = options.BehaviourMax;
        _fitMax = options.FitMax;
        _behaviourWeight = options.BehaviourWeight;
        _fitWeight = options.FitWeight;
        _blendWeight = options.HubSpotScoreBlend?.Weight ?? 0;
        _blendProperty = options.HubSpotScoreBlend is { } blend ? blend.Property.Trim() : null;
        _halfLifeDays = options.Decay.HalfLifeDays;
        _pointsPerInactiveWeek = options.Decay.PointsPerInactiveWeek;
        _graceDays = options.Decay.GraceDays;
        _floorPoints = options.Decay.FloorPoints;
        _cutA = options.GradeCutoffs.A;
        _cutB = options.GradeCutoffs.B;
        _cutC = options.GradeCutoffs.C;

        RequiredHubSpotProperties = [.. options.Signals.SelectMany(s => new[] { s.CountProperty, s.LastOccurredProperty })
            .Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim())
            .Concat(_fields.Where(f => f.System == FieldSystem.HubSpot).Select(f => f.Name))
            .Concat(_blendProperty is null ? [] : [_blendProperty])
            .Distinct(StringComparer.Ordinal)];
        RequiredSalesforceFields = [.. _fields.Where(f => f.System == FieldSystem.Salesforce).Select(f => f.Name).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>HubSpot contact properties the connector must read for this model.</summary>
    public IReadOnlyList<string> RequiredHubSpotProperties { get; }

    /// <summary>Salesforce Lead fields the connector must read for this model.</summary>
    public IReadOnlyList<string> RequiredSalesforceFields { get; }

    /// <summary>Compiles <paramref name="options"/>; throws <see cref="ArgumentException"/> listing every problem when they are invalid.</summary>
    public static ScoringModel Create(ScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<ConfigProblem> problems = ScoringOptionsValidator.Validate(options, ScoringOptions.SectionName, salesReadyThreshold: 0);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid scoring options:" + Environment.NewLine + string.Join(Environment.NewLine, problems), nameof(options));
        }

        return new ScoringModel(options);
    }

    /// <summary>Reads one lead's inputs from its HubSpot properties and (when it has one) its Salesforce Lead fields.</summary>
    public LeadFeatures Extract(IReadOnlyDictionary<string, string?> hubSpot, IReadOnlyDictionary<string, string?>? salesforce = null)
    {
        ArgumentNullException.ThrowIfNull(hubSpot);
        var counts = default(SignalInts);
        var lastOccurred = default(SignalTicks);
        long lastActivity = 0;
        for (var i = 0; i < SignalCount; i++)
        {
            if (_sources[i] is not { } source)
            {
                continue;
            }

            counts[i] = ParseCount(Get(hubSpot, source.CountProperty));
            if (source.LastOccurredProperty is not null)
            {
                lastOccurred[i] = ParseInstantTicks(Get(hubSpot, source.LastOccurredProperty));
                lastActivity = Math.Max(lastActivity, lastOccurred[i]);
            }
        }

        var values = new string?[_fields.Length];
        var numbers = new double[_fields.Length];
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i];
            var raw = field.System == FieldSystem.HubSpot ? Get(hubSpot, field.Name) : salesforce is null ? null : Get(salesforce, field.Name);
            var value = string.IsNullOrWhiteSpace(raw) ? null : raw.Trim();
            if (value is not null && field.EmailDomain)
            {
                var at = value.LastIndexOf('@');
                value = at >= 0 && at < value.Length - 1 ? value[(at + 1)..] : null;
            }

            values[i] = value;
            numbers[i] = value is not null && _numericFields[i] && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? number
                : double.NaN;
        }

        foreach (var index in _lastActivityFieldIndex)
        {
            lastActivity = Math.Max(lastActivity, ParseInstantTicks(values[index]));
        }

        double fitRaw = 0;
        foreach (var rule in _fit)
        {
            if (Matches(rule, values, numbers))
            {
                fitRaw += rule.Points;
            }
        }

        var hubSpotScore = _blendProperty is null ? double.NaN : ParseNumber(Get(hubSpot, _blendProperty));
        return new LeadFeatures(in counts, in lastOccurred, lastActivity, fitRaw, values, numbers, hubSpotScore, this);
    }

    /// <summary>The score at <paramref name="now"/>. No heap allocation.</summary>
    public LeadScore Score(in LeadFeatures features, DateTimeOffset now)
    {
        EnsureShape(in features);
        var nowTicks = now.UtcTicks;
        double behaviourRaw = 0;
        var rules = _behaviour;
        for (var i = 0; i < rules.Length; i++)
        {
            behaviourRaw += BehaviourPoints(in rules[i], in features, nowTicks, out _);
        }

        var decayed = Decay(behaviourRaw, features.LastActivityUtcTicks, nowTicks, out _, out _);
        return Combine(decayed, features.FitRawPoints, features.HubSpotScore, out _, out _, out _);
    }

    /// <summary>The score at <paramref name="now"/> with every rule's outcome and the points each line contributes.</summary>
    public ScoreExplanation Explain(in LeadFeatures features, DateTimeOffset now)
    {
        EnsureShape(in features);
        var nowTicks = now.UtcTicks;
        var lines = new List<(ContributionKind Kind, string? RuleId, string Phrase, double Exact)>();

        var behaviourOutcomes = new List<BehaviourRuleOutcome>(_behaviour.Length);
        double behaviourRaw = 0;
        var behaviourRuleLines = new List<(string Id, string Phrase, double Raw)>();
        foreach (var rule in _behaviour)
        {
            var points = BehaviourPoints(in rule, in features, nowTicks, out var status);
            behaviourRaw += points;
            var count = features.Counts[(int)rule.Signal];
            var last = features.LastOccurred(rule.Signal);
            var detail = status switch
            {
                BehaviourRuleStatus.NoOccurrences => "no occurrences",
                BehaviourRuleStatus.WindowMiss => last is { } l
                    ? Invariant($"{count}× but last on {l:yyyy-MM-dd}, outside the {rule.WindowTicks / TimeSpan.TicksPerDay}-day window")
                    : Invariant($"{count}× but no last-occurred date, so the {rule.WindowTicks / TimeSpan.TicksPerDay}-day window cannot be met"),
                BehaviourRuleStatus.CapHit => Invariant($"{count}× {rule.PointsPerOccurrence:0.##} = {count * rule.PointsPerOccurrence:0.##}, capped at {rule.Cap:0.##}"),
                _ => Invariant($"{count}× {rule.PointsPerOccurrence:0.##} = {points:0.##}"),
            };
            behaviourOutcomes.Add(new BehaviourRuleOutcome(rule.Id, rule.Signal, count, points, status, last, detail));
            if (points > 0)
            {
                behaviourRuleLines.Add((rule.Id, Invariant($"{rule.Reason} ({count}×)"), points));
            }
        }

        var fitOutcomes = new List<FitRuleOutcome>(_fit.Length);
        double fitRaw = 0;
        var fitRuleLines = new List<(string Id, string Phrase, double Raw)>();
        foreach (var rule in _fit)
        {
            var matched = Matches(rule, features.FieldValues, features.FieldNumbers);
            var value = Mask(features.FieldValues[rule.FieldIndex]);
            var detail = Invariant($"{rule.Field} {Describe(rule)} {(matched ? "matched" : "not matched")} (value: {value ?? "missing"})");
            fitOutcomes.Add(new FitRuleOutcome(rule.Id, rule.Field, matched, matched ? rule.Points : 0, value, detail));
            if (matched)
            {
                fitRaw += rule.Points;
                fitRuleLines.Add((rule.Id, Invariant($"{rule.Reason} ({rule.Points:+0.##;-0.##} fit)"), rule.Points));
            }
        }

        var decayed = Decay(behaviourRaw, features.LastActivityUtcTicks, nowTicks, out var inactiveDays, out var decayingDays);
        var score = Combine(decayed, fitRaw, features.HubSpotScore, out var exact, out var ownShare, out var blendApplied);

        var behaviourFactor = _behaviourMax > 0 ? _behaviourWeight * 100 / _behaviourMax * ownShare : 0;
        var fitFactor = _fitMax > 0 ? _fitWeight * 100 / _fitMax * ownShare : 0;
        foreach (var (id, phrase, raw) in behaviourRuleLines)
        {
            lines.Add((ContributionKind.BehaviourRule, id, phrase, raw * behaviourFactor));
        }

        var lastActivity = features.LastActivity;
        string decayDetail;
        if (decayed < behaviourRaw)
        {
            var lost = (behaviourRaw - decayed) * behaviourFactor;
            lines.Add((ContributionKind.Decay, null, Invariant($"no activity for {Math.Floor(inactiveDays):0} days ({-lost:-0.#})"), -lost));
            decayDetail = Invariant($"inactive {inactiveDays:0.#} days since {lastActivity:yyyy-MM-dd}, {decayingDays:0.#} past the {_graceDays:0.#}-day grace: behaviour {behaviourRaw:0.##} → {decayed:0.##} points");
        }
        else
        {
            decayDetail = lastActivity is null
                ? "no last-activity date known: decay not applied"
                : behaviourRaw == 0
                    ? "no behaviour points to decay"
                    : Invariant($"inactive {Math.Max(0, inactiveDays):0.#} days, within the {_graceDays:0.#}-day grace or at the floor: no decay");
        }

        if (decayed > _behaviourMax)
        {
            lines.Add((ContributionKind.BehaviourCap, null, Invariant($"behaviour above the {_behaviourMax:0.##}-point maximum"), -(decayed - _behaviourMax) * behaviourFactor));
        }

        foreach (var (id, phrase, raw) in fitRuleLines)
        {
            lines.Add((ContributionKind.FitRule, id, phrase, raw * fitFactor));
        }

        if (fitRaw > _fitMax)
        {
            lines.Add((ContributionKind.FitCap, null, Invariant($"fit above the {_fitMax:0.##}-point maximum"), -(fitRaw - _fitMax) * fitFactor));
        }
        else if (fitRaw < 0)
        {
            lines.Add((ContributionKind.FitFloor, null, "fit part cannot go below 0%", -fitRaw * fitFactor));
        }

        string? blendDetail = null;
        if (_blendProperty is not null)
        {
            if (blendApplied)
            {
                var hubSpot = Math.Clamp(features.HubSpotScore, 0, 100);
                lines.Add((ContributionKind.HubSpotScore, null, Invariant($"HubSpot score {hubSpot:0.##} at {_blendWeight:0.##} weight"), hubSpot * _blendWeight));
                blendDetail = Invariant($"{_blendWeight:P0} of the score from {_blendProperty} = {hubSpot:0.##}");
            }
            else
            {
                blendDetail = Invariant($"{_blendProperty} missing: LeadSync's own score counts in full");
            }
        }

        var rounded = DistributeRounding(lines.Select(l => l.Exact).ToArray(), score.Value);
        var contributions = lines.Select((l, i) => new ScoreContribution(l.Kind, l.RuleId, l.Phrase, l.Exact, rounded[i])).ToList();
        var gradeReason = score.Grade switch
        {
            FitGrade.A => Invariant($"fit {score.Fit}% is at or above the A cut-off {_cutA:0.##}%"),
            FitGrade.B => Invariant($"fit {score.Fit}% is at or above the B cut-off {_cutB:0.##}% and below A {_cutA:0.##}%"),
            FitGrade.C => Invariant($"fit {score.Fit}% is at or above the C cut-off {_cutC:0.##}% and below B {_cutB:0.##}%"),
            _ => Invariant($"fit {score.Fit}% is below the C cut-off {_cutC:0.##}%"),
        };

        return new ScoreExplanation(
            score, now, exact, contributions, behaviourOutcomes, fitOutcomes,
            new DecayOutcome(lastActivity, Math.Max(0, inactiveDays), decayingDays, behaviourRaw, decayed, decayDetail),
            fitRaw, gradeReason, blendDetail);
    }

    /// <summary>
    /// Largest-remainder rounding: floor every line, then give one more point to the lines with the largest
    /// fractional parts (first line first on ties) until the lines sum to <paramref name="total"/>.
    /// </summary>
    internal static int[] DistributeRounding(double[] exact, int total)
    {
        var result = new int[exact.Length];
        if (exact.Length == 0)
        {
            return result;
        }

        // Same noise removal as the score's rounding, so 12.9999999999 counts as 13 and not as 12 with a big remainder.
        exact = [.. exact.Select(e => Math.Round(e, 9, MidpointRounding.AwayFromZero))];
        var sum = 0;
        for (var i = 0; i < exact.Length; i++)
        {
            result[i] = (int)Math.Floor(exact[i]);
            sum += result[i];
        }

        var order = Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - Math.Floor(exact[i])).ThenBy(i => i).ToArray();
        var remaining = total - sum;
        for (var k = 0; remaining > 0; k++, remaining--)
        {
            result[order[k % order.Length]]++;
        }

        // Floating-point noise can leave the floors a hair above the rounded total; take it back from the largest line.
        for (; remaining < 0; remaining++)
        {
            var largest = Enumerable.Range(0, exact.Length).OrderByDescending(i => result[i]).First();
            result[largest]--;
        }

        return result;
    }

    private static double BehaviourPoints(in BehaviourSlot rule, in LeadFeatures features, long nowTicks, out BehaviourRuleStatus status)
    {
        var count = features.Counts[(int)rule.Signal];
        if (count <= 0)
        {
            status = BehaviourRuleStatus.NoOccurrences;
            return 0;
        }

        if (rule.WindowTicks >= 0)
        {
            var last = features.LastOccurredUtcTicks[(int)rule.Signal];
            if (last == 0 || nowTicks - last > rule.WindowTicks)
            {
                status = BehaviourRuleStatus.WindowMiss;
                return 0;
            }
        }

        var points = count * rule.PointsPerOccurrence;
        if (points >= rule.Cap)
        {
            status = points > rule.Cap ? BehaviourRuleStatus.CapHit : BehaviourRuleStatus.Counted;
            return rule.Cap;
        }

        status = BehaviourRuleStatus.Counted;
        return points;
    }

    private static bool Matches(FitSlot rule, string?[] values, double[] numbers)
    {
        var value = values[rule.FieldIndex];
        switch (rule.Operator)
        {
            case FitOperator.Missing:
                return value is null;
            case FitOperator.Range:
                var number = numbers[rule.FieldIndex];
                return !double.IsNaN(number) && (rule.Min is not { } min || number >= min) && (rule.Max is not { } max || number <= max);
            case FitOperator.Equals:
            case FitOperator.In:
                return value is not null && rule.Set.Contains(value);
            case FitOperator.Contains:
                if (value is null)
                {
                    return false;
                }

                foreach (var needle in rule.Needles)
                {
                    if (value.Contains(needle, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }

                return false;
            case FitOperator.EndsWith:
                if (value is null)
                {
                    return false;
                }

                foreach (var needle in rule.Needles)
                {
                    if (value.EndsWith(needle, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Decay of the behaviour part: after <c>GraceDays</c> of inactivity, halve every <c>HalfLifeDays</c>, then subtract
    /// <c>PointsPerInactiveWeek</c> per whole week; never below <c>min(FloorPoints, earned)</c>. Unknown last activity: no decay.
    /// </summary>
    private double Decay(double raw, long lastActivityTicks, long nowTicks, out double inactiveDays, out double decayingDays)
    {
        inactiveDays = 0;
        decayingDays = 0;
        if (raw <= 0 || lastActivityTicks == 0)
        {
            return Math.Max(0, raw);
        }

        inactiveDays = (nowTicks - lastActivityTicks) / TicksPerDay;
        decayingDays = Math.Max(0, inactiveDays - _graceDays);
        if (decayingDays <= 0)
        {
            return raw;
        }

        var decayed = raw;
        if (_halfLifeDays is { } halfLife)
        {
            decayed *= Math.Pow(0.5, decayingDays / halfLife);
        }

        if (_pointsPerInactiveWeek is { } perWeek)
        {
            decayed -= perWeek * Math.Floor(decayingDays / 7);
        }

        return Math.Max(Math.Max(decayed, Math.Min(raw, _floorPoints)), 0);
    }

    private LeadScore Combine(double behaviourDecayed, double fitRaw, double hubSpotScore, out double exact, out double ownShare, out bool blendApplied)
    {
        // Multiply before dividing so that exact inputs stay exact (70.5 must not become 70.49999…).
        var behaviourPercent = _behaviourMax > 0 ? Math.Min(100, behaviourDecayed * 100 / _behaviourMax) : 0;
        var fitPercent = _fitMax > 0 ? Math.Clamp(fitRaw * 100 / _fitMax, 0, 100) : 0;
        var own = (_behaviourWeight * behaviourPercent) + (_fitWeight * fitPercent);
        blendApplied = _blendProperty is not null && !double.IsNaN(hubSpotScore);
        ownShare = blendApplied ? 1 - _blendWeight : 1;
        exact = blendApplied ? (ownShare * own) + (_blendWeight * Math.Clamp(hubSpotScore, 0, 100)) : own;
        var value = RoundHalfAwayFromZero(Math.Clamp(exact, 0, 100));
        var fit = RoundHalfAwayFromZero(fitPercent);
        var grade = fit >= _cutA ? FitGrade.A : fit >= _cutB ? FitGrade.B : fit >= _cutC ? FitGrade.C : FitGrade.D;
        return new LeadScore(value, RoundHalfAwayFromZero(behaviourPercent), fit, grade);
    }

    /// <summary>
    /// Half away from zero (70.5 → 71). Floating-point noise below 1e-9 is removed first, so a weighted sum that is
    /// mathematically 70.5 but computes as 70.4999999999 still rounds up; scores are therefore stable across weight orders.
    /// </summary>
    internal static int RoundHalfAwayFromZero(double value) =>
        (int)Math.Round(Math.Round(value, 9, MidpointRounding.AwayFromZero), MidpointRounding.AwayFromZero);

    private void EnsureShape(in LeadFeatures features)
    {
        if (!ReferenceEquals(features.Model, this))
        {
            throw new ArgumentException("Features were not extracted by this scoring model.", nameof(features));
        }
    }

    private static FieldRef Parse(string text, FieldSystem? defaultSystem) =>
        FieldRef.TryParse(text, defaultSystem, out var field) ? field! : throw new ArgumentException($"Invalid field reference '{text}'.", nameof(text));

    private static string? Get(IReadOnlyDictionary<string, string?> bag, string name) => bag.TryGetValue(name, out var value) ? value : null;

    private static int ParseCount(string? text)
    {
        var number = ParseNumber(text);
        return double.IsNaN(number) || number <= 0 ? 0 : number >= int.MaxValue ? int.MaxValue : (int)number;
    }

    private static double ParseNumber(string? text) =>
        !string.IsNullOrWhiteSpace(text) && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : double.NaN;

    /// <summary>ISO-8601 (offset or Z; date-only is midnight UTC) or epoch milliseconds; 0 when unknown.</summary>
    internal static long ParseInstantTicks(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        var trimmed = text.Trim();
        if (trimmed.All(char.IsAsciiDigit))
        {
            return long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0 && ms < 253_402_300_799_000
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcTicks
                : 0;
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant.UtcTicks
            : 0;
    }

    internal static string SignalPhrase(Signal signal) => signal switch
    {
        Signal.PageView => "viewed pages",
        Signal.SiteVisit => "visited the site",
        Signal.FormSubmission => "submitted forms",
        Signal.ContentDownload => "downloaded content",
        Signal.EmailOpen => "opened emails",
        Signal.EmailClick => "clicked emails",
        Signal.DemoRequest => "requested a demo",
        Signal.PricingPageView => "viewed pricing",
        Signal.WebinarAttendance => "attended a webinar",
        _ => signal.ToString(),
    };

    /// <summary>Emails are personal data: keep the first character and the domain only.</summary>
    internal static string? Mask(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? value : at == 0 ? "***" + value[at..] : value[0] + "***" + value[at..];
    }

    private static string Describe(FitSlot rule) => rule.Operator switch
    {
        FitOperator.Missing => "is missing",
        FitOperator.Range => Invariant($"in [{rule.Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"}, {rule.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}]"),
        _ => Invariant($"{rule.Operator} {string.Join(" | ", rule.Needles)}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record SignalSourceSlot(string CountProperty, string? LastOccurredProperty);

    /// <summary>A struct so the scoring loop reads rules from one contiguous array.</summary>
    private readonly record struct BehaviourSlot(string Id, Signal Signal, double PointsPerOccurrence, double Cap, long WindowTicks, string Reason);

    private sealed record FitSlot(
        string Id, string Field, int FieldIndex, FitOperator Operator, string[] Needles, HashSet<string> Set,
        double? Min, double? Max, double Points, string Reason);
}
