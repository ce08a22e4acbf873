using System.Globalization;
using System.Text;

namespace LeadSync.Domain.Routing;

/// <summary>
/// Chooses the team and the rep for a sales-ready lead. Stateless on purpose: the rotation position is the
/// ticket the engine takes from the state store, so a restart (a new Router) continues the rotation.
/// </summary>
public sealed class Router
{
    private readonly RoutingOptions _options;
    private readonly Dictionary<string, TeamOptions> _teams;

    public Router(RoutingOptions options)
    {
        _options = options;
        _teams = new Dictionary<string, TeamOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var team in options.Teams)
        {
            _teams.TryAdd(team.Name, team);
        }
    }

    public TeamSelection SelectTeam(LeadAttributes lead)
    {
        foreach (var rule in _options.Rules)
        {
            if (RuleConditions.MatchesAll(rule.Conditions, lead))
            {
                var why = RuleConditions.DescribeAll(rule.Conditions, lead);
                return new TeamSelection(rule.Team, rule.Id, $"Rule '{rule.Id}' matched because {why}: team {rule.Team}.");
            }
        }

        return string.IsNullOrWhiteSpace(_options.FallbackTeam)
            ? new TeamSelection(null, null, "No routing rule matched and no fallback team is configured.")
            : new TeamSelection(_options.FallbackTeam, null, $"No routing rule matched: fallback team {_options.FallbackTeam}.");
    }

    public RoutingDecision PickRep(
        TeamSelection team,
        RepDirectory directory,
        long ticket,
        IReadOnlyDictionary<string, int> openLeadsByOwnerId,
        DateTimeOffset now)
    {
        var skipped = new List<SkippedRep>();
        var reason = new StringBuilder(team.Reason);
        var tried = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var teamName in new[] { team.Team, _options.FallbackTeam })
        {
            if (string.IsNullOrWhiteSpace(teamName) || !tried.Add(teamName))
            {
                continue;
            }

            if (!_teams.TryGetValue(teamName, out var options))
            {
                reason.Append(CultureInfo.InvariantCulture, $" Team {teamName} is not configured.");
                continue;
            }

            var pick = PickInTeam(options, directory, ticket, openLeadsByOwnerId, now, skipped);
            if (pick.Rep is not null)
            {
                reason.Append(' ').Append(pick.Why);
                if (skipped.Count > 0)
                {
                    reason.Append(CultureInfo.InvariantCulture, $" Skipped: {DescribeSkipped(skipped)}.");
                }

                return new RoutingDecision(pick.Rep, null, options.Name, team.RuleId, skipped, reason.ToString());
            }

            reason.Append(CultureInfo.InvariantCulture, $" No rep of team {options.Name} is available.");
        }

        if (skipped.Count > 0)
        {
            reason.Append(CultureInfo.InvariantCulture, $" Skipped: {DescribeSkipped(skipped)}.");
        }

        var queueName = _options.FallbackQueueDeveloperName;
        if (string.IsNullOrWhiteSpace(queueName))
        {
            reason.Append(" No fallback queue is configured: the lead keeps its current owner.");
            return new RoutingDecision(null, null, null, team.RuleId, skipped, reason.ToString());
        }

        var queue = directory.FindQueue(queueName);
        if (queue is null)
        {
            reason.Append(CultureInfo.InvariantCulture, $" Fallback queue {queueName} does not exist in Salesforce: the lead keeps its current owner.");
            return new RoutingDecision(null, null, null, team.RuleId, skipped, reason.ToString());
        }

        reason.Append(CultureInfo.InvariantCulture, $" Assigned to fallback queue {queue.DeveloperName}.");
        return new RoutingDecision(null, queue.Id, null, team.RuleId, skipped, reason.ToString());
    }

    private static (RoutedRep? Rep, string Why) PickInTeam(
        TeamOptions team,
        RepDirectory directory,
        long ticket,
        IReadOnlyDictionary<string, int> openLeads,
        DateTimeOffset now,
        List<SkippedRep> skipped)
    {
        var reps = team.Reps;
        var available = new RoutedRep?[reps.Count];
        var load = new int[reps.Count];
        for (var i = 0; i < reps.Count; i++)
        {
            var (rep, skipReason, open) = Availability(reps[i], directory, openLeads, now);
            available[i] = rep;
            load[i] = open;
            if (skipReason is not null)
            {
                skipped.Add(new SkippedRep(reps[i].Email, skipReason));
            }
        }

        if (!available.Any(r => r is not null))
        {
            return (null, "");
        }

        int chosen;
        string how;
        switch (team.Strategy)
        {
            case RoutingStrategy.Weighted:
            {
                var sequence = WeightedSequence(reps.Select(r => Math.Max(1, r.Weight)).ToArray());
                var start = Modulo(ticket, sequence.Length);
                chosen = -1;
                for (var step = 0; step < sequence.Length && chosen < 0; step++)
                {
                    var candidate = sequence[(start + step) % sequence.Length];
                    if (available[candidate] is not null)
                    {
                        chosen = candidate;
                    }
                }

                how = string.Create(CultureInfo.InvariantCulture, $"weighted rotation, ticket {ticket}");
                break;
            }

            case RoutingStrategy.LeastLoaded:
            {
                chosen = -1;
                for (var i = 0; i < reps.Count; i++)
                {
                    if (available[i] is not null && (chosen < 0 || load[i] < load[chosen]))
                    {
                        chosen = i;
                    }
                }

                how = string.Create(CultureInfo.InvariantCulture, $"least loaded ({load[chosen]} open leads)");
                break;
            }

            default:
            {
                var start = Modulo(ticket, reps.Count);
                chosen = -1;
                for (var step = 0; step < reps.Count && chosen < 0; step++)
                {
                    var candidate = (start + step) % reps.Count;
                    if (available[candidate] is not null)
                    {
                        chosen = candidate;
                    }
                }

                how = string.Create(CultureInfo.InvariantCulture, $"round-robin, ticket {ticket} → position {chosen + 1} of {reps.Count}");
                break;
            }
        }

        var picked = available[chosen]!;
        return (picked, $"Team {team.Name}, {how}: {EmailMask.Mask(picked.Email)}.");
    }

    private static (RoutedRep? Rep, string? SkipReason, int OpenLeads) Availability(
        RepOptions rep,
        RepDirectory directory,
        IReadOnlyDictionary<string, int> openLeads,
        DateTimeOffset now)
    {
        var user = directory.FindUser(rep.Email);
        if (user is null)
        {
            return (null, "missing in Salesforce (no User with this email)", 0);
        }

        if (!user.IsActive)
        {
            return (null, "inactive Salesforce user", 0);
        }

        var owner = directory.FindOwner(rep.Email);
        if (owner is { Archived: true })
        {
            return (null, "archived HubSpot owner", 0);
        }

        if (rep.OutOfOffice.Count > 0 || rep.WorkingHours is not null)
        {
            var zone = WorkingTime.FindTimeZone(rep.TimeZone);
            if (zone is null)
            {
                return (null, $"time zone '{rep.TimeZone}' is unknown, so availability cannot be checked", 0);
            }

            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            var away = rep.OutOfOffice.FirstOrDefault(w => w.From <= today && today <= w.To);
            if (away is not null)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"out of office until {away.To:yyyy-MM-dd}"), 0);
            }

            if (rep.WorkingHours is { } hours && !WorkingTime.IsWithin(hours, zone, now))
            {
                return (null, $"outside working hours ({WorkingTime.Describe(hours)}) in {zone.Id}: it is {WorkingTime.FormatLocal(now, zone)} there", 0);
            }
        }

        var open = openLeads.TryGetValue(user.Id, out var count) ? count : 0;
        if (rep.Capacity is { } capacity && open >= capacity)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"at capacity {open}/{capacity}"), open);
        }

        return (new RoutedRep(rep.Email.Trim(), user.Id, owner?.Id), null, open);
    }

    /// <summary>
    /// One period of smooth weighted round-robin (the nginx algorithm): each rep appears weight times, interleaved
    /// rather than in blocks, so ticket t maps to the same rep on every run without any stored state.
    /// </summary>
    internal static int[] WeightedSequence(int[] weights)
    {
        var divisor = weights.Aggregate(0, Gcd);
        var reduced = weights.Select(w => w / Math.Max(1, divisor)).ToArray();
        var total = reduced.Sum();
        var current = new int[reduced.Length];
        var sequence = new int[total];
        for (var slot = 0; slot < total; slot++)
        {
            var best = 0;
            for (var i = 0; i < reduced.Length; i++)
            {
                current[i] += reduced[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            sequence[slot] = best;
        }

        return sequence;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static int Modulo(long ticket, int n) => (int)(((ticket % n) + n) % n);

    private static string DescribeSkipped(List<SkippedRep> skipped) =>
        string.Join("; ", skipped.Select(s => $"{EmailMask.Mask(s.Email)} ({s.Reason})"));
}
