using LeadSync.Domain.Routing;

namespace LeadSync.Domain.Tests.Routing;

public sealed class RoutingOptionsValidatorTests
{
    [Fact]
    public void Validate_GoodOptions_NoProblems()
    {
        var options = new RoutingOptions
        {
            Teams =
            [
                new TeamOptions
                {
                    Name = "EMEA",
                    Strategy = RoutingStrategy.Weighted,
                    ManagerEmail = "boss@example.com",
                    Reps =
                    [
                        new RepOptions { Email = "a@example.com", Weight = 2, Capacity = 20, TimeZone = "Europe/Berlin", WorkingHours = new WorkingHours { Days = [DayOfWeek.Monday] } },
                        new RepOptions { Email = "b@example.com" },
                    ],
                },
            ],
            Rules = [new RoutingRule { Id = "de", Team = "emea", Conditions = [new RuleCondition { Field = "Salesforce.Country", Operator = ConditionOperator.In, Values = ["Germany"] }] }],
            FallbackTeam = "EMEA",
            FallbackQueueDeveloperName = "Sales_Overflow",
        };

        Assert.Empty(RoutingOptionsValidator.Validate(options));
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEveryOneWithItsPath()
    {
        var options = new RoutingOptions
        {
            Teams =
            [
                new TeamOptions
                {
                    Name = "EMEA",
                    ManagerEmail = "nobody",
                    Reps =
                    [
                        new RepOptions
                        {
                            Email = "a@example.com",
                            Weight = 0,
                            Capacity = 0,
                            TimeZone = "Europe/Atlantis",
                            WorkingHours = new WorkingHours { Start = new TimeOnly(17, 0), End = new TimeOnly(9, 0), Days = [] },
                            OutOfOffice = [new OutOfOfficeWindow { From = new DateOnly(2026, 12, 2), To = new DateOnly(2026, 12, 1) }],
                        },
                        new RepOptions { Email = "A@example.com " },
                        new RepOptions { Email = "not-an-email" },
                    ],
                },
                new TeamOptions { Name = "emea", Strategy = (RoutingStrategy)9 },
            ],
            Rules =
            [
                new RoutingRule { Id = "r1", Team = "APAC" },
                new RoutingRule
                {
                    Id = "r1",
                    Team = "",
                    Conditions =
                    [
                        new RuleCondition { Field = "Country", Operator = ConditionOperator.Equals },
                        new RuleCondition { Field = "Salesforce.NumberOfEmployees", Operator = ConditionOperator.Range, Min = 500, Max = 100 },
                        new RuleCondition { Field = "HubSpot.x", Operator = (ConditionOperator)11 },
                        new RuleCondition { Field = "HubSpot.x", Operator = ConditionOperator.Range },
                    ],
                },
            ],
            FallbackTeam = "Nowhere",
        };

        var paths = RoutingOptionsValidator.Validate(options, "LeadSync:Routing").Select(p => p.Path).ToList();

        string[] expected =
        [
            "LeadSync:Routing:Teams[0]:ManagerEmail",
            "LeadSync:Routing:Teams[0]:Reps[0]:Weight",
            "LeadSync:Routing:Teams[0]:Reps[0]:Capacity",
            "LeadSync:Routing:Teams[0]:Reps[0]:TimeZone",
            "LeadSync:Routing:Teams[0]:Reps[0]:WorkingHours:End",
            "LeadSync:Routing:Teams[0]:Reps[0]:WorkingHours:Days",
            "LeadSync:Routing:Teams[0]:Reps[0]:OutOfOffice[0]",
            "LeadSync:Routing:Teams[0]:Reps[1]:Email",
            "LeadSync:Routing:Teams[0]:Reps[2]:Email",
            "LeadSync:Routing:Teams[1]:Name",
            "LeadSync:Routing:Teams[1]:Strategy",
            "LeadSync:Routing:Teams[1]:Reps",
            "LeadSync:Routing:Rules[0]:Team",
            "LeadSync:Routing:Rules[1]:Id",
            "LeadSync:Routing:Rules[1]:Team",
            "LeadSync:Routing:Rules[1]:Conditions[0]:Field",
            "LeadSync:Routing:Rules[1]:Conditions[0]:Values",
            "LeadSync:Routing:Rules[1]:Conditions[1]:Min",
            "LeadSync:Routing:Rules[1]:Conditions[2]:Operator",
            "LeadSync:Routing:Rules[1]:Conditions[3]",
            "LeadSync:Routing:FallbackTeam",
        ];
        foreach (var path in expected)
        {
            Assert.Contains(path, paths);
        }
    }

    [Fact]
    public void Validate_UnknownTeam_ListsKnownTeams()
    {
        var options = new RoutingOptions
        {
            Teams = [new TeamOptions { Name = "EMEA", Reps = [new RepOptions { Email = "a@example.com" }] }],
            Rules = [new RoutingRule { Id = "x", Team = "APAC" }],
        };

        var problem = Assert.Single(RoutingOptionsValidator.Validate(options));

        Assert.Equal("LeadSync:Routing:Rules[0]:Team", problem.Path);
        Assert.Equal("one of: EMEA", problem.Allowed);
    }
}
