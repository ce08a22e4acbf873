using LeadSync.Sandbox.HubSpot;
using LeadSync.Sync.Engine;

namespace LeadSync.Worker.Tests.SyncCycles;

/// <summary>The sync engine through the real host composition against the sandbox, on SQLite and on PostgreSQL.</summary>
public sealed class SyncEngineEndToEndTests
{
    private static readonly Dictionary<string, string?> QuietOverlap = new() { ["LeadSync:Sync:OverlapSeconds"] = "0" };

    [Fact]
    public async Task RunCycleAsync_ThousandLeadsChangedOnBothSides_BothSidesEndRight()
    {
        await using var h = await SyncHarness.StartAsync(leads: 1000, seed: 11);
        await h.SettleAsync();
        var linked = await World.QuietLinkedAsync(h);
        Assert.True(linked.Count >= 20, $"only {linked.Count} quiet linked people");

        h.Sandbox.Simulate(percent: 10, seed: 5);
        var marketingEdits = linked.Take(10).ToList();
        var crmEdits = linked.Skip(10).Take(10).ToList();
        foreach (var r in marketingEdits)
        {
            h.Sandbox.HubSpot.SetProperties(r.MarketingId!, new Dictionary<string, string?> { ["jobtitle"] = "Marketing edit " + r.MarketingId });
        }

        foreach (var r in crmEdits)
        {
            h.Sandbox.Salesforce.SetLeadFields(r.CrmId!, new Dictionary<string, object?> { ["Title"] = "CRM edit " + r.CrmId, ["Status"] = "Working - Contacted" });
        }

        var report = await h.CycleAsync();
        Assert.True(report.Succeeded, report.Error);
        Assert.True(report.LeadsRead >= 100, $"read {report.LeadsRead}");
        await h.SettleAsync();

        foreach (var r in marketingEdits)
        {
            Assert.Equal("Marketing edit " + r.MarketingId, World.Sf(h, r.CrmId!, "Title"));
        }

        foreach (var r in crmEdits)
        {
            Assert.Equal("CRM edit " + r.CrmId, World.Hs(h, r.MarketingId!, "jobtitle"));
            Assert.Equal("ATTEMPTED_TO_CONTACT", World.Hs(h, r.MarketingId!, "hs_lead_status"));
        }

        // Every linked, mapped, open lead mirrors its Salesforce status in HubSpot and carries its score.
        var model = h.Connection.Model;
        var checkedCount = 0;
        foreach (var r in (await h.LeadRecordsAsync()).Where(r => r.MarketingId is not null && r.CrmId is not null))
        {
            var lead = World.Lead(h, r.CrmId!);
            if (lead.IsConverted || lead.Status is null || !model.Statuses.TryFromCrm(lead.Status, out var canonical))
            {
                continue;
            }

            Assert.Equal(model.Statuses.ToMarketing(canonical), World.Hs(h, r.MarketingId!, "hs_lead_status"));
            Assert.Equal(r.Score, (int)Convert.ToDouble(lead.Get("Score__c"), System.Globalization.CultureInfo.InvariantCulture));
            checkedCount++;
        }

        Assert.True(checkedCount > 300, $"only {checkedCount} linked people checked");
    }

