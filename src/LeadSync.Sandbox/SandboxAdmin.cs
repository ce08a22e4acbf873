using System.Globalization;
using System.Text.Json;
using LeadSync.Sandbox.HubSpot;
using LeadSync.Sandbox.Salesforce;
using Microsoft.AspNetCore.Http;

namespace LeadSync.Sandbox;

/// <summary>
/// The sandbox's own control surface under <c>/_sandbox</c>, for a sandbox running in another process (benchmarks,
/// the cluster test, manual poking): read the counters, move the world on. Not part of either API being faked.
/// </summary>
internal static class SandboxAdmin
{
    /// <summary>Record counts of the Marketo world (zero until something asked about Marketo: it is seeded lazily) and the Pardot one.</summary>
    public sealed record OtherCounts(int MarketoLeads, int MarketoActivities, int Prospects, int PardotActivities);

    public static async Task HandleAsync(
        HttpContext context, StatsCounters stats, FaultInjector faults, HubSpotStore hubSpot, SalesforceStore salesforce, TimeProvider time, Func<OtherCounts>? counts = null)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (HttpMethods.IsGet(context.Request.Method) && path == "/_sandbox/stats")
        {
            context.Response.ContentType = "application/json";
            var snapshot = stats.Snapshot();
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["hubSpotCalls"] = snapshot.HubSpotCalls,
                ["hubSpotWrites"] = snapshot.HubSpotWrites,
                ["salesforceCalls"] = snapshot.SalesforceCalls,
                ["salesforceWrites"] = snapshot.SalesforceWrites,
                ["tasksCreated"] = snapshot.TasksCreated,
                ["marketoCalls"] = snapshot.MarketoCalls,
                ["marketoWrites"] = snapshot.MarketoWrites,
                ["marketoThrottled"] = snapshot.MarketoThrottled,
                ["marketoTokens"] = snapshot.MarketoTokens,
                ["pardotCalls"] = snapshot.PardotCalls,
                ["pardotQueryCalls"] = snapshot.PardotQueryCalls,
                ["pardotWrites"] = snapshot.PardotWrites,
                ["pardotThrottled"] = snapshot.PardotThrottled,
                ["contacts"] = hubSpot.Count,
                ["leads"] = salesforce.LeadCount,
                ["marketoLeads"] = counts?.Invoke().MarketoLeads ?? 0,
                ["marketoActivities"] = counts?.Invoke().MarketoActivities ?? 0,
                ["prospects"] = counts?.Invoke().Prospects ?? 0,
                ["pardotActivities"] = counts?.Invoke().PardotActivities ?? 0,
                ["injectedFaults"] = snapshot.InjectedFaults,
                ["endpoints"] = stats.Endpoints.Snapshot(),
                ["faults"] = new Dictionary<string, long>
                {
                    ["rateLimited"] = snapshot.Faults.RateLimited,
                    ["serverError"] = snapshot.Faults.ServerError,
                    ["truncatedBody"] = snapshot.Faults.TruncatedBody,
                    ["responseLost"] = snapshot.Faults.ResponseLost,
                    ["otherStatus"] = snapshot.Faults.OtherStatus,
                    ["latency"] = snapshot.Faults.Latency,
                },
            }));
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && path == "/_sandbox/simulate")
        {
            await SimulateAsync(context, faults, hubSpot, salesforce, time);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    /// <summary>
    /// <c>POST /_sandbox/simulate?percent=P&amp;seed=S</c> moves the world on; the fault parameters (<c>rate429</c>,
    /// <c>rate503</c>, <c>truncated</c>, <c>lost</c> as probabilities 0..1, <c>lostAbort</c>, <c>latencyMs</c>,
    /// <c>faultSeed</c>) replace the random faults from now on. Either part, or both; anything unreadable is a 400.
    /// </summary>
    private static async Task SimulateAsync(HttpContext context, FaultInjector faults, HubSpotStore hubSpot, SalesforceStore salesforce, TimeProvider time)
    {
        var query = context.Request.Query;
        var errors = new List<string>();
        var world = query.ContainsKey("percent") || query.ContainsKey("seed");
        var percent = Int(query, "percent", 0, 100, 0, errors);
        var seed = Int(query, "seed", int.MinValue, int.MaxValue, 0, errors);
        if (world && (!query.ContainsKey("percent") || !query.ContainsKey("seed")))
            errors.Add("percent and seed go together");

        string[] faultKeys = ["rate429", "rate503", "truncated", "lost", "lostAbort", "latencyMs", "faultSeed"];
        var current = faults.Current;
        var next = new FaultOptions
        {
            RateLimitRate = Rate(query, "rate429", current.RateLimitRate, errors),
            ServerErrorRate = Rate(query, "rate503", current.ServerErrorRate, errors),
            MalformedBodyRate = Rate(query, "truncated", current.MalformedBodyRate, errors),
            ResponseLostRate = Rate(query, "lost", current.ResponseLostRate, errors),
            ResponseLostAbort = query.TryGetValue("lostAbort", out var abort) ? bool.TryParse(abort, out var a) ? a : Error(errors, "lostAbort must be true or false", false) : current.ResponseLostAbort,
            LatencyMs = Int(query, "latencyMs", 0, 60_000, current.LatencyMs, errors),
            Seed = Int(query, "faultSeed", int.MinValue, int.MaxValue, current.Seed, errors),
        };
        var configuresFaults = faultKeys.Any(query.ContainsKey);
        if (!world && !configuresFaults)
            errors.Add("nothing to do: give percent and seed, or fault rates");
        if (next.RateLimitRate + next.ServerErrorRate + next.MalformedBodyRate + next.ResponseLostRate > 1)
            errors.Add("the fault rates add up to more than 1");

        if (errors.Count > 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { errors }));
            return;
        }

        if (configuresFaults)
            faults.Configure(next);
        if (world)
            Seeding.WorldSimulator.Simulate(hubSpot, salesforce, percent, seed, time.GetUtcNow());
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static double Rate(IQueryCollection query, string key, double fallback, List<string> errors)
    {
        if (!query.TryGetValue(key, out var text))
            return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1
            ? rate
            : Error(errors, $"{key} must be a probability from 0 to 1", fallback);
    }

    private static int Int(IQueryCollection query, string key, int min, int max, int fallback, List<string> errors)
    {
        if (!query.TryGetValue(key, out var text))
            return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : Error(errors, $"{key} must be a whole number from {min} to {max}", fallback);
    }

    private static T Error<T>(List<string> errors, string message, T fallback)
    {
        errors.Add(message);
        return fallback;
    }
}
