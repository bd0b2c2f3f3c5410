using Gantry.Engine.Json;
using Microsoft.AspNetCore.Http;

namespace Gantry.Tests.FakeComfyUi;

/// <summary><c>/view</c> and <c>/upload/image</c> over the fake's in-memory input, output and temp folders.</summary>
public sealed partial class FakeComfyUiServer
{
    private static readonly string[] FolderTypes = ["output", "input", "temp"];

    private async Task View(HttpContext context)
    {
        if (!context.Request.Query.TryGetValue("filename", out var filenameValues))
        {
            await NotFound(context);
            return;
        }

        var filename = filenameValues.ToString();
        var type = context.Request.Query["type"].ToString() is { Length: > 0 } t ? t : "output";
        foreach (var annotated in FolderTypes)
        {
            if (filename.EndsWith($" [{annotated}]", StringComparison.Ordinal))
            {
                filename = filename[..^(annotated.Length + 3)];
                type = annotated;
            }
        }

        var subfolder = context.Request.Query["subfolder"].ToString();
        if (filename.Length == 0 || filename.StartsWith('/') || filename.Contains("..", StringComparison.Ordinal) || !FolderTypes.Contains(type))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (subfolder.Contains("..", StringComparison.Ordinal) || subfolder.StartsWith('/'))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var name = filename[(filename.LastIndexOf('/') + 1)..];
        if (GetFile(type, subfolder, name) is not { } bytes)
        {
            await NotFound(context);
            return;
        }

        context.Response.ContentType = name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "application/octet-stream";
        context.Response.Headers.ContentDisposition = $"filename=\"{name}\"";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private async Task UploadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files["image"];
        if (file is null || string.IsNullOrEmpty(file.FileName))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var type = form["type"].ToString() is { Length: > 0 } t ? t : "input";
        if (!FolderTypes.Contains(type))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var subfolder = form["subfolder"].ToString();
        var name = Path.GetFileName(file.FileName);
        if (subfolder.Contains("..", StringComparison.Ordinal) || subfolder.StartsWith('/') || name.Contains("..", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var overwrite = form["overwrite"].ToString() is "true" or "1";
        using var memory = new MemoryStream();
        await file.CopyToAsync(memory, context.RequestAborted);
        var bytes = memory.ToArray();
        lock (_lock)
        {
            var stem = Path.GetFileNameWithoutExtension(name);
            var extension = Path.GetExtension(name);
            for (var i = 1; !overwrite && _files.TryGetValue((type, subfolder, name), out var existing) && !existing.AsSpan().SequenceEqual(bytes); i++)
            {
                name = $"{stem} ({i}){extension}";
            }

            _files[(type, subfolder, name)] = bytes;
        }

        await WriteJsonAsync(context, new JObjectBuilder { ["name"] = name, ["subfolder"] = subfolder, ["type"] = type }.Build());
    }
}
