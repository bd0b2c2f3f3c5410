using Gantry.Api;
using Gantry.Api.Admin;
using Gantry.Assets;
using Gantry.Api.Cloud;
using Gantry.Api.Comfy;
using Gantry.Api.Dashboard;
using Gantry.Api.Editor;
using Gantry.Api.Json;
using Gantry.Api.V2;
using Gantry.Auth;
using Gantry.Auth.Sessions;
using Gantry.Events;
using Gantry.Events.Cluster;
using Gantry.Hosting.Frontend;
using Gantry.Jobs;
using Gantry.Jobs.Submission;
using Gantry.Mcp;
using Gantry.Outputs;
using Gantry.Scheduling;
using Gantry.Store;
using Gantry.Workers;
using Gantry.Webhooks;
using Gantry.Workers.ComfyUi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gantry.Hosting;

/// <summary>Registers Gantry's parts. The host (<see cref="GantryApp"/>) stays a thin shell over this.</summary>
public static class GantryServices
{
    public static IServiceCollection AddGantry(this IServiceCollection services, IConfiguration configuration)
    {
        // Each feature binds and validates its own settings section (ValidateOnStart): a bad setting stops the start.
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGantryStore();
        services.AddAuthOptions();
        services.AddApiOptions();
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateOnStart();

        services.AddSingleton<JobSignals>();
        Metrics.MetricsServices.AddGantryMetrics(services, configuration);
        services.AddSingleton<JobCanceller>();
        services.AddSubmission();
        services.AddSingleton<CloudJobViews>();
        services.AddSingleton<JobListAnswer>();
        services.AddV2Api();
        services.AddWebhooks();

        services.AddSingleton<EventHub>();
        services.AddEventRelay();
        services.AddSingleton(sp => new ContentStore(sp.GetRequiredService<IOptions<DataOptions>>().Value.DataDirectory));
        services.AddSingleton<OutputImporter>();
        services.AddAssets();
        services.AddSingleton<Gantry.Api.Cloud.Assets.AssetViews>();
        services.AddComfyNative();
        services.AddEditor();
        services.AddFrontend();

        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<AccessWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessWatcher>());
        services.AddSingleton<OpenSockets>();
        services.AddSingleton<RevokedSocketCloser>();
        services.AddHostedService(sp => sp.GetRequiredService<RevokedSocketCloser>());
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptions<SecurityOptions>>((limiter, security) => KeyRateLimit.Configure(limiter, security.Value));
        services.AddSingleton<LocalCallerProvider>();
        services.AddSingleton<AdminBootstrap>();
        services.AddAuthentication(GantryAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddGantrySessions();
        // The policies name no scheme: they judge the user the authentication middleware already found with the default
        // scheme, instead of authenticating each request a second time.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(GantryRoles.Admin, policy => policy.RequireRole(GantryRoles.Admin));

        services.ConfigureHttpJsonOptions(json =>
        {
            // The context's own generation options do not carry over to these options; state them again.
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, GantryJsonContext.Default);
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        services.AddOpenApi(options => options.AddDocumentTransformer<NonHttpRoutesTransformer>());
        services.AddDashboard();
        services.AddAdminApi();
        services.AddWorkers();
        services.AddComfyUiWorkers();
        services.AddScheduling();
        services.AddGantryMcpHttp();
        return services;
    }
}
