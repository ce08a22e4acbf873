using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Tests.Handoff;

public sealed class SlaPolicyTests
{
    private const string NewYork = "America/New_York";

    // Friday 2026-11-27 15:00 in New York (EST, UTC-5) = 20:00 UTC.
    private static readonly DateTimeOffset FridayAfternoonNy = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);

    private static readonly WorkingHours NineToFive = new();

    [Fact]
    public void AddBusinessTime_FridayAfternoonAcrossWeekend_EndsMondayMorningLocal()
    {
        var zone = WorkingTime.FindTimeZone(NewYork)!;

        var due = WorkingTime.AddBusinessTime(FridayAfternoonNy, TimeSpan.FromHours(4), NineToFive, zone);

        // 2 hours Friday (15:00-17:00), 2 hours Monday (09:00-11:00 EST = 16:00 UTC).
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void AddBusinessTime_StartBeforeOpening_CountsFromOpening()
    {
        var zone = WorkingTime.FindTimeZone("Europe/Berlin")!;
        var tuesdaySevenBerlin = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

        var due = WorkingTime.AddBusinessTime(tuesdaySevenBerlin, TimeSpan.FromHours(4), NineToFive, zone);

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void AddBusinessTime_AcrossDstChange_UsesLocalWallClock()
    {
        var zone = WorkingTime.FindTimeZone(NewYork)!;

        // Friday 2026-03-06 16:00 EST (21:00 UTC); DST starts Sunday 2026-03-08, Monday is EDT (UTC-4).
        var due = WorkingTime.AddBusinessTime(new DateTimeOffset(2026, 3, 6, 21, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(2), NineToFive, zone);

        Assert.Equal(new DateTimeOffset(2026, 3, 9, 14, 0, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void BusinessTimeBetween_FridayToMonday_CountsOnlyWorkingHours()
    {
        var zone = WorkingTime.FindTimeZone(NewYork)!;

        var elapsed = WorkingTime.BusinessTimeBetween(FridayAfternoonNy, new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), NineToFive, zone);

        Assert.Equal(TimeSpan.FromHours(4), elapsed);
    }

    [Fact]
    public void Evaluate_SaturdayAfterFridayAssignment_NotYetDue()
    {
        var policy = new SlaPolicy(new HandoffOptions());
        var saturday = FridayAfternoonNy.AddDays(1);

        var decision = policy.Evaluate(new SlaInput(FridayAfternoonNy, LeadStatus.Qualified, 0, NewYork, NineToFive, saturday));

        Assert.Equal(SlaAction.None, decision.Action);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), decision.DueAt);
        Assert.Contains("2026-11-30 11:00 America/New_York", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MondayAfterDue_Reassigns()
    {
        var policy = new SlaPolicy(new HandoffOptions());
        var mondayNoonNy = new DateTimeOffset(2026, 11, 30, 17, 0, 0, TimeSpan.Zero);

        var decision = policy.Evaluate(new SlaInput(FridayAfternoonNy, LeadStatus.Qualified, 0, NewYork, NineToFive, mondayNoonNy));

        Assert.Equal(SlaAction.Reassign, decision.Action);
        Assert.Contains("escalation 1 of 2", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ExactlyAtDue_Escalates()
    {
        var policy = new SlaPolicy(new HandoffOptions());
        var due = new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal(SlaAction.Reassign, policy.Evaluate(new SlaInput(FridayAfternoonNy, LeadStatus.Qualified, 0, NewYork, null, due)).Action);
        Assert.Equal(SlaAction.None, policy.Evaluate(new SlaInput(FridayAfternoonNy, LeadStatus.Qualified, 0, NewYork, null, due.AddTicks(-1))).Action);
    }

    [Fact]
    public void Evaluate_NotifyManagerMode_NotifiesManager()
    {
        var policy = new SlaPolicy(new HandoffOptions { Sla = new SlaOptions { EscalationMode = EscalationMode.NotifyManager } });

        var decision = policy.Evaluate(new SlaInput(FridayAfternoonNy, LeadStatus.Qualified, 1, NewYork, NineToFive, FridayAfternoonNy.AddDays(5)));

        Assert.Equal(SlaAction.NotifyManager, decision.Action);
    }

    [Fact]
    public void Evaluate_MaxEscalationsReached_GivesUp()
    {
        var policy = new SlaPolicy(new HandoffOptions());

        var decision = policy.Evaluate(new SlaInput(FridayAfternoonNy, LeadStatus.Qualified, 2, NewYork, NineToFive, FridayAfternoonNy.AddDays(5)));

        Assert.Equal(SlaAction.GiveUp, decision.Action);
        Assert.Contains("maximum of 2", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LeadStatus.Contacted)]
    [InlineData(LeadStatus.Unqualified)]
    [InlineData(null)]
    public void Evaluate_StatusMovedOn_NoAction(LeadStatus? status)
    {
        var policy = new SlaPolicy(new HandoffOptions());

        var decision = policy.Evaluate(new SlaInput(FridayAfternoonNy, status, 0, NewYork, NineToFive, FridayAfternoonNy.AddDays(30)));

        Assert.Equal(SlaAction.None, decision.Action);
        Assert.Null(decision.DueAt);
    }

    [Fact]
    public void Evaluate_UnknownTimeZone_UsesUtcAndSaysSo()
    {
        var policy = new SlaPolicy(new HandoffOptions());

        var decision = policy.Evaluate(new SlaInput(FridayAfternoonNy, LeadStatus.Qualified, 0, "Mars/Olympus", NineToFive, FridayAfternoonNy));

        Assert.Contains("unknown", decision.Reason, StringComparison.Ordinal);
        // Friday 20:00 UTC is after 17:00 UTC: the four hours run Monday 09:00-13:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 13, 0, 0, TimeSpan.Zero), decision.DueAt);
    }
}
