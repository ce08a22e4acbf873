namespace LeadSync.Sandbox;

/// <summary>A rolling-window request counter driven by the injected clock (so tests advance a FakeTimeProvider, never sleep).</summary>
internal sealed class RollingWindow(int max, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _hits = new();
    private readonly object _sync = new();

    public int Max => max;

    public bool Enabled => max > 0;

    /// <summary>Returns false when the window is full; <paramref name="remaining"/> is what is left after this request.</summary>
    public bool TryAcquire(DateTimeOffset now, out int remaining)
    {
        if (max <= 0)
        {
            remaining = 0;
            return true;
        }

        lock (_sync)
        {
            while (_hits.Count > 0 && now - _hits.Peek() >= window)
                _hits.Dequeue();
            if (_hits.Count >= max)
            {
                remaining = 0;
                return false;
            }

            _hits.Enqueue(now);
            remaining = Math.Max(0, max - _hits.Count);
            return true;
        }
    }

    public void Reset()
    {
        lock (_sync)
            _hits.Clear();
    }
}

/// <summary>A per-UTC-day counter (HubSpot DAILY policy, Salesforce DailyApiRequests).</summary>
internal sealed class DailyCounter(long max)
{
    private readonly object _sync = new();
    private DateOnly _day;
    private long _used;

    public long Max => max;

    public bool Enabled => max > 0;

    public bool TryAcquire(DateTimeOffset now, out long used)
    {
        lock (_sync)
        {
            var day = DateOnly.FromDateTime(now.UtcDateTime);
            if (day != _day)
            {
                _day = day;
                _used = 0;
            }

            if (max > 0 && _used >= max)
            {
                used = _used;
                return false;
            }

            used = ++_used;
            return true;
        }
    }

    public long Used(DateTimeOffset now)
    {
        lock (_sync)
            return DateOnly.FromDateTime(now.UtcDateTime) == _day ? _used : 0;
    }
}
