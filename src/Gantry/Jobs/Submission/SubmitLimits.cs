using Gantry.Auth;
using Gantry.Domain;
using Microsoft.Extensions.Options;

namespace Gantry.Jobs.Submission;

/// <summary>
/// The per-user cap on waiting jobs (Comfy Cloud allows 100). Over it a submit is refused with 429 and a
/// Retry-After, and nothing is written.
/// </summary>
/// <remarks>
/// The cap is checked by the store inside the inserting transaction (<see cref="NewJob.MaxWaiting"/>), so it is exact
/// under any concurrency and across instances: on SQLite by the single writer, which counts only when its in-memory
/// upper bound of the user's waiting jobs reaches the cap (so a user far below it costs no count); on PostgreSQL under
/// a per-user advisory lock held until commit. Checking before the insert, with a count from another moment, let
/// concurrent submits through together (150 submitters at a cap of 100 got 198 accepted).
/// </remarks>
public sealed class SubmitLimits(IOptions<LimitOptions> options)
{
    /// <summary>The waiting-job cap for the caller, or null for none.</summary>
    public int? MaxWaitingFor(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var limit = caller.User.MaxQueued ?? options.Value.MaxQueuedPerUser;
        return limit > 0 ? limit : null;
    }

    /// <summary>The refusal for a full queue, with the Retry-After from settings.</summary>
    public SubmitOutcome.QueueFull Refusal(int waiting, int limit) => new(waiting, limit, options.Value.QueueFullRetryAfter);
}
