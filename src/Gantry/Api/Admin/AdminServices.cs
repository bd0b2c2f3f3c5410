namespace Gantry.Api.Admin;

public static class AdminServices
{
    /// <summary>Registers the serializers of the admin users, queue and system endpoints.</summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services)
        => services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(AdminJsonContext.Default));

    /// <summary>Maps the admin users, queue and system endpoints (the workers' are mapped by <see cref="AdminWorkersApi"/>).</summary>
    public static IEndpointRouteBuilder MapAdminPages(this IEndpointRouteBuilder app)
        => app.MapAdminUsers().MapAdminQueue().MapAdminSystem();
}
