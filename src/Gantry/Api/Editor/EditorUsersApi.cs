using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Editor;

/// <summary>
/// Who the editor works for. <c>GET /api/users</c> (and <c>/users</c>): the editor's state is on the server and belongs
/// to the signed-in user, so no user list is sent (with one the editor would offer a user picker; users are
/// Gantry's, managed by admins). <c>GET /api/user</c>: the Cloud spec's account status.
/// </summary>
public static class EditorUsersApi
{
    private static readonly UsersResponse ServerStorage = new("server", Migrated: true);
    private static readonly UserResponse Active = new("active");

    public static IEndpointRouteBuilder MapEditorUsers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/users", Users).WithTags(Comfy.ComfyNativeApi.Tag);
        app.MapGet("/api/users", Users).WithTags(UserDataApi.Tag);
        app.MapGet("/api/user", User).WithName("getUser").WithTags(UserDataApi.Tag);
        return app;
    }

    public static JsonHttpResult<UsersResponse> Users() => TypedResults.Json(ServerStorage, EditorJsonContext.Default.UsersResponse);

    public static JsonHttpResult<UserResponse> User() => TypedResults.Json(Active, EditorJsonContext.Default.UserResponse);
}
