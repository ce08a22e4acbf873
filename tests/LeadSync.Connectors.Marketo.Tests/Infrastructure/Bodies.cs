using System.Globalization;
using System.Text.Json;

namespace LeadSync.Connectors.Marketo.Tests.Infrastructure;

/// <summary>Response bodies in the documented shapes (facts sheet §2, §4, §5).</summary>
public static class Bodies
{
    public static string PagingToken(string token) => $$"""{"requestId":"1607c#14884f3e74e","success":true,"nextPageToken":"{{token}}"}""";

    public static string Activity(long id, long leadId, string date, int type, string? primary = null, params (string Name, string Value)[] attributes) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id,
            ["marketoGUID"] = id.ToString(CultureInfo.InvariantCulture),
            ["leadId"] = leadId,
            ["activityDate"] = date,
            ["activityTypeId"] = type,
            ["primaryAttributeValue"] = primary,
            ["attributes"] = attributes.Select(a => new Dictionary<string, string> { ["name"] = a.Name, ["value"] = a.Value }).ToList(),
        });

    public static string Activities(string nextToken, bool more, params string[] activities) =>
        $$"""{"requestId":"24fd#15188a88d7f","success":true,"moreResult":{{(more ? "true" : "false")}},"nextPageToken":"{{nextToken}}","result":[{{string.Join(",", activities)}}]}""";

    public static string Lead(long id, string email, params (string Name, object? Value)[] fields)
    {
        var values = new Dictionary<string, object?> { ["id"] = id, ["email"] = email, ["updatedAt"] = "2026-11-20T08:00:00Z" };
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        return JsonSerializer.Serialize(values);
    }

    public static string Leads(params string[] leads) => $$"""{"requestId":"12951#15699db5c97","success":true,"result":[{{string.Join(",", leads)}}]}""";

    public static string Describe(params (string Name, string DataType, bool Updateable, bool CrmManaged)[] fields) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["requestId"] = "37ca#1475b74e276",
            ["success"] = true,
            ["result"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "API Lead",
                    ["searchableFields"] = new[] { new[] { "email" }, new[] { "id" }, new[] { "sfdcLeadId" } },
                    ["fields"] = fields.Select(f => new Dictionary<string, object>
                    {
                        ["name"] = f.Name, ["displayName"] = f.Name, ["dataType"] = f.DataType, ["updateable"] = f.Updateable, ["crmManaged"] = f.CrmManaged,
                    }).ToArray(),
                },
            },
        });

    public static string ActivityTypes(params int[] ids) =>
        $$"""{"requestId":"6e78#148ad3b76f1","success":true,"result":[{{string.Join(",", ids.Select(i => $$"""{"id":{{i}},"name":"type {{i}}","primaryAttribute":{"name":"Asset","dataType":"string"},"attributes":[]}"""))}}]}""";

    /// <summary>The fields of a typical instance, as describe2 lists them.</summary>
    public static string StandardDescribe() => Describe(
        ("id", "integer", false, false), ("email", "email", true, false), ("firstName", "string", true, false), ("lastName", "string", true, false),
        ("company", "string", true, false), ("title", "string", true, false), ("leadSource", "string", true, false), ("leadStatus", "string", true, false),
        ("leadScore", "integer", true, false), ("numberOfEmployees", "integer", true, false), ("unsubscribed", "boolean", true, false),
        ("lifecycleStage", "string", true, false), ("leadSyncScore", "integer", true, false), ("fitGrade", "string", true, false),
        ("updatedAt", "datetime", false, false), ("sfdcLeadId", "string", false, true), ("sfdcContactId", "string", false, true), ("sfdcType", "string", false, true));

    public static string Sync(params string[] results) => $$"""{"requestId":"e42b#14272d07d78","success":true,"result":[{{string.Join(",", results)}}]}""";
}
