using LeadSync.Domain.Routing;
using LeadSync.Domain.Segmentation;
using static LeadSync.Domain.Tests.Segmentation.SegmentTestData;

namespace LeadSync.Domain.Tests.Segmentation;

public sealed class SegmentOptionsValidatorTests
{
    [Fact]
    public void Validate_ExampleDimensions_NoProblems()
    {
        Assert.Empty(SegmentOptionsValidator.Validate(Options()));
    }

    [Fact]
    public void Validate_NoDimensions_NoProblems()
    {
        Assert.Empty(SegmentOptionsValidator.Validate(new SegmentOptions()));
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEveryOneWithItsPath()
    {
        var region = Region();
        region.Name = "region";
        var options = new SegmentOptions
        {
            Dimensions =
            [
                Region(),
                region,
                new SegmentDimension
                {
                    Name = " ",
                    Default = "",
                    Rules =
                    [
                        new SegmentRule { Id = "", Value = "" },
                        new SegmentRule { Id = "later", Value = "B", Conditions = [new RuleCondition { Field = "Nowhere.x", Operator = ConditionOperator.Range }] },
                        new SegmentRule { Id = "later", Value = "C", Conditions = [new RuleCondition { Field = "HubSpot.x", Operator = ConditionOperator.Missing, Values = ["y"] }] },
                    ],
                    Fields = new(StringComparer.OrdinalIgnoreCase) { ["Eloqua"] = "seg", ["Pardot"] = " " },
                    ValueMaps = new(StringComparer.OrdinalIgnoreCase)
                    {
                        ["Salesforce"] = new() { ["B"] = "Bee", ["Z"] = "" },
                        ["Dynamics"] = new() { ["B"] = "b" },
                    },
                },
            ],
        };

        var problems = SegmentOptionsValidator.Validate(options, "LeadSync:Segments");
        var byPath = problems.Select(p => $"{p.Path}: {p.Problem}").ToList();

        Assert.Equal(
            [
                "LeadSync:Segments:Dimensions[1]:Name: duplicate dimension name 'region'",
                "LeadSync:Segments:Dimensions[1]:Fields:HubSpot: field 'leadsync_region' is also written by dimension 'Region'",
                "LeadSync:Segments:Dimensions[1]:Fields:Marketo: field 'leadSyncRegion' is also written by dimension 'Region'",
                "LeadSync:Segments:Dimensions[1]:Fields:Salesforce: field 'Region__c' is also written by dimension 'Region'",
                "LeadSync:Segments:Dimensions[2]:Name: dimension name is empty",
                "LeadSync:Segments:Dimensions[2]:Default: no default value",
                "LeadSync:Segments:Dimensions[2]:Rules[0]:Id: rule id is empty",
                "LeadSync:Segments:Dimensions[2]:Rules[0]:Value: no value",
                "LeadSync:Segments:Dimensions[2]:Rules[1]: can never match: rule '' before it has no conditions and matches every person",
                "LeadSync:Segments:Dimensions[2]:Rules[1]:Conditions[0]:Field: 'Nowhere.x' is not System.field",
                "LeadSync:Segments:Dimensions[2]:Rules[1]:Conditions[0]: Range needs Min, Max or both",
                "LeadSync:Segments:Dimensions[2]:Rules[2]:Id: duplicate rule id 'later'",
                "LeadSync:Segments:Dimensions[2]:Rules[2]: can never match: rule '' before it has no conditions and matches every person",
                "LeadSync:Segments:Dimensions[2]:Rules[2]:Conditions[0]:Values: Missing takes no values",
                "LeadSync:Segments:Dimensions[2]:Fields:Eloqua: unknown system 'Eloqua'",
                "LeadSync:Segments:Dimensions[2]:Fields:Pardot: blank field name",
                "LeadSync:Segments:Dimensions[2]:Fields: the dimension is written nowhere: no field for HubSpot (this connection's marketing platform) or Salesforce",
                "LeadSync:Segments:Dimensions[2]:ValueMaps:Salesforce: a value map for Salesforce, but the dimension names no Salesforce field",
                "LeadSync:Segments:Dimensions[2]:ValueMaps:Salesforce:Z: 'Z' is not a value this dimension sets",
                "LeadSync:Segments:Dimensions[2]:ValueMaps:Salesforce:Z: blank value",
                "LeadSync:Segments:Dimensions[2]:ValueMaps:Dynamics: unknown system 'Dynamics'",
            ],
            byPath);
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Allowed)));
    }

    [Fact]
    public void Validate_FieldOnlyForAnotherPlatform_WrittenNowhereOnThisConnection()
    {
        var options = new SegmentOptions
        {
            Dimensions = [new SegmentDimension { Name = "Tier", Default = "x", Fields = new(StringComparer.OrdinalIgnoreCase) { ["Marketo"] = "tier" } }],
        };

        Assert.Empty(SegmentOptionsValidator.Validate(options, marketingPlatform: SegmentSystems.Marketo));
        var problem = Assert.Single(SegmentOptionsValidator.Validate(options, marketingPlatform: SegmentSystems.HubSpot));
        Assert.Equal("LeadSync:Segments:Dimensions[0]:Fields", problem.Path);
    }

    [Fact]
    public void Validate_SalesforceOnlyDimension_IsFine()
    {
        var options = new SegmentOptions
        {
            Dimensions = [new SegmentDimension { Name = "Tier", Default = "x", Fields = new(StringComparer.OrdinalIgnoreCase) { ["Salesforce"] = "Tier__c" } }],
        };

        Assert.Empty(SegmentOptionsValidator.Validate(options, marketingPlatform: SegmentSystems.Pardot));
    }

    [Fact]
    public void Validate_ValueMapKeysDifferingOnlyInCase_AreValuesTheDimensionSets()
    {
        var region = Region();
        region.ValueMaps["Salesforce"]["emea"] = "Europe";

        Assert.Empty(SegmentOptionsValidator.Validate(new SegmentOptions { Dimensions = [region] }));
    }
}
