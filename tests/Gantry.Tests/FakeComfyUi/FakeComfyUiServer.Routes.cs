using Gantry.Engine.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>The fake's HTTP routes, mounted at <c>/x</c> and again at <c>/api/x</c> as ComfyUI does.</summary>
public sealed partial class FakeComfyUiServer
{
    private void MapRoutes(IEndpointRouteBuilder app, string prefix)
    {
        app.MapGet(prefix + "/system_stats", SystemStats);
        app.MapGet(prefix + "/object_info", context => WriteJsonAsync(context, ObjectInfo()));
        app.MapGet(prefix + "/object_info/{nodeClass}", (HttpContext context, string nodeClass) =>
            WriteJsonAsync(context, ObjectInfo()[nodeClass] is { } info ? new JObject([new(nodeClass, info)]) : JObject.Empty));
        app.MapGet(prefix + "/models", context => OldBuild ? NotFound(context) : WriteJsonAsync(context, JArray.OfStrings(Models.Keys)));
        app.MapGet(prefix + "/models/{folder}", (HttpContext context, string folder) =>
            !OldBuild && Models.TryGetValue(folder, out var files) ? WriteJsonAsync(context, JArray.OfStrings(files)) : NotFound(context));
        app.MapGet(prefix + "/features", context => OldBuild ? NotFound(context) : WriteJsonAsync(context, Features()));
        app.MapGet(prefix + "/view_metadata/{folder}", (HttpContext context, string folder) =>
            ModelsWithExtras.Contains($"{folder}/{context.Request.Query["filename"]}") ? WriteModelMetadataAsync(context, folder) : NotFound(context));
        app.MapGet(prefix + "/experiment/models/preview/{folder}/{path_index}/{**filename}", (HttpContext context, string folder, string filename) =>
            ModelsWithExtras.Contains($"{folder}/{Path.ChangeExtension(filename, ".safetensors")}") ? WritePreviewAsync(context) : NotFound(context));
        app.MapGet(prefix + "/prompt", context => WriteJsonAsync(context, new JObjectBuilder
        {
            ["exec_info"] = new JObjectBuilder { ["queue_remaining"] = QueueRemaining }.Build(),
        }.Build()));
        app.MapPost(prefix + "/prompt", PostPromptAsync);
        app.MapGet(prefix + "/queue", GetQueue);
        app.MapPost(prefix + "/queue", PostQueueAsync);
        app.MapPost(prefix + "/interrupt", PostInterruptAsync);
        app.MapPost(prefix + "/free", PostFreeAsync);
        app.MapGet(prefix + "/history", GetHistory);
        app.MapGet(prefix + "/history/{promptId}", (HttpContext context, string promptId) =>
            WriteJsonAsync(context, VisibleHistory(promptId) is { } item ? new JObject([new(promptId, item)]) : JObject.Empty));
        app.MapPost(prefix + "/history", PostHistoryAsync);
        app.MapGet(prefix + "/view", View);
        app.MapPost(prefix + "/upload/image", UploadAsync);
        app.Map(prefix + "/ws", HandleSocketAsync);
        app.MapPost(prefix + "/api/jobs/{promptId}/cancel", CancelJob);
    }

    private Task SystemStats(HttpContext context)
    {
        lock (_lock)
        {
            if (FailSystemStats > 0)
            {
                FailSystemStats--;
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }
        }

        return WriteJsonAsync(context, new JObjectBuilder
        {
            ["system"] = new JObjectBuilder
            {
                ["os"] = "linux",
                ["ram_total"] = 134217728000L,
                ["ram_free"] = 100000000000L,
                ["comfyui_version"] = Version,
                ["python_version"] = "3.12.3",
                ["pytorch_version"] = "2.8.0+cpu",
                ["embedded_python"] = false,
                ["argv"] = JArray.OfStrings(["main.py"]),
            }.Build(),
            ["devices"] = JArray.Of(new JObjectBuilder
            {
                ["name"] = "cpu",
                ["type"] = "cpu",
                ["index"] = JValue.Null,
                ["vram_total"] = 0,
                ["vram_free"] = 0,
                ["torch_vram_total"] = 0,
                ["torch_vram_free"] = 0,
            }.Build()),
        }.Build());
    }

    private JObject ObjectInfo()
    {
        string[] inputs;
        lock (_lock)
        {
            inputs = [.. _files.Keys.Where(k => k.Type == "input").Select(k => k.Subfolder.Length == 0 ? k.Name : $"{k.Subfolder}/{k.Name}").Order(StringComparer.Ordinal)];
        }

        return FakeCatalog.ObjectInfo(Models, inputs);
    }

