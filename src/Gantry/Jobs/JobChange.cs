using Gantry.Domain;

namespace Gantry.Jobs;

/// <summary>
/// What another instance says of a job it changed: which job, whose, and the state it committed. Enough for what
/// follows users' jobs (event streams, queue counts, the leader's queue), without reading the job back.
/// </summary>
public readonly record struct JobChange(Guid JobId, long UserId, JobState State)
{
    public static JobChange Of(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobChange(job.Id, job.UserId, job.State);
    }
}
