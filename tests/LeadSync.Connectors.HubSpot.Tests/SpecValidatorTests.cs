using LeadSync.Connectors.HubSpot.Tests.Infrastructure;

namespace LeadSync.Connectors.HubSpot.Tests;

/// <summary>The test-side validator must itself catch what it is there to catch, or the contract tests prove nothing.</summary>
public sealed class SpecValidatorTests
{
    [Fact]
    public void Validate_CreateWithoutAssociations_ReportsRequired() =>
        Assert.Contains("$.inputs[0].associations: required property missing",
            SpecValidator.Contacts.Validate("""{"inputs":[{"properties":{"email":"a@example.com"}}]}""", "BatchInputSimplePublicObjectBatchInputForCreate"));

    [Fact]
    public void Validate_NonStringPropertyValue_ReportsType() =>
        Assert.Contains("$.inputs[0].properties.hubspotscore: expected string, got Number",
            SpecValidator.Contacts.Validate("""{"inputs":[{"id":"1","properties":{"hubspotscore":42}}]}""", "BatchInputSimplePublicObjectBatchInput"));

    [Fact]
    public void Validate_UnknownOperatorAndProperty_ReportsEnumAndUndeclared()
    {
        var errors = SpecValidator.Contacts.Validate(
            """{"filterGroups":[{"filters":[{"propertyName":"x","operator":"GREATER","value":"1"}]}],"sorts":[],"properties":[],"limit":10,"after":"0","pageSize":3}""",
            "PublicObjectSearchRequest");

        Assert.Equal(
            ["$.filterGroups[0].filters[0].operator: 'GREATER' is not one of the enum values", "$.pageSize: property not declared by the schema"],
            errors);
    }

    [Fact]
    public void Validate_DocumentedSearchShape_OnlyTheKnownSpecQuirks()
    {
        var errors = SpecValidator.Contacts.Validate(
            """{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE","value":"0"}]}],"sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],"properties":["email"],"limit":200}""",
            "PublicObjectSearchRequest");

        Assert.Equal([Spec.SearchAfterOmitted, "$.sorts[0]: expected string, got Object"], errors);
    }
}
