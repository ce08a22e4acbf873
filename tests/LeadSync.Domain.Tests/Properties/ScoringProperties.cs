using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Tests.Properties;

/// <summary>One generated lead: raw HubSpot/Salesforce property bags, a model variant and an instant to score at.</summary>
public sealed record LeadCase(int Variant, Dictionary<string, string?> HubSpot, Dictionary<string, string?> Salesforce, DateTimeOffset Now)
{
    public override string ToString() =>
        $"variant {Variant} at {Now:O}: {string.Join(", ", HubSpot.Select(p => $"{p.Key}={p.Value}"))} | {string.Join(", ", Salesforce.Select(p => $"{p.Key}={p.Value}"))}";
}

public static class LeadCaseArbitrary
{
    private static readonly DateTimeOffset Base = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly (string Count, string? Last)[] Counters =
    [
        ("hs_analytics_num_page_views", null), ("hs_analytics_num_visits", "hs_analytics_last_visit_timestamp"),
        ("num_conversion_events", "recent_conversion_date"), ("hs_email_open", "hs_email_last_open_date"),
        ("hs_email_click", "hs_email_last_click_date"), ("content_downloads", null), ("demo_requests", null),
        ("pricing_page_views", null), ("webinars_attended", null),
    ];

    public static Arbitrary<LeadCase> LeadCases()
    {
        var counts = Gen.Frequency((3, Gen.Constant(0)), (4, Gen.Choose(1, 6)), (1, Gen.Choose(7, 400))).ArrayOf(Counters.Length);
        var ages = Gen.Frequency((1, Gen.Constant(-1)), (4, Gen.Choose(0, 400))).ArrayOf(Counters.Length);
        var titles = Gen.Elements<string?>(null, "VP Sales", "Chief Executive Officer", "Director of IT", "Marketing Manager", "Student", "Engineer", "Intern");
        var sizes = Gen.Elements<string?>(null, "5", "60", "499", "500", "12000", "many");
        var industries = Gen.Elements<string?>(null, "Technology", "finance", "Retail", "Education");
        var emails = Gen.Elements<string?>(null, "ada@acme.example", "kim@gmail.com", "sam@state.edu", "x@competitor.example", "broken");
        var flags = Gen.Elements<string?>(null, "true", "false");
        var bounces = Gen.Elements<string?>(null, "0", "1", "3");
        var hubSpotScores = Gen.Elements<string?>(null, "0", "35", "99", "250");
        var sources = Gen.Elements<string?>(null, "Webinar", "Web", "Trade Show");

        var gen =
            from variant in Gen.Choose(0, ModelVariants.Count - 1)
            from c in counts
            from a in ages
            from title in titles
            from size in sizes
            from industry in industries
            from email in emails
            from optout in flags
            from bounce in bounces
            from hubSpotScore in hubSpotScores
            from source in sources
            from nowOffsetMinutes in Gen.Choose(0, 60 * 24 * 30)
            select Build(variant, c, a, title, size, industry, email, optout, bounce, hubSpotScore, source, nowOffsetMinutes);
        return gen.ToArbitrary();
    }

    private static LeadCase Build(
        int variant, int[] counts, int[] ages, string? title, string? size, string? industry, string? email,
        string? optout, string? bounce, string? hubSpotScore, string? source, int nowOffsetMinutes)
    {
        var hubSpot = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["jobtitle"] = title, ["numemployees"] = size, ["industry"] = industry, ["email"] = email,
            ["hs_email_optout"] = optout, ["hs_email_bounce"] = bounce, ["hubspotscore"] = hubSpotScore, ["country"] = "Germany",
        };
        for (var i = 0; i < Counters.Length; i++)
        {
            hubSpot[Counters[i].Count] = counts[i].ToString(CultureInfo.InvariantCulture);
            if (Counters[i].Last is { } last && ages[i] >= 0)
            {
                hubSpot[last] = Base.AddDays(-ages[i]).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            }
        }

        var salesforce = new Dictionary<string, string?>(StringComparer.Ordinal) { ["LeadSource"] = source };
        return new LeadCase(variant, hubSpot, salesforce, Base.AddMinutes(nowOffsetMinutes));
    }
}

/// <summary>The default model and a variant exercising blend, linear decay and a floor.</summary>
internal static class ModelVariants
{
    private static readonly ScoringModel[] Models = [ScoringModel.Create(ScoringOptions.CreateDefault()), ScoringModel.Create(Variant())];

    public static int Count => Models.Length;

