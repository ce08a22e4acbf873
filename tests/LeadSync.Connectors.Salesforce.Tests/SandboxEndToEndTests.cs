using LeadSync.Sandbox;
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
        var leads = new List<CrmLead>();
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
        var fields = await Crm.DescribeLeadAsync(CancellationToken.None);
        var quota = await Crm.GetDailyQuotaAsync(CancellationToken.None);

        Assert.Contains(users, u => u.Email == "integration@leadsync.example");
        Assert.Contains(queues, q => q.DeveloperName == "Marketing_Nurture" && q.Id.StartsWith("00G", StringComparison.Ordinal));
        Assert.Contains("Marketing Qualified", fields.Single(f => f.Name == "Status").AllowedValues);
        Assert.False(fields.Single(f => f.Name == "IsConverted").Writable);
        Assert.Equal(sandbox.Options.SalesforceDailyApiRequests, quota.Max);
    }

    [Fact]
    public async Task UpdateThenRead_ByIdAndByEmail_SeesTheWriteAndTaskIsCreated()
    {
        var lead = sandbox.Salesforce.ListLeads().First(l => !l.IsConverted && !string.IsNullOrEmpty(l.Email));
        var rep = (await Crm.GetUsersAsync(CancellationToken.None)).First(u => u.IsActive && u.Email != "integration@leadsync.example");

        var outcomes = await Crm.UpdateLeadsAsync(
            [new RecordUpdate(lead.Id, new Dictionary<string, string?> { ["Status"] = "Marketing Qualified", ["OwnerId"] = rep.Id, ["Score__c"] = "88" })],
            CancellationToken.None);
        var tasks = await Crm.CreateTasksAsync(
            [new CrmTask(lead.Id, rep.Id, "MQL handoff from HubSpot", "High", "Not Started", new DateOnly(2026, 11, 25), "Score 88")],
            CancellationToken.None);
        var byId = Assert.Single(await Crm.ReadByIdsAsync([lead.Id], ["Email", "Status", "OwnerId", "Score__c"], CancellationToken.None));
        var byEmail = await Crm.ReadByEmailsAsync([lead.Email!], ["Email", "Status"], CancellationToken.None);

        Assert.True(Assert.Single(outcomes).Success);
        Assert.True(Assert.Single(tasks).Success);
        Assert.Equal("Marketing Qualified", byId.Status);
        Assert.Equal(rep.Id, byId.OwnerId);
        Assert.Equal(88m, decimal.Parse(byId.Fields["Score__c"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(byEmail, l => l.Id == lead.Id);
        Assert.Equal(1, sandbox.Salesforce.TaskCount);
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
