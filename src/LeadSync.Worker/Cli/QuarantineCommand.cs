using System.CommandLine;
using System.Globalization;
using LeadSync.Sync.Ports;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LeadSync.Worker.Cli;

/// <summary><c>quarantine list</c> and <c>quarantine retry &lt;id&gt;</c>: see and act on records that could not be processed.</summary>
public static class QuarantineCommand
{
    public static Command Create(CommandIo io)
    {
        var listConnection = ConnectionChoice.CreateOption("Only this connection (default: every connection)");
        var connectionOption = ConnectionChoice.CreateOption();

        var list = new Command("list", "List quarantined records: system, record id, reason, first/last seen, attempts.\n\nExample:\n  leadsync quarantine list") { listConnection };
        list.SetAction(async (parse, ct) =>
        {
            var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
            if (loaded is null)
            {
                return ExitCodes.InvalidInput;
            }

            IReadOnlyList<ConnectionSettings> connections = loaded.Settings.Connections;
            if (parse.GetValue(listConnection) is { } requested)
            {
                if (ConnectionChoice.Resolve(loaded.Settings, requested, out var choiceError) is not { } chosen)
                {
                    await io.Error.WriteLineAsync(choiceError);
                    return ExitCodes.InvalidInput;
                }

                connections = [chosen];
            }

            using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
            var store = host.Services.GetRequiredService<IStateStore>();
            await store.MigrateAsync(ct);
            var items = new List<(string Connection, LeadSync.Domain.Planning.QuarantineItem Item)>();
            foreach (var connection in connections)
            {
                items.AddRange((await store.ListQuarantineAsync(connection.Name, ct)).Select(i => (connection.Name, i)));
            }

            if (items.Count == 0)
            {
                io.Out.WriteLine(connections.Count == 1 ? $"quarantine is empty (connection {connections[0].Name})" : $"quarantine is empty ({connections.Count} connections)");
                return ExitCodes.Success;
            }

            var table = new TextTable("connection", "id", "system", "record", "attempts", "first seen", "last seen", "retry", "reason");
            foreach (var (connectionName, item) in items)
            {
                table.Add(
                    connectionName, item.Id.ToString(CultureInfo.InvariantCulture), item.System.ToString(), item.RecordId,
                    item.Attempts.ToString(CultureInfo.InvariantCulture), item.FirstSeenAt.ToString("u", CultureInfo.InvariantCulture),
                    item.LastSeenAt.ToString("u", CultureInfo.InvariantCulture), item.RetryRequested ? "requested" : string.Empty, ConsoleText.Reason(item.Reason));
            }

            io.Out.Write(table.ToString());
            io.Out.WriteLine($"{items.Count} quarantined record(s)");
            return ExitCodes.Success;
        });

        var idArgument = new Argument<long>("id")
        {
            Description = "The quarantine id shown by 'quarantine list'",
            CustomParser = r =>
            {
                // Refused while parsing, before any state is opened or created.
                var token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
                if (!long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
                {
                    r.AddError($"id must be a quarantine id (a whole number from 1) as shown by 'quarantine list' (got '{token}')");
                    return 0;
                }

                return id;
            },
        };
        var retry = new Command("retry", "Ask the next cycle to process a quarantined record again.\n\nExample:\n  leadsync quarantine retry 12") { idArgument, connectionOption };
        retry.SetAction(async (parse, ct) =>
        {
            var loaded = LeadSyncHostFactory.LoadOrReport(parse.GetValue(CommonOptions.Config), io.Error);
            if (loaded is null)
            {
                return ExitCodes.InvalidInput;
            }

            if (ConnectionChoice.Resolve(loaded.Settings, parse.GetValue(connectionOption), out var choiceError) is not { } chosen)
            {
                await io.Error.WriteLineAsync(choiceError);
                return ExitCodes.InvalidInput;
            }

            using var host = LeadSyncHostFactory.BuildCommandHost(loaded, LogEventLevel.Warning);
            var store = host.Services.GetRequiredService<IStateStore>();
            await store.MigrateAsync(ct);
            var id = parse.GetValue(idArgument);
            if (!await store.RequestRetryAsync(chosen.Name, id, ct))
            {
                await io.Error.WriteLineAsync($"error: no quarantined record with id {id} in connection {chosen.Name}");
                return ExitCodes.InvalidInput;
            }

            io.Out.WriteLine($"record {id} will be retried in the next cycle");
            return ExitCodes.Success;
        });

        return new Command("quarantine", "See and act on records that could not be processed.") { list, retry };
    }
}
