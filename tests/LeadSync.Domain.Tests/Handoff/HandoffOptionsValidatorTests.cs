using LeadSync.Domain.Handoff;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Tests.Handoff;

public sealed class HandoffOptionsValidatorTests
{
    [Fact]
    public void Validate_DefaultsWithIntegrationUser_NoProblems()
    {
        var problems = HandoffOptionsValidator.Validate(new HandoffOptions { IntegrationUserEmail = "integration@leadsync.example" });

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEveryOneWithItsPath()
    {
        var options = new HandoffOptions
        {
            Threshold = 120,
            ReleaseBelow = 130,
            HandoffStatus = LeadStatus.Nurturing,
            ReleaseStatus = LeadStatus.Nurturing,
            MinimumGrade = (Scoring.FitGrade)9,
            MarketingQueueDeveloperName = " ",
            IntegrationUserEmail = "not-an-email",
            Sla = new SlaOptions
            {
                Within = TimeSpan.Zero,
                MaxReassignments = -1,
                EscalationMode = (EscalationMode)7,
                DefaultHours = new WorkingHours { Start = new TimeOnly(17, 0), End = new TimeOnly(9, 0) },
            },
            Recycle = new RecycleOptions { InactiveDays = 0, Statuses = [LeadStatus.Nurturing, (LeadStatus)42] },
        };

        var paths = HandoffOptionsValidator.Validate(options, "LeadSync:Handoff").Select(p => p.Path).ToList();

        Assert.Contains("LeadSync:Handoff:Threshold", paths);
        Assert.Contains("LeadSync:Handoff:ReleaseBelow", paths);
        Assert.Contains("LeadSync:Handoff:ReleaseStatus", paths);
        Assert.Contains("LeadSync:Handoff:MinimumGrade", paths);
        Assert.Contains("LeadSync:Handoff:MarketingQueueDeveloperName", paths);
        Assert.Contains("LeadSync:Handoff:IntegrationUserEmail", paths);
        Assert.Contains("LeadSync:Handoff:Sla:Within", paths);
        Assert.Contains("LeadSync:Handoff:Sla:MaxReassignments", paths);
        Assert.Contains("LeadSync:Handoff:Sla:EscalationMode", paths);
        Assert.Contains("LeadSync:Handoff:Sla:DefaultHours:End", paths);
        Assert.Contains("LeadSync:Handoff:Recycle:InactiveDays", paths);
        Assert.Contains("LeadSync:Handoff:Recycle:Statuses[0]", paths);
        Assert.Contains("LeadSync:Handoff:Recycle:Statuses[1]", paths);
    }

    [Fact]
    public void Validate_ReleaseBelowEqualToThreshold_Reported()
    {
        var problems = HandoffOptionsValidator.Validate(new HandoffOptions { IntegrationUserId = "005000000000001", ReleaseBelow = 71 });

        var problem = Assert.Single(problems);
        Assert.Equal("LeadSync:Handoff:ReleaseBelow", problem.Path);
        Assert.Contains("flip", problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoIntegrationUser_Reported()
    {
        var problem = Assert.Single(HandoffOptionsValidator.Validate(new HandoffOptions()));

        Assert.Equal("LeadSync:Handoff:IntegrationUserId", problem.Path);
    }
}
