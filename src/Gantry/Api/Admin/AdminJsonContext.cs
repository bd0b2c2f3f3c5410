using System.Text.Json.Serialization;

namespace Gantry.Api.Admin;

/// <summary>Source-generated serializers of the admin users, queue and system endpoints.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdminUserView))]
[JsonSerializable(typeof(AdminUserView[]))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UserLimitsRequest))]
[JsonSerializable(typeof(AdminKeyView))]
[JsonSerializable(typeof(AdminKeyView[]))]
[JsonSerializable(typeof(CreatedKeyResponse))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(AdminQueueResponse))]
[JsonSerializable(typeof(AdminSystemResponse))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
