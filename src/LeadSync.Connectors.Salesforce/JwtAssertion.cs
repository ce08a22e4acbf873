using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LeadSync.Connectors.Salesforce;

/// <summary>The RS256 assertion of the OAuth 2.0 JWT bearer flow, built with the platform's own crypto.</summary>
public static class JwtAssertion
{
    /// <summary>Salesforce accepts an assertion for a few minutes; three keeps clock skew harmless.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(3);

    public static string Create(string clientId, string username, string audience, DateTimeOffset now, RSA privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" });
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = clientId,
            ["sub"] = username,
            ["aud"] = audience,
            ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
        });
        var signingInput = $"{Base64Url(header)}.{Base64Url(claims)}";
        var signature = privateKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
