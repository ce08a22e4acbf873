using System.Globalization;
using System.Text.Json;

namespace LeadSync.Connectors.Marketo.Tests.Infrastructure;

/// <summary>
/// Checks a captured request against Adobe's Swagger 2.0 files: the path and method exist; every required parameter
/// is there, no undeclared one is; repeated keys only for <c>collectionFormat: multi</c> arrays; integers parse; enums
/// hold; the JSON body matches its definition (required, types, enums, items). Stricter than Swagger on one point:
/// a body property no definition declares is an error, except in <c>Lead</c>, which the spec documents as open
/// ("may have any number of other fields").
/// </summary>
public sealed class SwaggerValidator
{
    private static readonly string[] OpenDefinitions = ["#/definitions/Lead"];

    private readonly JsonElement _root;

    private SwaggerValidator(JsonElement root) => _root = root;

    public static SwaggerValidator LeadDatabase { get; } = Load("swagger-mapi.json");

    public static SwaggerValidator Identity { get; } = Load("swagger-identity.json");

    public static SwaggerValidator For(Captured request) => request.IsIdentity ? Identity : LeadDatabase;

    public static SwaggerValidator Load(string file)
    {
        var path = SharedPath(file) is { } shared && File.Exists(shared) ? shared : VendoredPath(file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new SwaggerValidator(doc.RootElement.Clone());
    }

    public static string VendoredPath(string file) => Path.Combine(AppContext.BaseDirectory, "Specs", file);

    /// <summary>../shared/api/marketo-openapi/FILE beside the directory holding LeadSync.sln; null when there is none.</summary>
    public static string? SharedPath(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LeadSync.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null ? null : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "api", "marketo-openapi", file));
    }

    /// <summary>The path item for a request path: a literal match, else a template whose {parameters} stand for one segment each.</summary>
    private JsonElement? FindPath(string path)
    {
        var paths = _root.GetProperty("paths");
        if (paths.TryGetProperty(path, out var exact))
        {
            return exact;
        }

        var segments = path.Split('/');
        foreach (var candidate in paths.EnumerateObject())
        {
            var template = candidate.Name.Split('/');
            if (template.Length == segments.Length && template.Zip(segments).All(p =>
                p.First == p.Second || (p.First.StartsWith('{') && p.First.EndsWith('}')) || IsTemplatedFile(p.First, p.Second)))
            {
                return candidate.Value;
            }
        }

        return null;
    }

    /// <summary>"{listId}.json" against "1002.json".</summary>
    private static bool IsTemplatedFile(string template, string segment) =>
        template.StartsWith('{') && template.EndsWith("}.json", StringComparison.Ordinal) && segment.EndsWith(".json", StringComparison.Ordinal);

    public IReadOnlyList<string> Validate(Captured request)
    {
        var errors = new List<string>();
        if (FindPath(request.Path) is not { } pathItem)
        {
            return [$"{request.Method} {request.Path}: no such path in the spec"];
        }

        if (!pathItem.TryGetProperty(request.Method.ToLowerInvariant(), out var operation))
        {
            return [$"{request.Method} {request.Path}: method not declared for this path"];
        }

        var parameters = operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
        var declaredQuery = parameters.Where(x => x.GetProperty("in").GetString() == "query").ToDictionary(x => x.GetProperty("name").GetString()!, StringComparer.Ordinal);
        foreach (var group in request.Query.GroupBy(q => q.Key, StringComparer.Ordinal))
        {
            if (!declaredQuery.TryGetValue(group.Key, out var parameter))
            {
                errors.Add($"query '{group.Key}': not a parameter of {request.Path}");
                continue;
            }

            var type = parameter.GetProperty("type").GetString();
            var multi = parameter.TryGetProperty("collectionFormat", out var format) && format.GetString() == "multi";
            if (type != "array" && group.Count() > 1)
            {
                errors.Add($"query '{group.Key}': sent {group.Count()} times but is not an array");
            }
            else if (type == "array" && !multi)
            {
                errors.Add($"query '{group.Key}': array without collectionFormat multi");
            }

            var itemType = type == "array" ? parameter.GetProperty("items").GetProperty("type").GetString() : type;
            foreach (var (_, value) in group)
            {
                if (itemType == "integer" && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"query '{group.Key}': '{value}' is not an integer");
                }

                if (parameter.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.GetString() == value))
                {
                    errors.Add($"query '{group.Key}': '{value}' is not one of the enum values");
                }

                if (value.Length == 0)
                {
                    errors.Add($"query '{group.Key}': empty value");
                }
            }
        }

        foreach (var required in declaredQuery.Values.Where(x => x.TryGetProperty("required", out var r) && r.GetBoolean()))
        {
            var name = required.GetProperty("name").GetString()!;
            if (!request.Query.Any(q => q.Key == name))
            {
                errors.Add($"query '{name}': required parameter missing");
            }
        }

        var body = parameters.FirstOrDefault(x => x.GetProperty("in").GetString() == "body");
        if (body.ValueKind == JsonValueKind.Object)
        {
            if (string.IsNullOrEmpty(request.Body))
            {
                if (body.TryGetProperty("required", out var r) && r.GetBoolean())
                {
                    errors.Add("body: required but empty");
                }
            }
            else
            {
                if (!request.Headers.TryGetValue("Content-Type", out var contentType) || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add("body: Content-Type is not application/json (Marketo answers 612)");
                }

                using var doc = JsonDocument.Parse(request.Body);
                Check(doc.RootElement, body.GetProperty("schema"), "$", errors, open: false);
            }
        }
        else if (!string.IsNullOrEmpty(request.Body))
        {
            errors.Add("body: sent, but the operation declares none");
        }

        return errors;
    }

    private JsonElement Resolve(string reference)
    {
        var node = _root;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
        {
            node = node.GetProperty(part);
        }

        return node;
    }

    private void Check(JsonElement value, JsonElement schema, string path, List<string> errors, bool open)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            open = OpenDefinitions.Contains(reference.GetString());
            schema = Resolve(reference.GetString()!);
        }

        if (schema.TryGetProperty("enum", out var allowed) && value.ValueKind == JsonValueKind.String
            && !allowed.EnumerateArray().Any(a => a.GetString() == value.GetString()))
        {
            errors.Add($"{path}: '{value.GetString()}' is not one of the enum values");
        }

        switch (schema.TryGetProperty("type", out var t) ? t.GetString() : null)
        {
            case "object":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{path}: expected object, got {value.ValueKind}");
                    break;
                }

                if (schema.TryGetProperty("required", out var required))
                {
                    foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
                    {
                        errors.Add($"{path}.{name}: required property missing");
                    }
                }

                var declared = schema.TryGetProperty("properties", out var props) ? props : default;
                foreach (var property in value.EnumerateObject())
                {
                    if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(property.Name, out var propertySchema))
                    {
                        Check(property.Value, propertySchema, $"{path}.{property.Name}", errors, open: false);
                    }
                    else if (!open)
                    {
                        errors.Add($"{path}.{property.Name}: property not declared by the schema");
                    }
                }

                break;
            case "array":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}: expected array, got {value.ValueKind}");
                    break;
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(item, schema.GetProperty("items"), $"{path}[{i++}]", errors, open: false);
                }

                break;
            case "string" when value.ValueKind != JsonValueKind.String:
                errors.Add($"{path}: expected string, got {value.ValueKind}");
                break;
            case "integer" when value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _):
                errors.Add($"{path}: expected integer, got {value.ValueKind}");
                break;
            case "boolean" when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                errors.Add($"{path}: expected boolean, got {value.ValueKind}");
                break;
            default:
                break;
        }
    }
}

public static class Spec
{
    /// <summary>Every request valid against its Swagger file, every REST call with a bearer token and no token in the query.</summary>
    public static void AssertAllValid(IEnumerable<Captured> requests)
    {
        var problems = new List<string>();
        foreach (var request in requests)
        {
            problems.AddRange(SwaggerValidator.For(request).Validate(request).Select(e => $"{request.Method} {request.Path}: {e}"));
            if (!request.IsIdentity)
            {
                if (request.Bearer is null)
                {
                    problems.Add($"{request.Method} {request.Path}: no Authorization: Bearer header");
                }

                if (request.Query.Any(q => q.Key == "access_token"))
                {
                    problems.Add($"{request.Method} {request.Path}: access_token in the query (being removed by Adobe)");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
