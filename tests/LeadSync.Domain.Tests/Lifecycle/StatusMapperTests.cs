using LeadSync.Domain.Planning;

namespace LeadSync.Domain.Lifecycle.Tests;

public sealed class StatusMapperTests
{
    private readonly LifecycleMapper<LeadStatus> _mapper = StatusMapper.Create(LifecycleOptions.CreateDefault());

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
        Assert.Equal(salesforce, _mapper.ToCrm(status));
        Assert.Equal(hubSpot, _mapper.ToMarketing(status));
        Assert.True(_mapper.TryFromCrm(salesforce, out var fromSalesforce));
        Assert.True(_mapper.TryFromMarketing(hubSpot, out var fromHubSpot));
        Assert.Equal(status, fromSalesforce);
        Assert.Equal(status, fromHubSpot);
    }

    [Fact]
    public void TryFromMarketing_Alias_ReadsAsCanonicalButIsNeverWritten()
    {
        Assert.True(_mapper.TryFromMarketing("OPEN", out var status));
        Assert.Equal(LeadStatus.New, status);
        Assert.Equal("NEW", _mapper.ToMarketing(LeadStatus.New));
    }

    [Theory]
    [InlineData(" open - not contacted ")]
    [InlineData("OPEN - NOT CONTACTED")]
    public void TryFromCrm_CaseAndBlanks_Ignored(string value)
    {
        Assert.True(_mapper.TryFromCrm(value, out var status));
        Assert.Equal(LeadStatus.New, status);
    }

    [Theory]
    [InlineData("Working")]
    [InlineData("Recycled")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("NEW")]
    public void TryFromCrm_UnknownValue_ReturnsFalseWithoutGuessing(string? value)
    {
        Assert.False(_mapper.TryFromCrm(value, out _));
    }

    [Theory]
    [InlineData("OPEN_OPPORTUNITY")]
    [InlineData("Open - Not Contacted")]
    [InlineData(null)]
    public void TryFromMarketing_UnknownValue_ReturnsFalse(string? value)
    {
        Assert.False(_mapper.TryFromMarketing(value, out _));
    }

    [Fact]
    public void ToCrm_CanonicalWithoutValue_ThrowsNamingTheMap()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.Salesforce.Remove("Nurturing");
        var mapper = StatusMapper.Create(options);

        var error = Assert.Throws<InvalidOperationException>(() => mapper.ToCrm(LeadStatus.Nurturing));

        Assert.Contains("LeadSync:Lifecycle:StatusMap", error.Message, StringComparison.Ordinal);
        Assert.Contains("Salesforce", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nurturing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFromCrm_CustomAliases_Read()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.SalesforceAliases["Recycled"] = "Nurturing";
        var mapper = StatusMapper.Create(options);

        Assert.True(mapper.TryFromCrm("recycled", out var status));
        Assert.Equal(LeadStatus.Nurturing, status);
        Assert.Equal("Nurturing", mapper.ToCrm(LeadStatus.Nurturing));
    }

    [Theory]
    [InlineData(SystemRole.Crm, "Working - Engaged", LeadStatus.Engaged)]
    [InlineData(SystemRole.Marketing, "CONNECTED", LeadStatus.Engaged)]
    [InlineData(SystemRole.Marketing, " open ", LeadStatus.New)]
    public void TryRead_ByRole_SameAsTheRoleMethods(SystemRole system, string value, LeadStatus expected)
    {
        Assert.True(_mapper.TryRead(system, value, out var status));
        Assert.Equal(expected, status);
        var viaRole = system == SystemRole.Crm ? _mapper.TryFromCrm(value, out var other) : _mapper.TryFromMarketing(value, out other);
        Assert.True(viaRole);
        Assert.Equal(status, other);
    }

    [Fact]
    public void TryRead_OtherRolesValue_ReturnsFalse()
    {
        Assert.False(_mapper.TryRead(SystemRole.Marketing, "Working - Engaged", out _));
        Assert.False(_mapper.TryRead(SystemRole.Crm, "CONNECTED", out _));
    }

    [Fact]
    public void TryWrite_ByRole_PrimaryValueOfThatRole()
    {
        Assert.True(_mapper.TryWrite(SystemRole.Crm, LeadStatus.Qualified, out var crm));
        Assert.True(_mapper.TryWrite(SystemRole.Marketing, LeadStatus.Qualified, out var marketing));
        Assert.Equal("Marketing Qualified", crm);
        Assert.Equal("IN_PROGRESS", marketing);
        Assert.Equal(crm, _mapper.Write(SystemRole.Crm, LeadStatus.Qualified));
        Assert.Equal(marketing, _mapper.Write(SystemRole.Marketing, LeadStatus.Qualified));
    }

    [Fact]
    public void ToMarketing_CanonicalWithoutValue_ThrowsNamingTheMapAndTheRole()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StatusMap.HubSpot.Remove("Nurturing");
        var mapper = StatusMapper.Create(options);

        Assert.False(mapper.TryWrite(SystemRole.Marketing, LeadStatus.Nurturing, out _));
        var error = Assert.Throws<InvalidOperationException>(() => mapper.ToMarketing(LeadStatus.Nurturing));

        Assert.Contains("LeadSync:Lifecycle:StatusMap", error.Message, StringComparison.Ordinal);
        Assert.Contains("marketing", error.Message, StringComparison.Ordinal);
        Assert.Equal("Nurturing", mapper.ToCrm(LeadStatus.Nurturing));
    }

    [Fact]
    public void TryFromMarketing_Repeatedly_AllocatesNothing()
    {
        _mapper.TryFromMarketing(" CONNECTED ", out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var hits = 0;
        for (var i = 0; i < 1000; i++)
        {
            hits += _mapper.TryFromMarketing(" CONNECTED ", out _) && _mapper.ToCrm(LeadStatus.Engaged).Length > 0 ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1000, hits);
    }
}

