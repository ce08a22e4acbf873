using LeadSync.Domain.Planning;
using LeadSync.Domain.Routing;
using LeadSync.Domain.Scoring;
using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace LeadSync.Sync.Tests;

/// <summary>
/// An engine over a small fake world: NSubstitute fakes of the marketing platform and the CRM whose answers come from
/// in-memory people (reads follow the port's contract; writes change the people and their modification time, as the
/// real systems do), and an in-memory state store. Tests can still override any call with NSubstitute and check what
/// was received.
/// </summary>
internal sealed class EngineFakes : IDisposable
{
    public const string ConnectionName = "test";

    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>CRM ids are 18 characters; the marketing queue's id is given as 15 on the leads (the classifier compares the first 15).</summary>
    public const string AnnId = "005A00000000001AAA";

    public const string BobId = "005B00000000002AAA";

    public const string AnnOwnerId = "301";

    public const string BobOwnerId = "302";

    public const string MarketingQueueId = "00G000000000001AAA";

    public const string MarketingQueueShortId = "00G000000000001";

    private readonly SyncMetrics _metrics = new();
    private readonly Dictionary<string, string> _createdByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tasksByKey = new(StringComparer.Ordinal);
    private int _nextLeadId = 900;

    public EngineFakes(ConnectionModelOptions? options = null)
    {
        Marketing.SystemName.Returns("TestMarketing");
        Crm.SystemName.Returns("TestCrm");

        Marketing.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(c => Changed(MarketingPeople, (c.ArgAt<ChangeCursor>(0) ?? ChangeCursor.Beginning)));
        Marketing.ReadByIdsAsync(default!, default!, default).ReturnsForAnyArgs(c =>
            (IReadOnlyList<MarketingPerson>)(c.ArgAt<IReadOnlyCollection<string>>(0) ?? []).Where(MarketingPeople.ContainsKey).Select(id => MarketingPeople[id]).ToList());
        Marketing.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs(c => (IReadOnlyList<MarketingPerson>)ByEmail(MarketingPeople.Values, (c.ArgAt<IReadOnlyCollection<string>>(0) ?? [])));
        Marketing.UpdateAsync(default!, default).ReturnsForAnyArgs(c => (IReadOnlyList<WriteOutcome>)(c.ArgAt<IReadOnlyList<MarketingUpdate>>(0) ?? []).Select(Apply).ToList());
        Marketing.GetOwnersAsync(default).ReturnsForAnyArgs(c => (IReadOnlyList<MarketingOwner>)Owners);

        Crm.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(c => Changed(CrmLeads, (c.ArgAt<ChangeCursor>(0) ?? ChangeCursor.Beginning)));
        Crm.ReadChangedDealsAsync(default!, default!, default).ReturnsForAnyArgs(c => ChangedDeals(c.ArgAt<ChangeCursor>(0) ?? ChangeCursor.Beginning));
        Crm.ReadByIdsAsync(default!, default!, default).ReturnsForAnyArgs(c =>
            (IReadOnlyList<CrmPerson>)(c.ArgAt<IReadOnlyCollection<string>>(0) ?? []).Where(CrmLeads.ContainsKey).Select(id => CrmLeads[id]).ToList());
        Crm.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs(c => (IReadOnlyList<CrmPerson>)ByEmail(CrmLeads.Values, (c.ArgAt<IReadOnlyCollection<string>>(0) ?? [])));
        Crm.ReadByMarketingIdsAsync(default!, default!, default).ReturnsForAnyArgs(c =>
            (IReadOnlyList<CrmPerson>)CrmLeads.Values.Where(l => l.MarketingId is { } id && (c.ArgAt<IReadOnlyCollection<string>>(0) ?? []).Contains(id)).ToList());
        Crm.UpdateAsync(default!, default).ReturnsForAnyArgs(c => (IReadOnlyList<WriteOutcome>)(c.ArgAt<IReadOnlyList<CrmUpdate>>(0) ?? []).Select(Apply).ToList());
        Crm.CreateLeadsAsync(default!, default).ReturnsForAnyArgs(c => (IReadOnlyList<WriteOutcome>)(c.ArgAt<IReadOnlyList<CrmLeadCreate>>(0) ?? []).Select(Create).ToList());
        Crm.CreateTasksAsync(default!, default).ReturnsForAnyArgs(c => (IReadOnlyList<WriteOutcome>)(c.ArgAt<IReadOnlyList<CrmTask>>(0) ?? []).Select(Create).ToList());
        Crm.GetUsersAsync(default).ReturnsForAnyArgs(c => (IReadOnlyList<CrmUser>)Users);
        Crm.GetLeadQueuesAsync(default).ReturnsForAnyArgs(c => (IReadOnlyList<CrmQueue>)Queues);

        Connection = new SyncConnection(ConnectionName, Marketing, Crm, new ConnectionModel(options ?? TestOptions()));
        Engine = new SyncEngine(Store, Time, _metrics, new ReferenceDataCache(Time), NullLogger<SyncEngine>.Instance);
    }