    [Theory]
    [InlineData(500, 7)]
    [InlineData(1200, 42)]
    public async Task RunCycleAsync_FirstCycleWritingWhileItReads_EveryContactAndLeadIsProcessed(int leads, int seed)
    {
        // Each page is written before the next is read, and every HubSpot write moves a contact to the end of the
        // lastmodifieddate sort: a read that paged by offset skipped contacts here (20 of 450 at 500 people, seed 7).
        await using var h = await SyncHarness.StartAsync(leads: leads, seed: seed);

        var report = await h.CycleAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.True(report.MarketingRecordsWritten > 50, $"only {report.MarketingRecordsWritten} HubSpot writes: the scenario needs writes during the read");
        var records = await h.LeadRecordsAsync();
        var quarantined = await h.Store.ListQuarantineAsync(h.Connection.Name, CancellationToken.None);
        var seenContacts = records.Select(r => r.MarketingId).Concat(quarantined.Where(q => q.System == SystemRole.Marketing).Select(q => q.RecordId))
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var seenLeads = records.Select(r => r.CrmId).Concat(quarantined.Where(q => q.System == SystemRole.Crm).Select(q => q.RecordId))
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var quarantinedLeads = quarantined.Where(q => q.System == SystemRole.Crm).Select(q => q.RecordId).ToHashSet(StringComparer.Ordinal);

        // A person blocked by its Salesforce side (e.g. a status no map covers) is quarantined under the lead's id.
        bool BlockedBySalesforce(SandboxContact contact) =>
            h.Sandbox.Salesforce.FindLeadsByEmail(contact.Properties.GetValueOrDefault("email") ?? string.Empty).Select(l => l.Id)
                .Append(contact.Properties.GetValueOrDefault("salesforceleadid") ?? string.Empty)
                .Any(quarantinedLeads.Contains);

        var missedContacts = h.Sandbox.HubSpot.ListContacts()
            .Where(c => !c.Archived && !seenContacts.Contains(c.Id) && !BlockedBySalesforce(c))
            .Select(c => c.Id).ToList();
        var missedLeads = h.Sandbox.Salesforce.ListLeads().Where(l => !seenLeads.Contains(l.Id)).Select(l => l.Id).ToList();
        Assert.True(missedContacts.Count == 0, $"{missedContacts.Count} contacts never processed: {string.Join(", ", missedContacts.Take(10))}");
        Assert.True(missedLeads.Count == 0, $"{missedLeads.Count} leads never processed: {string.Join(", ", missedLeads.Take(10))}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunCycleAsync_AfterWritingCycle_TwoQuietCyclesWriteNothing(bool postgres)
    {
        await using var h = await SyncHarness.StartAsync(leads: 300, postgres: postgres);
        var first = await h.CycleAsync();
        Assert.True(first.Succeeded, first.Error);
        Assert.True(first.MarketingRecordsWritten + first.CrmRecordsWritten > 0);

        await h.SettleAsync();
        var settled = h.Sandbox.Stats;
        var quiet1 = await h.CycleAsync();
        var quiet2 = await h.CycleAsync();
        var after = h.Sandbox.Stats;

        Assert.True(quiet1.Succeeded && quiet2.Succeeded);
        Assert.Equal(settled.HubSpotWrites, after.HubSpotWrites);
        Assert.Equal(settled.SalesforceWrites, after.SalesforceWrites);
        Assert.Equal(settled.TasksCreated, after.TasksCreated);
        Assert.Equal(0, quiet1.MarketingRecordsWritten + quiet1.CrmRecordsWritten + quiet2.MarketingRecordsWritten + quiet2.CrmRecordsWritten);
    }

    [Theory]
    [InlineData(150)]
    [InlineData(1500)]
    public async Task RunCycleAsync_NoChange_AtMostTwoCallsPerSystem(int leads)
    {
        // Cycles run minutes apart in production; here they follow each other within the default 5 s overlap, which
        // would legitimately re-read (and skip) everything just written. Overlap 0 measures the steady state.
        await using var h = await SyncHarness.StartAsync(leads: leads, overrides: QuietOverlap);
        await h.SettleAsync();
        var before = h.Sandbox.Stats;
        var report = await h.CycleAsync();
        var after = h.Sandbox.Stats;

        Assert.True(report.Succeeded, report.Error);
        Assert.InRange(after.HubSpotCalls - before.HubSpotCalls, 0, 2);
        Assert.InRange(after.SalesforceCalls - before.SalesforceCalls, 0, 2);
        Assert.InRange(report.MarketingCalls, 0, 2);
        Assert.InRange(report.CrmCalls, 0, 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunCycleAsync_NewHostOverSameState_ContinuesFromWatermarksWithoutRewriting(bool postgres)
    {
        await using var h = await SyncHarness.StartAsync(leads: 300, postgres: postgres, overrides: QuietOverlap);
        await h.SettleAsync();
        var hubSpotMark = await h.Store.GetWatermarkAsync(h.Connection.Name, SystemRole.Marketing, CancellationToken.None);
        var salesforceMark = await h.Store.GetWatermarkAsync(h.Connection.Name, SystemRole.Crm, CancellationToken.None);
        Assert.NotNull(hubSpotMark);
        Assert.NotNull(salesforceMark);
        var known = (await h.LeadRecordsAsync()).Count;

        await h.RestartAsync();
        Assert.Equal(hubSpotMark, await h.Store.GetWatermarkAsync(h.Connection.Name, SystemRole.Marketing, CancellationToken.None));
        var before = h.Sandbox.Stats;
        var report = await h.CycleAsync();
        var after = h.Sandbox.Stats;

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(before.HubSpotWrites, after.HubSpotWrites);
        Assert.Equal(before.SalesforceWrites, after.SalesforceWrites);
        Assert.Equal(0, report.LeadsScored);
        Assert.InRange(report.MarketingCalls, 0, 2);
        Assert.Equal(known, (await h.LeadRecordsAsync()).Count);

        // The world moves while LeadSync is down; the next host picks the change up from the watermark.
        var person = (await World.QuietLinkedAsync(h))[0];
        await h.RestartAsync();
        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, new Dictionary<string, string?> { ["jobtitle"] = "Changed while down" });
        var resumed = await h.CycleAsync();
        Assert.True(resumed.Succeeded, resumed.Error);
        Assert.Equal("Changed while down", World.Sf(h, person.CrmId!, "Title"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunCycleAsync_DryRun_WritesNothingButReportsThePlan(bool postgres)
    {
        await using var h = await SyncHarness.StartAsync(leads: 300, postgres: postgres);
        var report = await h.CycleAsync(CycleMode.DryRun);
        var stats = h.Sandbox.Stats;

        Assert.True(report.Succeeded, report.Error);
        Assert.True(report.LeadsRead > 0);
        Assert.NotEmpty(report.Changes);
        Assert.True(report.Assigned > 0, "the plan should include handoffs of the seeded hot leads");
        Assert.Equal(0, stats.HubSpotWrites);
        Assert.Equal(0, stats.SalesforceWrites);
        Assert.Equal(0, stats.TasksCreated);
        Assert.Empty(await h.LeadRecordsAsync());
        Assert.Null(await h.Store.GetWatermarkAsync(h.Connection.Name, SystemRole.Marketing, CancellationToken.None));
        Assert.Null(await h.Store.GetWatermarkAsync(h.Connection.Name, SystemRole.Crm, CancellationToken.None));
        Assert.Empty(await h.Store.ListQuarantineAsync(h.Connection.Name, CancellationToken.None));
        Assert.Null(await h.Store.GetLastSuccessfulCycleAsync(h.Connection.Name, CancellationToken.None));
    }

    [Theory]
    [InlineData("PreferCrm", "SF Title", "SF Title")]
    [InlineData("PreferMarketing", "SF Title", "HS Title")]
    [InlineData("MostRecent", "SF Title", "HS Title")]
    [InlineData("CrmUnlessBlank", "SF Title", "SF Title")]
    [InlineData("CrmUnlessBlank", null, "HS Title")]
    public async Task RunCycleAsync_ConflictingTwoWayEdits_PolicyDecides(string policy, string? crmValue, string expected)
    {
        await using var h = await SyncHarness.StartAsync(leads: 150, overrides: new Dictionary<string, string?>
        {
            ["LeadSync:Mappings:Fields:0:HubSpotProperty"] = "jobtitle",
            ["LeadSync:Mappings:Fields:0:SalesforceField"] = "Title",
            ["LeadSync:Mappings:Fields:0:Direction"] = "TwoWay",
            ["LeadSync:Mappings:Fields:0:Conflict"] = policy,
        });
        await h.SettleAsync();
        var person = (await World.QuietLinkedAsync(h))[0];

        // Salesforce first, HubSpot after: HubSpot is the most recent edit (Salesforce stamps whole seconds).
        h.Sandbox.Salesforce.SetLeadFields(person.CrmId!, new Dictionary<string, object?> { ["Title"] = crmValue });
        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, new Dictionary<string, string?> { ["jobtitle"] = "HS Title" });
        await h.SettleAsync();

        Assert.Equal(expected, World.Sf(h, person.CrmId!, "Title"));
        Assert.Equal(expected, World.Hs(h, person.MarketingId!, "jobtitle"));
    }

    [Fact]
    public async Task RunCycleAsync_HubSpotDailyLimit_CycleFailsWatermarksStayNextCycleCarriesTheChange()
    {
        await using var h = await SyncHarness.StartAsync(leads: 200);
        await h.SettleAsync();
        var name = h.Connection.Name;
        var hubSpotMark = await h.Store.GetWatermarkAsync(name, SystemRole.Marketing, CancellationToken.None);
        var person = (await World.QuietLinkedAsync(h))[0];
        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, new Dictionary<string, string?> { ["jobtitle"] = "After the reset" });
        h.Sandbox.InjectFault("hubspot", 429, 1, "DAILY");

        var failed = await h.CycleAsync();
        Assert.False(failed.Succeeded);
        Assert.Contains("DAILY", failed.Error, StringComparison.Ordinal);
        Assert.Equal(hubSpotMark, await h.Store.GetWatermarkAsync(name, SystemRole.Marketing, CancellationToken.None));

        // HubSpot writes stay paused until the daily reset, reads do not: a change that needs no HubSpot write goes through.
        var next = await h.CycleAsync();
        Assert.True(next.Succeeded, next.Error);
        Assert.Equal("After the reset", World.Sf(h, person.CrmId!, "Title"));
    }

    [Fact]
    public async Task RunCycleAsync_DuplicateEmailsAndUnmappedStatus_QuarantinedWhileTheRestProceed()
    {
        await using var h = await SyncHarness.StartAsync(leads: 300, seed: 3);
        var contacts = h.Sandbox.HubSpot.ListContacts();
        var linkedLeadIds = contacts.Select(c => c.Properties.GetValueOrDefault("salesforceleadid")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var allLeads = h.Sandbox.Salesforce.ListLeads();
        var hubSpotOnly = contacts.First(c => c.Properties.GetValueOrDefault("email") is { } e && h.Sandbox.Salesforce.FindLeadsByEmail(e).Count == 0);
        var email = hubSpotOnly.Properties["email"];
        var twins = allLeads
            .Where(l => !l.IsConverted && l.HubSpotContactId is null && !linkedLeadIds.Contains(l.Id) && l.Email is { } e && h.Sandbox.HubSpot.FindByEmail(e) is null)
            .Take(2)
            .ToList();
        Assert.Equal(2, twins.Count);
        foreach (var twin in twins)
        {
            h.Sandbox.Salesforce.SetLeadFields(twin.Id, new Dictionary<string, object?> { ["Email"] = email });
        }

        var unmapped = allLeads.First(l => !l.IsConverted && twins.TrueForAll(t => t.Id != l.Id) && l.Status != "Legacy - Imported");
        var unmappedStamp = h.Sandbox.Salesforce.SetLeadFields(unmapped.Id, new Dictionary<string, object?> { ["Status"] = "Legacy - Imported" }).SystemModstamp;

        var report = await h.CycleAsync();
        Assert.True(report.Succeeded, report.Error);
        var quarantine = await h.Store.ListQuarantineAsync(h.Connection.Name, CancellationToken.None);

        var ambiguous = quarantine.Where(q => q.Reason.Contains("ambiguous", StringComparison.Ordinal)).ToList();
        Assert.Contains(ambiguous, q => q.RecordId == hubSpotOnly.Id || twins.Exists(t => t.Id == q.RecordId));
        Assert.DoesNotContain("@", string.Concat(ambiguous.Select(q => q.Reason.Replace("***@", string.Empty, StringComparison.Ordinal))));
        foreach (var twin in twins)
        {
            Assert.Null(World.Lead(h, twin.Id).HubSpotContactId);
        }

        Assert.True(string.IsNullOrEmpty(World.Hs(h, hubSpotOnly.Id, "salesforceleadid")));
        Assert.Contains(quarantine, q => q.RecordId == unmapped.Id && q.System == SystemRole.Crm && q.Reason.Contains("Legacy - Imported", StringComparison.Ordinal));
        Assert.Equal(unmappedStamp, World.Lead(h, unmapped.Id).SystemModstamp);

        // Everyone else went through.
        Assert.True(report.CrmRecordsWritten > 100, $"only {report.CrmRecordsWritten} Salesforce records written");
        Assert.True(report.MarketingRecordsWritten > 50, $"only {report.MarketingRecordsWritten} HubSpot records written");
    }

    [Fact]
    public async Task RunCycleAsync_PerRecordWriteFailure_QuarantinedWithReasonAndRetriedOnRequest()
    {
        var faults = new CrmFaults();
        await using var h = await SyncHarness.StartAsync(leads: 200, extra: faults.Install);
        await h.SettleAsync();
        var people = await World.QuietLinkedAsync(h);
        var (failing, passing) = (people[0], people[1]);
        faults.FailUpdatesOf.Add(failing.CrmId!);
        h.Sandbox.HubSpot.SetProperties(failing.MarketingId!, new Dictionary<string, string?> { ["jobtitle"] = "Needs a retry" });
        h.Sandbox.HubSpot.SetProperties(passing.MarketingId!, new Dictionary<string, string?> { ["jobtitle"] = "Went through" });

        var report = await h.CycleAsync();
        Assert.True(report.Succeeded, report.Error);
        Assert.Equal("Went through", World.Sf(h, passing.CrmId!, "Title"));
        Assert.NotEqual("Needs a retry", World.Sf(h, failing.CrmId!, "Title"));
        var item = Assert.Single(
            await h.Store.ListQuarantineAsync(h.Connection.Name, CancellationToken.None),
            q => q.RecordId == failing.CrmId);
        Assert.Contains("FIELD_CUSTOM_VALIDATION_EXCEPTION", item.Reason, StringComparison.Ordinal);

        // The admin fixed the cause and asks for a retry: the next cycle reprocesses the record.
        faults.FailUpdatesOf.Clear();
        Assert.True(await h.Store.RequestRetryAsync(h.Connection.Name, item.Id, CancellationToken.None));
        var retried = await h.CycleAsync();

        Assert.True(retried.Succeeded, retried.Error);
        Assert.Equal("Needs a retry", World.Sf(h, failing.CrmId!, "Title"));
        Assert.Equal("Needs a retry", World.Hs(h, failing.MarketingId!, "jobtitle"));
        Assert.DoesNotContain(await h.Store.ListQuarantineAsync(h.Connection.Name, CancellationToken.None), q => q.RecordId == failing.CrmId);
    }

    [Theory]
    [InlineData("salesforce", 503, null, 2)]
    [InlineData("hubspot", 503, null, 2)]
    public async Task RunCycleAsync_WholeCallFailsBeyondRetries_CycleFailsWatermarksStayNextCycleCompletes(string system, int status, string? policy, int count)
    {
        await using var h = await SyncHarness.StartAsync(leads: 300);
        await h.SettleAsync();
        var name = h.Connection.Name;
        var hubSpotMark = await h.Store.GetWatermarkAsync(name, SystemRole.Marketing, CancellationToken.None);
        var salesforceMark = await h.Store.GetWatermarkAsync(name, SystemRole.Crm, CancellationToken.None);
        var person = (await World.QuietLinkedAsync(h))[0];
        h.Sandbox.Simulate(percent: 10, seed: 9);
        h.Sandbox.HubSpot.SetProperties(person.MarketingId!, new Dictionary<string, string?> { ["jobtitle"] = "After the outage" });

        h.Sandbox.InjectFault(system, status, count, policy);
        var failed = await h.CycleAsync();

        Assert.False(failed.Succeeded);
        Assert.False(string.IsNullOrEmpty(failed.Error));
        Assert.Equal(hubSpotMark, await h.Store.GetWatermarkAsync(name, SystemRole.Marketing, CancellationToken.None));
        Assert.Equal(salesforceMark, await h.Store.GetWatermarkAsync(name, SystemRole.Crm, CancellationToken.None));

        var next = await h.CycleAsync();
        Assert.True(next.Succeeded, next.Error);
        Assert.Equal("After the outage", World.Sf(h, person.CrmId!, "Title"));
        Assert.NotEqual(hubSpotMark, await h.Store.GetWatermarkAsync(name, SystemRole.Marketing, CancellationToken.None));
        await h.SettleAsync();
    }
}
