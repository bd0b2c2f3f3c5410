using Gantry.Auth;
using Gantry.Store.Editor;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Editor;

/// <summary>
/// The editor's user files with ComfyUI's semantics, kept in Gantry's store per user: <c>GET /api/userdata?dir=</c>
/// (<c>recurse</c>, <c>split</c>, <c>full_info</c>), <c>GET|POST|DELETE /api/userdata/{file}</c> (<c>overwrite</c>,
/// <c>full_info</c>) and <c>POST /api/userdata/{file}/move/{dest}</c>; also on the bare paths. The file is one URL
/// segment (its '/' sent as <c>%2F</c>). Errors are text/plain, as the Cloud spec and ComfyUI answer them.
/// </summary>
public static class UserDataApi
{
    public const string Tag = "user";

    public static IEndpointRouteBuilder MapUserData(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/userdata", ListAsync).WithName("getUserdata").WithTags(Tag);
        app.MapGet("/api/userdata/{file}", GetAsync).WithName("getUserdataFile").WithTags(Tag);
        app.MapPost("/api/userdata/{file}", PostAsync).WithName("postUserdataFile").WithTags(Tag).DisableAntiforgery();
        app.MapDelete("/api/userdata/{file}", DeleteAsync).WithName("deleteUserdataFile").WithTags(Tag);
        app.MapPost("/api/userdata/{file}/move/{dest}", MoveAsync).WithTags(Tag);
        app.MapGet("/userdata", ListAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        app.MapGet("/userdata/{file}", GetAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        app.MapPost("/userdata/{file}", PostAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        app.MapDelete("/userdata/{file}", DeleteAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        app.MapPost("/userdata/{file}/move/{dest}", MoveAsync).WithTags(Comfy.ComfyNativeApi.Tag);
        return app;
    }

    /// <summary>
    /// The files under <c>dir</c>: names relative to it (with '/' below it when <c>recurse=true</c>); with
    /// <c>full_info=true</c> objects <c>{path, size, modified}</c>, else with <c>split=true</c> arrays
    /// <c>[path, segment, …]</c>. A folder without files lists as <c>[]</c> (folders exist only through their files).
    /// </summary>
    public static async Task<Results<JsonHttpResult<UserDataFileInfo[]>, JsonHttpResult<string[][]>, JsonHttpResult<string[]>, ContentHttpResult>> ListAsync(
        HttpContext context, IEditorStateStore store, string? dir, string? recurse, string? split, string? full_info)
    {
        if (string.IsNullOrEmpty(dir))
        {
            return Text(StatusCodes.Status400BadRequest, "Directory not provided.");
        }

        var folder = UserDataPath.Normalize(dir, out var error);
        if (folder is null)
        {
            return PathRefused(error, notFound: true);
        }

        var prefix = folder.Length == 0 ? "" : folder + "/";
        var entries = await store.ListFilesAsync(context.GetCaller().UserId, prefix, context.RequestAborted);
        var shown = IsTrue(recurse) ? entries : entries.Where(e => !e.Path.AsSpan(prefix.Length).Contains('/')).ToList();
        if (IsTrue(full_info))
        {
            return TypedResults.Json(shown.Select(e => UserDataFileInfo.From(e, prefix)).ToArray(), EditorJsonContext.Default.UserDataFileInfoArray);
        }

        var names = shown.Select(e => e.Path[prefix.Length..]).ToArray();
        return IsTrue(split)
            ? TypedResults.Json(names.Select(n => (string[])[n, .. n.Split('/')]).ToArray(), EditorJsonContext.Default.StringArrayArray)
            : TypedResults.Json(names, EditorJsonContext.Default.StringArray);
    }

    public static async Task<Results<FileContentHttpResult, ContentHttpResult>> GetAsync(HttpContext context, IEditorStateStore store)
    {
        var path = UserDataPath.FromRawSegment(RawPathSegments.FromEnd(context, 1), out var error);
        if (path is null)
        {
            return PathRefused(error, notFound: true);
        }

        var file = await store.ReadFileAsync(context.GetCaller().UserId, path, context.RequestAborted);
        if (file is not { } found)
        {
            return Text(StatusCodes.Status404NotFound, "File not found.");
        }

        return TypedResults.File(found.Content, ContentTypeOf(path), lastModified: DateTimeOffset.FromUnixTimeMilliseconds(found.Entry.ModifiedAtMs));
    }

    /// <summary>
    /// Writes the body as the file (parent folders come with it). <c>overwrite=false</c> and an existing file: 409.
    /// Answers the path (a JSON string), or with <c>full_info=true</c> <c>{path, size, modified}</c>.
    /// </summary>
    public static async Task<Results<JsonHttpResult<UserDataFileInfo>, JsonHttpResult<string>, ContentHttpResult>> PostAsync(
        HttpContext context, IEditorStateStore store, IOptions<EditorOptions> options, TimeProvider time, string? overwrite, string? full_info)
    {
        var path = UserDataPath.FromRawSegment(RawPathSegments.FromEnd(context, 1), out var error);
        if (path is null)
        {
            return PathRefused(error, notFound: false);
        }

        var limits = options.Value;
        var body = await RequestBody.ReadAsync(context.Request, limits.MaxFileBytes, context.RequestAborted);
        if (body is null)
        {
            return Text(StatusCodes.Status413PayloadTooLarge, $"The file is larger than the limit of {limits.MaxFileBytes} bytes.");
        }

        var result = await store.WriteFileAsync(
            context.GetCaller().UserId, path, body, !IsFalse(overwrite), time.GetUtcNow().ToUnixTimeMilliseconds(),
            new UserDataQuota(limits.MaxFilesPerUser, limits.MaxBytesPerUser), context.RequestAborted);
        return Written(result, IsTrue(full_info));
    }

    public static async Task<Results<NoContent, ContentHttpResult>> DeleteAsync(HttpContext context, IEditorStateStore store)
    {
        var path = UserDataPath.FromRawSegment(RawPathSegments.FromEnd(context, 1), out var error);
        if (path is null)
        {
            return PathRefused(error, notFound: true);
        }

        return await store.DeleteFileAsync(context.GetCaller().UserId, path, context.RequestAborted)
            ? TypedResults.NoContent()
            : Text(StatusCodes.Status404NotFound, "File not found.");
    }

    /// <summary>Renames <c>{file}</c> to <c>{dest}</c>: 404 without a source, 409 when the target exists and <c>overwrite=false</c>.</summary>
    public static async Task<Results<JsonHttpResult<UserDataFileInfo>, JsonHttpResult<string>, ContentHttpResult>> MoveAsync(
        HttpContext context, IEditorStateStore store, string? overwrite, string? full_info)
    {
        var source = UserDataPath.FromRawSegment(RawPathSegments.FromEnd(context, 3), out var sourceError);
        if (source is null)
        {
            return PathRefused(sourceError, notFound: false);
        }

        var target = UserDataPath.FromRawSegment(RawPathSegments.FromEnd(context, 1), out var targetError);
        if (target is null)
        {
            return PathRefused(targetError, notFound: false);
        }

        var result = await store.MoveFileAsync(context.GetCaller().UserId, source, target, !IsFalse(overwrite), context.RequestAborted);
        return Written(result, IsTrue(full_info));
    }

    private static Results<JsonHttpResult<UserDataFileInfo>, JsonHttpResult<string>, ContentHttpResult> Written(UserDataWriteResult result, bool fullInfo) =>
        result.Status switch
        {
            UserDataWriteStatus.Written when fullInfo => TypedResults.Json(UserDataFileInfo.From(result.Entry!), EditorJsonContext.Default.UserDataFileInfo),
            UserDataWriteStatus.Written => TypedResults.Json(result.Entry!.Path, EditorJsonContext.Default.String),
            UserDataWriteStatus.Exists => Text(StatusCodes.Status409Conflict, "File already exists."),
            UserDataWriteStatus.PathClash => Text(StatusCodes.Status409Conflict, "The path clashes with another file: a parent folder is a file, or the path is a folder."),
            UserDataWriteStatus.OverQuota => Text(StatusCodes.Status413PayloadTooLarge, "Over this user's file quota (files or bytes); nothing was written."),
            _ => Text(StatusCodes.Status404NotFound, "File not found."),
        };

    private static ContentHttpResult PathRefused(UserDataPathError error, bool notFound) => error switch
    {
        UserDataPathError.OutsideRoot when notFound => Text(StatusCodes.Status404NotFound, "Invalid path: it leaves the user's folder."),
        UserDataPathError.OutsideRoot => Text(StatusCodes.Status403Forbidden, "Invalid path: it leaves the user's folder."),
        _ => Text(StatusCodes.Status400BadRequest,
            $"Invalid file name: UTF-8, no control characters or '\\', segments up to {UserDataPath.MaxSegmentBytes} bytes, up to {UserDataPath.MaxPathBytes} bytes in all."),
    };

    private static ContentHttpResult Text(int status, string message) => TypedResults.Text(message, "text/plain; charset=utf-8", null, status);

    private static bool IsTrue(string? flag) => string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsFalse(string? flag) => string.Equals(flag, "false", StringComparison.OrdinalIgnoreCase);

    private static string ContentTypeOf(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/octet-stream";
}
