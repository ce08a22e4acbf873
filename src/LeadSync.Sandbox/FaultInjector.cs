using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LeadSync.Sandbox;

internal enum FaultKind
{
    /// <summary>An error status instead of the answer; nothing is executed.</summary>
    Status,

    /// <summary>200 with a body cut in the middle of the JSON; nothing is executed.</summary>
    MalformedBody,

    /// <summary>The write is applied, then its answer is lost: 503, or the connection is aborted.</summary>
    ResponseLost,
}

internal sealed record Fault(FaultKind Kind, int StatusCode, string? PolicyName, bool Abort = false);

/// <summary>
/// Deterministic queued faults (InjectFault…) first, then seeded random faults (FaultOptions, replaceable at run time
/// through <c>/_sandbox/simulate</c>). A lost response only ever hits a write: a lost read is just a 503.
/// </summary>
internal sealed class FaultInjector(FaultOptions options)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, List<Fault>> _queued = new(StringComparer.Ordinal);
    private FaultOptions _options = options;
    private Random _random = new(options.Seed);

    public int LatencyMs
    {
        get
        {
            lock (_sync)
                return _options.LatencyMs;
        }
    }

    public FaultOptions Current
    {
        get
        {
            lock (_sync)
                return _options;
        }
    }

    /// <summary>New random fault rates, with their own seed: the same seed and requests fail the same way again.</summary>
    public void Configure(FaultOptions next)
    {
        lock (_sync)
        {
            _options = next;
            _random = new Random(next.Seed);
        }
    }

    public void Enqueue(string system, Fault fault, int count)
    {
        lock (_sync)
        {
            if (!_queued.TryGetValue(system, out var queue))
                _queued[system] = queue = [];
            for (var i = 0; i < count; i++)
                queue.Add(fault);
        }
    }

    public Fault? Next(string system, bool isWrite)
    {
        lock (_sync)
        {
            if (_queued.TryGetValue(system, out var queue) && queue.Count > 0)
            {
                // A queued lost response waits for the next write; reads before it are served normally.
                if (queue[0].Kind == FaultKind.ResponseLost && !isWrite)
                    return null;
                var fault = queue[0];
                queue.RemoveAt(0);
                return fault;
            }

            var o = _options;
            if (o.RateLimitRate <= 0 && o.ServerErrorRate <= 0 && o.MalformedBodyRate <= 0 && o.ResponseLostRate <= 0)
                return null;
            var roll = _random.NextDouble();
            // HubSpot and Marketo have short-window throttles (429 TEN_SECONDLY_ROLLING, 606); Salesforce has none.
            var throttles = system is SandboxServer.HubSpotSystem or SandboxServer.MarketoSystem;
            if (throttles && roll < o.RateLimitRate)
                return new Fault(FaultKind.Status, 429, system == SandboxServer.MarketoSystem ? "606" : "TEN_SECONDLY_ROLLING");
            roll -= throttles ? o.RateLimitRate : 0;
            if (roll < o.ServerErrorRate)
                return new Fault(FaultKind.Status, 503, null);
            roll -= o.ServerErrorRate;
            if (roll < o.MalformedBodyRate)
                return new Fault(FaultKind.MalformedBody, 200, null);
            roll -= o.MalformedBodyRate;
            return isWrite && roll < o.ResponseLostRate ? new Fault(FaultKind.ResponseLost, 503, null, o.ResponseLostAbort) : null;
        }
    }

    /// <summary>
    /// Runs the request for real with its answer captured, then loses the answer: the connection is aborted, or a 503
    /// replaces it. The client cannot tell whether the write happened; only reading it back can.
    /// </summary>
    public static async Task ApplyThenLoseAsync(HttpContext context, Fault fault, StatsCounters stats, Func<Task> apply, Func<Task> answer503)
    {
        var realBody = context.Features.Get<IHttpResponseBodyFeature>();
        await using var discarded = new MemoryStream();
        context.Response.Body = discarded;
        try
        {
            await apply();
        }
        finally
        {
            context.Features.Set(realBody);
        }

        Interlocked.Increment(ref stats.InjectedFaults);
        Interlocked.Increment(ref stats.FaultsResponseLost);
        if (fault.Abort)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        await answer503();
    }
}
