using LeadSync.Domain.Nurture;
using LeadSync.Domain.Segmentation;
using LeadSync.Domain.Tests.Segmentation;

namespace LeadSync.Domain.Tests.Nurture;

public sealed class NurturePolicyTests
{
    private static NurtureTrack Track(string name, string? region, string list, params MarketingReason[] reasons) => new()
    {
        Name = name,
        Segments = region is null ? new(StringComparer.OrdinalIgnoreCase) : new(StringComparer.OrdinalIgnoreCase) { ["Region"] = region },
        Reasons = [.. reasons],
        Lists = new(StringComparer.OrdinalIgnoreCase) { ["HubSpot"] = list, ["Marketo"] = "mkto " + list },
    };

    public static NurtureOptions Options() => new()
    {
        Tracks =
        [
            Track("win-back", null, "Nurture - win back", MarketingReason.RecycledBySla, MarketingReason.DisqualifiedBySales),
            Track("emea", "EMEA", "Nurture - EMEA"),
            Track("na", "NA", "Nurture - NA"),
            Track("everyone", null, "Nurture - general"),
        ],
    };

    private static readonly NurturePolicy Policy = new(Options());

    private static IReadOnlyList<SegmentValue> Region(string value) => [new SegmentValue("Region", value, null, ""), new SegmentValue("SizeBand", "SMB", null, "")];

    private static NurtureInput Input(
        string region = "EMEA", bool inMarketing = true, MarketingReason reason = MarketingReason.New, NurtureMemory? memory = null, bool? stillInList = null, bool reentered = false) =>
        new(inMarketing, reason, reentered, Region(region), memory ?? NurtureMemory.None, stillInList);

    [Fact]
    public void Decide_NewLeadWithMarketing_EnrolledInTheFirstMatchingTrack()
    {
        var decision = Policy.Decide(Input());

        Assert.Equal(("emea", "Nurture - EMEA", (string?)null), (decision.Track, decision.Enroll, decision.Leave));
        Assert.Equal(new NurtureMemory("emea", "Nurture - EMEA", []), decision.After);
        Assert.Equal("with marketing (New): enrolled in nurture track emea (list Nurture - EMEA)", decision.Reason);
    }

    [Fact]
    public void Decide_AlreadyInItsTrack_NoChanges()
    {
        var memory = new NurtureMemory("emea", "Nurture - EMEA", []);

        var decision = Policy.Decide(Input(memory: memory, stillInList: true));

        Assert.False(decision.HasChanges);
        Assert.Equal(memory, decision.After);
    }

