using System.Globalization;

namespace LeadSync.Domain.Mapping;

/// <summary>
/// Plans the minimal field writes that bring HubSpot and Salesforce into step. A side "changed" a field when its
/// current value differs from what LeadSync last saw there, so LeadSync's own writes come back as echoes and
/// plan nothing. Only changes propagate; when both sides changed, the mapping's conflict policy decides.
/// </summary>
public sealed class FieldPlanner
{
    private readonly List<CompiledMapping> _mappings;

    public FieldPlanner(FieldMappingOptions options)
    {
        _mappings = options.EffectiveFields
            .Where(m => m.Direction != SyncDirection.None)
            .Select(m => new CompiledMapping(m))
            .ToList();
    }

    public FieldPlan Plan(FieldPlanInput input)
    {
        var hubSpotChanges = new Dictionary<string, string?>(StringComparer.Ordinal);
        var salesforceChanges = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var conflicts = new List<FieldConflict>();
        var problems = new List<MappingProblem>();

        foreach (var mapping in _mappings)
        {
            PlanField(mapping, input, hubSpotChanges, salesforceChanges, conflicts, problems);
        }

        return new FieldPlan(hubSpotChanges, salesforceChanges, conflicts, problems);
    }

    private static void PlanField(
        CompiledMapping m,
        FieldPlanInput input,
        Dictionary<string, string?> hubSpotChanges,
        Dictionary<string, string?> salesforceChanges,
        List<FieldConflict> conflicts,
        List<MappingProblem> problems)
    {
        var hubSpotRaw = Lookup(input.HubSpot, m.HubSpot, out _);
        var salesforceRaw = Lookup(input.Salesforce, m.Salesforce, out _);
        var hubSpot = m.Normalize(hubSpotRaw);
        var salesforce = m.Normalize(salesforceRaw);

        if (m.InStep(hubSpot, salesforce))
        {
            return;
        }

        var hubSpotChanged = Changed(m, hubSpot, input.LastSeenHubSpot, m.HubSpot);
        var salesforceChanged = Changed(m, salesforce, input.LastSeenSalesforce, m.Salesforce);

        FieldSide source;
        if (hubSpotChanged && salesforceChanged)
        {
            var (winner, why) = Resolve(m, salesforce, input);
            source = winner;
            var canWrite = winner == FieldSide.HubSpot ? m.WritesToCrm : m.WritesToMarketing;
            if (!canWrite)
            {
                why += $" The mapping is {m.Direction}, so {Other(winner)} is left as it is.";
            }

            conflicts.Add(new FieldConflict(m.HubSpot, m.Salesforce, hubSpotRaw, salesforceRaw, winner, why));
        }
        else if (hubSpotChanged)
        {
            source = FieldSide.HubSpot;
        }
        else if (salesforceChanged)
        {
            source = FieldSide.Salesforce;
        }
        else
        {
            // Neither side moved since the last sync: the difference was already seen (and reported if it was a problem).
            return;
        }

        if (source == FieldSide.HubSpot && m.WritesToCrm)
        {
            if (m.TryToSalesforce(hubSpot, out var value, out var problem))
            {
                salesforceChanges[m.Salesforce] = Blank(value) ? null : value;
            }
            else
            {
                problems.Add(new MappingProblem(m.HubSpot, m.Salesforce, problem));
            }
        }
        else if (source == FieldSide.Salesforce && m.WritesToMarketing)
        {
            if (m.TryToHubSpot(salesforce, out var value, out var problem))
            {
                // HubSpot clears a property with an empty string, not null.
                hubSpotChanges[m.HubSpot] = value;
            }
            else
            {
                problems.Add(new MappingProblem(m.HubSpot, m.Salesforce, problem));
            }
        }
    }

    private static (FieldSide Winner, string Reason) Resolve(CompiledMapping m, string salesforce, FieldPlanInput input)
    {
        const string Both = "Both systems changed this field since the last sync.";
        switch (m.Conflict)
        {
            case ConflictPolicy.PreferMarketing:
                return (FieldSide.HubSpot, $"{Both} Policy PreferMarketing: HubSpot wins.");
            case ConflictPolicy.MostRecent:
                if (input.HubSpotModifiedAt is { } hs && input.SalesforceModifiedAt is { } sf && hs != sf)
                {
                    var winner = hs > sf ? FieldSide.HubSpot : FieldSide.Salesforce;
                    return (winner, string.Create(
                        CultureInfo.InvariantCulture,
                        $"{Both} Policy MostRecent: {winner} was modified last ({(hs > sf ? hs : sf).ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC)."));
                }

                return (FieldSide.Salesforce, $"{Both} Policy MostRecent: modification times are equal or unknown, so the CRM wins.");
            case ConflictPolicy.CrmUnlessBlank:
                return Blank(salesforce)
                    ? (FieldSide.HubSpot, $"{Both} Policy CrmUnlessBlank: Salesforce is blank, so HubSpot wins.")
                    : (FieldSide.Salesforce, $"{Both} Policy CrmUnlessBlank: Salesforce has a value, so it wins.");
            default:
                return (FieldSide.Salesforce, $"{Both} Policy PreferCrm: Salesforce wins.");
        }
    }

