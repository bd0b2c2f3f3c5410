using Microsoft.AspNetCore.Authentication;

namespace Gantry.Auth.Sessions;

public static class SessionServices
{
    /// <summary>Binds and validates <c>Gantry:Sessions</c>; registers the session scheme, its authenticator and the sign-in limit.</summary>
    public static AuthenticationBuilder AddGantrySessions(this AuthenticationBuilder authentication)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        var services = authentication.Services;
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.AbsoluteLifetime >= o.IdleTimeout, "Gantry:Sessions:AbsoluteLifetime must be at least IdleTimeout.")
            .ValidateOnStart();
        services.AddSingleton<SessionAuthenticator>();
        services.AddSingleton<SignInRateLimit>();
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<SignInRateLimit>((limiter, policy) => limiter.AddPolicy(SignInRateLimit.PolicyName, policy));
        authentication.AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        authentication.AddPolicyScheme(GantryAuthentication.SchemeName, null, o => o.ForwardDefaultSelector = GantryAuthentication.SelectScheme);
        return authentication;
    }
}
