namespace Gantry.Auth;

public static class AuthServices
{
    /// <summary>Binds and validates <c>Gantry:Auth</c>.</summary>
    public static IServiceCollection AddAuthOptions(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName)
            .Validate(o => o.KeyCacheDuration >= TimeSpan.Zero, "Gantry:Auth:KeyCacheDuration must not be negative.")
            .ValidateOnStart();
        return services;
    }
}
