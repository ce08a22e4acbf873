using LeadSync.Sandbox;

namespace LeadSync.Worker.Tests.Cli;

/// <summary>Every command names a connection the same way, and none quietly picks one when several are configured.</summary>
[Trait("Category", "Integration")]
public sealed class ConnectionChoiceTests
{
    private static string TwoConnections(TempDir dir, SandboxServer sandbox) => dir.File("two.json", $$"""
        {
          "LeadSync": {
            "HubSpot": { "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}", "AccessToken": "{{sandbox.HubSpotAccessToken}}" },
            "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
            "State": { "Provider": "Sqlite", "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" },
            "Connections": [ { "Name": "emea" }, { "Name": "amer" } ]
          }
        }
        """);

    [Fact]
    public async Task SeveralConnections_CommandsNeedingOneRefuseWithoutAName_AndListTheNames()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 3, LeadCount = 20 });
        using var dir = new TempDir();
        var config = TwoConnections(dir, sandbox);

        var explain = await CliRunner.RunAsync("explain", "hs-1", "--config", config);
        var retry = await CliRunner.RunAsync("quarantine", "retry", "1", "--config", config);
        var unknown = await CliRunner.RunAsync("explain", "hs-1", "--connection", "apac", "--config", config);

        Assert.Equal(2, explain.ExitCode);
        Assert.Contains("2 connections are configured (emea, amer); say which with --connection NAME", explain.Error, StringComparison.Ordinal);
        Assert.Equal(2, retry.ExitCode);
        Assert.Contains("say which with --connection NAME", retry.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no connection named 'apac' (configured: emea, amer)", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuarantineList_WithoutAName_ShowsEveryConnectionsRecords()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 5, LeadCount = 120 });
        using var dir = new TempDir();
        var config = TwoConnections(dir, sandbox);
        var sync = await CliRunner.RunAsync("sync", "--once", "--connection", "amer", "--config", config);
        Assert.True(sync.ExitCode == 0, sync.Error + sync.Out);

        var all = await CliRunner.RunAsync("quarantine", "list", "--config", config);
        var emea = await CliRunner.RunAsync("quarantine", "list", "--connection", "emea", "--config", config);

        Assert.Equal(0, all.ExitCode);
        // The seeded world always has a record that cannot be processed (see the demo's quarantined=1).
        Assert.Contains("quarantined record(s)", all.Out, StringComparison.Ordinal);
        Assert.Contains("amer", all.Out, StringComparison.Ordinal);
        Assert.Equal(0, emea.ExitCode);
        Assert.Contains("quarantine is empty (connection emea)", emea.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneConnection_IsTheDefault_WhateverItIsCalled()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Seed = 3, LeadCount = 20 });
        using var dir = new TempDir();
        var config = dir.File("one.json", $$"""
            {
              "LeadSync": {
                "HubSpot": { "BaseUrl": "{{sandbox.HubSpotBaseUrl.ToString().TrimEnd('/')}}", "AccessToken": "{{sandbox.HubSpotAccessToken}}" },
                "Salesforce": { "LoginUrl": "{{sandbox.SalesforceLoginUrl.ToString().TrimEnd('/')}}", "ClientId": "{{sandbox.SalesforceClientId}}", "ClientSecret": "{{sandbox.SalesforceClientSecret}}" },
                "State": { "Provider": "Sqlite", "SqlitePath": "{{Path.Combine(dir.Path, "state.db")}}" },
                "Connections": [ { "Name": "acme" } ]
              }
            }
            """);

        var list = await CliRunner.RunAsync("quarantine", "list", "--config", config);
        var retry = await CliRunner.RunAsync("quarantine", "retry", "99", "--config", config);

        Assert.Equal(0, list.ExitCode);
        Assert.Contains("quarantine is empty (connection acme)", list.Out, StringComparison.Ordinal);
        Assert.Equal(2, retry.ExitCode);
        Assert.Contains("no quarantined record with id 99 in connection acme", retry.Error, StringComparison.Ordinal);
    }
}