    public InMemoryStateStore Store { get; } = new();

    public IMarketingPlatform Marketing { get; } = Substitute.For<IMarketingPlatform>();

    public ICrmSystem Crm { get; } = Substitute.For<ICrmSystem>();

    public FakeTimeProvider Time { get; } = new(Now);

    public SyncConnection Connection { get; }

    public SyncEngine Engine { get; }

    /// <summary>How many records one API page holds.</summary>
    public int PageSize { get; set; } = 100;

    public Dictionary<string, MarketingPerson> MarketingPeople { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CrmPerson> CrmLeads { get; } = new(StringComparer.Ordinal);

    public List<CrmTask> Tasks { get; } = [];

    public List<CrmUser> Users { get; } =
    [
        new(AnnId, "Ann Rep", "ann@corp.example", true),
        new(BobId, "Bob Rep", "bob@corp.example", true),
    ];

    public List<MarketingOwner> Owners { get; } =
    [
        new(AnnOwnerId, "ann@corp.example", "Ann", "Rep", false, "PERSON"),
        new(BobOwnerId, "bob@corp.example", "Bob", "Rep", false, "PERSON"),
    ];

    public List<CrmQueue> Queues { get; } = [new(MarketingQueueId, "Marketing Nurture", "Marketing_Nurture")];

    /// <summary>
    /// Rules small enough to reason about in a test: the fit grade decides alone (marketing <c>tier</c> hot = 90,
    /// edge = 71 = the threshold, warm = 40; CRM <c>Rating</c> Hot = 90) and every sales-ready lead goes to team Sales
    /// (Ann, then Bob, round-robin). Everything else is the defaults (threshold 71, status and stage maps, mappings).
    /// </summary>
    public static ConnectionModelOptions TestOptions() => new()
    {
        Scoring = new ScoringOptions
        {
            FitRules =
            [
                new FitRule { Id = "tier-hot", Field = "HubSpot.tier", Operator = FitOperator.Equals, Value = "hot", Points = 90, Reason = "hot tier" },
                new FitRule { Id = "tier-edge", Field = "HubSpot.tier", Operator = FitOperator.Equals, Value = "edge", Points = 71, Reason = "edge tier" },
                new FitRule { Id = "tier-warm", Field = "HubSpot.tier", Operator = FitOperator.Equals, Value = "warm", Points = 40, Reason = "warm tier" },
                new FitRule { Id = "rating-hot", Field = "Salesforce.Rating", Operator = FitOperator.Equals, Value = "Hot", Points = 90, Reason = "hot rating" },
            ],
            FitMax = 100,
            FitWeight = 1,
            BehaviourMax = 100,
            BehaviourWeight = 0,
            GradeCutoffs = new GradeCutoffs { A = 80, B = 60, C = 35 },
        },
        Routing = new RoutingOptions
        {
            Rules = [new RoutingRule { Id = "everyone", Team = "Sales" }],
            Teams =
            [
                new TeamOptions
                {
                    Name = "Sales",
                    Strategy = RoutingStrategy.RoundRobin,
                    Reps = [new RepOptions { Email = "ann@corp.example" }, new RepOptions { Email = "bob@corp.example" }],
                },
            ],
        },
    };

    public Task<CycleReport> RunAsync(CycleMode mode = CycleMode.Incremental) =>
        Engine.RunCycleAsync(Connection, mode, CancellationToken.None);

    public MarketingPerson AddMarketing(MarketingPerson person) => MarketingPeople[person.Id] = person;

    public CrmPerson AddCrm(CrmPerson lead) => CrmLeads[lead.Id] = lead;

    /// <summary>An edit by a person in the marketing platform (modified now).</summary>
    public void EditMarketing(string id, Func<MarketingPerson, MarketingPerson> edit) =>
        MarketingPeople[id] = edit(MarketingPeople[id]) with { ModifiedAt = Time.GetUtcNow() };

    /// <summary>An edit by a person in the CRM (modified now).</summary>
    public void EditCrm(string id, Func<CrmPerson, CrmPerson> edit) =>
        CrmLeads[id] = edit(CrmLeads[id]) with { ModifiedAt = Time.GetUtcNow() };

    public static MarketingPerson Contact(string id, string? email, DateTimeOffset modified, params (string Key, string? Value)[] extra)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["email"] = email, ["firstname"] = "Ada", ["lastname"] = "Byron", ["company"] = "Analytical", ["jobtitle"] = "Engineer",
        };
        foreach (var (key, value) in extra)
        {
            fields[key] = value;
        }

