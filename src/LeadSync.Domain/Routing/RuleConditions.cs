using System.Globalization;
using LeadSync.Domain.Configuration;

namespace LeadSync.Domain.Routing;

/// <summary>
/// The condition vocabulary the admin's ordered rules share (routing, segments): whether a condition matches a lead, how
/// the match reads in a reason, and what is wrong with one in configuration. One place, so a condition means the same
/// wherever it is written.
/// </summary>
public static class RuleConditions
{
    public static bool Matches(RuleCondition condition, LeadAttributes lead)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(lead);
        var value = lead.Get(condition.Field)?.Trim();
        if (condition.Operator == ConditionOperator.Missing)
        {
            return string.IsNullOrEmpty(value);
        }

        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        return condition.Operator switch
        {
            ConditionOperator.Equals or ConditionOperator.In =>
                condition.Values.Exists(v => string.Equals(v.Trim(), value, StringComparison.OrdinalIgnoreCase)),
            ConditionOperator.Contains =>
                condition.Values.Exists(v => v.Trim().Length > 0 && value.Contains(v.Trim(), StringComparison.OrdinalIgnoreCase)),
            ConditionOperator.Range =>
                decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                && (condition.Min is null || number >= condition.Min)
                && (condition.Max is null || number <= condition.Max),
            _ => false,
        };
    }

    /// <summary>True when every condition matches (a rule without conditions matches every lead).</summary>
    public static bool MatchesAll(IEnumerable<RuleCondition> conditions, LeadAttributes lead) =>
        conditions.All(c => Matches(c, lead));

    /// <summary>Why the conditions matched, in words; email-like values are masked.</summary>
    public static string DescribeAll(IReadOnlyCollection<RuleCondition> conditions, LeadAttributes lead) =>
        conditions.Count == 0
            ? "it has no conditions (catch-all)"
            : string.Join(" and ", conditions.Select(c => Describe(c, lead)));

    public static string Describe(RuleCondition condition, LeadAttributes lead)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(lead);
        var raw = lead.Get(condition.Field);
        var value = raw is not null && raw.Contains('@', StringComparison.Ordinal) ? EmailMask.Mask(raw) : raw;
        return condition.Operator switch
        {
            ConditionOperator.Missing => $"{condition.Field} is blank",
            ConditionOperator.Range => string.Create(
                CultureInfo.InvariantCulture,
                $"{condition.Field} = {value} is within [{condition.Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"}, {condition.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}]"),
            ConditionOperator.Contains => $"{condition.Field} = '{value}' contains {string.Join(" or ", condition.Values)}",
            _ => $"{condition.Field} = '{value}' is {string.Join(" or ", condition.Values)}",
        };
    }

    /// <summary>Every problem of one condition, each at <paramref name="conditionPath"/> or below it.</summary>
    public static void Validate(RuleCondition condition, string conditionPath, List<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(problems);
        if (!FieldPath.TryParse(condition.Field, out _, out _))
        {
            problems.Add(new(conditionPath + ":Field", $"'{condition.Field}' is not System.field", "HubSpot.<property> or Salesforce.<Field>, e.g. Salesforce.Country"));
        }

        if (!Enum.IsDefined(condition.Operator))
        {
            problems.Add(new(conditionPath + ":Operator", $"unknown operator '{condition.Operator}'", RoutingOptionsValidator.Names<ConditionOperator>()));
            return;
        }

        switch (condition.Operator)
        {
            case ConditionOperator.Equals or ConditionOperator.In or ConditionOperator.Contains:
                if (condition.Values.Count == 0 || condition.Values.TrueForAll(string.IsNullOrWhiteSpace))
                {
                    problems.Add(new(conditionPath + ":Values", $"{condition.Operator} needs at least one value", "one or more non-blank values"));
                }

                if (condition.Min is not null || condition.Max is not null)
                {
                    problems.Add(new(conditionPath, "Min/Max only apply to Range", "Values for this operator"));
                }

                break;
            case ConditionOperator.Range:
                if (condition.Min is null && condition.Max is null)
                {
                    problems.Add(new(conditionPath, "Range needs Min, Max or both", "Min and/or Max numbers"));
                }
                else if (condition.Min > condition.Max)
                {
                    problems.Add(new(conditionPath + ":Min", string.Create(CultureInfo.InvariantCulture, $"Min {condition.Min} is greater than Max {condition.Max}"), "Min ≤ Max"));
                }

                break;
            case ConditionOperator.Missing:
                if (condition.Values.Count > 0)
                {
                    problems.Add(new(conditionPath + ":Values", "Missing takes no values", "no Values"));
                }

                break;
        }
    }

    /// <summary>The fields of <paramref name="system"/> (<see cref="FieldPath.HubSpot"/> or <see cref="FieldPath.Salesforce"/>) the conditions read.</summary>
    public static IEnumerable<string> FieldsOf(IEnumerable<RuleCondition> conditions, string system) =>
        conditions
            .Select(c => FieldPath.TryParse(c.Field, out var s, out var f) && string.Equals(s, system, StringComparison.OrdinalIgnoreCase) ? f : null)
            .OfType<string>();
}
