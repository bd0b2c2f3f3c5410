using System.Text.Json.Serialization;
using Gantry.Domain;

namespace Gantry.Api.Admin;

/// <summary>
/// One user as <c>/api/admin/users</c> shows them: their own weight and limits (null: the server's defaults apply) and
/// their jobs waiting and on workers now, as the scheduler counts them.
/// </summary>
public sealed record AdminUserView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("is_admin")] bool IsAdmin,
    [property: JsonPropertyName("created_at")] long CreatedAtMs,
    [property: JsonPropertyName("weight"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Weight,
    [property: JsonPropertyName("max_running"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? MaxRunning,
    [property: JsonPropertyName("max_queued"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? MaxQueued,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("queued")] int Queued)
{
    public static AdminUserView From(User user, int running, int queued) => new(
        user.Id, user.Name, user.IsAdmin, user.CreatedAtMs, user.Weight, user.MaxRunning, user.MaxQueued, running, queued);
}

/// <summary>The body of <c>POST /api/admin/users</c>.</summary>
public sealed record CreateUserRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("is_admin")] bool IsAdmin,
    [property: JsonPropertyName("weight")] double? Weight,
    [property: JsonPropertyName("max_running")] int? MaxRunning,
    [property: JsonPropertyName("max_queued")] int? MaxQueued);

/// <summary>The body of <c>PUT /api/admin/users/{id}/limits</c>: all three are set; null (or left out) means the server's default.</summary>
public sealed record UserLimitsRequest(
    [property: JsonPropertyName("weight")] double? Weight,
    [property: JsonPropertyName("max_running")] int? MaxRunning,
    [property: JsonPropertyName("max_queued")] int? MaxQueued);

/// <summary>An API key as admins see it: never the key itself, only its first characters.</summary>
public sealed record AdminKeyView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("user_id")] long UserId,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Name,
    [property: JsonPropertyName("created_at")] long CreatedAtMs,
    [property: JsonPropertyName("revoked_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? RevokedAtMs)
{
    public static AdminKeyView From(ApiKeyInfo key) => new(key.Id, key.UserId, key.Prefix, key.Name, key.CreatedAtMs, key.RevokedAtMs);
}

/// <summary>The answer to creating a key: the key itself, shown this once and never again.</summary>
public sealed record CreatedKeyResponse(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("info")] AdminKeyView Info);

/// <summary>The body of <c>POST /api/admin/users/{id}/keys</c> (may be empty).</summary>
public sealed record CreateKeyRequest(
    [property: JsonPropertyName("name")] string? Name);
