using LeadSync.Domain.Segmentation;
using static LeadSync.Domain.Tests.Segmentation.SegmentTestData;

namespace LeadSync.Domain.Tests.Segmentation;

public sealed class SegmenterTests
{
    private readonly Segmenter _segmenter = new(Options());

    [Fact]
    public void Assign_MatchingRules_OneValuePerDimensionInConfiguredOrder()
    {
        var values = _segmenter.Assign(Lead(country: "Germany", employees: "250", title: "VP Sales"));

        Assert.Equal(["Region", "SizeBand", "Persona"], values.Select(v => v.Dimension));
        Assert.Equal(["EMEA", "Mid-market", "Executive"], values.Select(v => v.Value));
        Assert.Equal(["emea", "mid", "executive"], values.Select(v => v.RuleId));
    }

    [Fact]
    public void Assign_NoRuleMatches_DefaultWithNoRuleAndSaysSo()
    {
        var values = _segmenter.Assign(Lead(country: "Brazil", employees: null, title: "Student"));

        Assert.All(values, v => Assert.Null(v.RuleId));
        Assert.Equal(["Rest of world", "Unknown", "Other"], values.Select(v => v.Value));
        Assert.Equal("segment Region = Rest of world: no rule matched (default)", values[0].Reason);
    }

    [Fact]
    public void Assign_TwoRulesMatch_FirstInOrderWins()
    {
        // "Chief Engineer" satisfies both the executive rule (Chief) and the technical one (Engineer).
        var persona = _segmenter.Assign(Lead(title: "Chief Engineer"))[2];

        Assert.Equal("Executive", persona.Value);
        Assert.Equal("executive", persona.RuleId);
    }

    [Fact]
    public void Assign_LaterRuleOnOtherSystem_MatchesWhenEarlierOnesDoNot()
    {
        var region = _segmenter.Assign(Lead(country: null, crmCountry: "France"))[0];

        Assert.Equal("EMEA", region.Value);
        Assert.Equal("crm-emea", region.RuleId);
        Assert.Equal("segment Region = EMEA: rule 'crm-emea' matched because Salesforce.Country = 'France' is Germany or France or United Kingdom", region.Reason);
    }

    [Fact]
    public void Assign_RangeBounds_AreInclusive()
    {
        Assert.Equal("Enterprise", _segmenter.Assign(Lead(employees: "1000"))[1].Value);
        Assert.Equal("Mid-market", _segmenter.Assign(Lead(employees: "999"))[1].Value);
        Assert.Equal("Mid-market", _segmenter.Assign(Lead(employees: "100"))[1].Value);
        Assert.Equal("SMB", _segmenter.Assign(Lead(employees: "99"))[1].Value);
        Assert.Equal("Unknown", _segmenter.Assign(Lead(employees: "0"))[1].Value);
        Assert.Equal("Unknown", _segmenter.Assign(Lead(employees: "lots"))[1].Value);
    }

    [Fact]
    public void Assign_CatchAllRule_MatchesEveryoneAndSaysItIsACatchAll()
    {
        var segmenter = new Segmenter(new SegmentOptions
        {
            Dimensions = [new SegmentDimension { Name = "Tier", Default = "x", Fields = new() { ["HubSpot"] = "tier" }, Rules = [new SegmentRule { Id = "all", Value = "Everyone" }] }],
        });

        var value = segmenter.Assign(Lead())[0];

        Assert.Equal("Everyone", value.Value);
        Assert.Contains("catch-all", value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Assign_ValuesWithSpaces_AreTrimmed()
    {
        var segmenter = new Segmenter(new SegmentOptions
        {
            Dimensions = [new SegmentDimension { Name = "Tier", Default = " Other ", Fields = new() { ["HubSpot"] = "tier" }, Rules = [new SegmentRule { Id = "de", Value = " DACH ", Conditions = [In("HubSpot.country", "Germany")] }] }],
        });

        Assert.Equal("DACH", segmenter.Assign(Lead(country: "germany "))[0].Value);
        Assert.Equal("Other", segmenter.Assign(Lead(country: "Spain"))[0].Value);
    }

    [Fact]
    public void ForCrm_ValueMap_TranslatesMappedValuesAndKeepsTheOthers()
    {
        var na = _segmenter.ForCrm(_segmenter.Assign(Lead(country: "Canada", employees: "5")));
        var emea = _segmenter.ForCrm(_segmenter.Assign(Lead(country: "France")));

        Assert.Equal([new SegmentFieldValue("Region", "Region__c", "North America"), new SegmentFieldValue("SizeBand", "Size_Band__c", "SMB")], na);
        Assert.Equal("EMEA", emea[0].Value);
    }

    [Fact]
    public void ForMarketing_HubSpotConnection_WritesHubSpotFieldsOnly()
    {
        var writes = _segmenter.ForMarketing(_segmenter.Assign(Lead(country: "Canada", title: "Engineer")));

        Assert.Equal(["leadsync_region", "leadsync_size_band", "leadsync_persona"], writes.Select(w => w.Field));
        Assert.Equal(["NA", "Unknown", "Technical"], writes.Select(w => w.Value));
    }

    [Fact]
    public void ForMarketing_MarketoConnection_WritesTheMarketoFieldAndSkipsDimensionsWithoutOne()
    {
        var marketo = new Segmenter(Options(), SegmentSystems.Marketo);

        var writes = marketo.ForMarketing(marketo.Assign(Lead(country: "Canada")));

        Assert.Equal([new SegmentFieldValue("Region", "leadSyncRegion", "NA")], writes);
    }

    [Fact]
    public void Fields_ReadListsNameConditionAndTargetFieldsPerSide()
    {
        Assert.Equal(
            ["country", "jobtitle", "leadsync_region", "leadsync_size_band", "leadsync_persona"],
            _segmenter.MarketingFields.Distinct(StringComparer.Ordinal));
        Assert.Equal(["Country", "NumberOfEmployees", "Region__c", "Size_Band__c"], _segmenter.CrmFields.Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public void Assign_NoDimensions_NothingAndIsEmpty()
    {
        var segmenter = new Segmenter(new SegmentOptions());

        Assert.True(segmenter.IsEmpty);
        Assert.Empty(segmenter.Assign(Lead(country: "Germany")));
    }
}
