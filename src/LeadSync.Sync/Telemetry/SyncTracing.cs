using System.Diagnostics;

namespace LeadSync.Sync.Telemetry;

/// <summary>
/// LeadSync's spans (activity source "LeadSync"): one <c>leadsync.cycle</c> per cycle and one <c>leadsync.batch</c> per
/// page read, under which HttpClient's instrumentation puts one span per API call. Tags carry names and counts only —
/// never an email, a token or a field value.
/// </summary>
public static class SyncTracing
{
    public const string SourceName = "LeadSync";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartCycle(string connection, string cycleId, string mode)
    {
        var activity = Source.StartActivity("leadsync.cycle", ActivityKind.Internal);
        activity?.SetTag("leadsync.connection", connection);
        activity?.SetTag("leadsync.cycle.id", cycleId);
        activity?.SetTag("leadsync.cycle.mode", mode);
        return activity;
    }

    public static Activity? StartBatch(string connection, string system, int records)
    {
        var activity = Source.StartActivity("leadsync.batch", ActivityKind.Internal);
        activity?.SetTag("leadsync.connection", connection);
        activity?.SetTag("leadsync.batch.system", system);
        activity?.SetTag("leadsync.batch.records", records);
        return activity;
    }
}
