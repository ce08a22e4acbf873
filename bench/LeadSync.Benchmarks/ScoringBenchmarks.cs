using System.Globalization;
using BenchmarkDotNet.Attributes;
using LeadSync.Domain.Lifecycle;
using LeadSync.Domain.Scoring;

namespace LeadSync.Benchmarks;

/// <summary>
/// Scores (and maps the status/stage of) one million pre-extracted leads per invocation with the default model:
/// 9 signals and 13 fit/activity fields per lead. Results are reported per lead (OperationsPerInvoke = lead count).
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private const int LeadCount = 1_000_000;
    private const int SampleCount = 10_000;

    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private ScoringModel _model = null!;
    private LifecycleMapper<LeadStatus> _statuses = null!;
    private LifecycleMapper<LifecycleStage> _stages = null!;
    private LeadFeatures[] _features = null!;
    private string[] _salesforceStatuses = null!;
    private string[] _hubSpotStages = null!;
    private Dictionary<string, string?>[] _hubSpotBags = null!;
    private Dictionary<string, string?>[] _salesforceBags = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = ScoringOptions.CreateDefault();
        options.HubSpotScoreBlend = new HubSpotScoreBlendOptions { Weight = 0.1 };
        _model = ScoringModel.Create(options);
        var lifecycle = LifecycleOptions.CreateDefault();
        _statuses = StatusMapper.Create(lifecycle);
        _stages = StageMapper.Create(lifecycle);

        // Fixed seed: every run scores the same leads.
        var random = new Random(20261124);
        string[] titles = ["VP Sales", "Director of IT", "Marketing Manager", "Engineer", "Student", "Chief Executive Officer", ""];
        string[] industries = ["Technology", "Finance", "Retail", "Education", "Healthcare"];
        string[] domains = ["acme.example", "gmail.com", "state.edu", "globex.example", "competitor.example"];
        string[] statuses = ["Open - Not Contacted", "Working - Contacted", "Working - Engaged", "Marketing Qualified", "Nurturing", "Recycled"];
        string[] stages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "other"];

        _hubSpotBags = new Dictionary<string, string?>[SampleCount];
        _salesforceBags = new Dictionary<string, string?>[SampleCount];
        for (var i = 0; i < SampleCount; i++)
        {
            string Days(int max) => Now.AddDays(-random.Next(max)).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            string Count(int max) => random.Next(max).ToString(CultureInfo.InvariantCulture);
            _hubSpotBags[i] = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["hs_analytics_num_page_views"] = Count(200), ["hs_analytics_num_visits"] = Count(40), ["hs_analytics_last_visit_timestamp"] = Days(200),
                ["num_conversion_events"] = Count(5), ["recent_conversion_date"] = Days(300), ["hs_email_open"] = Count(30),
                ["hs_email_last_open_date"] = Days(100), ["hs_email_click"] = Count(10), ["hs_email_last_click_date"] = Days(120),
                ["content_downloads"] = Count(4), ["demo_requests"] = Count(2), ["pricing_page_views"] = Count(4), ["webinars_attended"] = Count(3),
                ["jobtitle"] = titles[random.Next(titles.Length)], ["numemployees"] = Count(5000), ["industry"] = industries[random.Next(industries.Length)],
                ["annualrevenue"] = Count(100_000_000), ["country"] = random.Next(2) == 0 ? "United States" : "Brazil",
                ["email"] = $"lead{i}@{domains[random.Next(domains.Length)]}", ["hs_email_optout"] = random.Next(10) == 0 ? "true" : "false",
                ["hs_email_bounce"] = random.Next(20) == 0 ? "1" : "0", ["hubspotscore"] = Count(100),
            };
            _salesforceBags[i] = new Dictionary<string, string?>(StringComparer.Ordinal) { ["LeadSource"] = random.Next(3) == 0 ? "Webinar" : "Web" };
        }

        // A million distinct feature sets (not one repeated) so the run walks real memory, as a full re-score would.
        _features = new LeadFeatures[LeadCount];
        _salesforceStatuses = new string[LeadCount];
        _hubSpotStages = new string[LeadCount];
        for (var i = 0; i < LeadCount; i++)
        {
            var sample = i % SampleCount;
            _features[i] = _model.Extract(_hubSpotBags[sample], _salesforceBags[sample]);
            _salesforceStatuses[i] = statuses[random.Next(statuses.Length)];
            _hubSpotStages[i] = stages[random.Next(stages.Length)];
        }
    }

    [Benchmark(OperationsPerInvoke = LeadCount)]
    public long Score()
    {
        long total = 0;
        var features = _features;
        for (var i = 0; i < features.Length; i++)
        {
            total += _model.Score(in features[i], Now).Value;
        }

        return total;
    }

    /// <summary>Score plus the per-lead value mapping the engine does: Salesforce status → canonical → HubSpot, and the HubSpot stage read.</summary>
    [Benchmark(OperationsPerInvoke = LeadCount)]
    public long ScoreAndMap()
    {
        long total = 0;
        var features = _features;
        for (var i = 0; i < features.Length; i++)
        {
            total += _model.Score(in features[i], Now).Value;
            if (_statuses.TryFromCrm(_salesforceStatuses[i], out var status))
            {
                total += _statuses.ToMarketing(status).Length;
            }

            if (_stages.TryFromMarketing(_hubSpotStages[i], out var stage))
            {
                total += (int)stage;
            }
        }

        return total;
    }

    /// <summary>For scale: Explain allocates (it builds the rep-facing text); the engine calls it only for handoffs.</summary>
    [Benchmark(OperationsPerInvoke = SampleCount)]
    public int Explain()
    {
        var total = 0;
        for (var i = 0; i < SampleCount; i++)
        {
            total += _model.Explain(in _features[i], Now).Contributions.Count;
        }

        return total;
    }

    /// <summary>For scale: Extract parses the property bags once per changed lead.</summary>
    [Benchmark(OperationsPerInvoke = SampleCount)]
    public int Extract()
    {
        var total = 0;
        for (var i = 0; i < SampleCount; i++)
        {
            total += _model.Extract(_hubSpotBags[i], _salesforceBags[i]).Count(Signal.DemoRequest);
        }

        return total;
    }
}
