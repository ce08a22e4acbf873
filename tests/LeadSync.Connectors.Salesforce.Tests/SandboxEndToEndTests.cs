using LeadSync.Sandbox;
using LeadSync.Domain.Planning;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Connectors.Salesforce.Tests;

/// <summary>The connector against the sandbox's independent Salesforce fake, over real HTTP (no shared code).</summary>
public sealed class SandboxEndToEndTests : IAsyncLifetime
{
    private SandboxServer sandbox = null!;
    private ServiceProvider services = null!;

    private ICrmSystem Crm => services.GetRequiredKeyedService<ICrmSystem>("sandbox");

    public async Task InitializeAsync()
    {
        sandbox = await SandboxServer.StartAsync(new SandboxOptions { LeadCount = 120, RepCount = 6 });
        services = new ServiceCollection()
            .AddSalesforceConnector("sandbox", new SalesforceOptions
            {
                LoginUrl = sandbox.SalesforceLoginUrl.ToString(),
                ClientId = sandbox.SalesforceClientId,
                ClientSecret = sandbox.SalesforceClientSecret,
                QueryBatchSize = 200,
                RetryBaseDelay = TimeSpan.FromMilliseconds(1),
                AttemptTimeout = TimeSpan.FromMinutes(1),
                TotalTimeout = TimeSpan.FromMinutes(3),
            })
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await sandbox.DisposeAsync();
    }

    [Fact]
    public async Task ReadChangedAsync_FromBeginning_ReturnsEverySeededLeadInCursorOrder()
    {
        var leads = new List<CrmPerson>();
        await foreach (var page in Crm.ReadChangedAsync(ChangeCursor.Beginning, ["Email", "Status", "OwnerId", "IsConverted", "Score__c"], CancellationToken.None))
        {
            leads.AddRange(page);
        }

        Assert.Equal(sandbox.Salesforce.LeadCount, leads.Count);
        Assert.Equal(leads.Count, leads.Select(l => l.Id).Distinct().Count());
        Assert.Equal(
            leads.OrderBy(l => l.ModifiedAt).ThenBy(l => l.Id, StringComparer.Ordinal).Select(l => l.Id),
            leads.Select(l => l.Id));
        Assert.All(leads, l => Assert.Contains(l.Fields["IsConverted"], new[] { "true", "false" }));
        Assert.NotNull(Crm.LastObservedQuota);
    }

    [Fact]
    public async Task UsersQueuesDescribeAndLimits_MatchTheSharedVocabulary()
    {
        var users = await Crm.GetUsersAsync(CancellationToken.None);
        var queues = await Crm.GetLeadQueuesAsync(CancellationToken.None);
        var fields = await Crm.GetFieldsAsync(CancellationToken.None);
        var quota = await Crm.GetDailyQuotaAsync(CancellationToken.None);

        Assert.Contains(users, u => u.Email == "integration@leadsync.example");
        Assert.Contains(queues, q => q.DeveloperName == "Marketing_Nurture" && q.Id.StartsWith("00G", StringComparison.Ordinal));
        Assert.Contains("Marketing Qualified", fields.Single(f => f.Name == "Status").AllowedValues);
        Assert.False(fields.Single(f => f.Name == "IsConverted").Writable);
        Assert.Equal(sandbox.Options.SalesforceDailyApiRequests, quota.Max);
    }

    [Fact]
    public async Task ReadByMarketingIdsAsync_LinkSetOnTheLead_FindsItByTheCrossReference()
    {
        var leads = sandbox.Salesforce.ListLeads().Where(l => !l.IsConverted).Take(2).ToList();
        await Crm.UpdateAsync(
            [new CrmUpdate(leads[0].Id, new Dictionary<string, string?>(), MarketingId: "90001"), new CrmUpdate(leads[1].Id, new Dictionary<string, string?>(), MarketingId: "90002")],
            CancellationToken.None);

        var found = await Crm.ReadByMarketingIdsAsync(["90001", "90002", "99999", "x' OR Id != '"], [], CancellationToken.None);

        Assert.Equal(
            [(leads[0].Id, "90001"), (leads[1].Id, "90002")],
            found.Select(l => (l.Id, l.MarketingId!)).OrderBy(x => x.Item2, StringComparer.Ordinal));
    }