    public static ScoringModel Get(int variant) => Models[variant];

    private static ScoringOptions Variant()
    {
        var options = ScoringOptions.CreateDefault();
        options.Decay = new DecayOptions { HalfLifeDays = 20, PointsPerInactiveWeek = 3, GraceDays = 7, FloorPoints = 5 };
        options.HubSpotScoreBlend = new HubSpotScoreBlendOptions { Weight = 0.3 };
        options.BehaviourWeight = 0.6;
        options.FitWeight = 0.4;
        return options;
    }
}

[Properties(Arbitrary = [typeof(LeadCaseArbitrary)], MaxTest = 300)]
public sealed class ScoringProperties
{
    private static readonly string[] CountProperties =
        ["hs_analytics_num_page_views", "hs_analytics_num_visits", "num_conversion_events", "hs_email_open", "hs_email_click", "content_downloads", "demo_requests", "pricing_page_views", "webinars_attended"];

    [Property]
    public bool Score_AnyLead_WithinZeroToHundred(LeadCase lead)
    {
        var model = ModelVariants.Get(lead.Variant);
        var features = model.Extract(lead.HubSpot, lead.Salesforce);
        var score = model.Score(in features, lead.Now);
        return score.Value is >= 0 and <= 100 && score.Behaviour is >= 0 and <= 100 && score.Fit is >= 0 and <= 100;
    }

    [Property]
    public bool Score_OneMoreOccurrence_NeverLowersScore(LeadCase lead, PositiveInt which)
    {
        var model = ModelVariants.Get(lead.Variant);
        var property = CountProperties[which.Get % CountProperties.Length];
        var more = new Dictionary<string, string?>(lead.HubSpot, StringComparer.Ordinal)
        {
            [property] = (int.Parse(lead.HubSpot[property]!, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture),
        };

        var before = model.Extract(lead.HubSpot, lead.Salesforce);
        var after = model.Extract(more, lead.Salesforce);
        return model.Score(in after, lead.Now).Value >= model.Score(in before, lead.Now).Value;
    }

    [Property]
    public bool Score_NoNewActivity_NeverRisesOverTime(LeadCase lead, NonNegativeInt laterDays)
    {
        var model = ModelVariants.Get(lead.Variant);
        var features = model.Extract(lead.HubSpot, lead.Salesforce);
        var later = lead.Now.AddDays(laterDays.Get % 500).AddMinutes(laterDays.Get % 7);
        return model.Score(in features, later).Value <= model.Score(in features, lead.Now).Value;
    }

    [Property]
    public bool Score_Decay_NeverChangesFitOrGrade(LeadCase lead, NonNegativeInt laterDays)
    {
        var model = ModelVariants.Get(lead.Variant);
        var features = model.Extract(lead.HubSpot, lead.Salesforce);
        var now = model.Score(in features, lead.Now);
        var later = model.Score(in features, lead.Now.AddDays(laterDays.Get % 1000));
        return now.Fit == later.Fit && now.Grade == later.Grade;
    }

    [Property]
    public bool Explain_AnyLead_PointsSumToScoreAndMatchScore(LeadCase lead)
    {
        var model = ModelVariants.Get(lead.Variant);
        var features = model.Extract(lead.HubSpot, lead.Salesforce);
        var explanation = model.Explain(in features, lead.Now);
        return explanation.Score == model.Score(in features, lead.Now)
            && explanation.Contributions.Sum(c => c.Points) == explanation.Score.Value
            && Math.Abs(explanation.Contributions.Sum(c => c.ExactPoints) - explanation.ExactScore) < 1e-6;
    }

    [Property]
    public bool Score_SameInputsSameInstant_SameResult(LeadCase lead)
    {
        var model = ModelVariants.Get(lead.Variant);
        var first = model.Extract(lead.HubSpot, lead.Salesforce);
        var copy = model.Extract(new Dictionary<string, string?>(lead.HubSpot.Reverse()), new Dictionary<string, string?>(lead.Salesforce));
        var rebuilt = lead.Variant == 0 ? ScoringModel.Create(ScoringOptions.CreateDefault()) : null;
        var score = model.Score(in first, lead.Now);
        return score == model.Score(in copy, lead.Now)
            && model.Explain(in first, lead.Now).ExactScore == model.Explain(in copy, lead.Now).ExactScore
            && (rebuilt is null || rebuilt.Score(rebuilt.Extract(lead.HubSpot, lead.Salesforce), lead.Now) == score);
    }
}
