using Gantry.Api.Cloud;

namespace Gantry.Api.Comfy;

/// <summary>
/// ComfyUI's own routes on their bare paths (and under <c>/api</c> where the Cloud spec does not define the path),
/// scoped to the caller: <c>/ws</c>, <c>/prompt</c>, <c>/queue</c>, <c>/interrupt</c>, <c>/history</c>,
/// <c>/features</c>, <c>/view</c>, <c>/free</c>, <c>/extensions</c>, <c>/upload/image</c>, <c>/api/jobs/cancel</c>; plus the Cloud file routes
/// (<c>/api/view</c>, <c>/api/upload/image</c>, <c>/api/files/{sha256}</c>).
/// </summary>
public static class ComfyNativeApi
{
    public const string Tag = "comfyui";

    public static IEndpointRouteBuilder MapComfyNative(this IEndpointRouteBuilder app)
    {
        app.MapComfyWebSocket();
        app.MapPromptEndpoints("/prompt");
        app.MapComfyQueue();
        app.MapComfyHistory();
        app.MapComfyFeatures();
        app.MapComfyFiles();
        app.MapComfyMaintenance();
        app.MapJobsBatchCancel();
        app.MapCloudFiles();
        return app;
    }
}