    [Fact]
    public void Decide_HandedToSales_LeavesItsList()
    {
        var decision = Policy.Decide(Input(inMarketing: false, memory: new NurtureMemory("emea", "Nurture - EMEA", [])));

        Assert.Equal(("Nurture - EMEA", (string?)null), (decision.Leave, decision.Enroll));
        Assert.Equal(NurtureMemory.None, decision.After);
        Assert.StartsWith("handed to sales", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WithSalesAndInNoList_Nothing()
    {
        Assert.False(Policy.Decide(Input(inMarketing: false)).HasChanges);
    }

    [Fact]
    public void Decide_SegmentChanged_MovesBetweenLists()
    {
        var decision = Policy.Decide(Input(region: "NA", memory: new NurtureMemory("emea", "Nurture - EMEA", [])));

        Assert.Equal(("Nurture - NA", "Nurture - EMEA"), (decision.Enroll, decision.Leave));
        Assert.EndsWith("moved from list Nurture - EMEA", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MarketingReason.RecycledBySla)]
    [InlineData(MarketingReason.DisqualifiedBySales)]
    public void Decide_BackFromSales_TheReasonsTrackComesFirst(MarketingReason reason)
    {
        var decision = Policy.Decide(Input(reason: reason, reentered: true));

        Assert.Equal(("win-back", "Nurture - win back"), (decision.Track, decision.Enroll));
    }

    [Fact]
    public void Decide_NoTrackMatchesAndWasInOne_LeavesIt()
    {
        var policy = new NurturePolicy(new NurtureOptions { Tracks = [Track("emea", "EMEA", "Nurture - EMEA")] });

        var decision = policy.Decide(Input(region: "APAC", memory: new NurtureMemory("emea", "Nurture - EMEA", [])));

        Assert.Equal(((string?)null, "Nurture - EMEA"), (decision.Enroll, decision.Leave));
        Assert.Equal(NurtureMemory.None, decision.After);
    }

    [Fact]
    public void Decide_RemovedByHand_RememberedAndNotReAdded()
    {
        var decision = Policy.Decide(Input(memory: new NurtureMemory("emea", "Nurture - EMEA", []), stillInList: false));

        Assert.False(decision.HasChanges);
        Assert.Equal(new NurtureMemory(null, null, ["Nurture - EMEA"]), decision.After);
        Assert.Contains("removed the lead from list Nurture - EMEA by hand", decision.Reason, StringComparison.Ordinal);

        var later = Policy.Decide(Input(memory: decision.After));
        Assert.False(later.HasChanges);
    }

    [Fact]
    public void Decide_RemovedByHandThenBackFromSales_EnrolledAgain()
    {
        var memory = new NurtureMemory(null, null, ["Nurture - EMEA"]);

        var decision = Policy.Decide(Input(memory: memory, reentered: true, reason: MarketingReason.BelowThreshold));

        Assert.Equal("Nurture - EMEA", decision.Enroll);
        Assert.Equal(new NurtureMemory("emea", "Nurture - EMEA", []), decision.After);
    }

    [Fact]
    public void Decide_RemovedByHandFromOneList_AnotherTrackStillEnrolls()
    {
        var decision = Policy.Decide(Input(region: "NA", memory: new NurtureMemory(null, null, ["Nurture - EMEA"])));

        Assert.Equal("Nurture - NA", decision.Enroll);
        Assert.Equal(["Nurture - EMEA"], decision.After.RemovedByHand);
    }

    [Fact]
    public void Decide_RemovedByHandFromTwoLists_NeitherIsReAdded()
    {
        // Taken out of EMEA by hand, moved to NA, taken out of NA by hand, back in EMEA's segment.
        var memory = new NurtureMemory("na", "Nurture - NA", ["Nurture - EMEA"]);

        var decision = Policy.Decide(Input(region: "EMEA", memory: memory, stillInList: false));

        Assert.False(decision.HasChanges);
        Assert.Equal(["Nurture - EMEA", "Nurture - NA"], decision.After.RemovedByHand);
    }

    [Fact]
    public void Decide_OtherPlatform_UsesItsListName()
    {
        var decision = new NurturePolicy(Options(), SegmentSystems.Marketo).Decide(Input());

        Assert.Equal("mkto Nurture - EMEA", decision.Enroll);
    }

    [Fact]
    public void Decide_TrackWithoutAListForThePlatform_NoEnrolmentAndSaysSo()
    {
        var decision = new NurturePolicy(Options(), SegmentSystems.Pardot).Decide(Input());

        Assert.False(decision.HasChanges);
        Assert.Contains("has no list for Pardot", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, false, false, MarketingReason.New)]
    [InlineData(2, false, false, MarketingReason.BelowThreshold)]
    [InlineData(1, false, true, MarketingReason.RecycledBySla)]
    [InlineData(1, true, true, MarketingReason.DisqualifiedBySales)]
    public void Classify_FromMemory_OneReason(int crossings, bool disqualified, bool recycled, MarketingReason expected)
    {
        Assert.Equal(expected, NurturePolicy.Classify(crossings, disqualified, recycled));
    }

    [Fact]
    public void Validate_GoodTracks_NoProblems()
    {
        Assert.Empty(NurtureOptionsValidator.Validate(Options(), SegmentTestData.Options()));
    }

    [Fact]
    public void Validate_ManyMistakes_EveryOneWithItsPath()
    {
        var options = new NurtureOptions
        {
            Tracks =
            [
                Track("emea", "EMEA", "Nurture - EMEA"),
                new NurtureTrack
                {
                    Name = "EMEA",
                    Segments = new(StringComparer.OrdinalIgnoreCase) { ["Region"] = "Mars", ["Colour"] = "Blue" },
                    Reasons = [(MarketingReason)9],
                    Lists = new(StringComparer.OrdinalIgnoreCase) { ["Eloqua"] = "x", ["Marketo"] = " " },
                },
            ],
        };

        var problems = NurtureOptionsValidator.Validate(options, SegmentTestData.Options()).Select(p => $"{p.Path}: {p.Problem}").ToList();

        Assert.Equal(
            [
                "LeadSync:Nurture:Tracks[1]:Name: duplicate track name 'EMEA'",
                "LeadSync:Nurture:Tracks[1]:Segments:Region: 'Mars' is not a value dimension Region sets",
                "LeadSync:Nurture:Tracks[1]:Segments:Colour: unknown segment dimension 'Colour'",
                "LeadSync:Nurture:Tracks[1]:Reasons[0]: unknown reason '9'",
                "LeadSync:Nurture:Tracks[1]:Lists:Eloqua: unknown marketing platform 'Eloqua'",
                "LeadSync:Nurture:Tracks[1]:Lists:Marketo: blank list name",
                "LeadSync:Nurture:Tracks[1]:Lists: no list for HubSpot, this connection's marketing platform",
            ],
            problems);
    }
}
