using System.Globalization;
using System.Text;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Gantry.Store.Editor;
using Gantry.Workers;
using Gantry.Workers.ComfyUi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Editor;

/// <summary>
/// What the editor asks about the fleet: model folders and files from the live workers' model lists
/// (<c>/api/experiment/models[/{folder}]</c>, <c>/internal/folder_paths</c>), a model's preview and metadata from the worker
/// that has it (<c>/api/experiment/models/preview/…</c>, <c>/api/view_metadata/{folder}</c>), and the
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
        app.MapGet("/api/experiment/models/preview/{folder}/{path_index}/{**filename}", PreviewAsync).WithName("getModelPreview").WithTags("model").AllowAnonymous();
        app.MapGet("/experiment/models/preview/{folder}/{path_index}/{**filename}", PreviewAsync).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
        // Video previews: the same file answer as /view (the Cloud form redirects to a signed link, the bare one serves it).
        app.MapMethods("/api/viewvideo", [HttpMethods.Get, HttpMethods.Head], Cloud.FilesApi.ViewAsync).WithTags("file");
        app.MapMethods("/viewvideo", [HttpMethods.Get, HttpMethods.Head], Comfy.NativeFilesApi.ViewAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        foreach (var prefix in (ReadOnlySpan<string>)["", "/api"])
        {
            app.MapGet(prefix + "/view_metadata/{folder}", ViewMetadataAsync).WithTags(Comfy.ComfyNativeApi.Tag);
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
    /// A model's preview image (WebP), from a ComfyUI worker whose model list has the file; 404 when none has a preview
    /// of it (the spec's "preview not available": the built-in engine has no model files) or no worker has the model.
    /// The editor asks for <c>name.webp</c> in place of <c>name.safetensors</c>.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, JsonHttpResult<ErrorResponse>>> PreviewAsync(
        HttpContext context, WorkerPool pool, string folder, string path_index, string filename)
    {
        if (!int.TryParse(path_index, NumberStyles.None, CultureInfo.InvariantCulture, out var pathIndex) || pathIndex > 64
            || !pool.Models.TryGetValue(folder, out var files) || ModelOfPreview(filename, files) is not { } model)
        {
            return ApiResults.NotFound("No worker has that model file.");
        }

        foreach (var worker in WorkersWith(pool, folder, model))
        {
            if (await worker.ModelPreviewAsync(folder, pathIndex, filename, context.RequestAborted) is { } image)
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return TypedResults.File(image, "image/webp");
            }
        }

        return ApiResults.NotFound("No preview is available for that model.");
    }

    /// <summary>
    /// A model's embedded metadata, from a ComfyUI worker whose model list has the file; <c>{}</c> when none can tell
    /// (the built-in engine has no model files); a file no worker has, or an unknown folder, 404 as in ComfyUI.
    /// </summary>
    public static async Task<Results<ContentHttpResult, JsonHttpResult<ErrorResponse>>> ViewMetadataAsync(
        HttpContext context, WorkerPool pool, string folder, string? filename)
    {
        if (string.IsNullOrEmpty(filename) || !pool.Models.TryGetValue(folder, out var files) || !files.Contains(filename, StringComparer.Ordinal))
        {
            return ApiResults.NotFound("No worker has that model file.");
        }

        foreach (var worker in WorkersWith(pool, folder, filename))
        {
            if (await worker.ModelMetadataAsync(folder, filename, context.RequestAborted) is { } metadata)
            {
                return TypedResults.Text(Encoding.UTF8.GetString(metadata), "application/json");
            }
        }

        return TypedResults.Text("{}", "application/json");
    }

    /// <summary>The ComfyUI workers able to answer about a model file: reachable, and listing it.</summary>
    private static IEnumerable<ComfyUiWorker> WorkersWith(WorkerPool pool, string folder, string file) =>
        pool.LiveWorkers.OfType<ComfyUiWorker>().Where(w => w.State is WorkerState.Online or WorkerState.Draining
            && w.Capabilities?.Models.TryGetValue(folder, out var listed) == true && listed.Contains(file, StringComparer.Ordinal));

    /// <summary>The model a preview name stands for (the same name, or the same name with another extension), or null.</summary>
    private static string? ModelOfPreview(string filename, IReadOnlyList<string> files) =>
        files.FirstOrDefault(f => string.Equals(f, filename, StringComparison.Ordinal)
            || string.Equals(Path.ChangeExtension(f, ".webp"), filename, StringComparison.Ordinal));

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
