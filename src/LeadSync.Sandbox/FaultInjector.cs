namespace LeadSync.Sandbox;

internal enum FaultKind
{
    Status,
    MalformedBody,
}

internal sealed record Fault(FaultKind Kind, int StatusCode, string? PolicyName);

/// <summary>Deterministic queued faults (InjectFault) first, then seeded random faults (FaultOptions).</summary>
internal sealed class FaultInjector(FaultOptions options)
{
    private readonly object _sync = new();
    private readonly Dictionary<string, Queue<Fault>> _queued = new(StringComparer.Ordinal);
    private readonly Random _random = new(options.Seed);

    public int LatencyMs => options.LatencyMs;

    public void Enqueue(string system, Fault fault, int count)
    {
        lock (_sync)
        {
            if (!_queued.TryGetValue(system, out var queue))
                _queued[system] = queue = new Queue<Fault>();
            for (var i = 0; i < count; i++)
                queue.Enqueue(fault);
        }
    }

    public Fault? Next(string system)
    {
        lock (_sync)
        {
            if (_queued.TryGetValue(system, out var queue) && queue.Count > 0)
                return queue.Dequeue();
            if (options.RateLimitRate <= 0 && options.ServerErrorRate <= 0 && options.MalformedBodyRate <= 0)
                return null;
            var roll = _random.NextDouble();
            if (system == SandboxServer.HubSpotSystem && roll < options.RateLimitRate)
                return new Fault(FaultKind.Status, 429, "TEN_SECONDLY_ROLLING");
            roll -= system == SandboxServer.HubSpotSystem ? options.RateLimitRate : 0;
            if (roll < options.ServerErrorRate)
                return new Fault(FaultKind.Status, 503, null);
            roll -= options.ServerErrorRate;
            return roll < options.MalformedBodyRate ? new Fault(FaultKind.MalformedBody, 200, null) : null;
        }
    }
}
