using Gantry.Auth;
using Gantry.Domain;
using Gantry.Jobs.Validation;
using Gantry.Store;

namespace Gantry.Jobs.Submission;

/// <summary>
/// The submit use case: validate, commit (the store checks the caller's queue cap in the same transaction), then tell
/// the scheduler.
/// Nothing is acknowledged before it is durable.
/// </summary>
public sealed class JobSubmitter(
    IJobStore store, IPromptValidator validator, SubmitLimits limits, JobSignals signals, TimeProvider time, Telemetry.GantryMetrics? metrics = null)
{
    public async Task<SubmitOutcome> SubmitAsync(Caller caller, PromptSubmission submission, CancellationToken cancellationToken)
    {
        var validation = validator.Validate(submission, caller.UserId);
        if (!validation.IsValid)
        {
            return new SubmitOutcome.Rejected(validation);
        }

        var id = submission.PromptId ?? Guid.NewGuid();
        var job = new NewJob
        {
            Id = id,
            UserId = caller.UserId,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            WorkflowId = submission.WorkflowId,
            ClientId = submission.ClientId,
            Number = submission.Number,
            MaxWaiting = limits.MaxWaitingFor(caller),
            IdempotencyKey = submission.IdempotencyKey,
            Payload = new JobPayload
            {
                PromptJson = submission.PromptJson,
                ExtraDataJson = submission.ExtraDataJson,
                OutputsToExecute = validation.OutputsToExecute,
                Requirements = JobRequirements.FromPrompt(submission.Prompt),
            },
        };

        JobRecord record;
        try
        {
            record = await store.InsertJobAsync(job, cancellationToken);
        }
        catch (DuplicateJobException)
        {
            return new SubmitOutcome.Duplicate(id);
        }
        catch (QueueFullException full)
        {
            return limits.Refusal(full.Waiting, full.Limit);
        }
        catch (IdempotencyKeyReusedException)
        {
            return new SubmitOutcome.KeyReused();
        }

        metrics?.JobSubmitted();
        signals.RaiseQueued(record);
        return new SubmitOutcome.Accepted(record, validation.NodeErrorsJson);
    }
}

/// <summary>What became of a submit.</summary>
public abstract record SubmitOutcome
{
    private SubmitOutcome()
    {
    }

    /// <summary>Committed; <paramref name="NodeErrorsJson"/> lists output branches that were dropped.</summary>
    public sealed record Accepted(JobRecord Job, byte[] NodeErrorsJson) : SubmitOutcome;

    /// <summary>The graph cannot run (HTTP 400 with ComfyUI's body).</summary>
    public sealed record Rejected(PromptValidation Validation) : SubmitOutcome;

    /// <summary>The client-chosen prompt_id is taken.</summary>
    public sealed record Duplicate(Guid PromptId) : SubmitOutcome;

    /// <summary>The caller has too many jobs waiting (HTTP 429 with Retry-After).</summary>
    public sealed record QueueFull(int Queued, int Limit, TimeSpan RetryAfter) : SubmitOutcome;

    /// <summary>The v2 <c>Idempotency-Key</c> was presented before (within 24 hours); nothing was written.</summary>
    public sealed record KeyReused : SubmitOutcome;
}
