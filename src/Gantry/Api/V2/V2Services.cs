namespace Gantry.Api.V2;

public static class V2Services
{
    /// <summary>Binds and validates <c>Gantry:V2</c>, and registers what the v2 routes use.</summary>
    public static IServiceCollection AddV2Api(this IServiceCollection services)
    {
        services.AddOptions<V2Options>().BindConfiguration(V2Options.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.JobRetention > TimeSpan.Zero, "Gantry:V2:JobRetention must be positive.")
            .Validate(o => o.AssetRetention is null || o.AssetRetention > TimeSpan.Zero, "Gantry:V2:AssetRetention must be positive when set.")
            .Validate(o => o.KeepAliveInterval > TimeSpan.Zero, "Gantry:V2:KeepAliveInterval must be positive.")
            .Validate(o => o.ProgressInterval >= TimeSpan.Zero, "Gantry:V2:ProgressInterval must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<JobProgressTracker>();
        services.AddSingleton<V2JobViews>();
        services.AddSingleton<V2StreamLimits>();
        services.AddSingleton<V2AssetViews>();
        services.AddSingleton<V2AssetResolver>();
        return services;
    }
}
