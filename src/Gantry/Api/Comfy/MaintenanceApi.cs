using System.Text.Json;
using Gantry.Api.Cloud;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Workers;
using Gantry.Workers.ComfyUi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>
/// Small OSS routes ComfyUI clients call: <c>POST /free</c> (unload models, free memory) and <c>GET /extensions</c>
/// (the frontend extension scripts: Gantry serves none, so <c>[]</c>), each also under <c>/api</c>.
/// </summary>
public static partial class MaintenanceApi
{
    public static IEndpointRouteBuilder MapComfyMaintenance(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["", "/api"])
        {
            app.MapPost(prefix + "/free", FreeAsync).WithTags(ComfyNativeApi.Tag);
            app.MapGet(prefix + "/extensions", Extensions).WithTags(ComfyNativeApi.Tag);
        }

        return app;
    }

    public static Ok<string[]> Extensions() => TypedResults.Ok(Array.Empty<string>());

    /// <summary>
    /// ComfyUI's <c>{unload_models, free_memory}</c> (both optional booleans), answered 200 with an empty body as
    /// ComfyUI does. An admin's request goes on to every online ComfyUI worker (the embedded engine has no models to
    /// unload); another user's is accepted and goes nowhere, since unloading models slows every user's jobs.
    /// </summary>
    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> FreeAsync(
        HttpContext context, WorkerPool pool, IOptions<ApiOptions> options, ILogger<WorkerPool> logger)
    {
        var (document, error) = await JsonBodyReader.ReadAsync(context, options.Value, allowEmpty: true);
        using (document)
        {
            if (error is not null)
            {
                return error;
            }

            var root = document?.RootElement;
            if (root is { } body && body.ValueKind != JsonValueKind.Object)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "The body must be a JSON object such as {\"unload_models\": true, \"free_memory\": true}.");
            }

            if (!TryReadFlag(root, "unload_models", out var unloadModels) || !TryReadFlag(root, "free_memory", out var freeMemory))
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "unload_models and free_memory must be true or false.");
            }

            if ((unloadModels || freeMemory) && context.GetCaller().IsAdmin)
            {
                foreach (var worker in pool.LiveWorkers.OfType<ComfyUiWorker>().Where(w => w.State is WorkerState.Online or WorkerState.Draining))
                {
                    try
                    {
                        await worker.FreeAsync(unloadModels, freeMemory, context.RequestAborted);
                    }
                    catch (ComfyUiRequestException ex)
                    {
                        // One worker that does not answer does not stop the others being freed.
                        FreeFailed(logger, worker.Name, ex.Message);
                    }
                }
            }

            return TypedResults.Ok();
        }
    }

    private static bool TryReadFlag(JsonElement? body, string name, out bool value)
    {
        value = false;
        if (body is not { } element || !element.TryGetProperty(name, out var flag))
        {
            return true;
        }

        switch (flag.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False or JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} did not take POST /free: {Reason}")]
    private static partial void FreeFailed(ILogger logger, string worker, string reason);
}
