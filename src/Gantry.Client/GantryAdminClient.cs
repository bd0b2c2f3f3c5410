using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gantry.Client;

/// <summary>
/// The admin API's worker management (<c>/api/admin/workers</c>), typed: add, list, drain, resume, remove.
/// Needs an admin key. Changes take effect at once and are kept across restarts.
/// </summary>
public sealed class GantryAdminClient(GantryHttpClient http)
{
    /// <summary>Adds a ComfyUI server as a worker; it starts taking jobs at once.</summary>
    public async Task<FleetWorker> AddWorkerAsync(string url, string? name, string? authHeader, CancellationToken cancellationToken)
    {
        var body = await http.PostAsync("api/admin/workers", new AddWorkerBody(url, name, authHeader), AdminJsonContext.Default.AddWorkerBody, cancellationToken);
        return Read(body, AdminJsonContext.Default.FleetWorker);
    }

    public async Task<IReadOnlyList<FleetWorker>> ListWorkersAsync(CancellationToken cancellationToken)
        => Read(await http.GetAsync("api/admin/workers", cancellationToken), AdminJsonContext.Default.FleetWorkerArray);

    /// <summary>Removes a worker added at run time; its jobs go back to the queue.</summary>
    public Task RemoveWorkerAsync(string name, CancellationToken cancellationToken)
        => http.DeleteAsync($"api/admin/workers/{GantryHttpClient.Segment(name)}", cancellationToken);

    /// <summary>Lets a worker finish what it has and gives it nothing new.</summary>
    public async Task<FleetWorker> DrainWorkerAsync(string name, CancellationToken cancellationToken)
        => Read(await http.PostAsync($"api/admin/workers/{GantryHttpClient.Segment(name)}/drain", null, cancellationToken), AdminJsonContext.Default.FleetWorker);

    /// <summary>Undoes a drain: the worker takes new jobs again.</summary>
    public async Task<FleetWorker> ResumeWorkerAsync(string name, CancellationToken cancellationToken)
        => Read(await http.PostAsync($"api/admin/workers/{GantryHttpClient.Segment(name)}/resume", null, cancellationToken), AdminJsonContext.Default.FleetWorker);

    private static T Read<T>(JsonElement body, JsonTypeInfo<T> type)
        => JsonSerializer.Deserialize(body, type) ?? throw new GantryHttpException(GantryFailure.Unavailable, "The admin API answered null.");
}

/// <summary>One worker as the admin API shows it (credentials in its URL and last error masked by the server).</summary>
public sealed record FleetWorker(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("slots")] int Slots,
    [property: JsonPropertyName("has_catalog")] bool HasCatalog,
    [property: JsonPropertyName("origin")] string Origin);

/// <summary>The body of <c>POST /api/admin/workers</c>.</summary>
internal sealed record AddWorkerBody(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("auth_header")] string? AuthHeader);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FleetWorker))]
[JsonSerializable(typeof(FleetWorker[]))]
[JsonSerializable(typeof(AddWorkerBody))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
