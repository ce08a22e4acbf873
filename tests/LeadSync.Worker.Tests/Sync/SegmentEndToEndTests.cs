namespace LeadSync.Worker.Tests.SyncCycles;

/// <summary>Segments written through the real host against the sandbox, with the shipped configuration's four dimensions.</summary>
public sealed class SegmentEndToEndTests
{
    private static readonly Dictionary<string, string?> QuietOverlap = new() { ["LeadSync:Sync:OverlapSeconds"] = "0" };

    private static string? Region(string? country) => country switch
    {
        "United States" or "Canada" => "NA",
        "United Kingdom" or "Germany" or "France" or "Netherlands" or "Sweden" or "Spain" => "EMEA",
        "Australia" or "Japan" or "India" or "Singapore" => "APAC",
        "Brazil" or "Mexico" or "Argentina" => "LATAM",
        _ => "Unknown",
    };

    [Fact]
    public async Task RunCycleAsync_ShippedSegments_BothSystemsCarryThemAndQuietCyclesWriteNothing()
    {
        await using var h = await SyncHarness.StartAsync(leads: 300, seed: 16, overrides: QuietOverlap);

        var first = await h.CycleAsync();
        Assert.True(first.Succeeded, first.Error);
        Assert.True(first.SegmentsWritten > 300, $"only {first.SegmentsWritten} segment fields written");
        await h.SettleAsync();

        var linked = (await h.LeadRecordsAsync()).Where(r => r.MarketingId is not null && r.CrmId is not null && !World.Lead(h, r.CrmId!).IsConverted).ToList();
        Assert.True(linked.Count > 100, $"only {linked.Count} linked open people");
        foreach (var r in linked)
        {
            var region = Region(World.Hs(h, r.MarketingId!, "country"));
            Assert.Equal(region, World.Hs(h, r.MarketingId!, "leadsync_region"));
            Assert.Equal(region == "NA" ? "North America" : region, World.Sf(h, r.CrmId!, "Region__c"));
            Assert.False(string.IsNullOrEmpty(World.Hs(h, r.MarketingId!, "leadsync_persona")));
            Assert.False(string.IsNullOrEmpty(World.Sf(h, r.CrmId!, "Size_Band__c")));
        }

        // Two cycles with no change in either system write nothing at all, segments included.
        var before = h.Sandbox.Stats;
        var quiet1 = await h.CycleAsync();
        var quiet2 = await h.CycleAsync();
        Assert.True(quiet1.Succeeded && quiet2.Succeeded, quiet1.Error ?? quiet2.Error);
        Assert.Equal(0, quiet1.SegmentsWritten + quiet2.SegmentsWritten);
        Assert.Equal(before.HubSpotWrites, h.Sandbox.Stats.HubSpotWrites);
        Assert.Equal(before.SalesforceWrites, h.Sandbox.Stats.SalesforceWrites);

        // A marketer moves one person to another country: exactly that person's region changes, on both sides.
        var mover = linked.First(r => Region(World.Hs(h, r.MarketingId!, "country")) != "EMEA");
        h.Sandbox.HubSpot.SetProperties(mover.MarketingId!, new Dictionary<string, string?> { ["country"] = "Germany" });

        var moved = await h.CycleAsync();

        Assert.True(moved.Succeeded, moved.Error);
        Assert.Equal("EMEA", World.Hs(h, mover.MarketingId!, "leadsync_region"));
        Assert.Equal("EMEA", World.Sf(h, mover.CrmId!, "Region__c"));
        Assert.Equal(2, moved.SegmentsWritten);
        var audit = await h.Store.GetAuditAsync(h.Connection.Name, mover.LeadKey, 5, CancellationToken.None);
        Assert.Contains(audit, a => a.Details.Contains("segment Region = EMEA: rule 'emea' matched because Marketing.country = 'Germany'", StringComparison.Ordinal));
    }
}
