using System.Text.Json;
using Gantry.Api.Cloud;
using Gantry.Api.Json;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Scheduling;
using Gantry.Workers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Admin;

/// <summary>
/// <c>/api/admin/workers</c>: list, add (a ComfyUI server by URL), remove and drain workers of the running Gantry.
/// Admin keys only; changes take effect at once and persist in the store.
/// </summary>
public static class AdminWorkersApi
{
    /// <summary>The error code of a 409: the name is taken, or the worker comes from settings.</summary>
    public const string ConflictCode = "conflict";

    public static IEndpointRouteBuilder MapAdminWorkers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/workers").RequireAuthorization(GantryRoles.Admin).WithTags("admin");
        group.MapGet("", List).WithName("listWorkers");
        group.MapPost("", AddAsync).WithName("addWorker");
        group.MapDelete("/{name}", RemoveAsync).WithName("removeWorker");
        group.MapPost("/{name}/drain", DrainAsync).WithName("drainWorker");
        group.MapPost("/{name}/resume", ResumeAsync).WithName("resumeWorker");
        return app;
    }

    public static Ok<WorkerView[]> List(WorkerPool pool)
        => TypedResults.Ok(pool.Workers.Select(w => WorkerView.From(w, pool.OriginOf(w.Name))).ToArray());

    public static async Task<Results<Created<WorkerView>, JsonHttpResult<ErrorResponse>>> AddAsync(
        HttpContext context, FleetAdmin fleet, WorkerPool pool, IOptions<ApiOptions> options)
    {
        var (document, error) = await JsonBodyReader.ReadAsync(context, options.Value, allowEmpty: false);
        using (document)
        {
            if (error is not null)
            {
                return error;
            }

            AddWorkerRequest? request;
            try
            {
                request = document!.RootElement.Deserialize(GantryJsonContext.Default.AddWorkerRequest);
            }
            catch (JsonException ex)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, $"Expected {{\"url\", \"name\"?, \"auth_header\"?}}: {ex.Message}");
            }

            if (request?.Url is not { Length: > 0 } url)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "'url' is required: the ComfyUI server's base URL.");
            }

            var change = await fleet.AddAsync(request.Name, url, request.AuthHeader, context.RequestAborted);
            if (change.Result != FleetChangeResult.Done)
            {
                return Refusal(change);
            }

            var view = WorkerView.From(change.Worker!, WorkerOrigin.Registry);
            return TypedResults.Created($"/api/admin/workers/{Uri.EscapeDataString(view.Name)}", view);
        }
    }

    public static async Task<Results<Ok<WorkerView>, JsonHttpResult<ErrorResponse>>> RemoveAsync(string name, FleetAdmin fleet, HttpContext context)
    {
        var change = await fleet.RemoveAsync(name, context.RequestAborted);
        return change.Result == FleetChangeResult.Done && change.Worker is { } removed
            ? TypedResults.Ok(WorkerView.From(removed, WorkerOrigin.Registry))
            : Refusal(change);
    }

    public static async Task<Results<Ok<WorkerView>, JsonHttpResult<ErrorResponse>>> DrainAsync(string name, FleetAdmin fleet, WorkerPool pool, HttpContext context)
    {
        var change = await fleet.DrainAsync(name, context.RequestAborted);
        return change.Result == FleetChangeResult.Done && change.Worker is { } drained
            ? TypedResults.Ok(WorkerView.From(drained, pool.OriginOf(name)))
            : Refusal(change);
    }

    /// <summary>Undoes a drain: the worker takes new jobs again.</summary>
    public static async Task<Results<Ok<WorkerView>, JsonHttpResult<ErrorResponse>>> ResumeAsync(string name, FleetAdmin fleet, WorkerPool pool, HttpContext context)
    {
        var change = await fleet.ResumeAsync(name, context.RequestAborted);
        return change.Result == FleetChangeResult.Done && change.Worker is { } resumed
            ? TypedResults.Ok(WorkerView.From(resumed, pool.OriginOf(name)))
            : Refusal(change);
    }

    private static JsonHttpResult<ErrorResponse> Refusal(FleetChange change) => change.Result switch
    {
        FleetChangeResult.NotFound => ApiResults.NotFound(change.Message ?? "No such worker."),
        FleetChangeResult.Conflict => ApiResults.Error(StatusCodes.Status409Conflict, ConflictCode, change.Message ?? "Conflict."),
        _ => ApiResults.BadRequest(ErrorCodes.InvalidRequest, change.Message ?? "Invalid request."),
    };
}
