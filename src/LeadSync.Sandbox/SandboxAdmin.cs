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
    public static async Task HandleAsync(HttpContext context, StatsCounters stats, HubSpotStore hubSpot, SalesforceStore salesforce, TimeProvider time)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (HttpMethods.IsGet(context.Request.Method) && path == "/_sandbox/stats")
        {
            context.Response.ContentType = "application/json";
            var snapshot = stats.Snapshot();
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, long>
            {
                ["hubSpotCalls"] = snapshot.HubSpotCalls,
                ["hubSpotWrites"] = snapshot.HubSpotWrites,
                ["salesforceCalls"] = snapshot.SalesforceCalls,
                ["salesforceWrites"] = snapshot.SalesforceWrites,
                ["tasksCreated"] = snapshot.TasksCreated,
                ["contacts"] = hubSpot.Count,
                ["leads"] = salesforce.LeadCount,
            }));
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && path == "/_sandbox/simulate"
            && int.TryParse(context.Request.Query["percent"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent)
            && int.TryParse(context.Request.Query["seed"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            && percent is >= 0 and <= 100)
        {
            Seeding.WorldSimulator.Simulate(hubSpot, salesforce, percent, seed, time.GetUtcNow());
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }
}
