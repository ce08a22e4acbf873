using LeadSync.Domain.Configuration;

namespace LeadSync.Domain.Lifecycle;

/// <summary>Checks <see cref="LifecycleOptions"/> and reports every problem at once, each with its JSON path.</summary>
public static class LifecycleOptionsValidator
{
    /// <param name="path">The section's path, e.g. <c>LeadSync:Lifecycle</c>.</param>
    /// <param name="threshold">The sales-ready threshold (71): a MarketingQualifiedLead rule below it would mark leads marketing still owns.</param>
    public static IReadOnlyList<ConfigProblem> Validate(LifecycleOptions options, string path, int threshold)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ConfigProblem>();
        void Add(string at, string problem, string allowed) => problems.Add(new ConfigProblem(at, problem, allowed));

        var statusMap = options.StatusMap ?? new ValueMapOptions();
        var stageMap = options.StageMap ?? new ValueMapOptions();

        // Lead Status syncs both ways, so every canonical status needs a value in both systems.
        var allStatuses = Enum.GetValues<LeadStatus>();
        CheckMap<LeadStatus>($"{path}:StatusMap", "Salesforce", statusMap.Salesforce, statusMap.SalesforceAliases, allStatuses, Add);
        CheckMap<LeadStatus>($"{path}:StatusMap", "HubSpot", statusMap.HubSpot, statusMap.HubSpotAliases, allStatuses, Add);

        // Lifecycle stage is written to HubSpot when a rule targets it; Salesforce has no stage field unless the org adds one.
        var targets = (options.StageRules ?? []).Select(r => r.Stage).Where(Enum.IsDefined).Distinct().ToArray();
        CheckMap<LifecycleStage>($"{path}:StageMap", "HubSpot", stageMap.HubSpot, stageMap.HubSpotAliases, targets, Add);
        CheckMap<LifecycleStage>($"{path}:StageMap", "Salesforce", stageMap.Salesforce, stageMap.SalesforceAliases, [], Add);

        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var unconditional = -1;
        for (var i = 0; i < (options.StageRules?.Count ?? 0); i++)
        {
            var at = $"{path}:StageRules[{i}]";
            var rule = options.StageRules![i];
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                Add($"{at}:Id", "rule id is missing", "a unique, non-empty id");
            }
            else if (!ids.TryAdd(rule.Id.Trim(), i))
            {
                Add($"{at}:Id", $"duplicate rule id '{rule.Id}' (also at StageRules[{ids[rule.Id.Trim()]}])", "unique ids");
            }

            if (!Enum.IsDefined(rule.Stage))
            {
                Add($"{at}:Stage", $"unknown stage '{rule.Stage}'", string.Join(", ", Enum.GetNames<LifecycleStage>()));
            }

            if (rule.MinScore is { } min && (min < 0 || min > 100))
            {
                Add($"{at}:MinScore", $"minimum score {min} can never be met or is meaningless", "a score from 0 to 100");
            }

            if (rule.MinGrade is { } grade && !Enum.IsDefined(grade))
            {
                Add($"{at}:MinGrade", $"unknown grade '{grade}'", "A, B, C or D");
            }

            for (var j = 0; j < (rule.Statuses?.Count ?? 0); j++)
            {
                if (!Enum.IsDefined(rule.Statuses![j]))
                {
                    Add($"{at}:Statuses[{j}]", $"unknown status '{rule.Statuses[j]}'", string.Join(", ", Enum.GetNames<LeadStatus>()));
                }
            }

            if (rule.Stage == LifecycleStage.MarketingQualifiedLead && rule.MinScore is { } mql && mql < threshold)
            {
                Add($"{at}:MinScore", $"MarketingQualifiedLead at score {mql}, below the sales-ready threshold {threshold}: HubSpot would show leads marketing still owns as MQL",
                    $"a MinScore of at least {threshold}");
            }
            else if (rule.Stage == LifecycleStage.MarketingQualifiedLead && rule.MinScore is null && (rule.Statuses?.Count ?? 0) == 0 && rule.OwnedBySales is null)
            {
                Add($"{at}:MinScore", "MarketingQualifiedLead without a score or status condition would mark every lead MQL", $"a MinScore of at least {threshold}");
            }

            if (unconditional >= 0)
            {
                Add(at, $"this rule can never match: StageRules[{unconditional}] before it has no conditions", "move unconditional rules last");
            }
            else if (rule.MinScore is null && rule.MinGrade is null && (rule.Statuses?.Count ?? 0) == 0 && rule.OwnedBySales is null)
            {
                unconditional = i;
            }
        }

        return problems;
    }

    private static void CheckMap<TEnum>(
        string mapPath,
        string system,
        Dictionary<string, string>? primary,
        Dictionary<string, string>? aliases,
        IReadOnlyCollection<TEnum> needed,
        Action<string, string, string> add)
        where TEnum : struct, Enum
    {
        var names = string.Join(", ", Enum.GetNames<TEnum>());
        var mapped = new HashSet<TEnum>();
        var byValue = new Dictionary<string, (string Key, TEnum Canonical)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in primary ?? [])
        {
            var at = $"{mapPath}:{system}:{key}";
            if (!TryCanonical(key, out TEnum canonical))
            {
                add(at, $"unknown canonical name '{key}'", names);
                continue;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                add(at, $"{canonical} maps to an empty {system} value", $"the {system} value for {canonical}");
                continue;
            }

            mapped.Add(canonical);
            if (byValue.TryGetValue(value.Trim(), out var other) && !other.Canonical.Equals(canonical))
            {
                add(at, $"{other.Key} and {key} both map to '{value}': read back, the value could not tell them apart", "a distinct system value per canonical value");
            }
            else
            {
                byValue.TryAdd(value.Trim(), (key, canonical));
            }
        }

        foreach (var (value, key) in aliases ?? [])
        {
            var at = $"{mapPath}:{system}Aliases:{value}";
            if (!TryCanonical(key, out TEnum canonical))
            {
                add(at, $"alias '{value}' names unknown canonical value '{key}'", names);
            }
            else if (string.IsNullOrWhiteSpace(value))
            {
                add(at, "empty alias", "a non-empty system value");
            }
            else if (byValue.TryGetValue(value.Trim(), out var other) && !other.Canonical.Equals(canonical))
            {
                add(at, $"alias '{value}' → {key} conflicts with the primary mapping {other.Key} → '{value}'", "an alias that is not another canonical value's system value");
            }
        }

        foreach (var canonical in needed.Where(c => !mapped.Contains(c)))
        {
            add($"{mapPath}:{system}:{canonical}", $"{canonical} has no {system} value, but LeadSync needs to write it", $"the {system} value for {canonical}");
        }
    }

    private static bool TryCanonical<TEnum>(string? name, out TEnum value)
        where TEnum : struct, Enum =>
        Enum.TryParse(name, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(name, out _);
}
