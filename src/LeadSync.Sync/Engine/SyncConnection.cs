using LeadSync.Sync.Ports;

namespace LeadSync.Sync.Engine;

/// <summary>One marketing-platform/CRM pair with its compiled rules.</summary>
public sealed record SyncConnection(string Name, IMarketingPlatform Marketing, ICrmSystem Crm, ConnectionModel Model);
