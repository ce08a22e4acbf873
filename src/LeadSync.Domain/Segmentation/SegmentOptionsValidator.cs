using LeadSync.Domain.Configuration;
using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Segmentation;

/// <summary>Checks <see cref="SegmentOptions"/> and reports every problem at once, each with its configuration path.</summary>
public static class SegmentOptionsValidator
{
    public static IReadOnlyList<ConfigProblem> Validate(
        SegmentOptions options, string path = SegmentOptions.SectionName, string marketingPlatform = SegmentSystems.HubSpot)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ConfigProblem>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var written = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var d = 0; d < options.Dimensions.Count; d++)
        {
            ValidateDimension(options.Dimensions[d], $"{path}:Dimensions[{d}]", marketingPlatform, names, written, problems);
        }

        return problems;
    }

    private static void ValidateDimension(
        SegmentDimension dimension, string dimensionPath, string marketingPlatform, HashSet<string> names, Dictionary<string, string> written, List<ConfigProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(dimension.Name))
        {
            problems.Add(new(dimensionPath + ":Name", "dimension name is empty", "a unique, non-empty name such as Region"));
        }
        else if (!names.Add(dimension.Name.Trim()))
        {
            problems.Add(new(dimensionPath + ":Name", $"duplicate dimension name '{dimension.Name}'", "names unique across Dimensions"));
        }

        if (string.IsNullOrWhiteSpace(dimension.Default))
        {
            problems.Add(new(dimensionPath + ":Default", "no default value", "the value a person gets when no rule matches, e.g. Other"));
        }

        var ruleIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? catchAll = null;
        for (var r = 0; r < dimension.Rules.Count; r++)
        {
            var rule = dimension.Rules[r];
            var rulePath = $"{dimensionPath}:Rules[{r}]";
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                problems.Add(new(rulePath + ":Id", "rule id is empty", "a non-empty id, unique within the dimension"));
            }
            else if (!ruleIds.Add(rule.Id.Trim()))
            {
                problems.Add(new(rulePath + ":Id", $"duplicate rule id '{rule.Id}'", "ids unique within the dimension's Rules"));
            }

            if (string.IsNullOrWhiteSpace(rule.Value))
            {
                problems.Add(new(rulePath + ":Value", "no value", "the segment value this rule sets"));
            }

            if (catchAll is not null)
            {
                problems.Add(new(rulePath, $"can never match: rule '{catchAll}' before it has no conditions and matches every person", "catch-all rules last, or use Default"));
            }

            for (var c = 0; c < rule.Conditions.Count; c++)
            {
                RuleConditions.Validate(rule.Conditions[c], $"{rulePath}:Conditions[{c}]", problems);
            }

            if (rule.Conditions.Count == 0)
            {
                catchAll ??= rule.Id;
            }
        }

        ValidateFields(dimension, dimensionPath, marketingPlatform, written, problems);
        ValidateValueMaps(dimension, dimensionPath, problems);
    }

    private static void ValidateFields(
        SegmentDimension dimension, string dimensionPath, string marketingPlatform, Dictionary<string, string> written, List<ConfigProblem> problems)
    {
        var allowed = string.Join(", ", SegmentSystems.All);
        foreach (var (system, field) in dimension.Fields)
        {
            var fieldPath = $"{dimensionPath}:Fields:{system}";
            if (!SegmentSystems.IsKnown(system))
            {
                problems.Add(new(fieldPath, $"unknown system '{system}'", allowed));
                continue;
            }

            if (string.IsNullOrWhiteSpace(field))
            {
                problems.Add(new(fieldPath, "blank field name", $"the {system} field that receives the segment, or leave the system out"));
                continue;
            }

            // Two dimensions writing one field would overwrite each other every cycle.
            var key = $"{Canonical(system)}.{field.Trim()}";
            if (written.TryGetValue(key, out var other))
            {
                problems.Add(new(fieldPath, $"field '{field.Trim()}' is also written by dimension '{other}'", "one field per dimension and system"));
            }
            else
            {
                written[key] = dimension.Name;
            }
        }

        var writesMarketing = Segmenter.Find(dimension.Fields, marketingPlatform) is { } m && !string.IsNullOrWhiteSpace(m);
        var writesCrm = Segmenter.Find(dimension.Fields, SegmentSystems.Salesforce) is { } c && !string.IsNullOrWhiteSpace(c);
        if (!writesMarketing && !writesCrm)
        {
            problems.Add(new(
                dimensionPath + ":Fields",
                $"the dimension is written nowhere: no field for {marketingPlatform} (this connection's marketing platform) or Salesforce",
                $"a field name for {marketingPlatform} and/or Salesforce, e.g. Fields:{marketingPlatform}"));
        }
    }

    private static void ValidateValueMaps(SegmentDimension dimension, string dimensionPath, List<ConfigProblem> problems)
    {
        var produced = dimension.Rules.Select(r => r.Value.Trim()).Append(dimension.Default.Trim())
            .Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var (system, map) in dimension.ValueMaps)
        {
            var mapPath = $"{dimensionPath}:ValueMaps:{system}";
            if (!SegmentSystems.IsKnown(system))
            {
                problems.Add(new(mapPath, $"unknown system '{system}'", string.Join(", ", SegmentSystems.All)));
                continue;
            }

            if (Segmenter.Find(dimension.Fields, system) is null)
            {
                problems.Add(new(mapPath, $"a value map for {system}, but the dimension names no {system} field", $"Fields:{system}, or remove the map"));
            }

            foreach (var (from, to) in map)
            {
                if (!produced.Contains(from.Trim(), StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(new($"{mapPath}:{from}", $"'{from}' is not a value this dimension sets", produced.Count == 0 ? "(the dimension sets no values)" : string.Join(", ", produced)));
                }

                if (string.IsNullOrWhiteSpace(to))
                {
                    problems.Add(new($"{mapPath}:{from}", "blank value", $"the {system} spelling of '{from}'"));
                }
            }
        }
    }

    private static string Canonical(string system) =>
        SegmentSystems.All.First(s => string.Equals(s, system.Trim(), StringComparison.OrdinalIgnoreCase));
}
