using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Tests.Routing;

public sealed class RouterTests
{
    // Tuesday 2026-11-24 15:00 UTC = 10:00 in New York, 16:00 in Berlin.
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, int> NoLoad = [];

    private static RepOptions Rep(string name, int weight = 1, int? capacity = null) =>
        new() { Email = $"{name}@example.com", Weight = weight, Capacity = capacity };

    private static RepDirectory DirectoryFor(IEnumerable<string> names, params QueueInfo[] queues) => new(
        names.Select(n => new SalesforceUserInfo($"005{n}", $"{n}@example.com", true)),
        names.Select(n => new HubSpotOwnerInfo($"hs-{n}", $"{n.ToUpperInvariant()}@Example.com ", false)),
        queues);

    private static RoutingOptions OneTeam(RoutingStrategy strategy, params RepOptions[] reps) => new()
    {
        Teams = [new TeamOptions { Name = "Sales", Strategy = strategy, Reps = [.. reps] }],
        Rules = [new RoutingRule { Id = "all", Team = "Sales" }],
    };

    private static LeadAttributes Lead(params (string Key, string Value)[] salesforce) =>
        new(null, salesforce.ToDictionary(p => p.Key, p => (string?)p.Value));

    [Fact]
    public void SelectTeam_FirstMatchingRuleWins_AllConditionsAnded()
    {
        var options = new RoutingOptions
        {
            Teams = [new TeamOptions { Name = "EMEA-Tech" }, new TeamOptions { Name = "EMEA" }, new TeamOptions { Name = "Default" }],
            Rules =
            [
                new RoutingRule
                {
                    Id = "emea-tech",
                    Team = "EMEA-Tech",
                    Conditions =
                    [
                        new RuleCondition { Field = "Salesforce.Country", Operator = ConditionOperator.In, Values = ["Germany", "France"] },
                        new RuleCondition { Field = "HubSpot.industry", Operator = ConditionOperator.Equals, Values = ["technology"] },
                    ],
                },
                new RoutingRule
                {
                    Id = "emea",
                    Team = "EMEA",
                    Conditions = [new RuleCondition { Field = "Salesforce.Country", Operator = ConditionOperator.In, Values = ["Germany", "France"] }],
                },
            ],
            FallbackTeam = "Default",
        };
        var router = new Router(options);
        var techLead = new LeadAttributes(
            new Dictionary<string, string?> { ["industry"] = "Technology" },
            new Dictionary<string, string?> { ["country"] = " germany " });
        var financeLead = new LeadAttributes(
            new Dictionary<string, string?> { ["industry"] = "Finance" },
            new Dictionary<string, string?> { ["Country"] = "France" });

        var tech = router.SelectTeam(techLead);
        var finance = router.SelectTeam(financeLead);
        var other = router.SelectTeam(Lead(("Country", "Japan")));

        Assert.Equal(("EMEA-Tech", "emea-tech"), (tech.Team, tech.RuleId));
        Assert.Equal(("EMEA", "emea"), (finance.Team, finance.RuleId));
        Assert.Equal("Default", other.Team);
        Assert.Null(other.RuleId);
        Assert.Contains("fallback", other.Reason, StringComparison.Ordinal);
        Assert.Contains("Rule 'emea-tech' matched", tech.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ConditionOperator.Contains, "Acme Software Ltd", true)]
    [InlineData(ConditionOperator.Contains, "Acme Ltd", false)]
    [InlineData(ConditionOperator.Missing, "", true)]
    [InlineData(ConditionOperator.Missing, "x", false)]
    public void SelectTeam_ContainsAndMissing_Evaluated(ConditionOperator op, string company, bool matches)
    {
        var options = new RoutingOptions
        {
            Rules = [new RoutingRule { Id = "r", Team = "T", Conditions = [new RuleCondition { Field = "Salesforce.Company", Operator = op, Values = op == ConditionOperator.Contains ? ["software"] : [] }] }],
            FallbackTeam = "F",
        };

        var selection = new Router(options).SelectTeam(Lead(("Company", company)));

        Assert.Equal(matches ? "T" : "F", selection.Team);
    }

