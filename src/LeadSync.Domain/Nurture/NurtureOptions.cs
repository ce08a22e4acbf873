namespace LeadSync.Domain.Nurture;

/// <summary>
/// Section <c>LeadSync:Nurture</c>: the tracks a lead that is not with sales is nurtured in. The first track (in order)
/// whose segment values and reasons match is the lead's track; each names the list it lives in per marketing platform.
/// </summary>
public sealed class NurtureOptions
{
    public const string SectionName = "LeadSync:Nurture";

    public List<NurtureTrack> Tracks { get; set; } = [];
}

public sealed class NurtureTrack
{
    /// <summary>Unique across tracks; named in reasons and in LeadSync's memory of the enrolment.</summary>
    public string Name { get; set; } = "";

    /// <summary>Segment dimension → value the lead must have (all of them). Empty: any segment.</summary>
    public Dictionary<string, string> Segments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Why the lead must be in marketing for this track. Empty: for any reason.</summary>
    public List<MarketingReason> Reasons { get; set; } = [];

    /// <summary>Marketing platform (<c>HubSpot</c>, <c>Marketo</c>, <c>Pardot</c>) → the name of its list for this track.</summary>
    public Dictionary<string, string> Lists { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Why a lead is with marketing rather than with sales.</summary>
public enum MarketingReason
{
    /// <summary>Never handed to sales and never turned down: a lead marketing is still getting to know.</summary>
    New,

    /// <summary>Handed to sales before, and back with marketing because its score fell below the release line.</summary>
    BelowThreshold,

    /// <summary>Sales did not act in time (or it went cold with them): recycled back to marketing.</summary>
    RecycledBySla,

    /// <summary>A person in sales disqualified it (a hand-back status LeadSync remembers).</summary>
    DisqualifiedBySales,
}
