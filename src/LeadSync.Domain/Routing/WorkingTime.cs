using System.Globalization;

namespace LeadSync.Domain.Routing;

/// <summary>Calendar arithmetic in a rep's own time zone: is the rep working now, and when do N business hours end.</summary>
public static class WorkingTime
{
    /// <summary>Resolves an IANA (or Windows) id; null when the machine does not know it.</summary>
    public static TimeZoneInfo? FindTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    public static bool IsWithin(WorkingHours hours, TimeZoneInfo zone, DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return hours.EffectiveDays.Contains(local.DayOfWeek) && time >= hours.Start && time < hours.End;
    }

    /// <summary>
    /// The instant at which <paramref name="amount"/> of working time has elapsed after <paramref name="start"/>,
    /// counting only the working windows of <paramref name="hours"/> in <paramref name="zone"/> (DST-aware).
    /// </summary>
    public static DateTimeOffset AddBusinessTime(DateTimeOffset start, TimeSpan amount, WorkingHours hours, TimeZoneInfo zone)
    {
        if (amount <= TimeSpan.Zero)
        {
            return start;
        }

        if (hours.End <= hours.Start)
        {
            // An empty working day would never end the countdown; invalid hours are reported by the validator.
            return start + amount;
        }

        var remaining = amount;
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime);

        // Ten years of calendar is far beyond any SLA; the bound only guards against a pathological config.
        for (var day = 0; day < 3660; day++, date = date.AddDays(1))
        {
            if (!hours.EffectiveDays.Contains(date.DayOfWeek))
            {
                continue;
            }

            var windowStart = ToInstant(date, hours.Start, zone);
            var windowEnd = ToInstant(date, hours.End, zone);
            if (windowEnd <= start)
            {
                continue;
            }

            var from = windowStart > start ? windowStart : start;
            var available = windowEnd - from;
            if (remaining <= available)
            {
                return from + remaining;
            }

            remaining -= available;
        }

        return start + amount;
    }

    /// <summary>Business time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public static TimeSpan BusinessTimeBetween(DateTimeOffset from, DateTimeOffset to, WorkingHours hours, TimeZoneInfo zone)
    {
        if (to <= from || hours.End <= hours.Start)
        {
            return TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        var lastDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime);
        for (; date <= lastDate; date = date.AddDays(1))
        {
            if (!hours.EffectiveDays.Contains(date.DayOfWeek))
            {
                continue;
            }

            var windowStart = ToInstant(date, hours.Start, zone);
            var windowEnd = ToInstant(date, hours.End, zone);
            var segmentStart = windowStart > from ? windowStart : from;
            var segmentEnd = windowEnd < to ? windowEnd : to;
            if (segmentEnd > segmentStart)
            {
                total += segmentEnd - segmentStart;
            }
        }

        return total;
    }

    public static string Describe(WorkingHours hours) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{hours.Start:HH\\:mm}-{hours.End:HH\\:mm} {string.Join(",", hours.EffectiveDays.Select(d => d.ToString()[..3]))}");

    /// <summary>Formats an instant as the rep sees it, e.g. <c>2026-11-30 10:00 America/New_York</c>.</summary>
    public static string FormatLocal(DateTimeOffset instant, TimeZoneInfo zone) =>
        string.Create(CultureInfo.InvariantCulture, $"{TimeZoneInfo.ConvertTime(instant, zone):yyyy-MM-dd HH:mm} {zone.Id}");

    private static DateTimeOffset ToInstant(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);

        // A wall-clock time skipped by a spring-forward transition does not exist: the day starts when clocks resume.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        var offset = zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