    [Fact]
    public void SelectTeam_RuleOnEmailField_ReasonMasksEmail()
    {
        var options = new RoutingOptions
        {
            Rules = [new RoutingRule { Id = "edu", Team = "Edu", Conditions = [new RuleCondition { Field = "HubSpot.email", Operator = ConditionOperator.Contains, Values = [".edu"] }] }],
        };
        var lead = new LeadAttributes(new Dictionary<string, string?> { ["email"] = "ada@uni.edu" }, null);

        var selection = new Router(options).SelectTeam(lead);

        Assert.Equal("Edu", selection.Team);
        Assert.DoesNotContain("ada@uni.edu", selection.Reason, StringComparison.Ordinal);
        Assert.Contains("a***@uni.edu", selection.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("50", false)]
    [InlineData("51", true)]
    [InlineData("200", true)]
    [InlineData("201", false)]
    [InlineData("many", false)]
    public void SelectTeam_RangeInclusive_Evaluated(string employees, bool matches)
    {
        var options = new RoutingOptions
        {
            Rules = [new RoutingRule { Id = "mid", Team = "Mid", Conditions = [new RuleCondition { Field = "Salesforce.NumberOfEmployees", Operator = ConditionOperator.Range, Min = 51, Max = 200 }] }],
        };

        var selection = new Router(options).SelectTeam(Lead(("NumberOfEmployees", employees)));

        Assert.Equal(matches ? "Mid" : null, selection.Team);
    }

    [Fact]
    public void PickRep_RoundRobin10000Tickets_MaxMinusMinAtMostOne()
    {
        var names = new[] { "a", "b", "c", "d", "e", "f", "g" };
        var router = new Router(OneTeam(RoutingStrategy.RoundRobin, [.. names.Select(n => Rep(n))]));
        var directory = DirectoryFor(names);
        var team = router.SelectTeam(LeadAttributes.Empty);
        var counts = new Dictionary<string, int>();

        for (long ticket = 1; ticket <= 10_000; ticket++)
        {
            var email = router.PickRep(team, directory, ticket, NoLoad, Now).Rep!.Email;
            counts[email] = counts.GetValueOrDefault(email) + 1;
        }

        Assert.Equal(7, counts.Count);
        Assert.True(counts.Values.Max() - counts.Values.Min() <= 1);
    }

    [Fact]
    public void PickRep_RoundRobinAfterRestart_ContinuesRotation()
    {
        var names = new[] { "a", "b", "c" };
        var options = OneTeam(RoutingStrategy.RoundRobin, [.. names.Select(n => Rep(n))]);
        var directory = DirectoryFor(names);
        var before = new Router(options);
        var first = before.PickRep(before.SelectTeam(LeadAttributes.Empty), directory, 4, NoLoad, Now).Rep!.Email;

        var afterRestart = new Router(options);
        var next = afterRestart.PickRep(afterRestart.SelectTeam(LeadAttributes.Empty), directory, 5, NoLoad, Now).Rep!.Email;

        Assert.Equal("b@example.com", first);
        Assert.Equal("c@example.com", next);
    }

    [Fact]
    public void PickRep_RoundRobinWithUnavailableRep_SkipsForwardToNextRep()
    {
        var names = new[] { "a", "b", "c" };
        var router = new Router(OneTeam(RoutingStrategy.RoundRobin, [.. names.Select(n => Rep(n))]));
        var directory = new RepDirectory(
            [new("005a", "a@example.com", true), new("005b", "b@example.com", false), new("005c", "c@example.com", true)],
            []);
        var team = router.SelectTeam(LeadAttributes.Empty);

        var picks = Enumerable.Range(0, 6).Select(t => router.PickRep(team, directory, t, NoLoad, Now).Rep!.Email).ToList();

        Assert.Equal(["a@example.com", "c@example.com", "c@example.com", "a@example.com", "c@example.com", "c@example.com"], picks);
        var decision = router.PickRep(team, directory, 1, NoLoad, Now);
        var skipped = Assert.Single(decision.Skipped);
        Assert.Equal(("b@example.com", "inactive Salesforce user"), (skipped.Email, skipped.Reason));
    }

    [Fact]
    public void PickRep_Weighted10000Tickets_SharesWithinTwoPercentOfWeights()
    {
        var reps = new[] { Rep("a", 5), Rep("b", 3), Rep("c", 2) };
        var router = new Router(OneTeam(RoutingStrategy.Weighted, reps));
        var directory = DirectoryFor(["a", "b", "c"]);
        var team = router.SelectTeam(LeadAttributes.Empty);
        var counts = new Dictionary<string, int>();

        for (long ticket = 0; ticket < 10_000; ticket++)
        {
            var email = router.PickRep(team, directory, ticket, NoLoad, Now).Rep!.Email;
            counts[email] = counts.GetValueOrDefault(email) + 1;
        }

        Assert.InRange(counts["a@example.com"] / 10_000.0, 0.48, 0.52);
        Assert.InRange(counts["b@example.com"] / 10_000.0, 0.28, 0.32);
        Assert.InRange(counts["c@example.com"] / 10_000.0, 0.18, 0.22);
    }

    [Fact]
    public void PickRep_WeightedSameTicket_SameRepEveryTimeAndInterleaved()
    {
        var router = new Router(OneTeam(RoutingStrategy.Weighted, Rep("a", 2), Rep("b", 1)));
        var directory = DirectoryFor(["a", "b"]);
        var team = router.SelectTeam(LeadAttributes.Empty);

        var first = Enumerable.Range(0, 6).Select(t => router.PickRep(team, directory, t, NoLoad, Now).Rep!.Email[0]).ToArray();
        var again = Enumerable.Range(0, 6).Select(t => new Router(OneTeam(RoutingStrategy.Weighted, Rep("a", 2), Rep("b", 1))).PickRep(team, directory, t, NoLoad, Now).Rep!.Email[0]).ToArray();

        Assert.Equal("abaaba", new string(first));
        Assert.Equal(first, again);
    }

    [Fact]
    public void PickRep_LeastLoaded_FewestOpenLeadsTiesByListOrder()
    {
        var router = new Router(OneTeam(RoutingStrategy.LeastLoaded, Rep("a"), Rep("b"), Rep("c")));
        var directory = DirectoryFor(["a", "b", "c"]);
        var team = router.SelectTeam(LeadAttributes.Empty);

        var fewest = router.PickRep(team, directory, 0, new Dictionary<string, int> { ["005a"] = 4, ["005b"] = 2, ["005c"] = 3 }, Now);
        var tie = router.PickRep(team, directory, 0, new Dictionary<string, int> { ["005a"] = 4, ["005b"] = 2, ["005c"] = 2 }, Now);

        Assert.Equal("b@example.com", fewest.Rep!.Email);
        Assert.Equal("b@example.com", tie.Rep!.Email);
        Assert.Contains("2 open leads", fewest.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RoutingStrategy.RoundRobin)]
    [InlineData(RoutingStrategy.Weighted)]
    [InlineData(RoutingStrategy.LeastLoaded)]
    public void PickRep_RepAtCapacity_SkippedWithCountInEveryStrategy(RoutingStrategy strategy)
    {
        var router = new Router(OneTeam(strategy, Rep("a", capacity: 3), Rep("b", capacity: 10)));
        var directory = DirectoryFor(["a", "b"]);
        var load = new Dictionary<string, int> { ["005a"] = 3, ["005b"] = 9 };
        var team = router.SelectTeam(LeadAttributes.Empty);

        for (long ticket = 0; ticket < 4; ticket++)
        {
            var decision = router.PickRep(team, directory, ticket, load, Now);

            Assert.Equal("b@example.com", decision.Rep!.Email);
            var skipped = Assert.Single(decision.Skipped);
            Assert.Equal("at capacity 3/3", skipped.Reason);
        }
    }

    [Fact]
    public void PickRep_EachUnavailabilityKind_SkippedWithReason()
    {
        var reps = new List<RepOptions>
        {
            Rep("missing"),
            Rep("inactive"),
            Rep("archived"),
            new() { Email = "away@example.com", TimeZone = "Europe/Berlin", OutOfOffice = [new OutOfOfficeWindow { From = new DateOnly(2026, 11, 20), To = new DateOnly(2026, 11, 27) }] },
            new() { Email = "asleep@example.com", TimeZone = "Asia/Tokyo", WorkingHours = new WorkingHours() },
            new() { Email = "ok@example.com", TimeZone = "America/New_York", WorkingHours = new WorkingHours() },
        };
        var router = new Router(OneTeam(RoutingStrategy.RoundRobin, [.. reps]));
        var directory = new RepDirectory(
            [
                new("005i", "inactive@example.com", false),
                new("005ar", "archived@example.com", true),
                new("005aw", "away@example.com", true),
                new("005as", "asleep@example.com", true),
                new("005ok", "ok@example.com", true),
            ],
            [new("hs-ar", "archived@example.com", true), new("hs-ok", "ok@example.com", false)]);

        var decision = router.PickRep(router.SelectTeam(LeadAttributes.Empty), directory, 0, NoLoad, Now);

        Assert.Equal(new RoutedRep("ok@example.com", "005ok", "hs-ok"), decision.Rep);
        var reasons = decision.Skipped.ToDictionary(s => s.Email, s => s.Reason);
        Assert.StartsWith("missing in Salesforce", reasons["missing@example.com"], StringComparison.Ordinal);
        Assert.Equal("inactive Salesforce user", reasons["inactive@example.com"]);
        Assert.Equal("archived HubSpot owner", reasons["archived@example.com"]);
        Assert.Equal("out of office until 2026-11-27", reasons["away@example.com"]);
        Assert.StartsWith("outside working hours (09:00-17:00 Mon,Tue,Wed,Thu,Fri) in Asia/Tokyo", reasons["asleep@example.com"], StringComparison.Ordinal);
        Assert.Contains("2026-11-25 00:00 Asia/Tokyo", reasons["asleep@example.com"], StringComparison.Ordinal);
        Assert.DoesNotContain("ok@example.com", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("o***@example.com", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PickRep_OutOfOfficeUsesRepLocalDate_AvailableTheDayAfter()
    {
        var rep = new RepOptions { Email = "a@example.com", TimeZone = "Pacific/Auckland", OutOfOffice = [new OutOfOfficeWindow { From = new DateOnly(2026, 11, 20), To = new DateOnly(2026, 11, 24) }] };
        var router = new Router(OneTeam(RoutingStrategy.RoundRobin, rep));

        // 15:00 UTC on the 24th is already the 25th in Auckland (UTC+13).
        var decision = router.PickRep(router.SelectTeam(LeadAttributes.Empty), DirectoryFor(["a"]), 0, NoLoad, Now);

        Assert.NotNull(decision.Rep);
    }

    [Fact]
    public void PickRep_TeamExhausted_FallsBackToFallbackTeam()
    {
        var options = new RoutingOptions
        {
            Teams =
            [
                new TeamOptions { Name = "EMEA", Reps = [Rep("gone")] },
                new TeamOptions { Name = "Overflow", Reps = [Rep("spare")] },
            ],
            Rules = [new RoutingRule { Id = "all", Team = "EMEA" }],
            FallbackTeam = "Overflow",
        };
        var router = new Router(options);

        var decision = router.PickRep(router.SelectTeam(LeadAttributes.Empty), DirectoryFor(["spare"]), 3, NoLoad, Now);

        Assert.Equal("spare@example.com", decision.Rep!.Email);
        Assert.Equal("Overflow", decision.Team);
        Assert.Equal("all", decision.RuleId);
        Assert.Contains("No rep of team EMEA is available", decision.Reason, StringComparison.Ordinal);
        Assert.Single(decision.Skipped);
    }

    [Fact]
    public void PickRep_NoRepAnywhere_AssignsFallbackQueueExplicitly()
    {
        var options = OneTeam(RoutingStrategy.RoundRobin, Rep("a"));
        options.FallbackQueueDeveloperName = "Sales_Overflow";
        var router = new Router(options);
        var directory = new RepDirectory([new("005a", "a@example.com", false)], [], [new QueueInfo("00G1", "Sales_Overflow")]);

        var decision = router.PickRep(router.SelectTeam(LeadAttributes.Empty), directory, 0, NoLoad, Now);

        Assert.Null(decision.Rep);
        Assert.Equal("00G1", decision.QueueId);
        Assert.True(decision.IsAssigned);
        Assert.Contains("fallback queue Sales_Overflow", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PickRep_NoRepAndQueueNotInSalesforce_NotAssignedAndSaysWhy()
    {
        var options = OneTeam(RoutingStrategy.RoundRobin, Rep("a"));
        options.FallbackQueueDeveloperName = "Nope";
        var router = new Router(options);

        var decision = router.PickRep(router.SelectTeam(LeadAttributes.Empty), new RepDirectory([], []), 0, NoLoad, Now);

        Assert.False(decision.IsAssigned);
        Assert.Contains("does not exist", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PickRep_NoRuleAndNoFallbackTeam_GoesToQueue()
    {
        var options = new RoutingOptions { FallbackQueueDeveloperName = "Q" };
        var router = new Router(options);

        var decision = router.PickRep(router.SelectTeam(LeadAttributes.Empty), new RepDirectory([], [], [new QueueInfo("00GQ", "Q")]), 0, NoLoad, Now);

        Assert.Equal("00GQ", decision.QueueId);
        Assert.Null(decision.Team);
    }

    [Fact]
    public void RepDirectory_DuplicateUsers_PrefersActive()
    {
        var directory = new RepDirectory(
            [new("005old", "Rep@Example.com", false), new("005new", "rep@example.com", true), new("005x", "rep@example.com", false)],
            []);

        Assert.Equal("005new", directory.FindUser(" REP@example.com")!.Id);
    }

    [Fact]
    public void RepDirectory_IsQueue_OnlyListedQueueIds()
    {
        var directory = new RepDirectory([new("005a", "a@example.com", true)], [], [new QueueInfo("00Gq1", "Marketing_Nurture"), new QueueInfo("Q-2", "Sales_Overflow")]);

        Assert.True(directory.IsQueue("00Gq1"));
        Assert.True(directory.IsQueue("Q-2"));
        Assert.False(directory.IsQueue("00Gother"));
        Assert.False(directory.IsQueue("005a"));
        Assert.False(directory.IsQueue(null));
    }

    [Fact]
    public void RepDirectory_BlankEmails_NeverMatched()
    {
        var directory = new RepDirectory([new("005blank", "  ", true), new("005null", null, true)], [new("hs-blank", "", false)]);

        Assert.Null(directory.FindUser(""));
        Assert.Null(directory.FindUser(null));
        Assert.Null(directory.FindOwner("  "));
    }
}
