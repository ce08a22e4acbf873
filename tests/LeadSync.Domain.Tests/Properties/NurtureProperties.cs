using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LeadSync.Domain.Nurture;
using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Tests.Properties;

public sealed record NurtureCase(NurtureInput Input)
{
    public override string ToString() =>
        $"inMarketing={Input.InMarketing} reason={Input.Reason} reentered={Input.ReenteredMarketing} region={Input.Segments[0].Value} memory={Input.Memory} stillInList={Input.StillInList}";
}

public static class NurtureCaseArbitrary
{
    private static readonly string?[] Lists = [null, "Nurture - EMEA", "Nurture - NA", "Nurture - general", "Nurture - win back"];

    public static Arbitrary<NurtureCase> NurtureCases()
    {
        var gen =
            from inMarketing in Gen.Elements(true, false)
            from reason in Gen.Elements(Enum.GetValues<MarketingReason>())
            from reentered in Gen.Elements(true, false)
            from region in Gen.Elements("EMEA", "NA", "APAC")
            from list in Gen.Elements(Lists)
            from removed in Gen.SubListOf(Lists.OfType<string>().ToArray())
            from still in Gen.Elements<bool?>(null, true, false)
            select new NurtureCase(new NurtureInput(
                inMarketing, reason, reentered, [new SegmentValue("Region", region, null, "")],
                new NurtureMemory(list is null ? null : "t", list, [.. removed]), list is null ? null : still));
        return gen.ToArbitrary();
    }
}

[Properties(Arbitrary = [typeof(NurtureCaseArbitrary)], MaxTest = 500)]
public sealed class NurtureProperties
{
    private static readonly NurturePolicy Policy = new(Nurture.NurturePolicyTests.Options());

    [Property]
    public bool Decision_ThenSameInputAgain_ChangesNothing(NurtureCase c)
    {
        var first = Policy.Decide(c.Input);
        var second = Policy.Decide(c.Input with { Memory = first.After, StillInList = first.After.ListName is null ? null : true, ReenteredMarketing = false });
        return !second.HasChanges && second.After == first.After;
    }

    [Property]
    public bool LeadWithSales_EndsInNoList_WithMarketing_InAtMostOne(NurtureCase c)
    {
        var decision = Policy.Decide(c.Input);
        return c.Input.InMarketing ? decision.After.ListName == decision.Enroll || decision.Enroll is null : decision.After.ListName is null && decision.Enroll is null;
    }

    [Property]
    public bool ListRemovedByHand_IsNeverReAddedWithoutComingBackFromSales(NurtureCase c)
    {
        var decision = Policy.Decide(c.Input);
        var removedNow = c.Input.StillInList == false ? c.Input.Memory.ListName : null;
        return c.Input.ReenteredMarketing
            || decision.Enroll is null
            || (!c.Input.Memory.RemovedByHand.Contains(decision.Enroll) && decision.Enroll != removedNow);
    }

    [Property]
    public bool LeaveIsOnlyEverTheListLeadSyncPutItIn(NurtureCase c)
    {
        var decision = Policy.Decide(c.Input);
        return decision.Leave is null || (decision.Leave == c.Input.Memory.ListName && c.Input.StillInList != false);
    }
}
