using System.Text.Json.Serialization;
using Gantry.Auth;
using Gantry.Workers;

namespace Gantry.Api.Admin;

/// <summary>
/// One worker as <c>/api/admin/workers</c> and <c>gantry workers list</c> show it. <c>nodes</c> and <c>models</c> count its
/// newest catalog (node types; model files over all folders), null until the worker was first probed.
/// </summary>
public sealed record WorkerView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Url,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("last_error"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastError,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("slots")] int Slots,
    [property: JsonPropertyName("has_catalog")] bool HasCatalog,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("nodes"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Nodes = null,
    [property: JsonPropertyName("models"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Models = null)
{
    /// <summary>The worker as shown: its URL and last error with any credentials they hold masked.</summary>
    public static WorkerView From(WorkerInfo worker, WorkerOrigin? origin) => new(
        worker.Name,
        worker.Kind,
        Secrets.Redact(worker.Url),
        StateName(worker.State),
        Secrets.Redact(worker.LastError),
        worker.Running,
        worker.Slots,
        worker.HasCatalog,
        origin == WorkerOrigin.Registry ? "registry" : "settings",
        worker.NodeCount,
        worker.ModelCount);

    /// <summary><c>starting</c>, <c>online</c>, <c>draining</c>, <c>offline</c>.</summary>
    public static string StateName(WorkerState state) => state switch
    {
        WorkerState.Online => "online",
        WorkerState.Draining => "draining",
        WorkerState.Offline => "offline",
        _ => "starting",
    };
}

/// <summary>The body of <c>POST /api/admin/workers</c>.</summary>
public sealed record AddWorkerRequest(
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Url,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("auth_header")] string? AuthHeader);
