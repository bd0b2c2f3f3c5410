using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Gantry.Store.Editor;
using Gantry.Workers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Editor;

/// <summary>
/// What the editor asks about the fleet: model folders and files from the live workers' model lists
/// (<c>/api/experiment/models[/{folder}]</c>, <c>/api/experiment/models/preview/…</c>, <c>/api/view_metadata/{folder}</c>, <c>/internal/folder_paths</c>), and the
/// caller's files by folder type (<c>/internal/files/{type}</c>).
/// </summary>
public static class EditorCatalogApi
{
    /// <summary>Most names <c>/internal/files/{type}</c> lists.</summary>
    public const int MaxListedFiles = 5_000;

    public static IEndpointRouteBuilder MapEditorCatalog(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/experiment/models", Folders).WithName("getModelFolders").WithTags("model").AllowAnonymous();
        app.MapGet("/api/experiment/models/{folder}", Files).WithName("getModelsInFolder").WithTags("model").AllowAnonymous();
        app.MapGet("/experiment/models", Folders).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
        app.MapGet("/experiment/models/{folder}", Files).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
        app.MapGet("/api/experiment/models/preview/{folder}/{path_index}/{**filename}", Preview).WithName("getModelPreview").WithTags("model").AllowAnonymous();
        app.MapGet("/experiment/models/preview/{folder}/{path_index}/{**filename}", Preview).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
        // Video previews: the same file answer as /view (the Cloud form redirects to a signed link, the bare one serves it).
        app.MapMethods("/api/viewvideo", [HttpMethods.Get, HttpMethods.Head], Cloud.FilesApi.ViewAsync).WithTags("file");
        app.MapMethods("/viewvideo", [HttpMethods.Get, HttpMethods.Head], Comfy.NativeFilesApi.ViewAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        foreach (var prefix in (ReadOnlySpan<string>)["", "/api"])
        {
            app.MapGet(prefix + "/view_metadata/{folder}", ViewMetadata).WithTags(Comfy.ComfyNativeApi.Tag);
            app.MapGet(prefix + "/internal/folder_paths", FolderPaths).WithTags(Comfy.ComfyNativeApi.Tag);
            app.MapGet(prefix + "/internal/files/{directory_type}", ListFilesAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        }

        return app;
    }

    public static JsonHttpResult<ModelFolder[]> Folders(WorkerPool pool) =>
        TypedResults.Json(pool.Models.Keys.Order(StringComparer.Ordinal).Select(f => new ModelFolder(f, [])).ToArray(),
            EditorCatalogJsonContext.Default.ModelFolderArray);

    public static Results<JsonHttpResult<ModelFile[]>, JsonHttpResult<ErrorResponse>> Files(WorkerPool pool, string folder) =>
        pool.Models.TryGetValue(folder, out var files)
            ? TypedResults.Json(files.Select(f => new ModelFile(f, 0)).ToArray(), EditorCatalogJsonContext.Default.ModelFileArray)
            : ApiResults.NotFound($"No worker has a model folder '{ApiResults.Truncate(folder)}'.");

    /// <summary>
    /// A model's preview image: 404, as the Cloud spec answers a model without a preview. Gantry does not read the
    /// workers' model folders, so it has no previews; a model no worker has is just as much a 404.
    /// </summary>
    public static JsonHttpResult<ErrorResponse> Preview(WorkerPool pool, string folder, string filename) =>
        pool.Models.TryGetValue(folder, out var files) && files.Contains(ModelOfPreview(filename, files), StringComparer.Ordinal)
            ? ApiResults.NotFound("No preview is available for that model.")
            : ApiResults.NotFound("No worker has that model file.");

    /// <summary>The model a preview name stands for: the editor asks for <c>name.webp</c> in place of <c>name.safetensors</c>.</summary>
    private static string ModelOfPreview(string filename, IReadOnlyList<string> files) =>
        files.FirstOrDefault(f => string.Equals(f, filename, StringComparison.Ordinal)
            || string.Equals(Path.ChangeExtension(f, ".webp"), filename, StringComparison.Ordinal)) ?? filename;

    /// <summary>
    /// A model's embedded metadata. Gantry does not read model files, so a file some worker has answers <c>{}</c> (no
    /// metadata known); one no worker has, or an unknown folder, 404 as in ComfyUI.
    /// </summary>
    public static Results<ContentHttpResult, JsonHttpResult<ErrorResponse>> ViewMetadata(WorkerPool pool, string folder, string? filename) =>
        !string.IsNullOrEmpty(filename) && pool.Models.TryGetValue(folder, out var files) && files.Contains(filename, StringComparer.Ordinal)
            ? TypedResults.Text("{}", "application/json")
            : ApiResults.NotFound("No worker has that model file.");

    /// <summary>The model folder names the fleet has, each with no disk path (the workers' paths are not shown).</summary>
    public static JsonHttpResult<Dictionary<string, string[]>> FolderPaths(WorkerPool pool) =>
        TypedResults.Json(pool.Models.Keys.ToDictionary(k => k, _ => Array.Empty<string>(), StringComparer.Ordinal),
            EditorCatalogJsonContext.Default.DictionaryStringStringArray);

    /// <summary>The caller's files of one folder type (their uploads for <c>input</c>), newest first; another type is a 400.</summary>
    public static async Task<Results<JsonHttpResult<string[]>, JsonHttpResult<ErrorResponse>>> ListFilesAsync(
        HttpContext context, IEditorStateStore store, string directory_type)
    {
        if (!UserFiles.IsFolderType(directory_type))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "The folder type is input, output or temp.");
        }

        var names = await store.ListFileNamesAsync(context.GetCaller().UserId, directory_type, MaxListedFiles, context.RequestAborted);
        return TypedResults.Json(names.ToArray(), EditorJsonContext.Default.StringArray);
    }
}
