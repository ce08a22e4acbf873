namespace LeadSync.Sandbox;

/// <summary>
/// A sorted set of distinct keys kept in chunks of bounded size, so an insert or a removal moves at most one chunk
/// (not the whole array), a rank is a walk over chunk sizes plus one binary search, and a range is read in order from
/// its first key. Not thread-safe: the stores call it under their lock.
/// </summary>
internal sealed class OrderedIndex<T>(IComparer<T> comparer)
{
    private const int MaxChunk = 512;
    private readonly List<List<T>> _chunks = [];

    public int Count { get; private set; }

    public void Add(T key)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add([key]);
            Count = 1;
            return;
        }

        var c = ChunkFor(key);
        var chunk = _chunks[c];
        var i = chunk.BinarySearch(key, comparer);
        if (i >= 0)
            throw new InvalidOperationException("The key is already in the index.");
        chunk.Insert(~i, key);
        Count++;
        if (chunk.Count > MaxChunk)
        {
            var half = chunk.Count / 2;
            _chunks.Insert(c + 1, chunk.GetRange(half, chunk.Count - half));
            chunk.RemoveRange(half, chunk.Count - half);
        }
    }

    public bool Remove(T key)
    {
        if (_chunks.Count == 0)
            return false;
        var c = ChunkFor(key);
        var chunk = _chunks[c];
        var i = chunk.BinarySearch(key, comparer);
        if (i < 0)
            return false;
        chunk.RemoveAt(i);
        Count--;
        if (chunk.Count == 0)
            _chunks.RemoveAt(c);
        return true;
    }

    /// <summary>How many keys are less than <paramref name="key"/>.</summary>
    public int Rank(T key)
    {
        var rank = 0;
        for (var c = 0; c < _chunks.Count; c++)
        {
            var chunk = _chunks[c];
            if (comparer.Compare(chunk[^1], key) < 0)
            {
                rank += chunk.Count;
                continue;
            }

            return rank + LowerBound(chunk, key);
        }

        return rank;
    }

    /// <summary>The keys from the first one not less than <paramref name="from"/>, in order.</summary>
    public IEnumerable<T> From(T from)
    {
        if (_chunks.Count == 0)
            yield break;
        var c = ChunkFor(from);
        for (var i = LowerBound(_chunks[c], from); c < _chunks.Count; c++, i = 0)
        {
            var chunk = _chunks[c];
            for (; i < chunk.Count; i++)
                yield return chunk[i];
        }
    }

    /// <summary>The first chunk whose last key is not less than <paramref name="key"/>, or the last chunk.</summary>
    private int ChunkFor(T key)
    {
        var lo = 0;
        var hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (comparer.Compare(_chunks[mid][^1], key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }

        return lo;
    }

    private int LowerBound(List<T> chunk, T key)
    {
        var lo = 0;
        var hi = chunk.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (comparer.Compare(chunk[mid], key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }

        return lo;
    }
}
