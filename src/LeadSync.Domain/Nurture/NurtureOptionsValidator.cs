using LeadSync.Domain.Configuration;
using LeadSync.Domain.Segmentation;

namespace LeadSync.Domain.Nurture;

/// <summary>Checks <see cref="NurtureOptions"/> against the segment dimensions; every problem with its path.</summary>
public static class NurtureOptionsValidator
{
    public static IReadOnlyList<ConfigProblem> Validate(
        NurtureOptions options, SegmentOptions segments, string path = NurtureOptions.SectionName, string marketingPlatform = SegmentSystems.HubSpot)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(segments);
        var problems = new List<ConfigProblem>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var t = 0; t < options.Tracks.Count; t++)
        {
            var track = options.Tracks[t];
            var trackPath = $"{path}:Tracks[{t}]";
            if (string.IsNullOrWhiteSpace(track.Name))
            {
                problems.Add(new(trackPath + ":Name", "track name is empty", "a unique, non-empty name"));
            }
            else if (!names.Add(track.Name.Trim()))
            {
                problems.Add(new(trackPath + ":Name", $"duplicate track name '{track.Name}'", "names unique across Tracks"));
            }

            foreach (var (dimension, value) in track.Segments)
            {
                var known = segments.Dimensions.FirstOrDefault(d => string.Equals(d.Name.Trim(), dimension.Trim(), StringComparison.OrdinalIgnoreCase));
                if (known is null)
                {
                    problems.Add(new($"{trackPath}:Segments:{dimension}", $"unknown segment dimension '{dimension}'",
                        segments.Dimensions.Count == 0 ? "(no dimensions are configured under LeadSync:Segments)" : string.Join(", ", segments.Dimensions.Select(d => d.Name))));
                    continue;
                }

                var values = known.Rules.Select(r => r.Value.Trim()).Append(known.Default.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (!values.Contains(value?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(new($"{trackPath}:Segments:{dimension}", $"'{value}' is not a value dimension {known.Name} sets", string.Join(", ", values)));
                }
            }

            for (var r = 0; r < track.Reasons.Count; r++)
            {
                if (!Enum.IsDefined(track.Reasons[r]))
                {
                    problems.Add(new($"{trackPath}:Reasons[{r}]", $"unknown reason '{track.Reasons[r]}'", string.Join(", ", Enum.GetNames<MarketingReason>())));
                }
            }

            foreach (var (platform, list) in track.Lists)
            {
                if (!SegmentSystems.MarketingPlatforms.Contains(platform.Trim(), StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(new($"{trackPath}:Lists:{platform}", $"unknown marketing platform '{platform}'", string.Join(", ", SegmentSystems.MarketingPlatforms)));
                }
                else if (string.IsNullOrWhiteSpace(list))
                {
                    problems.Add(new($"{trackPath}:Lists:{platform}", "blank list name", $"the name of the {platform} list, or leave the platform out"));
                }
            }

            if (Segmenter.Find(track.Lists, marketingPlatform) is not { } own || string.IsNullOrWhiteSpace(own))
            {
                problems.Add(new(trackPath + ":Lists", $"no list for {marketingPlatform}, this connection's marketing platform", $"Lists:{marketingPlatform} naming a list that takes manual members"));
            }
        }

        return problems;
    }
}
