using System.Globalization;
using System.Net;
using System.Text.Json;
using LeadSync.Sandbox.Salesforce;
using LeadSync.Sync.Ports;
using LeadSync.Sync.Reporting;
using Microsoft.Playwright;

namespace LeadSync.Console.Tests;

/// <summary>What a person sees in the console, in Chromium, against the real worker and the sandbox.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ConsolePageTests(ConsoleFixture fixture)
{
    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load, Timeout = 60_000 };

    [Fact]
    public async Task FunnelPage_AsAdmin_ShowsTheNumbersOfTheFunnelReport()
    {
        var page = await fixture.AdminPageAsync();
        var response = await page.GotoAsync(fixture.Url("console/funnel?since=30d"), Loaded);
        var report = await fixture.Reports.BuildAsync(ReportKind.Funnel, ConsoleFixture.Connection, DateTimeOffset.UtcNow.AddDays(-30), null, CancellationToken.None);

        Assert.Equal(200, response!.Status);
        Assert.Equal("admin", await page.GetByTestId("role").InnerTextAsync());
        var stages = report.Section("stages");
        Assert.Contains(stages.Rows, r => Convert.ToInt32(r[1], CultureInfo.InvariantCulture) > 0);
        foreach (var row in stages.Rows)
        {
            Assert.Equal(Cell(row[1]), await page.GetByTestId($"stages:{row[0]}:leads").InnerTextAsync());
        }

        foreach (var row in report.Section("conversion").Rows)
        {
            Assert.Equal(Cell(row[2]), await page.GetByTestId($"conversion:{row[0]}:entered").InnerTextAsync());
            Assert.Equal(Cell(row[3]), await page.GetByTestId($"conversion:{row[0]}:converted").InnerTextAsync());
        }

        foreach (var row in report.Section("statuses").Rows.Where(r => (string)r[0]! == "Crm"))
        {
            Assert.Contains(Cell(row[2]), await page.GetByTestId($"statuses:Crm:leads").AllInnerTextsAsync());
        }

        // The chart is inline SVG, drawn by the server: one bar per stage.
        Assert.Equal(stages.Rows.Count, await page.Locator("svg rect").CountAsync());
    }

    [Fact]
    public async Task QuarantinePage_AdminRetriesARecord_RetryRequestedThenGoneAfterTheNextCycle()
    {
        var (lead, email) = await QuarantineOneAsync(0);
        var page = await fixture.AdminPageAsync();
        await page.GotoAsync(fixture.Url("console/quarantine"), Loaded);
        var row = page.GetByTestId($"q-Crm-{lead.Id}");
        Assert.Equal(1, await row.CountAsync());
        Assert.Equal(email, await row.GetByTestId("email").InnerTextAsync());

        // The admin corrects the record, then asks for a retry from the page.
        fixture.Sandbox.Salesforce.SetLeadFields(lead.Id, new Dictionary<string, object?> { ["Status"] = lead.Status });
        await row.GetByTestId("retry").ClickAsync();
        await page.WaitForURLAsync("**/console/quarantine?**done=1**", new PageWaitForURLOptions { Timeout = 60_000 });
        Assert.Contains("retry requested", await page.GetByTestId($"q-Crm-{lead.Id}").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(await fixture.Store.GetRetryRequestsAsync(ConsoleFixture.Connection, CancellationToken.None), q => q.RecordId == lead.Id);

        await fixture.CycleAsync();
        await page.ReloadAsync(new PageReloadOptions { Timeout = 60_000 });

        Assert.Equal(0, await page.GetByTestId($"q-Crm-{lead.Id}").CountAsync());
        Assert.DoesNotContain(await fixture.Store.ListQuarantineAsync(ConsoleFixture.Connection, CancellationToken.None), q => q.RecordId == lead.Id);
    }

    [Fact]
    public async Task Pages_AsViewer_EmailsMaskedAndNoActions()
    {
        var (lead, email) = await QuarantineOneAsync(1);
        var page = await fixture.ViewerPageAsync();

        await page.GotoAsync(fixture.Url("console/quarantine"), Loaded);
        Assert.Equal("viewer", await page.GetByTestId("role").InnerTextAsync());
        var row = page.GetByTestId($"q-Crm-{lead.Id}");
        Assert.Equal(EmailMask.Mask(email), await row.GetByTestId("email").InnerTextAsync());
        Assert.DoesNotContain(email, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await page.GetByTestId("retry").CountAsync());

        await page.GotoAsync(fixture.Url($"console/audit?q={Uri.EscapeDataString(email)}"), Loaded);
        var content = await page.ContentAsync();
        Assert.Contains(EmailMask.Mask(email), content, StringComparison.Ordinal);
        Assert.DoesNotContain(email, content, StringComparison.OrdinalIgnoreCase);
        Assert.True(await page.GetByTestId("lead-history").Locator("tr").CountAsync() > 1, "the lead's history is listed");
    }

    [Fact]
    public async Task RetryPost_WithoutAntiforgeryToken_IsRefusedAndNothingChanges()
    {
        var (lead, _) = await QuarantineOneAsync(2);
        var item = Assert.Single(await fixture.Store.ListQuarantineAsync(ConsoleFixture.Connection, CancellationToken.None), q => q.RecordId == lead.Id);
        var admin = await fixture.AdminPageAsync();
        await admin.GotoAsync(fixture.Url("console/quarantine"), Loaded);
        var form = admin.Context.APIRequest.CreateFormData();
        form.Set("connection", ConsoleFixture.Connection);
        form.Set("id", item.Id.ToString(CultureInfo.InvariantCulture));

        var withoutToken = await admin.Context.APIRequest.PostAsync(fixture.Url("console/quarantine/retry"), new APIRequestContextOptions { Form = form, MaxRedirects = 0 });
        var viewer = await fixture.ViewerPageAsync();
        var asViewer = await viewer.Context.APIRequest.PostAsync(fixture.Url("console/quarantine/retry"), new APIRequestContextOptions { Form = form, MaxRedirects = 0 });

        Assert.Equal((int)HttpStatusCode.BadRequest, withoutToken.Status);
        Assert.Equal((int)HttpStatusCode.Forbidden, asViewer.Status);
        Assert.DoesNotContain(await fixture.Store.GetRetryRequestsAsync(ConsoleFixture.Connection, CancellationToken.None), q => q.Id == item.Id);
    }

    [Fact]
    public async Task EveryPage_Renders_WithoutExternalResourcesAndIsScreenshotted()
    {
        var page = await fixture.AdminPageAsync();
        var external = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(fixture.BaseUrl.ToString(), StringComparison.Ordinal))
            {
                external.Add(request.Url);
            }
        };
        var handedOff = (await fixture.History.GetHistoryAsync(ConsoleFixture.Connection, new HistoryQuery(Kinds: [HistoryKinds.Handoff]), CancellationToken.None))[0].LeadKey;
        var shots = Environment.GetEnvironmentVariable("LEADSYNC_CONSOLE_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        foreach (var (path, name, heading) in new[]
        {
            ("console/", "overview", "Sync health"), ("console/funnel", "funnel", "Funnel"), ("console/handoffs", "handoffs", "Handoffs & SLA"),
            ("console/quarantine", "quarantine", "Quarantine"), ($"console/audit?q={handedOff}", "audit", "Audit"),
        })
        {
            var response = await page.GotoAsync(fixture.Url(path), Loaded);
            Assert.Equal(200, response!.Status);
            Assert.Equal(heading, await page.Locator("h1").InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, name + ".png"), FullPage = true });
        }

        Assert.Empty(external);
    }

    [Fact]
    public async Task HealthReady_Json_NamesEachCheckWithStateAndReason()
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Equal(response.IsSuccessStatusCode ? "Healthy" : "Unhealthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        Assert.Equal(["cycle-freshness", "state-store"], checks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Healthy", checks["state-store"].GetProperty("status").GetString());
        Assert.Equal("state store reachable", checks["state-store"].GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(checks["cycle-freshness"].GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Console_WrongPassword_IsChallenged()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            HttpCredentials = new HttpCredentials { Username = "admin", Password = "not-the-password", Send = HttpCredentialsSend.Always },
        });
        var response = await context.APIRequest.GetAsync(fixture.Url("console/funnel"));

        Assert.Equal(401, response.Status);
        Assert.Contains("Basic", response.Headers["www-authenticate"], StringComparison.Ordinal);
    }

    /// <summary>Gives a linked, open CRM lead a status no map covers and runs a cycle: it is quarantined. Returns it as it was.</summary>
    private async Task<(SalesforceRecord Lead, string Email)> QuarantineOneAsync(int index)
    {
        var candidates = new List<(SalesforceRecord, string)>();
        foreach (var lead in fixture.Sandbox.Salesforce.ListLeads().Where(l => !l.IsConverted && l.Status is "Open - Not Contacted" or "Working - Contacted"))
        {
            var record = (await fixture.Store.FindLeadsAsync(ConsoleFixture.Connection, [], [lead.Id], CancellationToken.None)).SingleOrDefault();
            var email = record?.LastSeenMarketing.Concat(record.LastSeenCrm)
                .FirstOrDefault(kv => string.Equals(kv.Key, "email", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(kv.Value)).Value;
            if (email is not null)
            {
                candidates.Add((lead, email));
            }
        }

        // Each test takes its own lead (by position), so tests do not see each other's records.
        Assert.True(candidates.Count > 3, $"only {candidates.Count} linked open leads in the sandbox");
        var (chosen, chosenEmail) = candidates.OrderBy(c => c.Item1.Id, StringComparer.Ordinal).ElementAt(index * 3);
        fixture.Sandbox.Salesforce.SetLeadFields(chosen.Id, new Dictionary<string, object?> { ["Status"] = "Legacy - Imported" });
        await fixture.CycleAsync();
        Assert.Contains(await fixture.Store.ListQuarantineAsync(ConsoleFixture.Connection, CancellationToken.None), q => q.RecordId == chosen.Id);
        return (chosen, chosenEmail);
    }

    private static string Cell(object? value) => LeadSync.Worker.Reporting.ReportFormat.Cell(value);
}
