using System.Globalization;
using LeadSync.Sandbox;
using LeadSync.Sandbox.Salesforce;
using LeadSync.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LeadSync.Worker.Tests.SyncCycles;

/// <summary>
/// Nothing lost, nothing twice: the real composition against the sandbox, first sync then rounds of world changes
/// (prospects engage, reps work their leads), each round synced with faults of every kind (HubSpot 429, 503, truncated
/// bodies, writes applied and then answered 503) and a kill point (the cycle dies after its N-th write call and the next
/// one starts from the same state database in a new host), then fault-free cycles until nothing is left to write. The
/// end state is compared with a fault-free run of the same seed: field values in both systems, Leads, Tasks, owners
/// written, quarantine.
/// </summary>
/// <remarks>
/// Deterministic on a busy machine: business time stands still within a round and moves 10 minutes between rounds, the
/// same for both runs (scores decay with it), so only the faults and kill points differ; retry delays are milliseconds
/// of real time; nothing asserts a duration. Scale it with LEADSYNC_CHAOS_PEOPLE, LEADSYNC_CHAOS_ROUNDS and
/// LEADSYNC_CHAOS_SEED (see docs/reliability.md and bench/chaos.sh).
/// </remarks>
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Lead fields whose values say when something happened, not what: they differ with the cycle a write landed in.</summary>
    private static readonly HashSet<string> TimeFields = new(StringComparer.OrdinalIgnoreCase) { "Id", "SystemModstamp", "LastModifiedDate", "CreatedDate" };

    private static readonly HashSet<string> ContactTimeProperties = new(StringComparer.Ordinal) { "lastmodifieddate", "hs_lastmodifieddate" };

    [Fact(Timeout = 1_500_000)]
    public async Task Cycles_WithFaultsOfEveryKindAndKillPoints_EndAsAFaultFreeRunOfTheSameSeed()
    {
        var people = Setting("LEADSYNC_CHAOS_PEOPLE", 2000);
        var rounds = Setting("LEADSYNC_CHAOS_ROUNDS", 8);
        var seed = Setting("LEADSYNC_CHAOS_SEED", 42);

        var reference = await RunAsync(people, rounds, seed, chaos: false);
        var chaos = await RunAsync(people, rounds, seed, chaos: true);

        var lost = Differences(reference.Contacts, chaos.Contacts, "HubSpot contact")
            .Concat(Differences(reference.Leads, chaos.Leads, "Salesforce lead"))
            .ToList();
        var duplicateLeads = chaos.LeadsPerKey.Values.Sum(n => n - 1);
        var duplicateTasks = chaos.TasksPerKey.Values.Sum(n => n - 1);
        var missingTasks = reference.TasksPerKey.Keys.Except(chaos.TasksPerKey.Keys).ToList();
        var duplicateOwners = chaos.OwnersWritten
            .Where(o => !o.Value.IsSubsetOf(reference.OwnersWritten.GetValueOrDefault(o.Key) ?? []))
            .Select(o => $"{o.Key}: {string.Join(", ", o.Value.Order(StringComparer.Ordinal))} (reference {string.Join(", ", (reference.OwnersWritten.GetValueOrDefault(o.Key) ?? []).Order(StringComparer.Ordinal))})")
            .ToList();
        var extraQuarantine = chaos.Quarantined.Except(reference.Quarantined).ToList();
        var faults = chaos.Stats.Faults;

        output.WriteLine(FormattableString.Invariant(
            $"chaos: {people} people, {rounds} rounds of world changes, {chaos.Cycles} cycles ({chaos.FailedCycles} ended by a fault, {chaos.Kills} killed) vs reference {reference.Cycles} cycles"));
        output.WriteLine(FormattableString.Invariant(
            $"requests: HubSpot {chaos.Stats.HubSpotCalls}, Salesforce {chaos.Stats.SalesforceCalls}; injected faults {chaos.Stats.InjectedFaults} ({Share(chaos.Stats.InjectedFaults, chaos.Stats.HubSpotCalls + chaos.Stats.SalesforceCalls)}): 429 {faults.RateLimited}, 503 {faults.ServerError}, truncated body {faults.TruncatedBody}, response lost after the write {faults.ResponseLost}"));
        output.WriteLine(FormattableString.Invariant(
            $"lost updates {lost.Count}, duplicate leads {duplicateLeads}, duplicate tasks {duplicateTasks}, missing tasks {missingTasks.Count}, duplicate owner changes {duplicateOwners.Count}, quarantined beyond the reference {extraQuarantine.Count} (reference quarantines {reference.Quarantined.Count})"));
        output.WriteLine(FormattableString.Invariant(
            $"reference: {reference.Leads.Count} leads, {reference.TasksPerKey.Count} handoff tasks; chaos: {chaos.Leads.Count} leads, {chaos.TasksPerKey.Values.Sum()} tasks"));
        foreach (var line in lost.Take(20).Concat(duplicateOwners.Take(10)).Concat(extraQuarantine.Take(10)))
        {
            output.WriteLine("  " + line);
        }

        // The run was the chaos it claims to be.
        Assert.True(faults.RateLimited > 0 && faults.ServerError > 0 && faults.TruncatedBody > 0 && faults.ResponseLost > 0, "every kind of fault was injected");
        Assert.True(chaos.Kills >= rounds, $"a kill point in every round ({chaos.Kills})");
        Assert.True(chaos.Stats.InjectedFaults * 10 >= chaos.Stats.HubSpotCalls + chaos.Stats.SalesforceCalls, "at least 10 % of the requests were faulted");
        Assert.True(reference.TasksPerKey.Count >= 10, $"the reference hands people to sales ({reference.TasksPerKey.Count} tasks)");

        // And nothing was lost, nothing happened twice.
        Assert.Empty(lost);
        Assert.Equal(0, duplicateLeads);
        Assert.Equal(reference.Leads.Count, chaos.Leads.Count);
        Assert.Equal(0, duplicateTasks);
        Assert.Empty(missingTasks);
        Assert.Empty(duplicateOwners);
        Assert.Empty(extraQuarantine);
    }

    private async Task<RunResult> RunAsync(int people, int rounds, int seed, bool chaos)
    {
        var clock = new SteppedClock(Start);
        var kill = new KillSwitch();
        var overrides = new Dictionary<string, string?>
        {
            ["LeadSync:HubSpot:MaxRetries"] = "2",
            ["LeadSync:HubSpot:RequestsPerTenSeconds"] = "100000",
            ["LeadSync:HubSpot:SearchRequestsPerSecond"] = "5",
            ["LeadSync:HubSpot:CircuitBreakerMinimumThroughput"] = "1000000",
            ["LeadSync:Salesforce:MaxRetries"] = "2",
            ["LeadSync:Salesforce:CircuitBreakerMinimumThroughput"] = "1000000",
        };
        await using var h = await SyncHarness.StartAsync(
            people,
            seed,
            overrides,
            extra: services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                kill.Install(services);
            },
            sandboxTime: clock,
            sandboxOptions: o =>
            {
                // The sandbox's clock stands still within a round too: its rolling windows must not fill up.
                o.HubSpotRequestsPerTenSeconds = 10_000_000;
                o.HubSpotSearchRequestsPerSecond = 10_000_000;
                o.HubSpotDailyLimit = 100_000_000;
                o.SalesforceDailyApiRequests = 100_000_000;
            });

        var result = new RunResult();
        for (var round = 0; round <= rounds; round++)
        {
            if (round > 0)
            {
                clock.Advance(TimeSpan.FromMinutes(10));
                h.Sandbox.Simulate(percent: 10, seed: seed + round);
            }

            if (chaos)
            {
                await ChaoticCyclesAsync(h, kill, round, seed, result);
            }

            await ConvergeAsync(h, result, round);
        }

        // The quiet cycle: nothing changed, nothing to write.
        var quietBefore = h.Sandbox.Stats;
        var quiet = await h.CycleAsync();
        result.Cycles++;
        Assert.True(quiet.Succeeded, quiet.Error);
        Assert.Equal(quietBefore.HubSpotWrites + quietBefore.SalesforceWrites, h.Sandbox.Stats.HubSpotWrites + h.Sandbox.Stats.SalesforceWrites);

        await CaptureAsync(h, kill, result);
        return result;
    }

    /// <summary>Faults on; a cycle that dies at a kill point; two more cycles with faults (some end early); faults off.</summary>
    private static async Task ChaoticCyclesAsync(SyncHarness h, KillSwitch kill, int round, int seed, RunResult result)
    {
        h.Sandbox.ConfigureFaults(new FaultOptions
        {
            Seed = (seed * 31) + round,
            RateLimitRate = 0.06,
            ServerErrorRate = 0.06,
            MalformedBodyRate = 0.06,
            ResponseLostRate = 0.06,
        });

        // Alternate: die after the N-th write call landed (its answer never processed), or just before it was sent.
        kill.Arm(afterWriteCalls: round % 4, applyFirst: round % 2 == 0);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var report = await h.CycleAsync();
                result.Cycles++;
                result.FailedCycles += report.Succeeded ? 0 : 1;
            }
            catch (KilledException)
            {
                // The process died mid-batch: whatever it had settled is in the state database, nothing else.
                result.Cycles++;
                result.Kills++;
                await h.RestartAsync();
            }
        }

        kill.Disarm();
        h.Sandbox.ConfigureFaults(new FaultOptions());
    }

    /// <summary>Cycles until one succeeds and writes nothing: the world is settled before it moves again.</summary>
    private static async Task ConvergeAsync(SyncHarness h, RunResult result, int round)
    {
        for (var i = 0; i < 8; i++)
        {
            var before = h.Sandbox.Stats;
            var report = await h.CycleAsync();
            result.Cycles++;
            var after = h.Sandbox.Stats;
            if (report.Succeeded && after.HubSpotWrites == before.HubSpotWrites && after.SalesforceWrites == before.SalesforceWrites)
            {
                return;
            }
        }

        Assert.Fail($"round {round} did not settle within 8 fault-free cycles");
    }

    private static async Task CaptureAsync(SyncHarness h, KillSwitch kill, RunResult result)
    {
        result.Stats = h.Sandbox.Stats;
        var leads = h.Sandbox.Salesforce.ListLeads();
        var keyOf = leads.ToDictionary(l => l.Id, StableKey, StringComparer.Ordinal);
        string Stable(string? leadId) => leadId is null ? "∅" : keyOf.GetValueOrDefault(leadId) ?? keyOf.FirstOrDefault(k => k.Key.StartsWith(leadId, StringComparison.Ordinal)).Value ?? leadId;

        var contactLink = h.Connection.Marketing.CoreFields.CrossReference;
        foreach (var contact in h.Sandbox.HubSpot.ListContacts())
        {
            foreach (var (property, value) in contact.Properties)
            {
                if (!ContactTimeProperties.Contains(property))
                {
                    result.Contacts[$"{contact.Id}.{property}"] = property == contactLink && !string.IsNullOrEmpty(value) ? Stable(value) : value;
                }
            }
        }

        foreach (var lead in leads)
        {
            var key = StableKey(lead);
            result.LeadsPerKey[key] = result.LeadsPerKey.GetValueOrDefault(key) + 1;
            foreach (var (field, value) in lead.Fields)
            {
                if (!TimeFields.Contains(field) && value is not DateTimeOffset)
                {
                    var text = value switch
                    {
                        null => null,
                        string s => s,
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        var other => other.ToString(),
                    };
                    result.Leads[$"{key}.{field}"] = text is { Length: 15 or 18 } && text.StartsWith("00Q", StringComparison.Ordinal) ? Stable(text) : text;
                }
            }
        }

        foreach (var task in h.Sandbox.Salesforce.ListTasks())
        {
            var key = $"{Stable(task.GetString("WhoId"))} {TaskKey(task.GetString("Description"))} owner {task.GetString("OwnerId")}";
            result.TasksPerKey[key] = result.TasksPerKey.GetValueOrDefault(key) + 1;
        }

        foreach (var (leadId, owners) in kill.OwnersWritten)
        {
            var key = leadId.StartsWith("key:", StringComparison.Ordinal) ? leadId[4..] : Stable(leadId);
            if (!result.OwnersWritten.TryGetValue(key, out var set))
            {
                result.OwnersWritten[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(owners);
        }

        foreach (var item in await h.Store.ListQuarantineAsync(h.Connection.Name, CancellationToken.None))
        {
            result.Quarantined.Add($"{item.System} {(item.System == SystemRole.Crm ? Stable(item.RecordId) : item.RecordId)}");
        }
    }

    /// <summary>A lead as both runs know it: LeadSync's key for the leads it created, the seeded id for the rest.</summary>
    private static string StableKey(SalesforceRecord lead) => lead.GetString(SalesforceSchema.ExternalKeyField) ?? lead.Id;

    private static string? TaskKey(string? description) =>
        description?.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("LeadSync key: ", StringComparison.Ordinal));

    private static IEnumerable<string> Differences(Dictionary<string, string?> reference, Dictionary<string, string?> chaos, string what)
    {
        foreach (var key in reference.Keys.Union(chaos.Keys).Order(StringComparer.Ordinal))
        {
            var expected = reference.GetValueOrDefault(key);
            var actual = chaos.GetValueOrDefault(key);
            if (!string.Equals(string.IsNullOrEmpty(expected) ? null : expected, string.IsNullOrEmpty(actual) ? null : actual, StringComparison.Ordinal))
            {
                yield return $"{what} {key}: reference '{expected}', chaos '{actual}'";
            }
        }
    }

    private static string Share(long part, long whole) =>
        whole == 0 ? "0 %" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.0} % of requests");

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private sealed class RunResult
    {
        public int Cycles { get; set; }

        public int FailedCycles { get; set; }

        public int Kills { get; set; }

        public SandboxStats Stats { get; set; } = null!;

        public Dictionary<string, string?> Contacts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string?> Leads { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> LeadsPerKey { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> TasksPerKey { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> OwnersWritten { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Quarantined { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Business time that moves only when the test says (timers and delays run in real time, so retries still wait).</summary>
public sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>The process dying at a kill point.</summary>
public sealed class KilledException : Exception
{
    public KilledException()
        : base("killed at a kill point")
    {
    }

    public KilledException(string message)
        : base(message)
    {
    }

    public KilledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Wraps both connectors of the default connection: counts write calls and, once armed, kills the cycle at the N-th
/// (after the call landed, or before it is sent), and records every owner LeadSync sent to a lead.
/// </summary>
public sealed class KillSwitch
{
    private readonly Lock _sync = new();
    private int _remaining = -1;
    private bool _applyFirst;

    /// <summary>Owners sent per CRM lead id (or "key:" + LeadSync's key for a create).</summary>
    public Dictionary<string, HashSet<string>> OwnersWritten { get; } = new(StringComparer.Ordinal);

    public void Arm(int afterWriteCalls, bool applyFirst)
    {
        lock (_sync)
        {
            _remaining = afterWriteCalls;
            _applyFirst = applyFirst;
        }
    }

    public void Disarm()
    {
        lock (_sync)
        {
            _remaining = -1;
        }
    }

    public void Install(IServiceCollection services)
    {
        var crm = services.Last(d => d.ServiceType == typeof(ICrmSystem) && d.IsKeyedService);
        services.Remove(crm);
        services.AddKeyedSingleton<ICrmSystem>(crm.ServiceKey, (sp, key) => new Crm((ICrmSystem)crm.KeyedImplementationFactory!(sp, key), this));
        var marketing = services.Last(d => d.ServiceType == typeof(IMarketingPlatform) && d.IsKeyedService);
        services.Remove(marketing);
        services.AddKeyedSingleton<IMarketingPlatform>(marketing.ServiceKey, (sp, key) => new Marketing((IMarketingPlatform)marketing.KeyedImplementationFactory!(sp, key), this));
    }

    private async Task<T> WriteAsync<T>(Func<Task<T>> write)
    {
        bool kill;
        bool applyFirst;
        lock (_sync)
        {
            kill = _remaining == 0;
            applyFirst = _applyFirst;
            if (_remaining >= 0)
            {
                _remaining--;
            }
        }

        if (!kill)
        {
            return await write();
        }

        if (applyFirst)
        {
            try
            {
                await write();
            }
            catch (ExternalApiException)
            {
                // Landed or not, the process is gone before it could know.
            }
        }

        throw new KilledException();
    }

    private void Owner(string lead, string? owner)
    {
        if (owner is null)
        {
            return;
        }

        lock (_sync)
        {
            if (!OwnersWritten.TryGetValue(lead, out var set))
            {
                OwnersWritten[lead] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(owner.Length == 18 ? owner[..15] : owner);
        }
    }

    private sealed class Crm(ICrmSystem inner, KillSwitch kill) : ICrmSystem
    {
        public string SystemName => inner.SystemName;

        public CoreFieldNames CoreFields => inner.CoreFields;

        public ApiQuota? LastObservedQuota => inner.LastObservedQuota;

        public long CallCount => inner.CallCount;

        public long ThrottledCount => inner.ThrottledCount;

        public IAsyncEnumerable<IReadOnlyList<CrmPerson>> ReadChangedAsync(ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadChangedAsync(since, fields, cancellationToken);

        public IAsyncEnumerable<CrmDealPage> ReadChangedDealsAsync(ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadChangedDealsAsync(since, fields, cancellationToken);

        public Task<IReadOnlyList<CrmPerson>> ReadByIdsAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByIdsAsync(ids, fields, cancellationToken);

        public Task<IReadOnlyList<CrmPerson>> ReadByEmailsAsync(IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByEmailsAsync(emails, fields, cancellationToken);

        public Task<IReadOnlyList<CrmPerson>> ReadByMarketingIdsAsync(IReadOnlyCollection<string> marketingIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByMarketingIdsAsync(marketingIds, fields, cancellationToken);

        public Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
        {
            foreach (var update in updates)
            {
                kill.Owner(update.Id.Length == 18 ? update.Id[..15] : update.Id, update.Owner?.OwnerId);
            }

            return kill.WriteAsync(() => inner.UpdateAsync(updates, cancellationToken));
        }

        public Task<IReadOnlyList<WriteOutcome>> CreateLeadsAsync(IReadOnlyList<CrmLeadCreate> creates, CancellationToken cancellationToken)
        {
            foreach (var create in creates)
            {
                kill.Owner("key:" + create.Key, create.OwnerId);
            }

            return kill.WriteAsync(() => inner.CreateLeadsAsync(creates, cancellationToken));
        }

        public Task<IReadOnlyList<WriteOutcome>> CreateTasksAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken) =>
            kill.WriteAsync(() => inner.CreateTasksAsync(tasks, cancellationToken));

        public Task<IReadOnlyList<CrmUser>> GetUsersAsync(CancellationToken cancellationToken) => inner.GetUsersAsync(cancellationToken);

        public Task<IReadOnlyList<CrmQueue>> GetLeadQueuesAsync(CancellationToken cancellationToken) => inner.GetLeadQueuesAsync(cancellationToken);

        public Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken) => inner.GetFieldsAsync(cancellationToken);

        public Task<ApiQuota> GetDailyQuotaAsync(CancellationToken cancellationToken) => inner.GetDailyQuotaAsync(cancellationToken);

        public Task<IReadOnlyList<string>> CheckIdempotentCreatesAsync(CancellationToken cancellationToken) => inner.CheckIdempotentCreatesAsync(cancellationToken);
    }

    private sealed class Marketing(IMarketingPlatform inner, KillSwitch kill) : IMarketingPlatform
    {
        public string SystemName => inner.SystemName;

        public CoreFieldNames CoreFields => inner.CoreFields;

        public ApiQuota? LastObservedQuota => inner.LastObservedQuota;

        public long CallCount => inner.CallCount;

        public long ThrottledCount => inner.ThrottledCount;

        public IAsyncEnumerable<IReadOnlyList<MarketingPerson>> ReadChangedAsync(ChangeCursor since, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadChangedAsync(since, fields, cancellationToken);

        public Task<IReadOnlyList<MarketingPerson>> ReadByIdsAsync(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByIdsAsync(ids, fields, cancellationToken);

        public Task<IReadOnlyList<MarketingPerson>> ReadByEmailsAsync(IReadOnlyCollection<string> emails, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
            inner.ReadByEmailsAsync(emails, fields, cancellationToken);

        public Task<IReadOnlyList<WriteOutcome>> UpdateAsync(IReadOnlyList<MarketingUpdate> updates, CancellationToken cancellationToken) =>
            kill.WriteAsync(() => inner.UpdateAsync(updates, cancellationToken));

        public Task<IReadOnlyList<MarketingOwner>> GetOwnersAsync(CancellationToken cancellationToken) => inner.GetOwnersAsync(cancellationToken);

        public Task<IReadOnlyList<FieldMetadata>> GetFieldsAsync(CancellationToken cancellationToken) => inner.GetFieldsAsync(cancellationToken);
    }
}
