using Quartz;
using Quartz.Extensibility;

namespace LeadSync.Worker.Tests.Operations;

/// <summary>What the triggers' misfire instruction does after downtime (Quartz's own trigger maths, no scheduler).</summary>
public sealed class MisfireTests
{
    [Fact]
    public void UpdateAfterMisfire_FireAndProceedAfterAnHourDown_OneRunNowThenTheNextSlot()
    {
        var trigger = (IOperableTrigger)TriggerBuilder.Create()
            .WithIdentity("sync:default:cron", "leadsync")
            .ForJob("sync:default", "leadsync")
            .StartAt(DateTimeOffset.UtcNow.AddHours(-2))
            .WithCronSchedule("0 0/2 * * * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        var firstMissed = trigger.ComputeFirstFireTimeUtc(null);
        Assert.NotNull(firstMissed);

        var before = DateTimeOffset.UtcNow;
        trigger.UpdateAfterMisfire(null);
        var next = trigger.NextFireTimeUtc;

        // Sixty missed slots become one run "now", not sixty back-to-back runs...
        Assert.NotNull(next);
        Assert.InRange(next.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        trigger.Triggered(null);
        // ...and the schedule then continues from the next regular slot after now.
        var following = trigger.NextFireTimeUtc;
        Assert.NotNull(following);
        Assert.True(following > DateTimeOffset.UtcNow, "the trigger replays a missed slot");
        Assert.Equal(0, following.Value.Minute % 2);
        Assert.Equal(0, following.Value.Second);
    }
}