public sealed class StageMapperTests
{
    private readonly LifecycleMapper<LifecycleStage> _mapper = StageMapper.Create(LifecycleOptions.CreateDefault());

    [Theory]
    [InlineData(LifecycleStage.Subscriber, "subscriber")]
    [InlineData(LifecycleStage.Lead, "lead")]
    [InlineData(LifecycleStage.MarketingQualifiedLead, "marketingqualifiedlead")]
    [InlineData(LifecycleStage.SalesQualifiedLead, "salesqualifiedlead")]
    [InlineData(LifecycleStage.Opportunity, "opportunity")]
    [InlineData(LifecycleStage.Customer, "customer")]
    [InlineData(LifecycleStage.Evangelist, "evangelist")]
    [InlineData(LifecycleStage.Other, "other")]
    public void Mapper_DefaultMarketingMap_BothDirections(LifecycleStage stage, string hubSpot)
    {
        Assert.Equal(hubSpot, _mapper.ToMarketing(stage));
        Assert.True(_mapper.TryFromMarketing(hubSpot, out var read));
        Assert.Equal(stage, read);
    }

    [Theory]
    [InlineData("1234567")]
    [InlineData("")]
    [InlineData(null)]
    public void TryFromMarketing_UnknownOrCustomStageId_ReturnsFalse(string? value)
    {
        Assert.False(_mapper.TryFromMarketing(value, out _));
    }

    [Fact]
    public void TryWrite_NoCrmStageField_ReturnsFalse()
    {
        Assert.False(_mapper.TryWrite(SystemRole.Crm, LifecycleStage.Lead, out _));
        Assert.False(_mapper.TryFromCrm("lead", out _));
    }

    [Fact]
    public void TryWrite_OrgMapsCrmStages_ReturnsValue()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StageMap.Salesforce["MarketingQualifiedLead"] = "MQL";
        var mapper = StageMapper.Create(options);

        Assert.True(mapper.TryWrite(SystemRole.Crm, LifecycleStage.MarketingQualifiedLead, out var value));
        Assert.Equal("MQL", value);
        Assert.True(mapper.TryFromCrm("mql", out var stage));
        Assert.Equal(LifecycleStage.MarketingQualifiedLead, stage);
    }

    [Fact]
    public void ToMarketing_StageWithoutValue_ThrowsNamingTheStageMap()
    {
        var options = LifecycleOptions.CreateDefault();
        options.StageMap.HubSpot.Remove("Evangelist");
        var mapper = StageMapper.Create(options);

        var error = Assert.Throws<InvalidOperationException>(() => mapper.ToMarketing(LifecycleStage.Evangelist));

        Assert.Contains("LeadSync:Lifecycle:StageMap", error.Message, StringComparison.Ordinal);
    }
}
