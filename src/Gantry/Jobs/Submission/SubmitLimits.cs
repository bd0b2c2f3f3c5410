using Gantry.Auth;
using Gantry.Hosting;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Jobs.Submission;

/// <summary>
/// The per-user cap on waiting jobs (Comfy Cloud allows 100). Over it a submit is refused with 429 and a
/// Retry-After, and nothing is written.
/// </summary>
public sealed class SubmitLimits(IJobStore store, IOptions<GantryOptions> options)
{
    private static readonly IReadOnlyList<JobState> s_waiting = [JobState.Queued, JobState.Dispatched];

    public async Task<SubmitOutcome.QueueFull?> CheckAsync(Caller caller, CancellationToken cancellationToken)
    {
        var limits = options.Value.Limits;
        var limit = caller.User.MaxQueued ?? limits.MaxQueuedPerUser;

        if (limit <= 0)
        {
            return null;
        }

        var waiting = await store.CountUserJobsInStatesAsync(caller.UserId, s_waiting, cancellationToken);
        return waiting >= limit ? new SubmitOutcome.QueueFull(waiting, limit, limits.QueueFullRetryAfter) : null;
    }
}
