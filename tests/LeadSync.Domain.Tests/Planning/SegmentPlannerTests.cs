using LeadSync.Domain.Configuration;
using LeadSync.Domain.Mapping;
using LeadSync.Domain.Planning;
using LeadSync.Domain.Tests.Segmentation;
using static LeadSync.Domain.Tests.Planning.PlannerTestData;

namespace LeadSync.Domain.Tests.Planning;

public sealed class SegmentPlannerTests
{
    private static void WithSegments(ConnectionModelOptions options) => options.Segments = SegmentTestData.Options();

    private static MarketingPerson WithFields(MarketingPerson contact, params (string Field, string? Value)[] fields)
    {
        var bag = new Dictionary<string, string?>(contact.Fields, StringComparer.Ordinal);
        foreach (var (field, value) in fields)
        {
            bag[field] = value;
        }

        return contact with { Fields = bag };
    }

    private static CrmPerson WithFields(CrmPerson lead, params (string Field, string? Value)[] fields)
    {
        var bag = new Dictionary<string, string?>(lead.Fields, StringComparer.Ordinal);
        foreach (var (field, value) in fields)
        {
            bag[field] = value;
        }

        return lead with { Fields = bag };
    }

    [Fact]
    public void Plan_NewSegments_WrittenToBothSystemsWithMapsAndReasons()
    {
        var contact = Contact(Quiet, country: "Canada");
        var lead = Lead(country: "Canada");

        var plan = PlanOne(Person(contact, lead, Record(contact, lead)), WithSegments);

        Assert.Equal(["NA", "Enterprise", "Executive"], plan.Segments.Select(s => s.Value));
        Assert.Equal("NA", plan.MarketingWrite!.Fields["leadsync_region"]);
        Assert.Equal("Enterprise", plan.MarketingWrite.Fields["leadsync_size_band"]);
        Assert.Equal("Executive", plan.MarketingWrite.Fields["leadsync_persona"]);
        Assert.Equal("North America", plan.CrmWrite!.Fields["Region__c"]);
        Assert.Equal("Enterprise", plan.CrmWrite.Fields["Size_Band__c"]);
        Assert.False(plan.CrmWrite.Fields.ContainsKey("leadsync_persona"));
        Assert.Equal(5, plan.SegmentWrites);
        Assert.Contains("segment Region = NA: rule 'na' matched because HubSpot.country = 'Canada' is United States or Canada; written to marketing field leadsync_region (was blank)", plan.Reasons);
        Assert.Contains(plan.Reasons, r => r.StartsWith("segment Region = NA", StringComparison.Ordinal) && r.EndsWith("written to CRM field Region__c (was blank)", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_SegmentsAlreadyInPlace_NothingWrittenAndNoSegmentReasons()
    {
        var contact = WithFields(Contact(Quiet, country: "Canada"), ("leadsync_region", "NA"), ("leadsync_size_band", "Enterprise"), ("leadsync_persona", "Executive"));
        var lead = WithFields(Lead(country: "Canada"), ("Region__c", "North America"), ("Size_Band__c", "Enterprise"));

        var plan = PlanOne(Person(contact, lead, Record(contact, lead)), WithSegments);

        Assert.Equal(0, plan.SegmentWrites);
        Assert.True(plan.MarketingWrite is null || !plan.MarketingWrite.Fields.Keys.Any(k => k.StartsWith("leadsync_", StringComparison.Ordinal)));
        Assert.True(plan.CrmWrite is null || (!plan.CrmWrite.Fields.ContainsKey("Region__c") && !plan.CrmWrite.Fields.ContainsKey("Size_Band__c")));
        Assert.DoesNotContain(plan.Reasons, r => r.StartsWith("segment ", StringComparison.Ordinal));
        Assert.Equal(3, plan.Segments.Count);
    }

    [Fact]
    public void Plan_OneValueChanged_OnlyThatFieldWritten()
    {
        var contact = WithFields(Contact(Quiet, country: "Germany"), ("leadsync_region", "NA"), ("leadsync_size_band", "Enterprise"), ("leadsync_persona", "Executive"));
        var lead = WithFields(Lead(country: "Germany"), ("Region__c", "North America"), ("Size_Band__c", "Enterprise"));

        var plan = PlanOne(Person(contact, lead, Record(contact, lead)), WithSegments);

        Assert.Equal(new Dictionary<string, string?> { ["leadsync_region"] = "EMEA" }, plan.MarketingWrite!.Fields);
        Assert.Equal(new Dictionary<string, string?> { ["Region__c"] = "EMEA" }, plan.CrmWrite!.Fields);
        Assert.Equal(2, plan.SegmentWrites);
        Assert.Contains(plan.Reasons, r => r.EndsWith("written to marketing field leadsync_region (was 'NA')", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_NoSegmentsConfigured_NoSegmentsAndNoWrites()
    {
        var contact = Contact(Quiet);
        var lead = Lead();

        var plan = PlanOne(Person(contact, lead, Record(contact, lead)));

        Assert.Empty(plan.Segments);
        Assert.Equal(0, plan.SegmentWrites);
    }

    [Fact]
    public void Plan_ConvertedLead_SegmentsOnlyToMarketing()
    {
        var contact = Contact(Quiet, country: "Canada");
        var lead = Lead(country: "Canada", converted: true);

        var plan = PlanOne(Person(contact, lead, Record(contact, lead)), WithSegments);

        Assert.Null(plan.CrmWrite);
        Assert.Equal(3, plan.SegmentWrites);
        Assert.Equal("NA", plan.MarketingWrite!.Fields["leadsync_region"]);
    }

    [Fact]
    public void Plan_MarketingOnlyPersonHandedOff_CreatedLeadCarriesSegments()
    {
        var contact = Contact(Hot, crmId: null, country: "Canada");

        var plan = PlanOne(Person(contact, null), WithSegments);

        Assert.NotNull(plan.CrmCreate);
        Assert.Equal("North America", plan.CrmCreate!.Fields["Region__c"]);
        // The size band reads the CRM's employee count: decided with the fields the lead is created with (numemployees
        // is mapped to NumberOfEmployees), on both systems in the same plan.
        Assert.Equal("1200", plan.CrmCreate.Fields["NumberOfEmployees"]);
        Assert.Equal("Enterprise", plan.CrmCreate.Fields["Size_Band__c"]);
        Assert.Equal("Enterprise", plan.MarketingWrite!.Fields["leadsync_size_band"]);
        Assert.Equal("Enterprise", plan.Segments.Single(s => s.Dimension == "SizeBand").Value);
        Assert.Contains(plan.Reasons, r => r.EndsWith("written to CRM (new lead) field Region__c (was blank)", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_ConditionFieldMappedInThisPlan_SegmentFollowsTheValueBeingWritten()
    {
        // Country is mapped CRM → marketing here: the lead's country is about to land on the contact.
        void Configure(ConnectionModelOptions options)
        {
            WithSegments(options);
            options.Mappings = new FieldMappingOptions { Fields = [new FieldMapping { HubSpotProperty = "country", SalesforceField = "Country", Direction = SyncDirection.ToMarketing }] };
        }

        var contact = Contact(Quiet, country: "Brazil");
        var lead = Lead(country: "Canada");
        var record = Record(contact, lead) with { LastSeenCrm = SeenCrm(lead with { Fields = new Dictionary<string, string?>(lead.Fields) { ["Country"] = "Brazil" } }) };

        var plan = PlanOne(Person(contact, lead, record), Configure);

        Assert.Equal("Canada", plan.MarketingWrite!.Fields["country"]);
        Assert.Equal("NA", plan.MarketingWrite.Fields["leadsync_region"]);
    }

    [Fact]
    public void Validate_SegmentFieldAlsoMapped_ProblemAtTheSegmentField()
    {
        var options = Options(o =>
        {
            WithSegments(o);
            o.Mappings = new FieldMappingOptions { Fields = [new FieldMapping { HubSpotProperty = "leadsync_region", SalesforceField = "Region__c", Direction = SyncDirection.TwoWay }] };
        });
        var paths = new Dictionary<string, string>
        {
            ["Scoring"] = "LeadSync:Scoring", ["Lifecycle"] = "LeadSync:Lifecycle", ["Mappings"] = "LeadSync:Mappings",
            ["Handoff"] = "LeadSync:Handoff", ["Routing"] = "LeadSync:Routing", ["Sync"] = "LeadSync:Sync", ["Segments"] = "LeadSync:Segments",
        };

        var problems = ConnectionModel.Validate(options, paths).Where(p => p.Path.StartsWith("LeadSync:Segments", StringComparison.Ordinal)).Select(p => p.ToString()).ToList();

        Assert.Equal(
            [
                new ConfigProblem("LeadSync:Segments:Dimensions[0]:Fields:HubSpot", "field 'leadsync_region' is also synced by a field mapping", "a field only the segment writes (or remove the mapping)").ToString(),
                new ConfigProblem("LeadSync:Segments:Dimensions[0]:Fields:Salesforce", "field 'Region__c' is also synced by a field mapping", "a field only the segment writes (or remove the mapping)").ToString(),
            ],
            problems);
    }

    [Fact]
    public void Model_ReadLists_IncludeSegmentFields()
    {
        var model = new ConnectionModel(Options(WithSegments));

        Assert.Contains("leadsync_region", model.MarketingFields);
        Assert.Contains("jobtitle", model.MarketingFields);
        Assert.Contains("Region__c", model.CrmFields);
        Assert.Contains("Size_Band__c", model.CrmFields);
    }
}
