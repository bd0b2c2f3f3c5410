using Gantry.Domain;

namespace Gantry.Workers;

/// <summary>
/// How a job ended on a worker, with everything the history needs. Output files have already been
/// fetched into Gantry's content store when this is reported.
/// </summary>
public sealed record WorkerJobOutcome
{
    public required WorkerJobResult Result { get; init; }

    public long? ExecutionStartMs { get; init; }

    public long? ExecutionEndMs { get; init; }

    /// <summary>The history <c>outputs</c> map (raw UTF-8 JSON), with filenames as stored by Gantry.</summary>
    public required byte[] OutputsJson { get; init; }

    /// <summary>The history <c>status</c> object <c>{status_str, completed, messages}</c>.</summary>
    public required byte[] StatusJson { get; init; }

    /// <summary>The history <c>meta</c> object.</summary>
    public required byte[] MetaJson { get; init; }

    /// <summary>The <c>execution_error</c> event's data as the Cloud's <c>ExecutionError</c> object, for failed jobs.</summary>
    public byte[]? ExecutionErrorJson { get; init; }

    /// <summary>One line for <c>error_message</c>, for failed and interrupted jobs.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The files the job produced, as stored.</summary>
    public IReadOnlyList<ProducedFile> Files { get; init; } = [];
}

public enum WorkerJobResult
{
    Succeeded = 0,
    Failed = 1,
    Interrupted = 2,
}
