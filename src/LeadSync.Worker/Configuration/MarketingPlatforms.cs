using LeadSync.Connectors.HubSpot;
using LeadSync.Connectors.Marketo;
using LeadSync.Connectors.Pardot;
using LeadSync.Domain.Configuration;
using LeadSync.Domain.Planning;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Worker.Configuration;

/// <summary>The marketing platforms a connection can pair with the CRM (setting <c>MarketingPlatform</c>).</summary>
public enum MarketingPlatformKind
{
    HubSpot,
    Marketo,
    Pardot,
}

/// <summary>
/// Everything that differs per marketing platform, in one place: its configuration section, the defaults of the rules
/// a connection leaves out, the validation of its section and the registration of its connector. A new platform is one
/// more enum value and one more arm in each switch here (plus its section in <see cref="ConfigurationShape"/>).
/// </summary>
public static class MarketingPlatforms
{
    /// <summary>The setting that chooses the platform, at <c>LeadSync:</c> or in a <c>Connections</c> entry. HubSpot when absent.</summary>
    public const string SettingName = "MarketingPlatform";

    /// <summary>The configuration section holding the platform's connection options.</summary>
    public static string Section(MarketingPlatformKind platform) => platform switch
    {
        MarketingPlatformKind.Marketo => "Marketo",
        MarketingPlatformKind.Pardot => "Pardot",
        _ => "HubSpot",
    };

    public static bool TryParse(string? value, out MarketingPlatformKind platform)
    {
        platform = MarketingPlatformKind.HubSpot;
        return string.IsNullOrWhiteSpace(value)
            || (Enum.TryParse(value.Trim(), ignoreCase: true, out platform) && Enum.IsDefined(platform) && !int.TryParse(value, out _));
    }

    public static string Allowed => string.Join(", ", Enum.GetNames<MarketingPlatformKind>());

    /// <summary>The rules' defaults for what a connection does not configure (the HubSpot ones are the domain's own).</summary>
    public static ConnectionModelOptions Defaults(MarketingPlatformKind platform) => platform switch
    {
        MarketingPlatformKind.Marketo => new ConnectionModelOptions
        {
            Scoring = MarketoModelDefaults.Scoring(),
            Lifecycle = MarketoModelDefaults.Lifecycle(),
            Mappings = MarketoModelDefaults.Mappings(),
        },
        MarketingPlatformKind.Pardot => new ConnectionModelOptions
        {
            Scoring = PardotDefaults.Scoring(),
            Lifecycle = PardotDefaults.Lifecycle(),
            Mappings = PardotDefaults.Mappings(),
        },
        _ => new ConnectionModelOptions(),
    };

    /// <summary>The chosen platform's section only: a Marketo connection needs no HubSpot token.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) => connection.MarketingPlatform switch
    {
        MarketingPlatformKind.Marketo => MarketoOptionsValidator.Validate(connection.Marketo, connection.SectionPaths["Marketo"]),
        MarketingPlatformKind.Pardot => PardotOptionsValidator.Validate(connection.Pardot, connection.SectionPaths["Pardot"]),
        _ => HubSpotOptionsValidator.Validate(connection.HubSpot, connection.SectionPaths["HubSpot"]),
    };

    /// <summary>Registers the connection's keyed <see cref="Sync.Ports.IMarketingPlatform"/>.</summary>
    public static void Register(IServiceCollection services, ConnectionSettings connection)
    {
        switch (connection.MarketingPlatform)
        {
            case MarketingPlatformKind.Marketo:
                services.AddMarketoConnector(connection.Name, connection.Marketo);
                break;
            case MarketingPlatformKind.Pardot:
                services.AddPardotConnector(connection.Name, connection.Pardot, new PardotProspectSchema(connection.Pardot.StatusField, connection.Pardot.ScoreField, connection.Pardot.GradeField));
                break;
            default:
                services.AddHubSpotConnector(connection.Name, connection.HubSpot, new HubSpotContactSchema(
                    connection.Model.Mappings.CrossReference.HubSpotProperty, Blank(connection.HubSpot.ScoreProperty), Blank(connection.HubSpot.GradeProperty)));
                break;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
