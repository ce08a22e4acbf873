using LeadSync.Sync.Engine;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace LeadSync.Sync.Tests;

/// <summary>An engine over NSubstitute fakes of the three ports.</summary>
internal sealed class EngineFakes : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly SyncMetrics _metrics = new();

    public EngineFakes()
    {
        Store.TryAcquireCycleLockAsync(default!, default, default).ReturnsForAnyArgs(Substitute.For<IAsyncDisposable>());
        Store.FindLeadsAsync(default!, default!, default!, default).ReturnsForAnyArgs([]);
        Store.GetOpenAssignmentsAsync(default!, default).ReturnsForAnyArgs([]);
        Store.GetRetryRequestsAsync(default!, default).ReturnsForAnyArgs([]);
        Store.GetWatermarkAsync(default!, default, default).ReturnsForAnyArgs((ChangeCursor?)null);
        Marketing.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(Pages<MarketingContact>());
        Crm.ReadChangedAsync(default!, default!, default).ReturnsForAnyArgs(Pages<CrmLead>());
        Marketing.ReadByIdsAsync(default!, default!, default).ReturnsForAnyArgs([]);
        Marketing.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs([]);
        Crm.ReadByIdsAsync(default!, default!, default).ReturnsForAnyArgs([]);
        Crm.ReadByEmailsAsync(default!, default!, default).ReturnsForAnyArgs([]);
        Crm.UpdateLeadsAsync(default!, default).ReturnsForAnyArgs(c => (c.Arg<IReadOnlyList<RecordUpdate>>() ?? []).Select(u => WriteOutcome.Ok(u.Id)).ToList());
        Marketing.UpdateAsync(default!, default).ReturnsForAnyArgs(c => (c.Arg<IReadOnlyList<RecordUpdate>>() ?? []).Select(u => WriteOutcome.Ok(u.Id)).ToList());
        Connection = new SyncConnection("test", Marketing, Crm, new ConnectionModel(new ConnectionModelOptions()));
        Engine = new SyncEngine(Store, Time, _metrics, new ReferenceDataCache(Time), NullLogger<SyncEngine>.Instance);
    }

    public IStateStore Store { get; } = Substitute.For<IStateStore>();

    public IMarketingSystem Marketing { get; } = Substitute.For<IMarketingSystem>();

    public ICrmSystem Crm { get; } = Substitute.For<ICrmSystem>();

    public FakeTimeProvider Time { get; } = new(Now);

    public SyncConnection Connection { get; }

    public SyncEngine Engine { get; }

    public static async IAsyncEnumerable<IReadOnlyList<T>> Pages<T>(params IReadOnlyList<T>[] pages)
    {
        foreach (var page in pages)
        {
            await Task.Yield();
            yield return page;
        }
    }

    public static MarketingContact Contact(string id, string email, DateTimeOffset modified, params (string Key, string? Value)[] extra)
    {
        var properties = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["email"] = email, ["firstname"] = "Ada", ["lastname"] = "Byron", ["company"] = "Analytical", ["jobtitle"] = "Engineer",
            ["hs_lead_status"] = "NEW", ["lifecyclestage"] = "lead",
        };
        foreach (var (key, value) in extra)
        {
            properties[key] = value;
        }

        return new MarketingContact(id, properties, modified);
    }

    public static CrmLead Lead(string id, string email, DateTimeOffset modified, params (string Key, string? Value)[] extra)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Id"] = id, ["Email"] = email, ["FirstName"] = "Ada", ["LastName"] = "Byron", ["Company"] = "Analytical", ["Title"] = "Engineer",
            ["Status"] = "Open - Not Contacted", ["OwnerId"] = "00G000000000001", ["IsConverted"] = "false",
        };
        foreach (var (key, value) in extra)
        {
            fields[key] = value;
        }

        return new CrmLead(id, fields, modified);
    }

    public void Dispose() => _metrics.Dispose();
}
