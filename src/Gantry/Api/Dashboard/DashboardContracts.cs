using System.Text.Json.Serialization;

namespace Gantry.Api.Dashboard;

/// <summary>The body of <c>POST /dashboard/api/session</c>.</summary>
public sealed record SignInRequest
{
    [JsonPropertyName("api_key")]
    public string? ApiKey { get; init; }
}

/// <summary>Who is signed in, and how: what the dashboard and the editor read to know the user and the CSRF token.</summary>
public sealed record SessionResponse
{
    [JsonPropertyName("user")]
    public required SessionUser User { get; init; }

    /// <summary><c>session</c> (the cookie), <c>api_key</c> (a key header), or <c>none</c> (<c>--no-auth</c>).</summary>
    [JsonPropertyName("auth")]
    public required string Auth { get; init; }

    /// <summary>What a cookie-authenticated write sends as <c>X-CSRF-Token</c>; only for <c>session</c>.</summary>
    [JsonPropertyName("csrf_token")]
    public string? CsrfToken { get; init; }

    /// <summary>When the session ends however it is used (Unix ms); only for <c>session</c>.</summary>
    [JsonPropertyName("expires_at")]
    public long? ExpiresAt { get; init; }

    /// <summary>When the session ends unless it is used again (Unix ms); only for <c>session</c>.</summary>
    [JsonPropertyName("idle_expires_at")]
    public long? IdleExpiresAt { get; init; }
}

public sealed record SessionUser(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("is_admin")] bool IsAdmin);

/// <summary>Source-generated serializers of the dashboard's own endpoints.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SessionResponse))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