    private static bool Changed(CompiledMapping m, string current, IReadOnlyDictionary<string, string?>? lastSeen, string name)
    {
        if (lastSeen is null)
        {
            // Never synced: a side with a value is a source, a blank side has nothing to offer.
            return !Blank(current);
        }

        var previous = Lookup(lastSeen, name, out var found);
        return found ? !string.Equals(current, m.Normalize(previous), StringComparison.Ordinal) : !Blank(current);
    }

    private static string? Lookup(IReadOnlyDictionary<string, string?> bag, string name, out bool found)
    {
        if (bag.TryGetValue(name, out var value))
        {
            found = true;
            return value;
        }

        foreach (var (key, v) in bag)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                found = true;
                return v;
            }
        }

        found = false;
        return null;
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    private static FieldSide Other(FieldSide side) => side == FieldSide.HubSpot ? FieldSide.Salesforce : FieldSide.HubSpot;

    /// <summary>A mapping with its value map indexed both ways.</summary>
    private sealed class CompiledMapping
    {
        private readonly Dictionary<string, string> _forward = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<string>> _reverse = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<ValueTransform> _transforms;

        public CompiledMapping(FieldMapping mapping)
        {
            HubSpot = mapping.HubSpotProperty.Trim();
            Salesforce = mapping.SalesforceField.Trim();
            Direction = mapping.Direction;
            Conflict = mapping.Conflict;
            _transforms = mapping.Transforms;
            foreach (var (key, value) in mapping.ValueMap)
            {
                var hubSpotValue = Normalize(key);
                var salesforceValue = Normalize(value);
                _forward.TryAdd(hubSpotValue, salesforceValue);
                if (!_reverse.TryGetValue(salesforceValue, out var keys))
                {
                    _reverse[salesforceValue] = keys = [];
                }

                keys.Add(hubSpotValue);
            }
        }

        public string HubSpot { get; }

        public string Salesforce { get; }

        public SyncDirection Direction { get; }

        public ConflictPolicy Conflict { get; }

        public bool WritesToCrm => Direction is SyncDirection.ToCrm or SyncDirection.TwoWay;

        public bool WritesToMarketing => Direction is SyncDirection.ToMarketing or SyncDirection.TwoWay;

        private bool HasMap => _forward.Count > 0;

        /// <summary>Applies the transforms; blank and absent are the same ("" — HubSpot sends "", Salesforce null).</summary>
        public string Normalize(string? value)
        {
            var result = value ?? "";
            foreach (var transform in _transforms)
            {
                result = transform switch
                {
                    ValueTransform.Trim => result.Trim(),
                    ValueTransform.Lower => result.ToLowerInvariant(),
                    _ => result,
                };
            }

            return string.IsNullOrWhiteSpace(result) ? "" : result;
        }

        public bool InStep(string hubSpot, string salesforce)
        {
            if (Blank(hubSpot) || Blank(salesforce))
            {
                return Blank(hubSpot) && Blank(salesforce);
            }

            if (!HasMap)
            {
                return string.Equals(hubSpot, salesforce, StringComparison.Ordinal);
            }

            // Picklist values: Salesforce matches them ignoring case.
            return _forward.TryGetValue(hubSpot, out var mapped) && string.Equals(mapped, salesforce, StringComparison.OrdinalIgnoreCase);
        }

        public bool TryToSalesforce(string hubSpot, out string value, out string problem)
        {
            problem = "";
            if (Blank(hubSpot) || !HasMap)
            {
                value = hubSpot;
                return true;
            }

            if (_forward.TryGetValue(hubSpot, out var mapped))
            {
                value = mapped;
                return true;
            }

            value = "";
            problem = $"HubSpot value '{hubSpot}' of {HubSpot} has no entry in the value map, so {Salesforce} was not written (add it to ValueMap).";
            return false;
        }

        public bool TryToHubSpot(string salesforce, out string value, out string problem)
        {
            problem = "";
            if (Blank(salesforce) || !HasMap)
            {
                value = salesforce;
                return true;
            }

            if (_reverse.TryGetValue(salesforce, out var keys) && keys.Count == 1)
            {
                value = keys[0];
                return true;
            }

            value = "";
            problem = keys is null
                ? $"Salesforce value '{salesforce}' of {Salesforce} is not a value in the value map, so {HubSpot} was not written (add it to ValueMap)."
                : $"Salesforce value '{salesforce}' of {Salesforce} maps back to several HubSpot values ({string.Join(", ", keys)}), so {HubSpot} was not written rather than guessed.";
            return false;
        }
    }
}
