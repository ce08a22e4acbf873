using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LeadSync.Worker.WebConsole;

/// <summary>
/// Who a request is, from HTTP Basic credentials checked against the stored hashes. Without an admin credential
/// configured the console only serves loopback (start-up refuses anything else) and treats the local user as admin, as
/// the CLI does. With one: the credential gives admin, the viewer credential (optional) viewer, and an anonymous loopback
/// request is a viewer; anything else is challenged.
/// </summary>
public sealed class ConsoleAuth(ConsoleOptions options)
{
    // PBKDF2 is slow on purpose: a credential verified once is remembered by its digest, not re-derived on every request.
    private readonly ConcurrentDictionary<string, ConsoleRole> _verified = new(StringComparer.Ordinal);

    public ConsoleRole Resolve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return FromCredentials(header[6..].Trim());
        }

        if (string.IsNullOrEmpty(options.AdminPasswordHash))
        {
            return IsLoopback(context) ? ConsoleRole.Admin : ConsoleRole.None;
        }

        return IsLoopback(context) ? ConsoleRole.Viewer : ConsoleRole.None;
    }

    public static void Challenge(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"LeadSync console\", charset=\"UTF-8\"";
    }

    private ConsoleRole FromCredentials(string encoded)
    {
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(encoded)));
        if (_verified.TryGetValue(digest, out var known))
        {
            return known;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return ConsoleRole.None;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return ConsoleRole.None;
        }

        var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        var role = string.Equals(user, options.AdminUser, StringComparison.Ordinal) && PasswordHash.Verify(password, options.AdminPasswordHash) ? ConsoleRole.Admin
            : string.Equals(user, options.ViewerUser, StringComparison.Ordinal) && PasswordHash.Verify(password, options.ViewerPasswordHash) ? ConsoleRole.Viewer
            : ConsoleRole.None;
        if (role != ConsoleRole.None && _verified.Count < 64)
        {
            _verified[digest] = role;
        }

        return role;
    }

    private static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
}
