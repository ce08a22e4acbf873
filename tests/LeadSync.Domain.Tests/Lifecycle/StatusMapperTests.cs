namespace LeadSync.Domain.Lifecycle.Tests;

public sealed class StatusMapperTests
{
    private readonly StatusMapper _mapper = StatusMapper.Create(LifecycleOptions.CreateDefault());

    [Theory]
    [InlineData(LeadStatus.New, "Open - Not Contacted", "NEW")]
    [InlineData(LeadStatus.Contacted, "Working - Contacted", "ATTEMPTED_TO_CONTACT")]
    [InlineData(LeadStatus.Engaged, "Working - Engaged", "CONNECTED")]
    [InlineData(LeadStatus.Qualified, "Marketing Qualified", "IN_PROGRESS")]
    [InlineData(LeadStatus.Converted, "Closed - Converted", "OPEN_DEAL")]
    [InlineData(LeadStatus.Unqualified, "Closed - Not Converted", "UNQUALIFIED")]
    [InlineData(LeadStatus.Nurturing, "Nurturing", "BAD_TIMING")]
    public void Mapper_DefaultMap_BothDirectionsPerVocabulary(LeadStatus status, string salesforce, string hubSpot)
    {
        Assert.Equal(salesforce, _mapper.ToSalesforce(status));
        Assert.Equal(hubSpot, _mapper.ToHubSpot(status));
        Assert.True(_mapper.TryFromSalesforce(salesforce, out var fromSalesforce));
        Assert.True(_mapper.TryFromHubSpot(hubSpot, out var fromHubSpot));
        Assert.Equal(status, fromSalesforce);
        Assert.Equal(status, fromHubSpot);
    }

    [Fact]
    public void TryFromHubSpot_Alias_ReadsAsCanonicalButIsNeverWritten()
    {
        Assert.True(_mapper.TryFromHubSpot("OPEN", out var status));
        Assert.Equal(LeadStatus.New, status);
        Assert.Equal("NEW", _mapper.ToHubSpot(LeadStatus.New));
    }

    [Theory]
    [InlineData(" open - not contacted ")]
    [InlineData("OPEN - NOT CONTACTED")]
    public void TryFromSalesforce_CaseAndBlanks_Ignored(string value)
    {
        Assert.True(_mapper.TryFromSalesforce(value, out var status));
        Assert.Equal(LeadStatus.New, status);
    }

    [Theory]
    [InlineData("Working")]
    [InlineData("Recycled")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("NEW")]
    public void TryFromSalesforce_UnknownValue_ReturnsFalseWithoutGuessing(string? value)
    {
        Assert.False(_mapper.TryFromSalesforce(value, out _));
    }

    [Theory]
    [InlineData("OPEN_OPPORTUNITY")]
    [InlineData("Open - Not Contacted")]
    [InlineData(null)]
    public void TryFromHubSpot_UnknownValue_ReturnsFalse(string? value)
    {
        Assert.False(_mapper.TryFromHubSpot(value, out _));
    }

    [Fact]
    public void ToSalesforce_CanonicalWithoutValue_ThrowsNamingTheMap()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.Salesforce.Remove("Nurturing");
        var mapper = StatusMapper.Create(options);

        var error = Assert.Throws<InvalidOperationException>(() => mapper.ToSalesforce(LeadStatus.Nurturing));

        Assert.Contains("StatusMap:Salesforce", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFromSalesforce_CustomAliases_Read()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.SalesforceAliases["Recycled"] = "Nurturing";
        var mapper = StatusMapper.Create(options);

        Assert.True(mapper.TryFromSalesforce("recycled", out var status));
        Assert.Equal(LeadStatus.Nurturing, status);
        Assert.Equal("Nurturing", mapper.ToSalesforce(LeadStatus.Nurturing));
    }

    [Fact]
    public void TryFromHubSpot_Repeatedly_AllocatesNothing()
    {
        _mapper.TryFromHubSpot(" CONNECTED ", out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var hits = 0;
        for (var i = 0; i < 1000; i++)
        {
            hits += _mapper.TryFromHubSpot(" CONNECTED ", out _) && _mapper.ToSalesforce(LeadStatus.Engaged).Length > 0 ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1000, hits);
    }
}

public sealed class StageMapperTests
{
    private readonly StageMapper _mapper = StageMapper.Create(LifecycleOptions.CreateDefault());

    [Theory]
    [InlineData(LifecycleStage.Subscriber, "subscriber")]
    [InlineData(LifecycleStage.Lead, "lead")]
    [InlineData(LifecycleStage.MarketingQualifiedLead, "marketingqualifiedlead")]
    [InlineData(LifecycleStage.SalesQualifiedLead, "salesqualifiedlead")]
    [InlineData(LifecycleStage.Opportunity, "opportunity")]
    [InlineData(LifecycleStage.Customer, "customer")]
    [InlineData(LifecycleStage.Evangelist, "evangelist")]
    [InlineData(LifecycleStage.Other, "other")]
    public void Mapper_DefaultHubSpotMap_BothDirections(LifecycleStage stage, string hubSpot)
    {
        Assert.Equal(hubSpot, _mapper.ToHubSpot(stage));
        Assert.True(_mapper.TryFromHubSpot(hubSpot, out var read));
        Assert.Equal(stage, read);
    }

    [Theory]
    [InlineData("1234567")]
    [InlineData("")]
    [InlineData(null)]
    public void TryFromHubSpot_UnknownOrCustomStageId_ReturnsFalse(string? value)
    {
        Assert.False(_mapper.TryFromHubSpot(value, out _));
    }

    [Fact]
    public void TryToSalesforce_NoSalesforceStageField_ReturnsFalse()
    {
        Assert.False(_mapper.TryToSalesforce(LifecycleStage.Lead, out _));
        Assert.False(_mapper.TryFromSalesforce("lead", out _));
    }

    [Fact]
    public void TryToSalesforce_OrgMapsStages_ReturnsValue()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StageMap.Salesforce["MarketingQualifiedLead"] = "MQL";
        var mapper = StageMapper.Create(options);

        Assert.True(mapper.TryToSalesforce(LifecycleStage.MarketingQualifiedLead, out var value));
        Assert.Equal("MQL", value);
        Assert.True(mapper.TryFromSalesforce("mql", out var stage));
        Assert.Equal(LifecycleStage.MarketingQualifiedLead, stage);
    }
}
