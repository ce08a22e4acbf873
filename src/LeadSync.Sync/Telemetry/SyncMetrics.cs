using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LeadSync.Sync.Telemetry;

/// <summary>
/// LeadSync's instruments (meter "LeadSync"). The host exports them with OpenTelemetry; the engine only records.
/// Every measurement is tagged with the connection so several portal/org pairs stay apart.
/// </summary>
public sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "LeadSync";

    private readonly Meter _meter;
    private readonly Counter<long> _leadsRead;
    private readonly Counter<long> _leadsScored;
    private readonly Counter<long> _leadsAssigned;
    private readonly Counter<long> _leadsQuarantined;
    private readonly Counter<long> _apiCalls;
    private readonly Counter<long> _apiThrottled;
    private readonly Counter<long> _cycles;
    private readonly Histogram<double> _cycleDuration;
    private readonly Histogram<double> _handoffLatency;
    private readonly ConcurrentDictionary<(string Connection, string System), DateTimeOffset> _readCompleteUpTo = new();
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Connection, string System), long> _quotaRemaining = new();

    /// <summary>Bucket boundaries in seconds for durations that run from sub-second to many minutes.</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    public SyncMetrics(IMeterFactory? meterFactory = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _leadsRead = _meter.CreateCounter<long>("leadsync.leads.read", "{lead}", "Records read from either system");
        _leadsScored = _meter.CreateCounter<long>("leadsync.leads.scored", "{lead}", "Leads scored");
        _leadsAssigned = _meter.CreateCounter<long>("leadsync.leads.assigned", "{lead}", "Leads handed to a sales rep");
        _leadsQuarantined = _meter.CreateCounter<long>("leadsync.leads.quarantined", "{lead}", "Records quarantined");
        _apiCalls = _meter.CreateCounter<long>("leadsync.api.calls", "{call}", "HTTP calls made to each system");
        _apiThrottled = _meter.CreateCounter<long>("leadsync.api.throttled", "{call}", "Calls refused by a system for a rate or daily limit (429s)");
        _cycles = _meter.CreateCounter<long>("leadsync.cycles", "{cycle}", "Cycles run, by outcome");
        _cycleDuration = _meter.CreateHistogram<double>("leadsync.cycle.duration", "s", "Cycle duration", tags: null, advice: seconds);
        _handoffLatency = _meter.CreateHistogram<double>("leadsync.handoff.latency", "s", "From first seen at the threshold to owner written in the CRM", tags: null, advice: seconds);
        _meter.CreateObservableGauge("leadsync.sync.lag", ObserveLag, "s", "How old a change can be and still be unseen: now minus the start of the last complete read of each system");
        _meter.CreateObservableGauge("leadsync.api.daily_quota.remaining", ObserveQuota, "{call}", "Remaining daily API allowance as last observed");
    }

    public void LeadsRead(string connection, string system, int count) =>
        _leadsRead.Add(count, Tag("connection", connection), Tag("system", system));

    public void LeadsScored(string connection, int count) => _leadsScored.Add(count, Tag("connection", connection));

    public void LeadsAssigned(string connection, int count) => _leadsAssigned.Add(count, Tag("connection", connection));

    public void LeadsQuarantined(string connection, int count) => _leadsQuarantined.Add(count, Tag("connection", connection));

    public void ApiCalls(string connection, string system, long count) =>
        _apiCalls.Add(count, Tag("connection", connection), Tag("system", system));

    public void ApiThrottled(string connection, string system, long count) =>
        _apiThrottled.Add(count, Tag("connection", connection), Tag("system", system));

    public void CycleFinished(string connection, string mode, bool succeeded, TimeSpan duration)
    {
        _cycles.Add(1, Tag("connection", connection), Tag("mode", mode), Tag("outcome", succeeded ? "succeeded" : "failed"));
        _cycleDuration.Record(duration.TotalSeconds, Tag("connection", connection), Tag("mode", mode));
    }

    public void HandoffLatency(string connection, TimeSpan latency) =>
        _handoffLatency.Record(latency.TotalSeconds, Tag("connection", connection));

    /// <summary>
    /// A cycle read <paramref name="system"/> to its end, and everything changed there before <paramref name="readStartedAt"/>
    /// is now synced. The lag gauge is now minus this: it grows while cycles fail or stop early, which is what an
    /// on-call engineer wants to alert on (a quiet portal with no changes still has a small lag).
    /// </summary>
    public void ReadComplete(string connection, string system, DateTimeOffset readStartedAt) =>
        _readCompleteUpTo.AddOrUpdate((connection, system), readStartedAt, (_, old) => readStartedAt > old ? readStartedAt : old);

    public void QuotaRemaining(string connection, string system, long remaining) => _quotaRemaining[(connection, system)] = remaining;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = _time.GetUtcNow();
        return _readCompleteUpTo.Select(kv => new Measurement<double>(
            Math.Max(0, (now - kv.Value).TotalSeconds), Tag("connection", kv.Key.Connection), Tag("system", kv.Key.System)));
    }

    private IEnumerable<Measurement<long>> ObserveQuota() =>
        _quotaRemaining.Select(kv => new Measurement<long>(kv.Value, Tag("connection", kv.Key.Connection), Tag("system", kv.Key.System)));

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
