using Gantry.Api.Comfy.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Comfy;

/// <summary><c>GET /features</c> and <c>GET /api/features</c>: the server's feature flags; no key needed (the Cloud spec makes auth optional).</summary>
public static class FeaturesApi
{
    public static IEndpointRouteBuilder MapComfyFeatures(this IEndpointRouteBuilder app)
    {
        app.MapGet("/features", Get).AllowAnonymous().WithTags(ComfyNativeApi.Tag);
        app.MapGet("/api/features", Get).AllowAnonymous().WithName("getFeatures").WithTags("node");
        return app;
    }

    public static Ok<ServerFeatures> Get(ComfyFeatures features) => TypedResults.Ok(features.Flags);
}
