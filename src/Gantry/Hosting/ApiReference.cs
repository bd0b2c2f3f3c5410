using Scalar.AspNetCore;

namespace Gantry.Hosting;

/// <summary>
/// The interactive API reference at <c>/docs</c> (Scalar) over <c>/openapi/v1.json</c>. Its script ships inside the
/// Scalar.AspNetCore assembly and is served from here; the page loads no fonts, sends no telemetry and uses no proxy
/// or agent, so nothing is fetched from the internet.
/// </summary>
public static class ApiReference
{
    public const string Path = "/docs";

    public static void MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
                .WithTitle("Gantry API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent())
            .AllowAnonymous();
    }
}
