namespace Gantry.Domain;

/// <summary>A ComfyUI worker added at run time (CLI or admin API) and kept across restarts.</summary>
public sealed record WorkerRegistration
{
    /// <summary>Unique name; what <c>assigned_inference</c> shows.</summary>
    public required string Name { get; init; }

    /// <summary>Base URL of the ComfyUI server, e.g. <c>http://10.0.0.5:8188</c>.</summary>
    public required string Url { get; init; }

    /// <summary>Optional header sent with every request to the worker, as <c>Name: value</c>.</summary>
    public string? AuthHeader { get; init; }

    /// <summary>A draining worker finishes what it has and gets nothing new.</summary>
    public bool Draining { get; init; }

    public required long CreatedAtMs { get; init; }
}
