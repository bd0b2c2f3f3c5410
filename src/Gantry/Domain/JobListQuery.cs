namespace Gantry.Domain;

/// <summary>The filters, sort and page of <c>GET /api/jobs</c>, already validated.</summary>
public sealed record JobListQuery
{
    public required long UserId { get; init; }

    /// <summary>Internal states to include; empty means all.</summary>
    public IReadOnlyList<JobState> States { get; init; } = [];

    public string? WorkflowId { get; init; }

    /// <summary>Only jobs whose outputs contain this media (None means no filter).</summary>
    public OutputMediaTypes OutputType { get; init; }

    public JobSortField SortBy { get; init; } = JobSortField.CreateTime;

    public bool Descending { get; init; } = true;

    public int Offset { get; init; }

    public int Limit { get; init; } = 100;
}

public enum JobSortField
{
    /// <summary>Submission order.</summary>
    CreateTime = 0,

    /// <summary>How long the workflow ran (0 while not finished).</summary>
    ExecutionTime = 1,
}

/// <summary>One page of jobs and the count of all jobs matching the filters.</summary>
public sealed record JobPage(IReadOnlyList<JobRecord> Jobs, long Total);
