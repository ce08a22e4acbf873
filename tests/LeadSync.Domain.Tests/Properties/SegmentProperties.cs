using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Tests.Properties;

/// <summary>Generated dimensions (rules over a handful of fields and values) and a generated person.</summary>
public sealed record SegmentCase(SegmentOptions Options, Dictionary<string, string?> HubSpot, Dictionary<string, string?> Salesforce)
{
    public LeadAttributes Lead => new(HubSpot, Salesforce);

    public override string ToString() =>
        string.Join(" | ", Options.Dimensions.Select(d => $"{d.Name}: " + string.Join("; ", d.Rules.Select(r => $"{r.Id}→{r.Value} if " +
            string.Join(" & ", r.Conditions.Select(c => $"{c.Field} {c.Operator} {string.Join("/", c.Values)} [{c.Min},{c.Max}]")))) + $" else {d.Default}"))
        + " || " + string.Join(", ", HubSpot.Select(p => $"{p.Key}={p.Value}")) + " | " + string.Join(", ", Salesforce.Select(p => $"{p.Key}={p.Value}"));
}

public static class SegmentCaseArbitrary
{
    private static readonly string[] Countries = ["Germany", "France", "United States", "Canada", "Japan", "Brazil"];
    private static readonly string[] Titles = ["VP Sales", "Chief Engineer", "Developer", "Student", "Marketing Manager"];

    public static Arbitrary<SegmentCase> SegmentCases()
    {
        var condition = Gen.OneOf(
            from values in Gen.SubListOf(Countries).Where(l => l.Count > 0)
            from side in Gen.Elements("HubSpot.country", "Salesforce.Country")
            select new RuleCondition { Field = side, Operator = ConditionOperator.In, Values = [.. values] },
            from word in Gen.Elements("VP", "Chief", "Engineer", "Manager", "dev")
            select new RuleCondition { Field = "HubSpot.jobtitle", Operator = ConditionOperator.Contains, Values = [word] },
            from min in Gen.Choose(0, 2000)
            from width in Gen.Choose(0, 3000)
            select new RuleCondition { Field = "Salesforce.NumberOfEmployees", Operator = ConditionOperator.Range, Min = min, Max = min + width },
            Gen.Elements("HubSpot.country", "HubSpot.jobtitle", "Salesforce.NumberOfEmployees")
                .Select(f => new RuleCondition { Field = f, Operator = ConditionOperator.Missing }));
        var rule =
            from conditions in Gen.Choose(0, 2).SelectMany(n => condition.ListOf(n))
            from value in Gen.Elements("A", "B", "C", "D")
            select (conditions, value);
        var dimension =
            from rules in Gen.Choose(0, 5).SelectMany(n => rule.ListOf(n))
            from fallback in Gen.Elements("Other", "Unknown")
            select (rules, fallback);
        var gen =
            from dimensions in Gen.Choose(1, 4).SelectMany(n => dimension.ListOf(n))
            from country in Gen.Elements<string?>([null, "", .. Countries])
            from crmCountry in Gen.Elements<string?>([null, .. Countries])
            from title in Gen.Elements<string?>([null, .. Titles])
            from employees in Gen.Elements<string?>(null, "0", "50", "999", "1000", "2500", "many")
            select new SegmentCase(
                new SegmentOptions
                {
                    Dimensions = [.. dimensions.Select((d, i) => new SegmentDimension
                    {
                        Name = $"D{i}",
                        Default = d.fallback,
                        Fields = new(StringComparer.OrdinalIgnoreCase) { ["HubSpot"] = $"seg_{i}", ["Salesforce"] = $"Seg_{i}__c" },
                        Rules = [.. d.rules.Select((r, j) => new SegmentRule { Id = $"r{j}", Value = r.value, Conditions = [.. r.conditions] })],
                    })],
                },
                new Dictionary<string, string?> { ["country"] = country, ["jobtitle"] = title },
                new Dictionary<string, string?> { ["Country"] = crmCountry, ["NumberOfEmployees"] = employees });
        return gen.ToArbitrary();
    }
}

[Properties(Arbitrary = [typeof(SegmentCaseArbitrary)], MaxTest = 300)]
public sealed class SegmentProperties
{
    [Property]
    public bool EveryPerson_GetsExactlyOneValuePerDimension(SegmentCase c)
    {
        var values = new Segmenter(c.Options).Assign(c.Lead);
        return values.Select(v => v.Dimension).SequenceEqual(c.Options.Dimensions.Select(d => d.Name))
            && values.All(v => !string.IsNullOrWhiteSpace(v.Value));
    }

    [Property]
    public bool Value_IsTheFirstMatchingRuleOrElseTheDefault(SegmentCase c)
    {
        var values = new Segmenter(c.Options).Assign(c.Lead);
        return c.Options.Dimensions.Zip(values).All(pair =>
        {
            var (dimension, value) = pair;
            var first = dimension.Rules.FirstOrDefault(r => r.Conditions.TrueForAll(k => RuleConditions.Matches(k, c.Lead)));
            return first is null
                ? value.RuleId is null && value.Value == dimension.Default
                : value.RuleId == first.Id && value.Value == first.Value
                    && dimension.Rules.TakeWhile(r => r != first).All(r => !r.Conditions.TrueForAll(k => RuleConditions.Matches(k, c.Lead)));
        });
    }

    [Property]
    public bool Reason_NamesTheRuleThatSetTheValue(SegmentCase c) =>
        new Segmenter(c.Options).Assign(c.Lead).All(v =>
            v.Reason.StartsWith($"segment {v.Dimension} = {v.Value}: ", StringComparison.Ordinal)
            && (v.RuleId is null ? v.Reason.EndsWith("(default)", StringComparison.Ordinal) : v.Reason.Contains($"rule '{v.RuleId}'", StringComparison.Ordinal)));

    [Property]
    public bool BothSystems_GetOneFieldPerDimension(SegmentCase c)
    {
        var segmenter = new Segmenter(c.Options);
        var values = segmenter.Assign(c.Lead);
        return segmenter.ForMarketing(values).Select(w => w.Value).SequenceEqual(values.Select(v => v.Value))
            && segmenter.ForCrm(values).Select(w => w.Field).Distinct(StringComparer.Ordinal).Count() == values.Count;
    }

    [Property]
    public bool GeneratedOptions_PassValidationUnlessARuleIsUnreachable(SegmentCase c)
    {
        var problems = SegmentOptionsValidator.Validate(c.Options);
        var unreachable = c.Options.Dimensions.Any(d => d.Rules.SkipLast(1).Any(r => r.Conditions.Count == 0));
        return unreachable ? problems.All(p => p.Problem.StartsWith("can never match", StringComparison.Ordinal)) && problems.Count > 0 : problems.Count == 0;
    }
}
