using Gantry.Api.Admin;
using Gantry.Api.Cloud;
using Gantry.Api.Comfy;
using Gantry.Api.Dashboard;
using Gantry.Api.Editor;
using Gantry.Api.V2;
using Gantry.Api.Webhooks;
using Gantry.Auth;
using Gantry.Auth.Sessions;
using Gantry.Domain;
using Gantry.Hosting.Frontend;
using Gantry.Mcp;
using Gantry.Store;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Gantry.Hosting;

/// <summary>
/// Builds and starts the Gantry web host: <c>gantry serve</c> uses it, and so do the tests (real Kestrel on 127.0.0.1).
/// </summary>
public static class GantryApp
{
    public const string DefaultUrl = "http://127.0.0.1:8188";

    /// <summary>The first address a started app listens on, ending in '/': what a client's BaseAddress should be.</summary>
    public static Uri ListeningAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>Builds the app from command-line style arguments (<c>--urls</c>, <c>--Gantry:Section:Key=value</c>).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(GantryConfiguration.BuilderOptions(args));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddGantry(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        if (ReverseProxy.CreateOptions(app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }

        app.UseStatusCodePages(UnknownRouteAsync);
        app.UseMiddleware<StoreOutageAnswer>();
        app.UseRouting();
        app.UseFrontendFiles();
        app.UseAuthentication();
        app.UseMiddleware<CsrfGuard>();
        app.UseRateLimiter();
        app.UseAuthorization();
        Metrics.MetricsEndpoint.UseMetricsRefresh(app);
        MapEndpoints(app);
        return app;
    }

    /// <summary>
    /// What must happen before the first request: schema migrations, the admin user, and with
    /// authentication off the local caller. Returns the admin key when this start created it.
    /// </summary>
    public static async Task<string?> InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var admin = await PrepareAsync(app, cancellationToken);
        return await app.Services.GetRequiredService<AdminBootstrap>().CreateFirstKeyAsync(admin, cancellationToken);
    }

    /// <summary>
    /// <see cref="InitializeAsync"/> without the admin key: migrations, the admin user, the local caller.
    /// <c>gantry serve</c> creates the key only once the server listens (<see cref="AdminBootstrap.CreateFirstKeyAsync"/>).
    /// </summary>
    public static async Task<User> PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        RemoteNoAuthGuard.Check(
            app.Configuration,
            app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled,
            app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value,
            app.Logger);
        DataFolder.Create(app.Services.GetRequiredService<IOptions<DataOptions>>().Value.DataDirectory);
        await app.Services.GetRequiredService<IGantryStore>().InitializeAsync(cancellationToken);
        var admin = await app.Services.GetRequiredService<AdminBootstrap>().EnsureAdminUserAsync(cancellationToken);
        if (!app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled)
        {
            app.Services.GetRequiredService<LocalCallerProvider>().Caller = new Caller(admin);
        }

        return admin;
    }

    /// <summary>A request no route matched gets a 404 with the usual <c>{code, message}</c> body, never an empty one.</summary>
    private static Task UnknownRouteAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        if (context.Response.StatusCode != StatusCodes.Status404NotFound || context.GetEndpoint() is not null)
        {
            return Task.CompletedTask;
        }

        var path = Api.ApiResults.Truncate(context.Request.Path.Value ?? "/");
        return Api.ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, Http.ErrorCodes.NotFound, $"No route {context.Request.Method} {path}.");
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapApiReference();
        app.MapGet("/healthz", () => TypedResults.Ok("ok")).AllowAnonymous().WithTags("health").WithName("health");
        Scheduling.Leadership.ReadinessEndpoint.MapReadiness(app);
        Metrics.MetricsEndpoint.MapGantryMetrics(app);
        app.MapPromptEndpoints("/api/prompt");
        app.MapCloudJobs();
        app.MapCloudQueue();
        app.MapCloudHistory();
        Gantry.Api.Cloud.Assets.CloudAssetsApi.MapCloudAssets(app);
        app.MapV2Jobs();
        app.MapV2Assets();
        app.MapWebhooks();
        app.MapComfyNative();
        app.MapEditor();
        app.MapRootPage();
        app.MapAdminWorkers();
        app.MapAdminPages();
        app.MapFleetCatalog();
        app.MapGantryMcp();
        app.MapSessionApi();
        app.MapDashboard();
    }
}
