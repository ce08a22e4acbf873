using System.Runtime.CompilerServices;

namespace LeadSync.Domain.Lifecycle;

/// <summary>
/// One system's side of a value map, compiled: system value (trimmed, case-insensitive) → canonical, and canonical → the
/// configured system value. Reads look up by span so they do not allocate. Unknown values are never guessed.
/// </summary>
internal sealed class ValueMap<TEnum>
    where TEnum : struct, Enum
{
    private readonly Dictionary<string, TEnum> _read;
    private readonly Dictionary<string, TEnum>.AlternateLookup<ReadOnlySpan<char>> _readBySpan;
    private readonly string?[] _write;

    public ValueMap(IReadOnlyDictionary<string, string>? primary, IReadOnlyDictionary<string, string>? aliases)
    {
        _read = new Dictionary<string, TEnum>(StringComparer.OrdinalIgnoreCase);
        _write = new string?[Enum.GetValues<TEnum>().Length];
        foreach (var (canonical, value) in primary ?? new Dictionary<string, string>())
        {
            if (Enum.TryParse<TEnum>(canonical, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !string.IsNullOrWhiteSpace(value))
            {
                _write[IndexOf(parsed)] = value;
                _read.TryAdd(value.Trim(), parsed);
            }
        }

        foreach (var (value, canonical) in aliases ?? new Dictionary<string, string>())
        {
            if (Enum.TryParse<TEnum>(canonical, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !string.IsNullOrWhiteSpace(value))
            {
                _read.TryAdd(value.Trim(), parsed);
            }
        }

        _readBySpan = _read.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The enum's int value without boxing (Convert.ToInt32 would box on every write lookup).</summary>
    private static int IndexOf(TEnum canonical) => Unsafe.SizeOf<TEnum>() == sizeof(int)
        ? Unsafe.As<TEnum, int>(ref canonical)
        : throw new NotSupportedException("Value maps need int-backed enums.");

    public bool TryRead(string? value, out TEnum canonical)
    {
        if (value is null)
        {
            canonical = default;
            return false;
        }

        return _readBySpan.TryGetValue(value.AsSpan().Trim(), out canonical);
    }

    public bool TryWrite(TEnum canonical, out string value)
    {
        var index = IndexOf(canonical);
        value = (uint)index < (uint)_write.Length ? _write[index] ?? string.Empty : string.Empty;
        return value.Length > 0;
    }
}