    private async Task GetQueue(HttpContext context)
    {
        if (BeforeQueueAnswer is { } hook)
        {
            await hook();
        }

        JArray running, pending;
        lock (_lock)
        {
            running = _running is null ? JArray.Empty : JArray.Of(_running.Prompt.ToQueueItem());
            pending = new JArray(_pending.Select(p => (JValue)p.ToQueueItem()));
        }

        await WriteJsonAsync(context, new JObjectBuilder { ["queue_running"] = running, ["queue_pending"] = pending }.Build());
    }

    private async Task PostQueueAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not JObject body)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var changed = false;
        lock (_lock)
        {
            if (body["clear"] is JBool { Value: true })
            {
                changed = _pending.Count > 0;
                _pending.Clear();
            }

            foreach (var id in (body["delete"] as JArray ?? JArray.Empty).Select(v => v.AsString).OfType<string>())
            {
                var index = _pending.FindIndex(p => p.Id == id);
                if (index >= 0)
                {
                    _pending[index].Ended.TrySetResult();
                    _pending.RemoveAt(index);
                    changed = true;
                }
            }
        }

        if (changed)
        {
            await BroadcastStatusAsync();
        }
    }

    private async Task PostInterruptAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context);
        Interrupt(body is JObject obj ? obj["prompt_id"]?.AsString : null);
    }

    /// <summary>ComfyUI sets its unload/free flags from the body and answers 200 with nothing; the fake keeps the bodies.</summary>
    private async Task PostFreeAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context);
        lock (_lock)
        {
            FreeRequests.Add(body as JObject ?? JObject.Empty);
        }
    }

    private Task CancelJob(HttpContext context, string promptId)
    {
        if (!HasJobsCancel || OldBuild)
        {
            return NotFound(context);
        }

        bool cancelled;
        lock (_lock)
        {
            var index = _pending.FindIndex(p => p.Id == promptId);
            if (index >= 0)
            {
                _pending[index].Ended.TrySetResult();
                _pending.RemoveAt(index);
                cancelled = true;
            }
            else
            {
                cancelled = _running?.PromptId == promptId;
                _running?.Interrupt();
            }
        }

        return WriteJsonAsync(context, new JObjectBuilder { ["cancelled"] = cancelled }.Build());
    }

    private Task GetHistory(HttpContext context)
    {
        var items = new List<KeyValuePair<string, JValue>>();
        foreach (var id in HistoryIds())
        {
            if (VisibleHistory(id) is { } item)
            {
                items.Add(new(id, item));
            }
        }

        if (int.TryParse(context.Request.Query["max_items"], out var max) && max >= 0)
        {
            items = items.Skip(Math.Max(0, items.Count - max)).ToList();
        }

        return WriteJsonAsync(context, new JObject(items));
    }

    private string[] HistoryIds()
    {
        lock (_lock)
        {
            return [.. _history.Keys];
        }
    }

    private async Task PostHistoryAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not JObject body)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        lock (_lock)
        {
            if (body["clear"] is JBool { Value: true })
            {
                _history.Clear();
            }

            foreach (var id in (body["delete"] as JArray ?? JArray.Empty).Select(v => v.AsString).OfType<string>())
            {
                _history.Remove(id);
            }
        }
    }

    private static async Task<JValue?> ReadJsonAsync(HttpContext context)
    {
        using var memory = new MemoryStream();
        await context.Request.Body.CopyToAsync(memory, context.RequestAborted);
        return JParser.TryParse(memory.ToArray(), out var value, out _) ? value : null;
    }

    private static Task WriteJsonAsync(HttpContext context, JValue value, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(value.ToJsonBytes(), context.RequestAborted).AsTask();
    }

    /// <summary>Model files (<c>folder/name</c>) with embedded metadata and a preview image, as ComfyUI keeps them beside the model.</summary>
    public HashSet<string> ModelsWithExtras { get; } = new(StringComparer.Ordinal) { "checkpoints/sdxl.safetensors" };

    /// <summary>The bytes every preview image answers (a WebP's header is enough for the tests).</summary>
    public static byte[] PreviewBytes { get; } = "RIFF0000WEBPVP8 fake preview"u8.ToArray();

    private static Task WriteModelMetadataAsync(HttpContext context, string folder)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync($$"""{"modelspec.title": "{{folder}} model", "ss_steps": "1000"}""", context.RequestAborted);
    }

    private static Task WritePreviewAsync(HttpContext context)
    {
        context.Response.ContentType = "image/webp";
        return context.Response.Body.WriteAsync(PreviewBytes, context.RequestAborted).AsTask();
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("404: Not Found", context.RequestAborted);
    }
}
