using System.CommandLine;
using System.Globalization;
using LeadSync.Worker.Demo;

namespace LeadSync.Worker.Cli;

/// <summary><c>demo [--leads N] [--cycles N] [--seed S]</c>: the whole loop against the in-process sandbox.</summary>
public static class DemoCommand
{
    public static Option<int> LeadsOption() => Bounded("--leads", "Number of seeded people", 200, 1, 200_000);

    public static Option<int> SeedOption() => new("--seed") { Description = "Seed of the sandbox data (same seed, same data)", DefaultValueFactory = _ => 42 };

    public static Command Create(CommandIo io)
    {
        var leads = LeadsOption();
        var cycles = Bounded("--cycles", "Number of sync cycles (the world moves between them)", 3, 1, 100);
        var seed = SeedOption();
        var marketing = MarketingOption();
        var state = new Option<string>("--state") { Description = "SQLite state file (recreated on every demo)", DefaultValueFactory = _ => Path.Combine("demo-state", "leadsync-demo.db") };
        var console = new Option<bool>("--console") { Description = "After the demo, keep the web console up on the health port over the demo's state (Ctrl+C stops it)" };
        var command = new Command(
            "demo",
            "Start the sandbox of the APIs in-process, point a fully wired LeadSync at it, run the cycles and show what happened.\n\nExamples:\n  leadsync demo\n  leadsync demo --leads 1000 --cycles 5 --seed 7\n  leadsync demo --marketing marketo\n  leadsync demo --marketing pardot\n  leadsync demo --console")
        {
            leads, cycles, seed, state, marketing, console,
        };
        command.SetAction(async (parse, ct) =>
        {
            var exit = await new DemoRunner(io).RunAsync(
                parse.GetValue(CommonOptions.Config), parse.GetValue(leads), parse.GetValue(cycles), parse.GetValue(seed), parse.GetValue(state)!, ct, parse.GetValue(marketing));
            return exit == ExitCodes.Success && parse.GetValue(console)
                ? await WebConsole.ConsoleHost.ServeStateAsync(io, parse.GetValue(CommonOptions.Config), parse.GetValue(state)!, ct)
                : exit;
        });
        return command;
    }

    /// <summary><c>--marketing hubspot|marketo|pardot</c>: which marketing platform the demo's connection uses.</summary>
    public static Option<Configuration.MarketingPlatformKind> MarketingOption() => new("--marketing")
    {
        Description = $"Marketing platform of the connection ({Configuration.MarketingPlatforms.Allowed}; default HubSpot)",
        DefaultValueFactory = _ => Configuration.MarketingPlatformKind.HubSpot,
        CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "HubSpot";
            if (!Configuration.MarketingPlatforms.TryParse(token, out var platform) || string.IsNullOrWhiteSpace(token))
            {
                r.AddError($"--marketing must be one of {Configuration.MarketingPlatforms.Allowed} (got '{token}')");
            }

            return platform;
        },
    };

    /// <summary>A probability option (0 to 1, default 0), read from its token like <see cref="Bounded"/>.</summary>
    internal static Option<double> Probability(string name, string description) => new(name)
    {
        Description = $"{description} (0–1, default 0)",
        DefaultValueFactory = _ => 0,
        CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "0";
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 1 || double.IsNaN(value))
            {
                r.AddError($"{name} must be a probability from 0 to 1 (got '{token}')");
                return 0;
            }

            return value;
        },
    };

    /// <summary>
    /// A whole-number option with its range. The token is read here, so a value that is not a number or does not fit
    /// (2147483648) is one line of error like a value out of range, never the parser's exception.
    /// </summary>
    internal static Option<int> Bounded(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name)
        {
            Description = $"{description} ({min}–{max})",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : null;
                if (token is null)
                {
                    return defaultValue;
                }

                if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                {
                    r.AddError($"{name} must be a whole number between {min} and {max} (got '{token}')");
                    return defaultValue;
                }

                return (int)value;
            },
        };
        return option;
    }
}
