using Gantry.Domain;

namespace Gantry.Store;

/// <summary>
/// One row of a job list page as the store reads it: only the columns a list entry shows. Valid only during the
/// <see cref="JobListRowHandler"/> call that receives it.
/// </summary>
public readonly ref struct JobListRow
{
    public required Guid Id { get; init; }

    public required JobState State { get; init; }

    public required long CreatedAtMs { get; init; }

    public string? WorkflowId { get; init; }

    public long? ExecutionStartMs { get; init; }

    public long? ExecutionEndMs { get; init; }

    public int? OutputsCount { get; init; }

    /// <summary>The stored <c>preview_output</c> object (raw UTF-8 JSON); empty when the job has none.</summary>
    public ReadOnlySpan<byte> PreviewOutputJson { get; init; }

    /// <summary>The stored <c>ExecutionError</c> object (raw UTF-8 JSON); empty when the job has none.</summary>
    public ReadOnlySpan<byte> ExecutionErrorJson { get; init; }
}

/// <summary>Receives the rows of a page in order, while the store's reader is open (write them out, keep nothing).</summary>
public delegate void JobListRowHandler(JobListRow row);
