using System.Text.Json;

namespace LeadSync.Connectors.HubSpot.Tests.Infrastructure;

/// <summary>Assertions on captured bodies: valid against the official spec, with the documented quirks named explicitly.</summary>
public static class Spec
{
    /// <summary>The spec marks <c>after</c> required; the first page of every official client omits it.</summary>
    public const string SearchAfterOmitted = "$.after: required property missing";

    /// <summary>The spec types sorts as string[]; the docs and clients send objects, which HubSpot expects.</summary>
    public static bool IsSortObjectQuirk(string error) => error.StartsWith("$.sorts[", StringComparison.Ordinal) && error.EndsWith("expected string, got Object", StringComparison.Ordinal);

    public static void AssertValid(string body, string component, params string[] acceptedQuirks)
    {
        var errors = SpecValidator.Contacts.Validate(body, component)
            .Where(e => !acceptedQuirks.Contains(e) && !IsSortObjectQuirk(e))
            .ToList();
        Assert.True(errors.Count == 0, $"{component} body violates the spec:\n{string.Join("\n", errors)}\nBody: {body}");
    }

    public static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    public static void AssertJsonEqual(string expected, string actual) => Assert.Equal(Normalize(expected), Normalize(actual));
}
