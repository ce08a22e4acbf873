using System.Globalization;
using LeadSync.Worker.Configuration;
using LeadSync.Worker.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadSync.Worker.WebConsole;

/// <summary>Whether the console may call the connected APIs (the running worker) or shows the state only (after a demo).</summary>
public sealed record ConsoleEnvironment(bool Live);

/// <summary>Wires the console: services, its middleware (who is looking, security headers) and its pages.</summary>
public static class ConsoleEndpoints
{
    public static IServiceCollection AddLeadSyncConsole(this IServiceCollection services, LeadSyncSettings settings, bool live)
    {
        services.AddSingleton(new ConsoleEnvironment(live));
        services.AddSingleton(settings.Health.Console);
        services.AddSingleton<ConsoleAuth>();
        services.AddSingleton<ConsolePages>();

        // Keys live in memory: a token is good for this process only, which is all a form needs.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "leadsync-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "__token";
        });
        return services;
    }

    public static void MapLeadSyncConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<ConsoleOptions>();
        if (!options.Enabled)
        {
            return;
        }

        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/console", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            var role = context.RequestServices.GetRequiredService<ConsoleAuth>().Resolve(context);
            if (role == ConsoleRole.None)
            {
                ConsoleAuth.Challenge(context);
                return;
            }

            context.Items[typeof(ConsoleRole)] = role;
            await next(context);
        });

        var group = app.MapGroup("/console");
        group.MapGet("/app.css", () => Results.Text(Html.Css, "text/css"));
        group.MapGet("/login", (HttpContext context) =>
        {
            if (RoleOf(context) == ConsoleRole.Admin)
            {
                // Into the directory the browser was challenged for (/console/), where it sends the credentials by itself.
                return Results.Redirect("/console/");
            }

            ConsoleAuth.Challenge(context);
            return Results.Empty;
        });
        group.MapGet(string.Empty, (HttpContext c, ConsolePages p, CancellationToken ct) => Page(c, p.OverviewAsync(RoleOf(c), Connection(c), ct)));
        group.MapGet("/funnel", (HttpContext c, ConsolePages p, CancellationToken ct) => Page(c, p.FunnelAsync(RoleOf(c), Connection(c), Query(c, "since") ?? "30d", ct)));
        group.MapGet("/handoffs", (HttpContext c, ConsolePages p, CancellationToken ct) => Page(c, p.HandoffsAsync(RoleOf(c), Connection(c), Query(c, "since") ?? "30d", ct)));
        group.MapGet("/quarantine", (HttpContext c, ConsolePages p, IAntiforgery af, CancellationToken ct) =>
            Page(c, p.QuarantineAsync(RoleOf(c), Connection(c), af.GetAndStoreTokens(c).RequestToken!, Query(c, "done"), ct)));
        group.MapGet("/audit", (HttpContext c, ConsolePages p, CancellationToken ct) =>
            Page(c, p.AuditAsync(RoleOf(c), Connection(c), Query(c, "q"), Query(c, "since"), Query(c, "until"), ct)));
        group.MapPost("/quarantine/retry", (HttpContext c, ConsolePages p, IAntiforgery af, CancellationToken ct) => ActAsync(c, af, async form =>
        {
            var connection = form["connection"].ToString();
            var ids = form["id"].Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id >= 0).ToList();
            var done = await p.RetryAsync(connection, ids, form["reason"].ToString(), ct);
            return $"/console/quarantine?connection={Uri.EscapeDataString(connection)}&done={done}";
        }));
    }

    private static ConsoleRole RoleOf(HttpContext context) =>
        context.Items.TryGetValue(typeof(ConsoleRole), out var role) && role is ConsoleRole r ? r : ConsoleRole.None;

    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? text : null;

    private static string? Connection(HttpContext context) => Query(context, "connection");

    private static async Task<IResult> Page(HttpContext context, Task<string?> page)
    {
        var html = await page;
        return html is null ? Results.NotFound("no such connection") : Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>Actions: admins only, with a valid antiforgery token, answered with a redirect to a page (POST-redirect-GET).</summary>
    private static async Task<IResult> ActAsync(HttpContext context, IAntiforgery antiforgery, Func<IFormCollection, Task<string>> act)
    {
        if (RoleOf(context) != ConsoleRole.Admin)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest("a form is expected");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.BadRequest("the form's antiforgery token is missing or invalid: reload the page and try again");
        }

        var form = await context.Request.ReadFormAsync();
        return Results.Redirect(await act(form), permanent: false, preserveMethod: false);
    }

    internal static IReadOnlyCollection<string> Names(ConnectionRegistry registry) => [.. registry.All.Select(c => c.Name)];
}
