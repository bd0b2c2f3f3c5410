using Gantry.Domain;
using Gantry.Store.GroupCommit;

namespace Gantry.Store.Relational;

/// <summary>What a job insert came to, the same on both backends' batch writers.</summary>
internal static class JobInsertOutcomes
{
    /// <summary>Counts a user's waiting jobs (queued or dispatched): the cap's count, taken inside the inserting transaction.</summary>
    public static readonly string CountWaitingSql =
        $"SELECT COUNT(*) FROM jobs WHERE user_id = @user_id AND {JobRows.UserStateCondition("state", [JobState.Queued, JobState.Dispatched])}";

    /// <summary>
    /// The new row when the insert got a sequence; else a duplicate id when <paramref name="duplicate"/>, else an owner
    /// that does not exist. Either failure wrote nothing.
    /// </summary>
    public static GroupCommitOutcome<JobRecord> Inserted(NewJob job, long? sequence, bool duplicate) =>
        sequence is { } seq ? GroupCommitOutcome<JobRecord>.Success(JobRows.Inserted(job, seq))
        : duplicate ? GroupCommitOutcome<JobRecord>.Failure(new DuplicateJobException(job.Id))
        : GroupCommitOutcome<JobRecord>.Failure(new InvalidOperationException($"User {job.UserId} does not exist."));

    /// <summary>A job refused because its user had <paramref name="waiting"/> jobs waiting, at or over its cap.</summary>
    public static GroupCommitOutcome<JobRecord> QueueFull(NewJob job, int waiting) =>
        GroupCommitOutcome<JobRecord>.Failure(new QueueFullException(waiting, job.MaxWaiting ?? 0));

    /// <summary>A job refused because its Idempotency-Key is already taken by another job.</summary>
    public static GroupCommitOutcome<JobRecord> KeyReused() =>
        GroupCommitOutcome<JobRecord>.Failure(new IdempotencyKeyReusedException());
}
