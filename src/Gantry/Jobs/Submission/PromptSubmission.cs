using Gantry.Engine.Json;

namespace Gantry.Jobs.Submission;

/// <summary>
/// A <c>POST /api/prompt</c> (or OSS <c>POST /prompt</c>) body, read once at the edge with the Python-compatible
/// parser. The byte arrays are the exact slices of the request body; <see cref="Prompt"/> is the same graph, parsed.
/// </summary>
public sealed record PromptSubmission
{
    /// <summary>A client-chosen id (canonical UUID), or null to let Gantry pick one.</summary>
    public Guid? PromptId { get; init; }

    /// <summary>The graph as <c>json.loads</c> reads it (NaN, big integers, a repeated key's last value).</summary>
    public required JObject Prompt { get; init; }

    public required byte[] PromptJson { get; init; }

    public byte[]? ExtraDataJson { get; init; }

    /// <summary><c>client_id</c> (top level, or inside <c>extra_data</c>).</summary>
    public string? ClientId { get; init; }

    /// <summary><c>number</c>: accepted and ignored for ordering (fair scheduling decides).</summary>
    public double? Number { get; init; }

    public IReadOnlyList<string>? PartialExecutionTargets { get; init; }

    /// <summary><c>extra_data.extra_pnginfo.workflow.id</c>.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The v2 <c>Idempotency-Key</c> header, if one came (see <see cref="Gantry.Domain.NewJob.IdempotencyKey"/>).</summary>
    public string? IdempotencyKey { get; init; }
}
