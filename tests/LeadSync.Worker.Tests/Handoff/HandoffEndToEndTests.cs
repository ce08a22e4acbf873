using LeadSync.Worker.Tests.SyncCycles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeadSync.Worker.Tests.HandoffFlow;

/// <summary>Handoff to sales end to end: thresholds, hysteresis, human decisions, exactly-once, the rep's note, SLA, recycling.</summary>
public sealed class HandoffEndToEndTests
{
    private static async Task<LeadRecord> EngageAsync(SyncHarness h, LeadRecord person, int score)
    {
        var values = await World.EngagementForAsync(h, person, score);
        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, values);
        var report = await h.CycleAsync();
        Assert.True(report.Succeeded, report.Error);
        return (await h.Store.GetLeadAsync(h.Connection.Name, person.LeadKey, CancellationToken.None))!;
    }

    private static bool IsRep(string? ownerId) => ownerId is not null && ownerId.StartsWith("005", StringComparison.Ordinal);

    [Fact]
    public async Task RunCycleAsync_ScoreExactly70Then71_OnlySeventyOneHandsOff()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        var queue = h.Sandbox.Salesforce.MarketingQueueId;

        var at70 = await EngageAsync(h, person, 70);
        Assert.Equal(70, at70.Score);
        Assert.Equal(70, World.ScoreOf(h, person));
        Assert.Equal("70", World.Sf(h, person.CrmId!, "Score__c")?.Split('.')[0]);
        Assert.False(at70.InSales);
        Assert.Equal(queue, World.Lead(h, person.CrmId!).OwnerId);
        Assert.Empty(World.TasksFor(h, person.CrmId!));

        var at71 = await EngageAsync(h, person, 71);
        Assert.Equal(71, at71.Score);
        Assert.True(at71.InSales);
        var lead = World.Lead(h, person.CrmId!);
        Assert.True(IsRep(lead.OwnerId), $"owner {lead.OwnerId} is not a rep");
        Assert.Equal("Marketing Qualified", lead.Status);
        Assert.Equal("IN_PROGRESS", World.Hs(h, person.MarketingId!, "hs_lead_status"));
        var task = Assert.Single(World.TasksFor(h, person.CrmId!));
        Assert.Equal(lead.OwnerId, task.GetString("OwnerId"));
        var entry = Assert.Single(await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None));
        Assert.NotNull(entry.CompletedAt);
        Assert.Equal(lead.OwnerId, entry.OwnerId);
    }

    [Fact]
    public async Task RunCycleAsync_Handoff_TaskCarriesScoreBehavioursAndFitReasons()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        await EngageAsync(h, person, 71);

        var task = Assert.Single(World.TasksFor(h, person.CrmId!));
        var subject = task.GetString("Subject");
        var description = task.GetString("Description");
        Assert.False(string.IsNullOrWhiteSpace(subject));
        Assert.Equal("Normal", task.GetString("Priority"));
        Assert.Contains("score of 71", description, StringComparison.Ordinal);
        Assert.Contains("director title", description, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("target industry", description, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Why you:", description, StringComparison.Ordinal);
        Assert.DoesNotContain(World.Hs(h, person.MarketingId!, "email")!, description, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunCycleAsync_Score71Then65Then72_OneHandoff()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];

        await EngageAsync(h, person, 71);
        var owner = World.Lead(h, person.CrmId!).OwnerId;
        var at65 = await EngageAsync(h, person, 65);
        Assert.True(at65.InSales, "65 is above the release line: the lead stays with sales");
        Assert.Equal(owner, World.Lead(h, person.CrmId!).OwnerId);
        var at72 = await EngageAsync(h, person, 72);

        Assert.True(at72.InSales);
        Assert.Equal(owner, World.Lead(h, person.CrmId!).OwnerId);
        Assert.Single(World.TasksFor(h, person.CrmId!));
        Assert.Single(await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None));
    }

    [Fact]
    public async Task RunCycleAsync_RepReassignedInSalesforce_OwnerRespected()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        await EngageAsync(h, person, 71);
        var assigned = World.Lead(h, person.CrmId!).OwnerId!;
        var other = h.Sandbox.Salesforce.ListUsers().First(u => u.IsActive && u.Id != assigned && u.Id != h.Sandbox.Salesforce.IntegrationUserId).Id;

        h.Sandbox.Salesforce.SetLeadFields(person.CrmId!, new Dictionary<string, object?> { ["OwnerId"] = other });
        var values = await World.EngagementForAsync(h, person, 74);
        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, values);
        await h.SettleAsync();

        Assert.Equal(other, World.Lead(h, person.CrmId!).OwnerId);
        Assert.Single(World.TasksFor(h, person.CrmId!));
    }

    [Fact]
    public async Task RunCycleAsync_ConvertedLeadEngages_LeftUntouched()
    {
        await using var h = await SyncHarness.StartAsync(leads: 300);
        await h.SettleAsync();
        var records = await h.LeadRecordsAsync();
        var converted = records.First(r => r.MarketingId is not null && r.CrmId is not null && World.Lead(h, r.CrmId).IsConverted);
        var before = World.Lead(h, converted.CrmId!);

        h.Sandbox.HubSpot.SetProperties(converted.MarketingId!, new Dictionary<string, string?>
        {
            ["demo_requests"] = "2", ["pricing_page_views"] = "3", ["content_downloads"] = "3", ["webinars_attended"] = "2",
            ["jobtitle"] = "VP Engineering", ["numemployees"] = "800", ["industry"] = "Technology",
        });
        var report = await h.CycleAsync();

        Assert.True(report.Succeeded, report.Error);
        var after = World.Lead(h, converted.CrmId!);
        Assert.Equal(before.SystemModstamp, after.SystemModstamp);
        Assert.Equal(before.OwnerId, after.OwnerId);
        Assert.Empty(World.TasksFor(h, converted.CrmId!));
    }

    [Fact]
    public async Task RunCycleAsync_CrashBetweenOwnerWriteAndTask_NextCycleMakesExactlyOneOwnerChangeAndOneTask()
    {
        var faults = new CrmFaults();
        await using var h = await SyncHarness.StartAsync(leads: 200, extra: faults.Install);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        faults.OwnerWrites.Clear();
        faults.ThrowOnTaskCalls = 1;

        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, await World.EngagementForAsync(h, person, 75));
        // The Task call fails without an answer: its outcome is unknown, so the cycle goes on and leaves the crossing open.
        var crashed = await h.CycleAsync();
        Assert.True(crashed.Succeeded, crashed.Error);
        Assert.Null(Assert.Single(await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None)).CompletedAt);
        var owner = World.Lead(h, person.CrmId!).OwnerId;
        Assert.True(IsRep(owner), "the owner was written before the crash");
        Assert.Empty(World.TasksFor(h, person.CrmId!));

        // A new process (the crash) resumes from the ledger.
        await h.RestartAsync();
        var resumed = await h.CycleAsync();
        Assert.True(resumed.Succeeded, resumed.Error);
        await h.SettleAsync();

        Assert.Equal(owner, World.Lead(h, person.CrmId!).OwnerId);
        var task = Assert.Single(World.TasksFor(h, person.CrmId!));
        Assert.Single(faults.OwnerWrites, w => w.LeadId == person.CrmId);
        var entry = Assert.Single(await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None));
        Assert.NotNull(entry.CompletedAt);
        // The rep gets the note composed when the crossing began (kept in the ledger), not a generic one.
        Assert.NotNull(entry.Note);
        Assert.Equal(entry.Note.Subject, task.Get("Subject"));
        Assert.StartsWith(entry.Note.Description, (string?)task.Get("Description"), StringComparison.Ordinal); // then the crossing's key line
        Assert.Equal(entry.Note.Priority, task.Get("Priority"));
        Assert.DoesNotContain("This lead reached the sales threshold and was assigned to you", entry.Note.Description, StringComparison.Ordinal);
        Assert.True(entry.StepsDone.HasFlag(AssignmentSteps.TaskCreated));
        Assert.True((await h.Store.GetLeadAsync(h.Connection.Name, person.LeadKey, CancellationToken.None))!.InSales);
    }

    [Fact(Timeout = 120_000)]
    public async Task FollowUpRunAsync_RepIgnoresLeadPastSla_Escalated()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await SyncHarness.StartAsync(leads: 200, extra: s => s.AddSingleton<TimeProvider>(clock));
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        await EngageAsync(h, person, 75);
        var owner = World.Lead(h, person.CrmId!).OwnerId;
        Assert.True(IsRep(owner));

        var early = await h.FollowUp.RunAsync(h.Connection, CancellationToken.None);
        Assert.Null(early.Error);
        Assert.Equal(owner, World.Lead(h, person.CrmId!).OwnerId);

        clock.Advance(TimeSpan.FromDays(4));
        var report = await h.FollowUp.RunAsync(h.Connection, CancellationToken.None);

        Assert.Null(report.Error);
        Assert.True(report.Reassigned + report.ManagersNotified >= 1);
        var lead = World.Lead(h, person.CrmId!);
        var tasks = World.TasksFor(h, person.CrmId!);
        Assert.Equal(2, tasks.Count);
        Assert.NotEqual(owner, lead.OwnerId);
        var entry = Assert.Single(await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None));
        Assert.Equal(1, entry.Escalations);
        var audit = await h.Store.GetAuditAsync(h.Connection.Name, person.LeadKey, 50, CancellationToken.None);
        Assert.Contains(audit, a => a.Action.StartsWith("sla-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FollowUpRunAsync_SalesClosesLead_RecycledToMarketing()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        await EngageAsync(h, person, 75);

        h.Sandbox.Salesforce.SetLeadFields(person.CrmId!, new Dictionary<string, object?> { ["Status"] = "Closed - Not Converted" });
        var report = await h.FollowUp.RunAsync(h.Connection, CancellationToken.None);

        Assert.Null(report.Error);
        Assert.Equal(1, report.Recycled);
        Assert.Equal(h.Sandbox.Salesforce.MarketingQueueId, World.Lead(h, person.CrmId!).OwnerId);
        Assert.False((await h.Store.GetLeadAsync(h.Connection.Name, person.LeadKey, CancellationToken.None))!.InSales);
        Assert.True(Assert.Single(await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None)).Closed);
    }

    [Fact]
    public async Task RunCycleAsync_RoundRobinAcrossRestart_TicketsContinue()
    {
        await using var h = await SyncHarness.StartAsync(leads: 400);
        await h.SettleAsync();
        var people = (await World.QuietLinkedAsync(h))
            .Where(r => World.Lead(h, r.CrmId!).Get("NumberOfEmployees") is int n && n < 1000)
            .Take(4)
            .ToList();
        Assert.Equal(4, people.Count);

        var owners = new List<string>();
        for (var i = 0; i < people.Count; i++)
        {
            if (i == 2)
            {
                await h.RestartAsync();
            }

            await EngageAsync(h, people[i], 75);
            var owner = World.Lead(h, people[i].CrmId!).OwnerId!;
            Assert.True(IsRep(owner), $"handoff {i} went to {owner}");
            owners.Add(owner);
        }

        Assert.True(owners.Distinct(StringComparer.Ordinal).Count() >= 3, "round robin restarted after the restart: " + string.Join(", ", owners));
        Assert.NotEqual(owners[0], owners[2]);
    }

    [Fact(Timeout = 180_000)]
    public async Task RunCycleAsync_RepDisqualifiesHotLead_KeptWithMarketingUntilNewEngagementRequalifiesIt()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];
        await EngageAsync(h, person, 75);
        var rep = World.Lead(h, person.CrmId!).OwnerId;
        Assert.True(IsRep(rep));
        Assert.Single(World.TasksFor(h, person.CrmId!));

        // The rep says no in Salesforce.
        h.Sandbox.Salesforce.SetLeadFields(person.CrmId!, new Dictionary<string, object?> { ["Status"] = "Closed - Not Converted" });
        await h.SettleAsync();

        var record = (await h.Store.GetLeadAsync(h.Connection.Name, person.LeadKey, CancellationToken.None))!;
        var lead = World.Lead(h, person.CrmId!);
        Assert.Equal("Closed - Not Converted", lead.Status);
        Assert.Equal(h.Sandbox.Salesforce.MarketingQueueId, lead.OwnerId);
        Assert.Equal("UNQUALIFIED", World.Hs(h, person.MarketingId!, "hs_lead_status"));
        Assert.False(record.InSales);
        var disqualified = Assert.IsType<Disqualification>(record.Disqualified);
        Assert.Equal("Closed - Not Converted", disqualified.Status);
        Assert.Equal(75, disqualified.Score);

        // Still hot, a little more engagement, more cycles: no second handoff, the rep's status stays.
        var warmer = await EngageAsync(h, person, 80);
        await h.SettleAsync();
        Assert.False(warmer.InSales);
        lead = World.Lead(h, person.CrmId!);
        Assert.Equal("Closed - Not Converted", lead.Status);
        Assert.Equal(h.Sandbox.Salesforce.MarketingQueueId, lead.OwnerId);
        Assert.Single(World.TasksFor(h, person.CrmId!));
        Assert.Single(await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None));
        var explain = await new LeadSync.Worker.Cli.LeadExplainer(h.Connection, h.Store, h.Host.Services.GetRequiredService<LeadSync.Sync.Engine.ReferenceDataCache>(), TimeProvider.System)
            .ExplainAsync(person.CrmId!, CancellationToken.None);
        Assert.Contains("disqualified by sales on", explain, StringComparison.Ordinal);
        Assert.Contains("re-qualifies at score ≥ 85", explain, StringComparison.Ordinal);

        // New engagement: 10 points above the score at the disqualification re-qualifies it, for a new crossing.
        var requalified = await EngageAsync(h, person, 85);
        Assert.True(requalified.InSales);
        Assert.Null(requalified.Disqualified);
        lead = World.Lead(h, person.CrmId!);
        Assert.True(IsRep(lead.OwnerId), $"owner {lead.OwnerId} is not a rep");
        Assert.Equal("Marketing Qualified", lead.Status);
        Assert.Equal(2, World.TasksFor(h, person.CrmId!).Count);
        var ledger = await h.Store.GetAssignmentsAsync(h.Connection.Name, person.LeadKey, CancellationToken.None);
        Assert.Equal([1, 2], ledger.Select(e => e.Crossing));
        Assert.True(ledger[0].Closed);
        Assert.NotNull(ledger[1].CompletedAt);
    }
}
