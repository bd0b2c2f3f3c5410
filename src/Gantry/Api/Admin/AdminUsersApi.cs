using Gantry.Auth;
using Gantry.Http;
using Gantry.Scheduling;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Admin;

/// <summary>
/// <c>/api/admin/users</c>: users with their limits and usage, new users, weight and limits, and each user's API keys
/// (list, create, revoke) — what <c>gantry users</c> and <c>gantry keys</c> do, over HTTP. Admin keys only. A revoked
/// key fails from the next request on (the store's change empties the verified-key cache); a new weight or limit
/// applies to the next scheduling decision.
/// </summary>
public static class AdminUsersApi
{
    private const string UserShape = "{\"name\", \"is_admin\"?, \"weight\"?, \"max_running\"?, \"max_queued\"?}";
    private const string LimitsShape = "{\"weight\", \"max_running\", \"max_queued\"} (null: the default)";
    private const string KeyShape = "{\"name\"?}";

    public static IEndpointRouteBuilder MapAdminUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/users").RequireAuthorization(GantryRoles.Admin).WithTags("admin");
        group.MapGet("", ListAsync).WithName("listUsers");
        group.MapPost("", CreateAsync).WithName("createUser");
        group.MapPut("/{id:long}/limits", SetLimitsAsync).WithName("setUserLimits");
        group.MapGet("/{id:long}/keys", ListKeysAsync).WithName("listUserKeys");
        group.MapPost("/{id:long}/keys", CreateKeyAsync).WithName("createUserKey");
        group.MapPost("/{id:long}/keys/{keyId:long}/revoke", RevokeKeyAsync).WithName("revokeUserKey");
        return app;
    }

    public static async Task<Ok<AdminUserView[]>> ListAsync(IUserStore users, Dispatcher dispatcher, HttpContext context)
    {
        var usage = (await dispatcher.FairnessAsync(0).WaitAsync(context.RequestAborted)).ToDictionary(u => u.UserId);
        var all = await users.ListUsersAsync(context.RequestAborted);
        return TypedResults.Ok(all.Select(u => usage.TryGetValue(u.Id, out var f)
            ? AdminUserView.From(u, f.Running, f.Queued)
            : AdminUserView.From(u, 0, 0)).ToArray());
    }

    public static async Task<Results<Created<AdminUserView>, JsonHttpResult<ErrorResponse>>> CreateAsync(
        HttpContext context, IUserStore users, Dispatcher dispatcher)
    {
        var (request, error) = await AdminRequests.ReadAsync(context, AdminJsonContext.Default.CreateUserRequest, UserShape);
        if (error is not null)
        {
            return error;
        }

        var name = request!.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "'name' is required.");
        }

        if ((AdminRequests.NameProblem(name, AdminRequests.MaxUserNameLength, "name") ?? AdminRequests.LimitsProblem(request.Weight, request.MaxRunning, request.MaxQueued)) is { } problem)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem);
        }

        if (await users.FindUserByNameAsync(name, context.RequestAborted) is not null)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "A user with that name exists.");
        }

        Domain.User user;
        try
        {
            user = await users.CreateUserAsync(name, request.IsAdmin, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "A user with that name exists.");
        }

        if (request.Weight is not null || request.MaxRunning is not null || request.MaxQueued is not null)
        {
            user = await users.UpdateUserLimitsAsync(user.Id, request.Weight, request.MaxRunning, request.MaxQueued, context.RequestAborted) ?? user;
            dispatcher.OnUserChanged(user);
        }

        return TypedResults.Created($"/api/admin/users/{user.Id}", AdminUserView.From(user, 0, 0));
    }

    public static async Task<Results<Ok<AdminUserView>, JsonHttpResult<ErrorResponse>>> SetLimitsAsync(
        long id, HttpContext context, IUserStore users, Dispatcher dispatcher)
    {
        var (request, error) = await AdminRequests.ReadAsync(context, AdminJsonContext.Default.UserLimitsRequest, LimitsShape);
        if (error is not null)
        {
            return error;
        }

        if (AdminRequests.LimitsProblem(request!.Weight, request.MaxRunning, request.MaxQueued) is { } problem)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem);
        }

        var user = await users.UpdateUserLimitsAsync(id, request.Weight, request.MaxRunning, request.MaxQueued, context.RequestAborted);
        if (user is null)
        {
            return NoSuchUser(id);
        }

        dispatcher.OnUserChanged(user);
        var usage = (await dispatcher.FairnessAsync(0).WaitAsync(context.RequestAborted)).FirstOrDefault(u => u.UserId == id);
        return TypedResults.Ok(AdminUserView.From(user, usage?.Running ?? 0, usage?.Queued ?? 0));
    }

    public static async Task<Results<Ok<AdminKeyView[]>, JsonHttpResult<ErrorResponse>>> ListKeysAsync(long id, IUserStore users, HttpContext context)
    {
        if (await users.GetUserAsync(id, context.RequestAborted) is null)
        {
            return NoSuchUser(id);
        }

        var keys = await users.ListApiKeysAsync(id, context.RequestAborted);
        return TypedResults.Ok(keys.Select(AdminKeyView.From).ToArray());
    }

    public static async Task<Results<Created<CreatedKeyResponse>, JsonHttpResult<ErrorResponse>>> CreateKeyAsync(
        long id, HttpContext context, IUserStore users)
    {
        var (request, error) = await AdminRequests.ReadAsync(context, AdminJsonContext.Default.CreateKeyRequest, KeyShape, new CreateKeyRequest(null));
        if (error is not null)
        {
            return error;
        }

        var name = request!.Name?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        if (name is not null && AdminRequests.NameProblem(name, AdminRequests.MaxKeyNameLength, "name") is { } problem)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem);
        }

        if (await users.GetUserAsync(id, context.RequestAborted) is null)
        {
            return NoSuchUser(id);
        }

        var key = ApiKeys.Generate();
        var info = await users.CreateApiKeyAsync(id, ApiKeys.Hash(key), ApiKeys.DisplayPrefix(key), name, context.RequestAborted);
        return TypedResults.Created($"/api/admin/users/{id}/keys", new CreatedKeyResponse(key, AdminKeyView.From(info)));
    }

    public static async Task<Results<Ok<AdminKeyView>, JsonHttpResult<ErrorResponse>>> RevokeKeyAsync(
        long id, long keyId, IUserStore users, TimeProvider time, HttpContext context)
    {
        var key = (await users.ListApiKeysAsync(id, context.RequestAborted)).FirstOrDefault(k => k.Id == keyId);
        if (key is null)
        {
            return ApiResults.NotFound($"User {id} has no key {keyId}.");
        }

        if (key.IsRevoked)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"Key {keyId} is already revoked.");
        }

        // The store tells the access watcher, which empties the verified-key cache before this returns.
        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!await users.RevokeApiKeyAsync(keyId, at, context.RequestAborted))
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"Key {keyId} is already revoked.");
        }

        return TypedResults.Ok(AdminKeyView.From(key with { RevokedAtMs = at }));
    }

    private static JsonHttpResult<ErrorResponse> NoSuchUser(long id) => ApiResults.NotFound($"No user {id}.");
}
