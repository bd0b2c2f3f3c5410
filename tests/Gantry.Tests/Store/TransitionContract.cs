using System.Text;
using Gantry.Domain;

namespace Gantry.Tests.Store;

/// <summary>The compare-and-set state changes: the state machine's rules, the guards, and what a move writes.</summary>
public abstract class TransitionContract(StoreBackend backend) : StoreTestBase(backend)
{
    public static TheoryData<JobState, JobState> AllMoves()
    {
        var data = new TheoryData<JobState, JobState>();
        foreach (var from in Enum.GetValues<JobState>())
        {
            foreach (var to in Enum.GetValues<JobState>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllMoves))]
    public async Task The_store_allows_exactly_the_state_machines_moves(JobState from, JobState to)
    {
        var user = await NewUserAsync();
        var job = await JobInStateAsync(user.Id, from);

        var moved = await Store.TransitionAsync(new JobTransition { JobId = job.Id, To = to, AtMs = 9_000 }, Ct);

        if (JobStateMachine.CanMove(from, to))
        {
            moved.ShouldNotBeNull();
            moved.State.ShouldBe(to);
            moved.UpdatedAtMs.ShouldBe(9_000);
            moved.StateChangedAtMs.ShouldBe(9_000);
            moved.Worker.ShouldBe(job.Worker);
            (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(moved);
        }
        else
        {
            moved.ShouldBeNull();
            (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(job);
        }
    }

    [Fact]
    public async Task A_move_of_an_unknown_job_returns_null()
    {
        var moved = await Store.TransitionAsync(new JobTransition { JobId = Guid.NewGuid(), To = JobState.Cancelled, AtMs = 1 }, Ct);
        moved.ShouldBeNull();
    }

    [Fact]
    public async Task OnlyFrom_narrows_the_allowed_states()
    {
        var user = await NewUserAsync();
        var running = await JobInStateAsync(user.Id, JobState.Running);
        var queued = await JobInStateAsync(user.Id, JobState.Queued);
        var cancelQueuedOnly = (Guid id) => new JobTransition { JobId = id, To = JobState.Cancelled, AtMs = 50, OnlyFrom = [JobState.Queued] };

        (await Store.TransitionAsync(cancelQueuedOnly(running.Id), Ct)).ShouldBeNull();
        (await Store.GetJobAsync(running.Id, Ct)).ShouldBe(running);

        var cancelled = await Store.TransitionAsync(cancelQueuedOnly(queued.Id), Ct);
        cancelled.ShouldNotBeNull().State.ShouldBe(JobState.Cancelled);
    }

    [Fact]
    public async Task OnlyFrom_outside_the_machines_sources_matches_nothing()
    {
        var user = await NewUserAsync();
        var succeeded = await JobInStateAsync(user.Id, JobState.Succeeded);

        var moved = await Store.TransitionAsync(
            new JobTransition { JobId = succeeded.Id, To = JobState.Queued, AtMs = 50, OnlyFrom = [JobState.Succeeded] }, Ct);

        moved.ShouldBeNull();
        (await Store.GetJobAsync(succeeded.Id, Ct)).ShouldBe(succeeded);
    }

    [Fact]
    public async Task OnlyOnWorker_refuses_a_report_from_another_worker()
    {
        var user = await NewUserAsync();
        var dispatched = await JobInStateAsync(user.Id, JobState.Dispatched);

        var stale = await Store.TransitionAsync(
            new JobTransition { JobId = dispatched.Id, To = JobState.Running, AtMs = 60, OnlyOnWorker = "w2" }, Ct);
        stale.ShouldBeNull();
        (await Store.GetJobAsync(dispatched.Id, Ct)).ShouldBe(dispatched);

        var started = await Store.TransitionAsync(
            new JobTransition { JobId = dispatched.Id, To = JobState.Running, AtMs = 61, OnlyOnWorker = "w1", ExecutionStartMs = 61 }, Ct);
        started.ShouldNotBeNull().State.ShouldBe(JobState.Running);
        started.ExecutionStartMs.ShouldBe(61);
    }

    [Fact]
    public async Task OnlyOnWorker_does_not_match_a_job_without_worker()
    {
        var user = await NewUserAsync();
        var queued = await JobInStateAsync(user.Id, JobState.Queued);

        var moved = await Store.TransitionAsync(
            new JobTransition { JobId = queued.Id, To = JobState.Failed, AtMs = 60, OnlyOnWorker = "w1" }, Ct);

        moved.ShouldBeNull();
    }

    [Fact]
    public async Task Dispatch_sets_the_worker_and_its_time_and_counts_an_attempt_and_a_requeue_resets_execution()
    {
        var user = await NewUserAsync();
        var job = await InsertAsync(user.Id);

        var dispatched = await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Dispatched, AtMs = 10, Worker = "w1", CountAttempt = true }, Ct);
        dispatched.ShouldNotBeNull();
        dispatched.Worker.ShouldBe("w1");
        dispatched.Attempts.ShouldBe(1);
        dispatched.DispatchedAtMs.ShouldBe(10);
        job.DispatchedAtMs.ShouldBeNull();

        var running = await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Running, AtMs = 11, ExecutionStartMs = 11 }, Ct);
        running.ShouldNotBeNull().ExecutionStartMs.ShouldBe(11);
        running.Attempts.ShouldBe(1);
        running.DispatchedAtMs.ShouldBe(10);

        var requeued = await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Queued, AtMs = 12, ResetExecution = true, OnlyOnWorker = "w1" }, Ct);
        requeued.ShouldNotBeNull();
        requeued.State.ShouldBe(JobState.Queued);
        requeued.Worker.ShouldBeNull();
        requeued.ExecutionStartMs.ShouldBeNull();
        requeued.ExecutionEndMs.ShouldBeNull();
        requeued.ExecutionDurationMs.ShouldBe(0);
        requeued.Attempts.ShouldBe(1);
        requeued.DispatchedAtMs.ShouldBeNull();

        var again = await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Dispatched, AtMs = 13, Worker = "w2", CountAttempt = true }, Ct);
        again.ShouldNotBeNull().Worker.ShouldBe("w2");
        again.Attempts.ShouldBe(2);
        again.DispatchedAtMs.ShouldBe(13);
        (await Store.GetJobAsync(job.Id, Ct)).ShouldNotBeNull().DispatchedAtMs.ShouldBe(13);
        again.CreatedAtMs.ShouldBe(job.CreatedAtMs);
        again.Sequence.ShouldBe(job.Sequence);
    }

    [Fact]
    public async Task A_reset_with_a_new_worker_keeps_the_new_worker()
    {
        var user = await NewUserAsync();
        var running = await JobInStateAsync(user.Id, JobState.Running);

        var moved = await Store.TransitionAsync(
            new JobTransition { JobId = running.Id, To = JobState.Queued, AtMs = 20, ResetExecution = true, Worker = "w9" }, Ct);

        moved.ShouldNotBeNull().Worker.ShouldBe("w9");
    }

    [Fact]
    public async Task Execution_duration_is_end_minus_start_once_both_are_known()
    {
        var user = await NewUserAsync();
        var dispatched = await JobInStateAsync(user.Id, JobState.Dispatched);

        var running = await Store.TransitionAsync(
            new JobTransition { JobId = dispatched.Id, To = JobState.Running, AtMs = 1_000, ExecutionStartMs = 1_000 }, Ct);
        running.ShouldNotBeNull().ExecutionDurationMs.ShouldBe(0);

        var done = await Store.TransitionAsync(
            new JobTransition { JobId = dispatched.Id, To = JobState.Succeeded, AtMs = 3_500, ExecutionEndMs = 3_500 }, Ct);
        done.ShouldNotBeNull();
        done.ExecutionStartMs.ShouldBe(1_000);
        done.ExecutionEndMs.ShouldBe(3_500);
        done.ExecutionDurationMs.ShouldBe(2_500);
    }

    [Fact]
    public async Task A_job_finished_before_it_was_seen_starting_gets_both_times_at_once()
    {
        var user = await NewUserAsync();
        var dispatched = await JobInStateAsync(user.Id, JobState.Dispatched);

        var done = await Store.TransitionAsync(
            new JobTransition { JobId = dispatched.Id, To = JobState.Succeeded, AtMs = 800, ExecutionStartMs = 500, ExecutionEndMs = 800 }, Ct);

        done.ShouldNotBeNull().ExecutionDurationMs.ShouldBe(300);
    }

    [Fact]
    public async Task A_terminal_move_stores_summary_and_results()
    {
        var user = await NewUserAsync();
        var running = await JobInStateAsync(user.Id, JobState.Running);
        var outputs = Encoding.UTF8.GetBytes("{\"9\":{\"images\":[{\"filename\":\"a.png\",\"subfolder\":\"\",\"type\":\"output\"}]}}");
        var status = Encoding.UTF8.GetBytes("{\"status_str\":\"success\",\"completed\":true,\"messages\":[]}");
        var meta = Encoding.UTF8.GetBytes("{\"9\":{\"node_id\":\"9\"}}");
        var preview = Encoding.UTF8.GetBytes("{\"filename\":\"a.png\"}");

        var done = await Store.TransitionAsync(
            new JobTransition
            {
                JobId = running.Id,
                To = JobState.Succeeded,
                AtMs = 100,
                ExecutionEndMs = 100,
                OutputsCount = 1,
                PreviewOutputJson = preview,
                OutputTypes = OutputMediaTypes.Image | OutputMediaTypes.Video,
                Result = new JobResult { OutputsJson = outputs, StatusJson = status, MetaJson = meta },
            }, Ct);

        done.ShouldNotBeNull();
        done.OutputsCount.ShouldBe(1);
        done.PreviewOutputJson.ShouldBe(preview);
        done.OutputTypes.ShouldBe(OutputMediaTypes.Image | OutputMediaTypes.Video);

        var detail = await Store.GetJobDetailAsync(running.Id, Ct);
        detail.ShouldNotBeNull();
        detail.Job.ShouldBeEquivalentTo(done);
        var result = detail.Result.ShouldNotBeNull();
        result.OutputsJson.ShouldBe(outputs);
        result.StatusJson.ShouldBe(status);
        result.MetaJson.ShouldBe(meta);
    }

    [Fact]
    public async Task A_failure_stores_its_message_and_structured_error()
    {
        var user = await NewUserAsync();
        var running = await JobInStateAsync(user.Id, JobState.Running);
        var error = Encoding.UTF8.GetBytes("{\"node_id\":\"3\",\"exception_message\":\"boom\",\"traceback\":[]}");

        var failed = await Store.TransitionAsync(
            new JobTransition
            {
                JobId = running.Id,
                To = JobState.Failed,
                AtMs = 70,
                ErrorMessage = "boom",
                ExecutionErrorJson = error,
                Result = new JobResult { StatusJson = "{\"status_str\":\"error\"}"u8.ToArray() },
            }, Ct);

        failed.ShouldNotBeNull().ErrorMessage.ShouldBe("boom");
        failed.ExecutionErrorJson.ShouldBe(error);
        var detail = await Store.GetJobDetailAsync(running.Id, Ct);
        var result = detail.ShouldNotBeNull().Result.ShouldNotBeNull();
        result.StatusJson.ShouldBe("{\"status_str\":\"error\"}"u8.ToArray());
        result.OutputsJson.ShouldBeNull();
        result.MetaJson.ShouldBeNull();
    }

    [Fact]
    public async Task A_refused_move_writes_no_results()
    {
        var user = await NewUserAsync();
        var cancelled = await JobInStateAsync(user.Id, JobState.Cancelled);

        var moved = await Store.TransitionAsync(
            new JobTransition
            {
                JobId = cancelled.Id,
                To = JobState.Succeeded,
                AtMs = 90,
                Result = new JobResult { OutputsJson = "{}"u8.ToArray() },
            }, Ct);

        moved.ShouldBeNull();
        (await Store.GetJobDetailAsync(cancelled.Id, Ct)).ShouldNotBeNull().Result.ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_dispatches_of_one_job_have_exactly_one_winner()
    {
        var user = await NewUserAsync();
        var job = await InsertAsync(user.Id);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Dispatched, AtMs = 100 + i, Worker = $"w{i}", CountAttempt = true }, Ct), Ct)));

        var winner = attempts.Where(a => a is not null).ShouldHaveSingleItem().ShouldNotBeNull();
        winner.Attempts.ShouldBe(1);
        (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(winner);
    }
}
