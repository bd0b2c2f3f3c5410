namespace Gantry.Api.Dashboard;

public static class DashboardServices
{
    /// <summary>Registers what the dashboard's endpoints need beyond the shared API services.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardAssets>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(DashboardJsonContext.Default));
        return services;
    }
}
