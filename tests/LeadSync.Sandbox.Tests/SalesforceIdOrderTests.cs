using System.Net;
using System.Text.Json.Nodes;
using LeadSync.Sandbox.Salesforce;

namespace LeadSync.Sandbox.Tests;

/// <summary>
/// Salesforce ids are case-sensitive (a 15-character id's case is part of it; an 18-character id's suffix spells that
/// case out), so SOQL orders and compares them ordinally: the (SystemModstamp, Id) cursor LeadSync pages with depends on it.
/// </summary>
public sealed class SalesforceIdOrderTests
{
    [Fact]
    public async Task OrderBySystemModstampThenId_TiesOrderedByExactId()
    {
        await using var sb = await Sandbox.StartAsync(o => o.LeadCount = 300);
        await sb.SalesforceLoginAsync();
        var store = sb.Server.Salesforce;
        // The clock does not move, so every lead touched here shares one SystemModstamp (Salesforce keeps whole seconds).
        foreach (var lead in store.ListLeads())
            store.SetLeadFields(lead.Id, new Dictionary<string, object?> { ["Title"] = "Tied" });
        var ids = store.ListLeads().Select(l => l.Id).ToList();
        var ordinal = ids.Order(StringComparer.Ordinal).ToList();
        Assert.NotEqual(ordinal, ids.Order(StringComparer.OrdinalIgnoreCase).ToList()); // the data tells the two orders apart

        var (response, body) = await sb.SoqlAsync($"SELECT Id FROM Lead WHERE SystemModstamp >= {Sandbox.Start:yyyy-MM-ddTHH:mm:ssZ} ORDER BY SystemModstamp, Id");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ordinal, Ids(body));
    }

    [Fact]
    public async Task IdGreaterThan_ComparesOrdinally()
    {
        await using var sb = await Sandbox.StartAsync(o => o.LeadCount = 300);
        await sb.SalesforceLoginAsync();
        var ids = sb.Server.Salesforce.ListLeads().Select(l => l.Id).ToList();
        // A pivot ending in a lower-case letter with an id before it (same first 14 characters, upper-case last) that a
        // case-insensitive comparison would put after it.
        var pivot = ids.Order(StringComparer.Ordinal).First(id => char.IsAsciiLetterLower(id[14]) &&
            ids.Any(o => o[..14] == id[..14] && char.IsAsciiLetterUpper(o[14]) && char.ToLowerInvariant(o[14]) > id[14]));
        var expected = ids.Where(i => string.CompareOrdinal(i, pivot) > 0).Order(StringComparer.Ordinal).ToList();
        Assert.NotEqual(expected.Count, ids.Count(i => string.Compare(i, pivot, StringComparison.OrdinalIgnoreCase) > 0));

        var (response, body) = await sb.SoqlAsync($"SELECT Id FROM Lead WHERE Id > '{pivot}' ORDER BY Id");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.Count, (int)body["totalSize"]!);
        Assert.Equal(expected, Ids(body));
    }

    [Fact]
    public async Task FifteenCharacterId_IsCaseSensitive_EighteenCharacterId_ReadsItsCaseFromTheSuffix()
    {
        await using var sb = await Sandbox.StartAsync();
        await sb.SalesforceLoginAsync();
        var id = sb.Server.Salesforce.ListLeads().Select(l => l.Id).First(i => i[3..15].Any(char.IsAsciiLetter));
        var recased15 = new string([.. id[..15].Select(c => char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);

        var exact15 = await sb.SoqlAsync($"SELECT Id FROM Lead WHERE Id = '{id[..15]}'");
        var other15 = await sb.SoqlAsync($"SELECT Id FROM Lead WHERE Id = '{recased15}'");
        var lower18 = await sb.SoqlAsync($"SELECT Id FROM Lead WHERE Id IN ('{id.ToLowerInvariant()}')");
        using var get = await sb.Salesforce.GetAsync($"/services/data/v60.0/sobjects/Lead/{id.ToUpperInvariant()}");

        Assert.Equal([id], Ids(exact15.Body));
        Assert.Empty(Ids(other15.Body));
        Assert.Equal([id], Ids(lower18.Body));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(id, (string?)(await Sandbox.ReadAsync(get))["Id"]);
    }

    [Theory]
    [InlineData("00QSb000000abcD", "00QSb000000abcDMAQ")]
    [InlineData("00qsb000000abcdmaq", "00QSb000000abcDMAQ")]
    [InlineData("00QSB000000ABCDMAQ", "00QSb000000abcDMAQ")]
    public void Canonical_FifteenAsWritten_EighteenRecasedBySuffix(string given, string expected) =>
        Assert.Equal(expected, SalesforceIds.Canonical(given));

    [Theory]
    [InlineData("00QSb000000abcDZZZ")] // the suffix marks digits as upper-case: no such id
    [InlineData("00QSb000000abc")]
    [InlineData("00QSb000000abcD-AY")]
    public void Canonical_NotAnId_Null(string given) => Assert.Null(SalesforceIds.Canonical(given));

    private static List<string> Ids(JsonNode body) => [.. body["records"]!.AsArray().Select(r => (string)r!["Id"]!)];
}
