using System.Text.Json;

namespace LeadSync.Connectors.HubSpot.Tests.Infrastructure;

/// <summary>
/// A small validator for request bodies against the official HubSpot OpenAPI components: resolves $ref and checks
/// required, types, enums, arrays/items and additionalProperties. Stricter than OpenAPI on one point on purpose:
/// a property that is neither declared nor allowed by additionalProperties is an error, so typos are caught.
/// </summary>
public sealed class SpecValidator
{
    private readonly JsonElement _root;

    private SpecValidator(JsonElement root) => _root = root;

    public static SpecValidator Contacts { get; } = Load("hubspot-crm-contacts-v3.json");

    /// <summary>
    /// The official spec as shipped beside the repository (<c>../shared/api/hubspot-openapi</c>) when it is there,
    /// otherwise the copy vendored in this test project (Specs/), which <see cref="VendoredCopyPath"/> names; a test
    /// checks the two are identical whenever both exist, so the copy cannot drift.
    /// </summary>
    public static SpecValidator Load(string fileName)
    {
        var path = SharedPath(fileName) is { } shared && File.Exists(shared) ? shared : VendoredCopyPath(fileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"HubSpot OpenAPI spec {fileName} not found beside the repository (../shared/api/hubspot-openapi) nor at {path}.");
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new SpecValidator(doc.RootElement.Clone());
    }

    public static string VendoredCopyPath(string fileName) => Path.Combine(AppContext.BaseDirectory, "Specs", fileName);

    /// <summary>../shared/api/hubspot-openapi/FILE relative to the directory holding LeadSync.sln; null when there is no such directory.</summary>
    public static string? SharedPath(string fileName)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LeadSync.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null ? null : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "api", "hubspot-openapi", fileName));
    }

    /// <summary>Every deviation of <paramref name="json"/> from the component schema, as "path: problem".</summary>
    public IReadOnlyList<string> Validate(string json, string component)
    {
        using var doc = JsonDocument.Parse(json);
        var errors = new List<string>();
        Check(doc.RootElement, Resolve($"#/components/schemas/{component}"), "$", errors);
        return errors;
    }

    private JsonElement Resolve(string reference)
    {
        var node = _root;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
        {
            if (!node.TryGetProperty(part, out node))
            {
                throw new InvalidOperationException($"unresolvable $ref {reference}");
            }
        }

        return node;
    }

    private void Check(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = Resolve(reference.GetString()!);
        }

        if (schema.TryGetProperty("enum", out var allowed) && value.ValueKind == JsonValueKind.String
            && !allowed.EnumerateArray().Any(a => a.GetString() == value.GetString()))
        {
            errors.Add($"{path}: '{value.GetString()}' is not one of the enum values");
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "object":
                CheckObject(value, schema, path, errors);
                break;
            case "array":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}: expected array, got {value.ValueKind}");
                    break;
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(item, items, $"{path}[{i++}]", errors);
                    }
                }

                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"{path}: expected string, got {value.ValueKind}");
                }

                break;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _))
                {
                    errors.Add($"{path}: expected integer, got {value.ValueKind}");
                }

                break;
            case "number":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    errors.Add($"{path}: expected number, got {value.ValueKind}");
                }

                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: expected boolean, got {value.ValueKind}");
                }

                break;
            default:
                break;
        }
    }

    private void CheckObject(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected object, got {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{path}.{name}: required property missing");
                }
            }
        }

        var declared = schema.TryGetProperty("properties", out var props) ? props : default;
        var additional = schema.TryGetProperty("additionalProperties", out var extra) ? extra : default;
        foreach (var property in value.EnumerateObject())
        {
            if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(property.Value, propertySchema, $"{path}.{property.Name}", errors);
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Check(property.Value, additional, $"{path}.{property.Name}", errors);
            }
            else if (additional.ValueKind != JsonValueKind.True)
            {
                errors.Add($"{path}.{property.Name}: property not declared by the schema");
            }
        }
    }
}
