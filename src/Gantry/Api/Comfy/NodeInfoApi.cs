using Gantry.Auth;
using Gantry.Http;
using Gantry.Workers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Comfy;

/// <summary>
/// What the fleet can run, as ComfyUI serves it: <c>/object_info</c> (the union of the workers' catalogs, combo
/// lists united), <c>/object_info/{class}</c> (<c>{}</c> when unknown), <c>/models</c>, <c>/models/{folder}</c>
/// (404 when unknown) and <c>/embeddings</c>, on bare paths and under <c>/api</c>.
/// </summary>
public static class NodeInfoApi
{
    private static readonly string[] Prefixes = ["", "/api"];

    /// <summary>The fleet's catalog views: these and <see cref="SystemStatsApi"/>.</summary>
    public static IEndpointRouteBuilder MapFleetCatalog(this IEndpointRouteBuilder app) => app.MapNodeInfo().MapSystemStats();

    public static IEndpointRouteBuilder MapNodeInfo(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
        {
            var tag = prefix.Length == 0 ? "comfyui" : "node";
            var suffix = prefix.Length == 0 ? "Bare" : "";
            app.MapGet($"{prefix}/object_info", ObjectInfo).WithName($"getNodeInfo{suffix}").WithTags(tag);
            app.MapGet($"{prefix}/object_info/{{node_class}}", ObjectInfoOf).WithName($"getNodeInfoOfClass{suffix}").WithTags(tag);
            app.MapGet($"{prefix}/models", ModelFolders).WithName($"getModelFolderKeys{suffix}").WithTags(tag);
            app.MapGet($"{prefix}/models/{{folder}}", ModelsIn).WithName($"getModelFiles{suffix}").WithTags(tag);
            app.MapGet($"{prefix}/embeddings", Embeddings).WithName($"getEmbeddings{suffix}").WithTags(tag);
        }

        return app;
    }

    /// <summary>
    /// Every node class any worker has; <c>{}</c> before any worker reported its catalog. LoadImage lists the
    /// caller's own uploads, as ComfyUI lists its input folder.
    /// </summary>
    public static FileContentHttpResult ObjectInfo(UserScopedCatalog catalog, HttpContext context)
        => Json(catalog.ObjectInfoJson(context.GetCaller().UserId));

    public static FileContentHttpResult ObjectInfoOf(string node_class, UserScopedCatalog catalog, HttpContext context)
        => Json(catalog.ObjectInfoJson(node_class, context.GetCaller().UserId));

    public static Ok<string[]> ModelFolders(IWorkerFleet fleet) => TypedResults.Ok(fleet.Models.Keys.ToArray());

    public static Results<Ok<string[]>, JsonHttpResult<ErrorResponse>> ModelsIn(string folder, IWorkerFleet fleet)
        => fleet.Models.TryGetValue(folder, out var files)
            ? TypedResults.Ok(files.ToArray())
            : ApiResults.NotFound($"No model folder '{ApiResults.Truncate(folder)}'.");

    /// <summary>Embedding names without their extension, as ComfyUI lists them.</summary>
    public static Ok<string[]> Embeddings(IWorkerFleet fleet)
        => TypedResults.Ok(fleet.Models.TryGetValue("embeddings", out var files)
            ? files.Select(f => Path.ChangeExtension(f, null)).Distinct(StringComparer.Ordinal).ToArray()
            : []);

    private static FileContentHttpResult Json(byte[] body) => TypedResults.Bytes(body, "application/json");
}
