using Gantry.Auth;
using Gantry.Scheduling;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Admin;

/// <summary>
/// <c>GET /api/admin/queue</c>: every user's running and waiting jobs and where fairness puts each user next, read from
/// the dispatcher's own queue (the order its next decision walks users in). Admin keys only; read-only.
/// </summary>
public static class AdminQueueApi
{
    /// <summary>How many of each user's waiting jobs are listed (the counts are always whole).</summary>
    public const int JobsPerUser = 20;

    public static IEndpointRouteBuilder MapAdminQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/queue", GetAsync).RequireAuthorization(GantryRoles.Admin).WithTags("admin").WithName("getFairQueue");
        return app;
    }

    public static async Task<Ok<AdminQueueResponse>> GetAsync(Dispatcher dispatcher, IUserStore users, HttpContext context)
    {
        var fairness = await dispatcher.FairnessAsync(JobsPerUser).WaitAsync(context.RequestAborted);
        var names = (await users.ListUsersAsync(context.RequestAborted)).ToDictionary(u => u.Id, u => u.Name);
        var rows = fairness.Select(f => AdminQueueUser.From(f, names.GetValueOrDefault(f.UserId) ?? $"user {f.UserId}")).ToArray();
        return TypedResults.Ok(new AdminQueueResponse(rows, JobsPerUser));
    }
}