    [Fact]
    public async Task UpdateThenRead_ByIdAndByEmail_SeesTheWriteAndTaskIsCreated()
    {
        var lead = sandbox.Salesforce.ListLeads().First(l => !l.IsConverted && !string.IsNullOrEmpty(l.Email));
        var rep = (await Crm.GetUsersAsync(CancellationToken.None)).First(u => u.IsActive && u.Email != "integration@leadsync.example");

        var outcomes = await Crm.UpdateAsync(
            [new CrmUpdate(lead.Id, new Dictionary<string, string?> { ["Rating"] = "Hot" }, Status: "Marketing Qualified", Owner: new OwnerWrite(rep.Id), Score: new ScoreWrite(88, "A"))],
            CancellationToken.None);
        var tasks = await Crm.CreateTasksAsync(
            [new CrmTask(lead.Id, rep.Id, "MQL handoff from HubSpot", "High", "Not Started", new DateOnly(2026, 11, 25), "Score 88")],
            CancellationToken.None);
        var byId = Assert.Single(await Crm.ReadByIdsAsync([lead.Id], ["Rating"], CancellationToken.None));
        var byEmail = await Crm.ReadByEmailsAsync([lead.Email!], ["Email", "Status"], CancellationToken.None);

        Assert.True(Assert.Single(outcomes).Success);
        Assert.True(Assert.Single(tasks).Success);
        Assert.Equal("Marketing Qualified", byId.Status);
        Assert.Equal(rep.Id, byId.OwnerId);
        Assert.False(byId.OwnerIsQueue);
        Assert.Equal(88m, decimal.Parse(byId.Score!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("A", byId.Grade);
        Assert.Equal("Hot", byId.Fields["Rating"]);
        Assert.Contains(byEmail, l => l.Id == lead.Id);
        Assert.Equal(1, sandbox.Salesforce.TaskCount);
    }

    [Fact]
    public async Task CreateLeadsAsync_TheSameCreateRetried_MakesOneLeadAndTheRetryFindsIt()
    {
        var rep = (await Crm.GetUsersAsync(CancellationToken.None)).First(u => u.IsActive && u.Email != "integration@leadsync.example");
        var before = sandbox.Salesforce.LeadCount;
        var create = new CrmLeadCreate(
            "hs-90001", "grace@navy.example", "Grace", "Hopper", "Navy", "Marketing Qualified", rep.Id, "90001", new ScoreWrite(82, "A"),
            new Dictionary<string, string?> { ["Title"] = "Rear Admiral" });

        var first = Assert.Single(await Crm.CreateLeadsAsync([create], CancellationToken.None));
        var retry = Assert.Single(await Crm.CreateLeadsAsync([create], CancellationToken.None));

        Assert.True(first.Success && first.Created, first.Message);
        Assert.True(retry.Success, retry.Message);
        Assert.False(retry.Created);
        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(before + 1, sandbox.Salesforce.LeadCount);
        var lead = Assert.Single(await Crm.ReadByIdsAsync([first.Id!], ["Title"], CancellationToken.None));
        Assert.Equal(
            ("grace@navy.example", "Grace", "Hopper", "Navy", "Marketing Qualified", rep.Id, false, "90001", "A", "Rear Admiral"),
            (lead.Email, lead.FirstName, lead.LastName, lead.Company, lead.Status, lead.OwnerId, lead.OwnerIsQueue, lead.MarketingId, lead.Grade, lead.Fields["Title"]));
        Assert.Equal(82m, decimal.Parse(lead.Score!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("hs-90001", sandbox.Salesforce.GetLead(first.Id!)!.GetString("LeadSync_Key__c"));
    }

    [Fact]
    public async Task CreateTasksAsync_TheSameKeyedTaskRetried_MakesOneTaskAndTheRetryFindsIt()
    {
        var lead = sandbox.Salesforce.ListLeads().First(l => !l.IsConverted);
        var rep = (await Crm.GetUsersAsync(CancellationToken.None)).First(u => u.IsActive && u.Email != "integration@leadsync.example");
        var task = new CrmTask(lead.Id, rep.Id, "MQL handoff", "High", "Not Started", new DateOnly(2026, 11, 25), "Score 88", "lead-7#1");
        var other = task with { IdempotencyKey = "lead-7#2", Description = "Score 91" };

        var first = Assert.Single(await Crm.CreateTasksAsync([task], CancellationToken.None));
        var retry = await Crm.CreateTasksAsync([task, other], CancellationToken.None);

        Assert.True(first.Success && first.Created, first.Message);
        Assert.Equal(new WriteOutcome(first.Id, true, Created: false), retry[0]);
        Assert.True(retry[1].Success && retry[1].Created);
        Assert.NotEqual(first.Id, retry[1].Id);
        Assert.Equal(2, sandbox.Salesforce.TaskCount);
        Assert.Equal("Score 88\n\nLeadSync key: lead-7#1", sandbox.Salesforce.ListTasks().Single(t => t.Id == first.Id).GetString("Description"));
        var keyed = await services.GetRequiredKeyedService<SalesforceCrmSystem>("sandbox").FindTasksByKeyAsync([lead.Id[..15]], CancellationToken.None);
        Assert.Equal(["lead-7#1", "lead-7#2"], keyed.Select(t => t.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadChangedAsync_QueueOwnedLead_IsFlaggedAsQueueOwned()
    {
        var leads = new List<CrmPerson>();
        await foreach (var page in Crm.ReadChangedAsync(ChangeCursor.Beginning, [], CancellationToken.None))
        {
            leads.AddRange(page);
        }

        var queued = leads.First(l => l.OwnerId == sandbox.Salesforce.MarketingQueueId);
        Assert.True(queued.OwnerIsQueue);
        Assert.All(leads.Where(l => l.OwnerId!.StartsWith("005", StringComparison.Ordinal)), l => Assert.False(l.OwnerIsQueue));
        Assert.Contains(leads, l => l.IsConverted);
        Assert.All(leads, l => Assert.Equal(sandbox.Salesforce.GetLead(l.Id)!.Email, l.Email));
    }

    [Fact]
    public async Task CheckExternalKeyAsync_SandboxOrg_HasTheKeyFieldAsUniqueExternalId()
    {
        var check = await services.GetRequiredKeyedService<SalesforceCrmSystem>("sandbox").CheckExternalKeyAsync(CancellationToken.None);
        var fields = await Crm.GetFieldsAsync(CancellationToken.None);

        Assert.True(check.Ok, string.Join(" ", check.Problems));
        Assert.True(fields.Single(f => f.Name == "LeadSync_Key__c").ExternalId);
    }

    [Fact]
    public async Task InjectedInvalidSession_IsRefreshedTransparently()
    {
        await Crm.GetDailyQuotaAsync(CancellationToken.None);
        sandbox.InjectFault(SandboxServer.SalesforceSystem, 401, 1);

        var queues = await Crm.GetLeadQueuesAsync(CancellationToken.None);

        Assert.NotEmpty(queues);
    }

    [Fact]
    public async Task InjectedServerErrors_AreRetried()
    {
        sandbox.InjectFault(SandboxServer.SalesforceSystem, 503, 2);

        var users = await Crm.GetUsersAsync(CancellationToken.None);

        Assert.NotEmpty(users);
    }
}
