using System.Collections.Concurrent;
using Gantry.Auth;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Jobs.Submission;

/// <summary>
/// The per-user cap on waiting jobs (Comfy Cloud allows 100). Over it a submit is refused with 429 and a
/// Retry-After, and nothing is written.
/// </summary>
/// <remarks>
/// Counting a user's waiting jobs in the store on every submit cost about a third of submit throughput
/// (BENCHMARKS.md), so the count is kept as an upper bound: the last count plus the submits accepted since. While that
/// bound is under the limit the true number is too, and no count is needed; only near the limit, or once the count is
/// older than <see cref="CountLifetime"/>, is the store asked again. Jobs only stop waiting without a submit, with
/// one exception the lifetime covers: a job put back in the queue after its worker was lost (and, later, submits
/// taken by another instance on the same database).
/// </remarks>
public sealed class SubmitLimits(IJobStore store, IOptions<LimitOptions> options, TimeProvider time)
{
    /// <summary>How long a count is trusted as the base of the bound.</summary>
    public static readonly TimeSpan CountLifetime = TimeSpan.FromSeconds(2);

    private static readonly IReadOnlyList<JobState> s_waiting = [JobState.Queued, JobState.Dispatched];

    private readonly ConcurrentDictionary<long, WaitingBound> _bounds = new();

    public async Task<SubmitOutcome.QueueFull?> CheckAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var limits = options.Value;
        var limit = caller.User.MaxQueued ?? limits.MaxQueuedPerUser;
        if (limit <= 0)
        {
            return null;
        }

        var bound = _bounds.GetOrAdd(caller.UserId, static _ => new WaitingBound());
        if (bound.TryTake(limit, time))
        {
            return null;
        }

        var countedAt = time.GetTimestamp();
        var waiting = await store.CountUserJobsInStatesAsync(caller.UserId, s_waiting, cancellationToken);
        bound.Reset(waiting, countedAt, taken: waiting < limit);
        return waiting >= limit ? new SubmitOutcome.QueueFull(waiting, limit, limits.QueueFullRetryAfter) : null;
    }

    /// <summary>One user's bound on their waiting jobs: the last count, and the submits accepted since it.</summary>
    private sealed class WaitingBound
    {
        private readonly Lock _lock = new();
        private int _counted;
        private int _since;
        private long _countedAt = long.MinValue;

        /// <summary>Accepts one more submit without counting, if the bound stays under the limit and the count is fresh.</summary>
        public bool TryTake(int limit, TimeProvider time)
        {
            lock (_lock)
            {
                var fresh = _countedAt != long.MinValue && time.GetElapsedTime(_countedAt) < CountLifetime;
                if (!fresh || _counted + _since >= limit)
                {
                    return false;
                }

                _since++;
                return true;
            }
        }

        public void Reset(int counted, long countedAt, bool taken)
        {
            lock (_lock)
            {
                _counted = counted;
                _since = taken ? 1 : 0;
                _countedAt = countedAt;
            }
        }
    }
}
