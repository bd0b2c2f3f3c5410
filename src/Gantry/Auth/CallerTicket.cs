using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Gantry.Auth;

/// <summary>What every Gantry authentication scheme hands ASP.NET Core: the caller as a feature and as a principal.</summary>
internal static class CallerTicket
{
    public static AuthenticateResult Success(HttpContext context, Caller caller, string scheme)
    {
        context.Features.Set(caller);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, caller.UserId.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, caller.Name)],
            scheme);
        if (caller.IsAdmin)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, GantryRoles.Admin));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), scheme));
    }
}