        return new MarketingPerson(id, email, "Ada", "Byron", "Analytical", null, "NEW", "lead", null, null, fields, modified);
    }

    /// <summary>An open CRM lead owned by the marketing queue (given by its 15-character id).</summary>
    public static CrmPerson Lead(string id, string? email, DateTimeOffset modified, params (string Key, string? Value)[] extra)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Email"] = email, ["FirstName"] = "Ada", ["LastName"] = "Byron", ["Company"] = "Analytical", ["Title"] = "Engineer",
        };
        foreach (var (key, value) in extra)
        {
            fields[key] = value;
        }

        return new CrmPerson(id, email, "Ada", "Byron", "Analytical", null, "Open - Not Contacted", MarketingQueueShortId, true, false, null, null, null, null, fields, modified);
    }

    public static async IAsyncEnumerable<IReadOnlyList<T>> Pages<T>(params IReadOnlyList<T>[] pages)
    {
        foreach (var page in pages)
        {
            await Task.Yield();
            yield return page;
        }
    }

    public void Dispose() => _metrics.Dispose();

    /// <summary>
    /// Records changed at or after the cursor (after its id on a tie), ascending by (modified time, id), in pages.
    /// The set is taken when the read starts, so the read's own writes never make it yield a record twice.
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<T>> Changed<T>(Dictionary<string, T> records, ChangeCursor since)
        where T : IPersonRecord
    {
        var changed = records.Values
            .Where(r => r.ModifiedAt > since.ModifiedAt
                || (r.ModifiedAt == since.ModifiedAt && (since.LastId is null || string.CompareOrdinal(r.Id, since.LastId) > 0)))
            .OrderBy(r => r.ModifiedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        for (var i = 0; i < changed.Count; i += PageSize)
        {
            await Task.Yield();
            Store.Mark();
            yield return changed.Skip(i).Take(PageSize).ToList();
        }
    }

    /// <summary>Converted leads whose deal changed at or after the cursor (after its id on a tie), by the deal's (modified time, id).</summary>
    private async IAsyncEnumerable<CrmDealPage> ChangedDeals(ChangeCursor since)
    {
        var changed = CrmLeads.Values
            .Where(l => l.Opportunity is { } d && (d.ModifiedAt > since.ModifiedAt
                || (d.ModifiedAt == since.ModifiedAt && (since.LastId is null || string.CompareOrdinal(d.Id, since.LastId) > 0))))
            .OrderBy(l => l.Opportunity!.ModifiedAt)
            .ThenBy(l => l.Opportunity!.Id, StringComparer.Ordinal)
            .ToList();
        for (var i = 0; i < changed.Count; i += PageSize)
        {
            await Task.Yield();
            var page = changed.Skip(i).Take(PageSize).ToList();
            yield return new CrmDealPage(page, new ChangeCursor(page[^1].Opportunity!.ModifiedAt, page[^1].Opportunity!.Id));
        }
    }

    private static List<T> ByEmail<T>(IEnumerable<T> records, IReadOnlyCollection<string> emails)
        where T : IPersonRecord
    {
        var wanted = emails.Select(e => e.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        return records.Where(r => r.Email is { } email && wanted.Contains(email.Trim().ToLowerInvariant())).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    private WriteOutcome Apply(MarketingUpdate update)
    {
        if (!MarketingPeople.TryGetValue(update.Id, out var person))
        {
            return new WriteOutcome(update.Id, false, "OBJECT_NOT_FOUND", "no such person");
        }

        MarketingPeople[update.Id] = person with
        {
            Fields = Merge(person.Fields, update.Fields),
            LeadStatus = update.LeadStatus ?? person.LeadStatus,
            LifecycleStage = update.Stage?.Value ?? person.LifecycleStage,
            OwnerId = update.Owner is { } owner ? owner.OwnerId : person.OwnerId,
            CrmId = update.CrmId ?? person.CrmId,
            ModifiedAt = Time.GetUtcNow(),
        };
        return WriteOutcome.Ok(update.Id);
    }

    private WriteOutcome Apply(CrmUpdate update)
    {
        if (!CrmLeads.TryGetValue(update.Id, out var lead))
        {
            return new WriteOutcome(update.Id, false, "ENTITY_IS_DELETED", "no such lead");
        }

        CrmLeads[update.Id] = lead with
        {
            Fields = Merge(lead.Fields, update.Fields),
            Status = update.Status ?? lead.Status,
            OwnerId = update.Owner is { } owner ? owner.OwnerId : lead.OwnerId,
            OwnerIsQueue = update.Owner is { } o ? Queues.Exists(q => q.Id == o.OwnerId) : lead.OwnerIsQueue,
            MarketingId = update.MarketingId ?? lead.MarketingId,
            Score = update.Score is { } score ? score.Score.ToString(System.Globalization.CultureInfo.InvariantCulture) : lead.Score,
            Grade = update.Score?.Grade ?? lead.Grade,
            ModifiedAt = Time.GetUtcNow(),
        };
        return WriteOutcome.Ok(update.Id);
    }

    /// <summary>Idempotent by the create's key, as the port requires.</summary>
    private WriteOutcome Create(CrmLeadCreate create)
    {
        if (_createdByKey.TryGetValue(create.Key, out var existing))
        {
            return new WriteOutcome(existing, true, Created: false);
        }

        var id = $"00Q{_nextLeadId++:D15}";
        _createdByKey[create.Key] = id;
        CrmLeads[id] = new CrmPerson(
            id, create.Email, create.FirstName, create.LastName, create.Company, null, create.Status, create.OwnerId, false, false,
            create.MarketingId, create.Score.Score.ToString(System.Globalization.CultureInfo.InvariantCulture), create.Score.Grade, null,
            new Dictionary<string, string?>(create.Fields, StringComparer.Ordinal) { ["Email"] = create.Email },
            Time.GetUtcNow());
        return new WriteOutcome(id, true, Created: true);
    }

    /// <summary>Idempotent by the task's key when it has one.</summary>
    private WriteOutcome Create(CrmTask task)
    {
        if (task.IdempotencyKey is { } key && _tasksByKey.TryGetValue(key, out var existing))
        {
            return new WriteOutcome(existing, true, Created: false);
        }

        Tasks.Add(task);
        var id = $"00T{Tasks.Count:D15}";
        if (task.IdempotencyKey is { } k)
        {
            _tasksByKey[k] = id;
        }

        return new WriteOutcome(id, true, Created: true);
    }

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> current, IReadOnlyDictionary<string, string?> changes)
    {
        var merged = new Dictionary<string, string?>(current, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            merged[key] = string.IsNullOrEmpty(value) ? null : value;
        }

        return merged;
    }
}
