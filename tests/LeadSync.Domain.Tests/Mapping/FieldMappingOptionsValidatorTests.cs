using LeadSync.Domain.Mapping;

namespace LeadSync.Domain.Tests.Mapping;

public sealed class FieldMappingOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        Assert.Empty(FieldMappingOptionsValidator.Validate(new FieldMappingOptions()));
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEveryOneWithItsPath()
    {
        var options = new FieldMappingOptions
        {
            Fields =
            [
                new FieldMapping { HubSpotProperty = "jobtitle", SalesforceField = "Title", Direction = SyncDirection.TwoWay },
                new FieldMapping { HubSpotProperty = "job_title_2", SalesforceField = "title", Direction = SyncDirection.ToCrm },
                new FieldMapping { HubSpotProperty = "x", SalesforceField = "X__c", Direction = SyncDirection.None, ValueMap = new() { ["a"] = "b" } },
                new FieldMapping { HubSpotProperty = "", SalesforceField = " ", Direction = (SyncDirection)8, Conflict = (ConflictPolicy)9, Transforms = [(ValueTransform)5] },
                new FieldMapping { HubSpotProperty = "source", SalesforceField = "LeadSource", Direction = SyncDirection.TwoWay, ValueMap = new() { ["ORGANIC_SEARCH"] = "Web", ["PAID_SEARCH"] = "Web" } },
                new FieldMapping { HubSpotProperty = "hs_lead_status", SalesforceField = "Status" },
                new FieldMapping { HubSpotProperty = "salesforceleadid", SalesforceField = "Id__c" },
            ],
            CrossReference = new CrossReferenceOptions { SalesforceField = "" },
        };

        var paths = FieldMappingOptionsValidator.Validate(options, "LeadSync:Mappings").Select(p => p.Path).ToList();

        string[] expected =
        [
            "LeadSync:Mappings:Fields[1]:SalesforceField",
            "LeadSync:Mappings:Fields[2]:ValueMap",
            "LeadSync:Mappings:Fields[3]:HubSpotProperty",
            "LeadSync:Mappings:Fields[3]:SalesforceField",
            "LeadSync:Mappings:Fields[3]:Direction",
            "LeadSync:Mappings:Fields[3]:Conflict",
            "LeadSync:Mappings:Fields[3]:Transforms[0]",
            "LeadSync:Mappings:Fields[4]:ValueMap:PAID_SEARCH",
            "LeadSync:Mappings:Fields[5]:HubSpotProperty",
            "LeadSync:Mappings:Fields[5]:SalesforceField",
            "LeadSync:Mappings:Fields[6]",
            "LeadSync:Mappings:CrossReference:SalesforceField",
        ];
        foreach (var path in expected)
        {
            Assert.Contains(path, paths);
        }

        Assert.DoesNotContain("LeadSync:Mappings:Fields[0]:SalesforceField", paths);
    }

    [Fact]
    public void Validate_ManyToOneMapOnToCrm_Allowed()
    {
        var options = new FieldMappingOptions
        {
            Fields = [new FieldMapping { HubSpotProperty = "hs_analytics_source", SalesforceField = "LeadSource", Direction = SyncDirection.ToCrm, ValueMap = new() { ["A"] = "Web", ["B"] = "Web" } }],
        };

        Assert.Empty(FieldMappingOptionsValidator.Validate(options));
    }

    [Fact]
    public void ValidateAgainstMetadata_UnknownReadOnlyAndBadPicklist_AllReported()
    {
        var options = new FieldMappingOptions
        {
            Fields =
            [
                new FieldMapping { HubSpotProperty = "nosuch", SalesforceField = "Title", Direction = SyncDirection.TwoWay },
                new FieldMapping { HubSpotProperty = "hs_analytics_source", SalesforceField = "LeadSource", Direction = SyncDirection.TwoWay, ValueMap = new() { ["ORGANIC_SEARCH"] = "Web", ["TELEPATHY"] = "Psychic" } },
                new FieldMapping { HubSpotProperty = "company", SalesforceField = "CreatedDate", Direction = SyncDirection.ToCrm },
                new FieldMapping { HubSpotProperty = "company", SalesforceField = "Nope__c", Direction = SyncDirection.None },
            ],
        };
        FieldInfo[] hubSpot =
        [
            new("company", "string", true),
            new("salesforceleadid", "string", true),
            new("hs_analytics_source", "enumeration", false, ["ORGANIC_SEARCH", "PAID_SEARCH"]),
        ];
        FieldInfo[] salesforce =
        [
            new("Title", "string", true),
            new("LeadSource", "picklist", true, ["Web", "Other"]),
            new("CreatedDate", "datetime", false),
        ];

        var problems = FieldMappingOptionsValidator.ValidateAgainstMetadata(options, hubSpot, salesforce, "LeadSync:Mappings");
        var paths = problems.Select(p => p.Path).ToList();

        Assert.Contains("LeadSync:Mappings:Fields[0]:HubSpotProperty", paths);
        Assert.Contains("LeadSync:Mappings:Fields[1]:HubSpotProperty", paths);
        Assert.Contains("LeadSync:Mappings:Fields[1]:ValueMap:TELEPATHY", paths);
        Assert.Equal(2, paths.Count(p => p == "LeadSync:Mappings:Fields[1]:ValueMap:TELEPATHY"));
        Assert.Contains("LeadSync:Mappings:Fields[2]:SalesforceField", paths);
        Assert.Contains("LeadSync:Mappings:CrossReference:SalesforceField", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("LeadSync:Mappings:Fields[3]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Problem.Contains("read-only", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateAgainstMetadata_DefaultsAgainstVocabulary_NoProblems()
    {
        FieldInfo[] hubSpot =
        [
            .. new[] { "firstname", "lastname", "company", "jobtitle", "phone", "numemployees", "country", "state", "city", "industry", "salesforceleadid" }
                .Select(n => new FieldInfo(n, "string", true)),
            new("hs_analytics_source", "enumeration", false, ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS", "DIRECT_TRAFFIC", "OFFLINE"]),
        ];
        FieldInfo[] salesforce =
        [
            .. new[] { "FirstName", "LastName", "Company", "Title", "Phone", "NumberOfEmployees", "Country", "State", "City", "HubSpot_Contact_Id__c" }
                .Select(n => new FieldInfo(n, "string", true)),
            new("Industry", "picklist", true, ["Technology", "Finance", "Healthcare", "Manufacturing", "Retail", "Education", "Government", "Media", "Energy", "Consulting"]),
            new("LeadSource", "picklist", true, ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Webinar", "Trade Show", "Other"]),
        ];

        Assert.Empty(FieldMappingOptionsValidator.ValidateAgainstMetadata(new FieldMappingOptions(), hubSpot, salesforce));
    }
}
