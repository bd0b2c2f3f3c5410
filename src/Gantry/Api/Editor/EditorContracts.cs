using System.Text.Json.Serialization;
using Gantry.Store.Editor;

namespace Gantry.Api.Editor;

/// <summary>A user file as <c>full_info</c> lists it: path relative to the user's root, bytes, last change in UNIX seconds.</summary>
public sealed record UserDataFileInfo(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("modified")] double Modified)
{
    /// <summary>The entry relative to <paramref name="folder"/> ("" or a path ending in '/').</summary>
    public static UserDataFileInfo From(UserDataEntry entry, string folder = "") =>
        new(entry.Path[folder.Length..], entry.Size, entry.ModifiedAtMs / 1000.0);
}

/// <summary><c>GET /api/users</c>: the editor keeps its state on the server, for the signed-in user only (no user picker).</summary>
public sealed record UsersResponse(
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("migrated")] bool Migrated);

/// <summary>The Cloud spec's <c>UserResponse</c> (<c>GET /api/user</c>).</summary>
public sealed record UserResponse([property: JsonPropertyName("status")] string Status);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserDataFileInfo))]
[JsonSerializable(typeof(UserDataFileInfo[]))]
[JsonSerializable(typeof(string[][]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(UsersResponse))]
[JsonSerializable(typeof(UserResponse))]
public sealed partial class EditorJsonContext : JsonSerializerContext;
