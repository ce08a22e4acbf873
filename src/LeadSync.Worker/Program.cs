using LeadSync.Worker.Cli;

// The host only composes: each command lives in Cli/, the wiring in Hosting/.
return await LeadSyncCli.RunAsync(args);
