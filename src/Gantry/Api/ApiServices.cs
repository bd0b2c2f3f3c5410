namespace Gantry.Api;

public static class ApiServices
{
    /// <summary>Binds and validates <c>Gantry:Api</c>.</summary>
    public static IServiceCollection AddApiOptions(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
