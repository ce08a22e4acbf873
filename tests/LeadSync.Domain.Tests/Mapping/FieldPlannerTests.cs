using LeadSync.Domain.Mapping;

namespace LeadSync.Domain.Tests.Mapping;

public sealed class FieldPlannerTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddHours(1);

    private static Dictionary<string, string?> Bag(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    private static FieldPlanner Planner(SyncDirection direction, ConflictPolicy conflict = ConflictPolicy.PreferCrm, Dictionary<string, string>? map = null, params ValueTransform[] transforms) =>
        new(new FieldMappingOptions
        {
            Fields =
            [
                new FieldMapping
                {
                    HubSpotProperty = "jobtitle",
                    SalesforceField = "Title",
                    Direction = direction,
                    Conflict = conflict,
                    ValueMap = map ?? new Dictionary<string, string>(),
                    Transforms = [.. transforms],
                },
            ],
        });

    private static FieldPlanInput Synced(string? hubSpotNow, string? salesforceNow, string? lastSeen, DateTimeOffset? hsModified = null, DateTimeOffset? sfModified = null) => new(
        Bag(("jobtitle", hubSpotNow)),
        Bag(("Title", salesforceNow)),
        Bag(("jobtitle", lastSeen)),
        Bag(("Title", lastSeen)),
        hsModified,
        sfModified);

    [Fact]
    public void Plan_HubSpotChangedTwoWay_WritesSalesforceOnly()
    {
        var plan = Planner(SyncDirection.TwoWay).Plan(Synced("CTO", "VP", "VP"));

        Assert.Equal(new Dictionary<string, string?> { ["Title"] = "CTO" }, plan.SalesforceChanges);
        Assert.Empty(plan.HubSpotChanges);
        Assert.Empty(plan.Conflicts);
    }

    [Fact]
    public void Plan_SalesforceChangedTwoWay_WritesHubSpotOnly()
    {
        var plan = Planner(SyncDirection.TwoWay).Plan(Synced("VP", "CEO", "VP"));

        Assert.Equal(new Dictionary<string, string?> { ["jobtitle"] = "CEO" }, plan.HubSpotChanges);
        Assert.Empty(plan.SalesforceChanges);
    }

    [Fact]
    public void Plan_ToCrmAndOnlyCrmChanged_HumanCrmChangeIsNotOverwritten()
    {
        var plan = Planner(SyncDirection.ToCrm).Plan(Synced("VP", "CEO", "VP"));

        Assert.False(plan.HasWrites);
    }

    [Fact]
    public void Plan_ToMarketingAndOnlyHubSpotChanged_NothingWritten()
    {
        var plan = Planner(SyncDirection.ToMarketing).Plan(Synced("CTO", "VP", "VP"));

        Assert.False(plan.HasWrites);
    }

    [Fact]
    public void Plan_ToMarketingAndCrmChanged_WritesHubSpot()
    {
        var plan = Planner(SyncDirection.ToMarketing).Plan(Synced("VP", "CEO", "VP"));

        Assert.Equal("CEO", plan.HubSpotChanges["jobtitle"]);
    }

    [Fact]
    public void Plan_DirectionNone_NothingPlanned()
    {
        var plan = Planner(SyncDirection.None).Plan(Synced("CTO", "CEO", null));

        Assert.False(plan.HasWrites);
        Assert.Empty(plan.Conflicts);
    }

    [Theory]
    [InlineData(ConflictPolicy.PreferCrm, FieldSide.Salesforce)]
    [InlineData(ConflictPolicy.PreferMarketing, FieldSide.HubSpot)]
    [InlineData(ConflictPolicy.CrmUnlessBlank, FieldSide.Salesforce)]
    public void Plan_BothChanged_PolicyPicksWinner(ConflictPolicy policy, FieldSide winner)
    {
        var plan = Planner(SyncDirection.TwoWay, policy).Plan(Synced("CTO", "CEO", "VP", Later, Earlier));

        var conflict = Assert.Single(plan.Conflicts);
        Assert.Equal(winner, conflict.Winner);
        Assert.Equal(("CTO", "CEO"), (conflict.HubSpotValue, conflict.SalesforceValue));
        Assert.Contains(policy.ToString(), conflict.Reason, StringComparison.Ordinal);
        if (winner == FieldSide.HubSpot)
        {
            Assert.Equal("CTO", plan.SalesforceChanges["Title"]);
            Assert.Empty(plan.HubSpotChanges);
        }
        else
        {
            Assert.Equal("CEO", plan.HubSpotChanges["jobtitle"]);
            Assert.Empty(plan.SalesforceChanges);
        }
    }

    [Fact]
    public void Plan_MostRecentHubSpotNewer_HubSpotWins()
    {
        var plan = Planner(SyncDirection.TwoWay, ConflictPolicy.MostRecent).Plan(Synced("CTO", "CEO", "VP", Later, Earlier));

        Assert.Equal(FieldSide.HubSpot, Assert.Single(plan.Conflicts).Winner);
        Assert.Equal("CTO", plan.SalesforceChanges["Title"]);
    }

    [Fact]
    public void Plan_MostRecentSalesforceNewer_SalesforceWins()
    {
        var plan = Planner(SyncDirection.TwoWay, ConflictPolicy.MostRecent).Plan(Synced("CTO", "CEO", "VP", Earlier, Later));

        Assert.Equal(FieldSide.Salesforce, Assert.Single(plan.Conflicts).Winner);
        Assert.Equal("CEO", plan.HubSpotChanges["jobtitle"]);
    }

    [Fact]
    public void Plan_MostRecentUnknownTimes_CrmWins()
    {
        var plan = Planner(SyncDirection.TwoWay, ConflictPolicy.MostRecent).Plan(Synced("CTO", "CEO", "VP"));

        var conflict = Assert.Single(plan.Conflicts);
        Assert.Equal(FieldSide.Salesforce, conflict.Winner);
        Assert.Contains("equal or unknown", conflict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CrmUnlessBlankAndCrmCleared_HubSpotWins()
    {
        var plan = Planner(SyncDirection.TwoWay, ConflictPolicy.CrmUnlessBlank).Plan(Synced("CTO", null, "VP"));

        Assert.Equal(FieldSide.HubSpot, Assert.Single(plan.Conflicts).Winner);
        Assert.Equal("CTO", plan.SalesforceChanges["Title"]);
    }

    [Fact]
    public void Plan_ConflictOnOneWayMappingCrmWins_RecordsConflictWritesNothing()
    {
        var plan = Planner(SyncDirection.ToCrm, ConflictPolicy.PreferCrm).Plan(Synced("CTO", "CEO", "VP"));

        Assert.False(plan.HasWrites);
        Assert.Contains("left as it is", Assert.Single(plan.Conflicts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_BothChangedToSameValue_NoConflictNoWrite()
    {
        var plan = Planner(SyncDirection.TwoWay).Plan(Synced("CTO", "CTO", "VP"));

        Assert.False(plan.HasWrites);
        Assert.Empty(plan.Conflicts);
    }

    [Fact]
    public void Plan_SecondPlanAfterApplyingFirst_PlansNothing()
    {
        var planner = Planner(SyncDirection.TwoWay);
        var first = planner.Plan(Synced("CTO", "VP", "VP"));

        // The engine applies the writes and records what it read and wrote as "last seen".
        var salesforceAfter = Bag(("Title", "VP"));
        foreach (var (field, value) in first.SalesforceChanges)
        {
            salesforceAfter[field] = value;
        }

        var second = planner.Plan(new FieldPlanInput(
            Bag(("jobtitle", "CTO")),
            salesforceAfter,
            Bag(("jobtitle", "CTO")),
            new Dictionary<string, string?>(salesforceAfter),
            Later,
            Later));

        Assert.True(first.HasWrites);
        Assert.False(second.HasWrites);
        Assert.Empty(second.Conflicts);
    }

    [Fact]
    public void Plan_FirstSyncOneSideEmpty_NonEmptySideIsSource()
    {
        var planner = Planner(SyncDirection.TwoWay);

        var fromHubSpot = planner.Plan(new FieldPlanInput(Bag(("jobtitle", "CTO")), Bag(("Title", null)), null, null, null, null));
        var fromSalesforce = planner.Plan(new FieldPlanInput(Bag(("jobtitle", "")), Bag(("Title", "CEO")), null, null, null, null));

        Assert.Equal("CTO", fromHubSpot.SalesforceChanges["Title"]);
        Assert.Equal("CEO", fromSalesforce.HubSpotChanges["jobtitle"]);
    }

    [Fact]
    public void Plan_FirstSyncBothDifferent_ConflictPolicyDecides()
    {
        var plan = Planner(SyncDirection.TwoWay, ConflictPolicy.PreferCrm)
            .Plan(new FieldPlanInput(Bag(("jobtitle", "CTO")), Bag(("Title", "CEO")), null, null, null, null));

        Assert.Equal(FieldSide.Salesforce, Assert.Single(plan.Conflicts).Winner);
        Assert.Equal("CEO", plan.HubSpotChanges["jobtitle"]);
    }

    [Fact]
    public void Plan_HubSpotCleared_ClearsSalesforceWithNull()
    {
        var plan = Planner(SyncDirection.TwoWay).Plan(Synced("", "VP", "VP"));

        Assert.True(plan.SalesforceChanges.ContainsKey("Title"));
        Assert.Null(plan.SalesforceChanges["Title"]);
    }

    [Fact]
    public void Plan_NullAndEmptyAreSame_NoWrite()
    {
        Assert.False(Planner(SyncDirection.TwoWay).Plan(new FieldPlanInput(Bag(("jobtitle", "")), Bag(), null, null, null, null)).HasWrites);
    }

    [Fact]
    public void Plan_TrimTransform_WhitespaceOnlyDifferenceIsNoChange()
    {
        var plan = Planner(SyncDirection.TwoWay, transforms: ValueTransform.Trim).Plan(Synced("  VP ", "VP", "VP"));

        Assert.False(plan.HasWrites);
    }

    [Fact]
    public void Plan_TrimAndLowerTransforms_AppliedToWrittenValue()
    {
        var plan = Planner(SyncDirection.ToCrm, ConflictPolicy.PreferCrm, null, ValueTransform.Trim, ValueTransform.Lower).Plan(Synced("  Chief Technology Officer ", "vp", "vp"));

        Assert.Equal("chief technology officer", plan.SalesforceChanges["Title"]);
    }

    [Fact]
    public void Plan_ValueMapHubSpotToSalesforce_Translated()
    {
        var map = new Dictionary<string, string> { ["COMPUTER_SOFTWARE"] = "Technology", ["BANKING"] = "Finance" };

        var plan = Planner(SyncDirection.TwoWay, map: map).Plan(Synced("computer_software", "Finance", null) with { LastSeenHubSpot = Bag(("jobtitle", "BANKING")), LastSeenSalesforce = Bag(("Title", "Finance")) });

        Assert.Equal("Technology", plan.SalesforceChanges["Title"]);
    }

    [Fact]
    public void Plan_ValueMapSalesforceToHubSpot_TranslatedBack()
    {
        var map = new Dictionary<string, string> { ["COMPUTER_SOFTWARE"] = "Technology", ["BANKING"] = "Finance" };

        var plan = Planner(SyncDirection.TwoWay, map: map).Plan(new FieldPlanInput(
            Bag(("jobtitle", "BANKING")),
            Bag(("Title", "technology")),
            Bag(("jobtitle", "BANKING")),
            Bag(("Title", "Finance")),
            null,
            null));

        Assert.Equal("COMPUTER_SOFTWARE", plan.HubSpotChanges["jobtitle"]);
    }

    [Fact]
    public void Plan_MappedValuesEqual_NoWrite()
    {
        var map = new Dictionary<string, string> { ["COMPUTER_SOFTWARE"] = "Technology" };

        var plan = Planner(SyncDirection.TwoWay, map: map).Plan(new FieldPlanInput(Bag(("jobtitle", "COMPUTER_SOFTWARE")), Bag(("Title", "Technology")), null, null, null, null));

        Assert.False(plan.HasWrites);
        Assert.Empty(plan.Conflicts);
    }

    [Fact]
    public void Plan_UnmappedHubSpotValue_ReportedNotGuessed()
    {
        var map = new Dictionary<string, string> { ["COMPUTER_SOFTWARE"] = "Technology" };

        var plan = Planner(SyncDirection.ToCrm, map: map).Plan(Synced("Technology", "Finance", "Finance") with { LastSeenHubSpot = Bag(("jobtitle", "COMPUTER_SOFTWARE")) });

        Assert.False(plan.HasWrites);
        var problem = Assert.Single(plan.Problems);
        Assert.Equal(("jobtitle", "Title"), (problem.HubSpotProperty, problem.SalesforceField));
        Assert.Contains("'Technology'", problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnmappedSalesforceValue_ReportedNotGuessed()
    {
        var map = new Dictionary<string, string> { ["COMPUTER_SOFTWARE"] = "Technology" };

        var plan = Planner(SyncDirection.TwoWay, map: map).Plan(Synced("COMPUTER_SOFTWARE", "Retail", null) with
        {
            LastSeenHubSpot = Bag(("jobtitle", "COMPUTER_SOFTWARE")),
            LastSeenSalesforce = Bag(("Title", "Technology")),
        });

        Assert.False(plan.HasWrites);
        Assert.Contains("'Retail'", Assert.Single(plan.Problems).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AmbiguousReverseMap_ReportedNotGuessed()
    {
        var map = new Dictionary<string, string> { ["ORGANIC_SEARCH"] = "Web", ["PAID_SEARCH"] = "Web", ["OFFLINE"] = "Trade Show" };

        var plan = Planner(SyncDirection.TwoWay, map: map).Plan(new FieldPlanInput(
            Bag(("jobtitle", "OFFLINE")),
            Bag(("Title", "Web")),
            Bag(("jobtitle", "OFFLINE")),
            Bag(("Title", "Trade Show")),
            null,
            null));

        Assert.False(plan.HasWrites);
        Assert.Contains("several HubSpot values", Assert.Single(plan.Problems).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DefaultMappings_CoverVocabularyAndPlanIndustryThroughMap()
    {
        var planner = new FieldPlanner(new FieldMappingOptions());

        var plan = planner.Plan(new FieldPlanInput(
            Bag(("firstname", "Ada"), ("lastname", "Lovelace"), ("company", "Acme"), ("industry", "COMPUTER_SOFTWARE"), ("hs_analytics_source", "REFERRALS"), ("numemployees", "250")),
            Bag(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Company", "Acme")),
            null,
            null,
            null,
            null));

        Assert.Equal(
            new Dictionary<string, string?> { ["Industry"] = "Technology", ["LeadSource"] = "Partner Referral", ["NumberOfEmployees"] = "250" },
            plan.SalesforceChanges);
        Assert.Empty(plan.HubSpotChanges);
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void DefaultFields_ExcludeEngineManagedFields()
    {
        var names = FieldMappingOptions.DefaultFields().SelectMany(f => new[] { f.HubSpotProperty, f.SalesforceField }).ToList();

        Assert.Equal(11, FieldMappingOptions.DefaultFields().Count);
        Assert.DoesNotContain("hs_lead_status", names);
        Assert.DoesNotContain("lifecyclestage", names);
        Assert.DoesNotContain("Status", names);
        Assert.DoesNotContain("OwnerId", names);
        Assert.DoesNotContain("Score__c", names);
    }
}
