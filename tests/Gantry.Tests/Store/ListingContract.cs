using Gantry.Domain;

namespace Gantry.Tests.Store;

/// <summary><c>GET /api/jobs</c> and the other list queries, checked against a model computed in memory.</summary>
public abstract class ListingContract(StoreBackend backend) : StoreTestBase(backend)
{
    private static readonly OutputMediaTypes[] OutputCycle =
        [OutputMediaTypes.Image, OutputMediaTypes.Video | OutputMediaTypes.Audio, OutputMediaTypes.None, OutputMediaTypes.Audio];

    private static readonly string?[] WorkflowCycle = ["wf-a", "wf-b", null];

    [Fact]
    public async Task Every_filter_sort_and_page_matches_the_model()
    {
        var owner = await NewUserAsync();
        var stranger = await NewUserAsync();
        var jobs = await CreateVariedJobsAsync(owner.Id, count: 21);
        await CreateVariedJobsAsync(stranger.Id, count: 9);

        IReadOnlyList<JobState>[] stateFilters =
            [[], [JobState.Queued], [JobState.Queued, JobState.Dispatched], [JobState.Succeeded, JobState.Failed, JobState.Cancelled], [JobState.Cancelling]];
        string?[] workflows = [null, "wf-a", "no-such-workflow"];
        OutputMediaTypes[] outputs = [OutputMediaTypes.None, OutputMediaTypes.Image, OutputMediaTypes.Audio, OutputMediaTypes.Image | OutputMediaTypes.Video];
        (int Offset, int Limit)[] pages = [(0, 100), (0, 4), (5, 6), (19, 10)];

        var checkedQueries = 0;
        foreach (var states in stateFilters)
        {
            foreach (var workflow in workflows)
            {
                foreach (var output in outputs)
                {
                    foreach (var sort in Enum.GetValues<JobSortField>())
                    {
                        foreach (var descending in new[] { true, false })
                        {
                            foreach (var (offset, limit) in pages)
                            {
                                var query = new JobListQuery
                                {
                                    UserId = owner.Id,
                                    States = states,
                                    WorkflowId = workflow,
                                    OutputType = output,
                                    SortBy = sort,
                                    Descending = descending,
                                    Offset = offset,
                                    Limit = limit,
                                };
                                var expected = Model(jobs, query);
                                var page = await Store.ListJobsAsync(query, Ct);
                                page.Total.ShouldBe(expected.Total, Describe(query));
                                page.Jobs.Select(j => j.Id).ShouldBe(expected.Ids, Describe(query));
                                checkedQueries++;
                            }
                        }
                    }
                }
            }
        }

        checkedQueries.ShouldBe(960);
    }

    [Fact]
    public async Task The_default_query_lists_the_users_jobs_newest_first_with_full_rows()
    {
        var owner = await NewUserAsync();
        var stranger = await NewUserAsync();
        var first = await InsertAsync(owner.Id, createdAtMs: 1);
        await InsertAsync(stranger.Id, createdAtMs: 2);
        var second = await InsertAsync(owner.Id, createdAtMs: 3);

        var page = await Store.ListJobsAsync(new JobListQuery { UserId = owner.Id }, Ct);

        page.Total.ShouldBe(2);
        page.Jobs.ShouldBe([second, first]);
    }

    [Fact]
    public async Task Execution_time_sort_breaks_ties_by_submission_order()
    {
        var owner = await NewUserAsync();
        var slow = await FinishedAsync(owner.Id, durationMs: 900);
        var fastA = await FinishedAsync(owner.Id, durationMs: 100);
        var fastB = await FinishedAsync(owner.Id, durationMs: 100);
        var waiting = await InsertAsync(owner.Id);

        var descending = await Store.ListJobsAsync(new JobListQuery { UserId = owner.Id, SortBy = JobSortField.ExecutionTime }, Ct);
        var ascending = await Store.ListJobsAsync(
            new JobListQuery { UserId = owner.Id, SortBy = JobSortField.ExecutionTime, Descending = false }, Ct);

        descending.Jobs.Select(j => j.Id).ShouldBe([slow.Id, fastB.Id, fastA.Id, waiting.Id]);
        ascending.Jobs.Select(j => j.Id).ShouldBe([waiting.Id, fastA.Id, fastB.Id, slow.Id]);
    }

    [Fact]
    public async Task An_offset_past_the_end_gives_an_empty_page_and_the_total()
    {
        var owner = await NewUserAsync();
        await InsertAsync(owner.Id);
        await InsertAsync(owner.Id);

        var page = await Store.ListJobsAsync(new JobListQuery { UserId = owner.Id, Offset = 10, Limit = 5 }, Ct);

        page.Jobs.ShouldBeEmpty();
        page.Total.ShouldBe(2);
    }

    [Fact]
    public async Task A_user_sees_only_their_own_jobs()
    {
        var owner = await NewUserAsync();
        var stranger = await NewUserAsync();
        await InsertAsync(stranger.Id, workflowId: "shared");
        await JobInStateAsync(stranger.Id, JobState.Succeeded);

        (await Store.ListJobsAsync(new JobListQuery { UserId = owner.Id }, Ct)).Total.ShouldBe(0);
        (await Store.ListJobsAsync(new JobListQuery { UserId = owner.Id, WorkflowId = "shared" }, Ct)).Jobs.ShouldBeEmpty();
        (await Store.ListHistoryAsync(owner.Id, 0, 10, Ct)).ShouldBeEmpty();
        (await Store.CountUserJobsInStatesAsync(owner.Id, JobStateMachine.TerminalStates, Ct)).ShouldBe(0);
        (await Store.DeleteHistoryAsync(owner.Id, null, Ct)).ShouldBe(0);
        (await Store.CountUserJobsInStatesAsync(stranger.Id, JobStateMachine.TerminalStates, Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Jobs_in_states_come_oldest_first_up_to_the_limit()
    {
        var owner = await NewUserAsync();
        var queued1 = await JobInStateAsync(owner.Id, JobState.Queued);
        var running = await JobInStateAsync(owner.Id, JobState.Running);
        await JobInStateAsync(owner.Id, JobState.Succeeded);
        var queued2 = await JobInStateAsync(owner.Id, JobState.Queued);
        var stranger = await NewUserAsync();
        await JobInStateAsync(stranger.Id, JobState.Queued);

        var pendingAndRunning = await Store.ListUserJobsInStatesAsync(owner.Id, [JobState.Queued, JobState.Running], 10, Ct);
        var firstTwo = await Store.ListUserJobsInStatesAsync(owner.Id, [JobState.Queued, JobState.Running], 2, Ct);

        pendingAndRunning.ShouldBe([queued1, running, queued2]);
        firstTwo.ShouldBe([queued1, running]);
        (await Store.ListUserJobsInStatesAsync(owner.Id, [], 10, Ct)).ShouldBeEmpty();
        (await Store.CountUserJobsInStatesAsync(owner.Id, [JobState.Queued, JobState.Running], Ct)).ShouldBe(3);
        (await Store.CountUserJobsInStatesAsync(owner.Id, JobStateMachine.ActiveStates, Ct)).ShouldBe(3);
        (await Store.CountUserJobsInStatesAsync(owner.Id, [], Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Jobs_with_payloads_carry_each_jobs_own_payload()
    {
        var owner = await NewUserAsync();
        var a = await Store.InsertJobAsync(NewJob(owner.Id, prompt: "{\"a\":1}"u8.ToArray(), extraData: "{\"x\":0}"u8.ToArray()), Ct);
        var b = await Store.InsertJobAsync(NewJob(owner.Id, prompt: "{\"b\":2}"u8.ToArray()), Ct);
        await MoveAsync(b.Id, JobState.Dispatched, 5, "w1");

        var listed = await Store.ListUserJobsWithPayloadsAsync(owner.Id, [JobState.Queued, JobState.Dispatched], 10, Ct);

        listed.Count.ShouldBe(2);
        listed[0].Job.Id.ShouldBe(a.Id);
        listed[0].Payload.PromptJson.ShouldBe("{\"a\":1}"u8.ToArray());
        listed[0].Payload.ExtraDataJson.ShouldBe("{\"x\":0}"u8.ToArray());
        listed[1].Job.State.ShouldBe(JobState.Dispatched);
        listed[1].Payload.PromptJson.ShouldBe("{\"b\":2}"u8.ToArray());
        listed[1].Payload.ExtraDataJson.ShouldBeNull();
    }

    [Fact]
    public async Task History_lists_terminal_jobs_newest_first()
    {
        var owner = await NewUserAsync();
        var failed = await JobInStateAsync(owner.Id, JobState.Failed);
        await JobInStateAsync(owner.Id, JobState.Running);
        var succeeded = await JobInStateAsync(owner.Id, JobState.Succeeded);
        var cancelled = await JobInStateAsync(owner.Id, JobState.Cancelled);

        (await Store.ListHistoryAsync(owner.Id, 0, 10, Ct)).Select(j => j.Id).ShouldBe([cancelled.Id, succeeded.Id, failed.Id]);
        (await Store.ListHistoryAsync(owner.Id, 1, 1, Ct)).Select(j => j.Id).ShouldBe([succeeded.Id]);
        (await Store.ListHistoryAsync(owner.Id, 3, 10, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task History_details_are_the_history_page_with_each_jobs_detail()
    {
        var owner = await NewUserAsync();
        await JobInStateAsync(owner.Id, JobState.Failed);
        await JobInStateAsync(owner.Id, JobState.Running);
        await JobInStateAsync(owner.Id, JobState.Succeeded);
        await JobInStateAsync(owner.Id, JobState.Cancelled);

        foreach (var (offset, limit) in new[] { (0, 10), (1, 1), (2, 5), (3, 10) })
        {
            var details = await Store.ListHistoryDetailsAsync(owner.Id, offset, limit, Ct);
            var expected = new List<JobDetail>();
            foreach (var job in await Store.ListHistoryAsync(owner.Id, offset, limit, Ct))
            {
                expected.Add((await Store.GetJobDetailAsync(job.Id, Ct))!);
            }

            details.Select(d => d.Job).ShouldBe(expected.Select(d => d.Job));
            details.Select(d => d.Payload.PromptJson).ShouldBe(expected.Select(d => d.Payload.PromptJson));
            details.Select(d => d.Result?.OutputsJson).ShouldBe(expected.Select(d => d.Result?.OutputsJson));
        }

        (await Store.ListHistoryDetailsAsync(owner.Id, 0, 0, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Job_rows_of_a_page_carry_the_entry_columns_of_its_records()
    {
        var owner = await NewUserAsync();
        await JobInStateAsync(owner.Id, JobState.Failed);
        await JobInStateAsync(owner.Id, JobState.Queued);
        await JobInStateAsync(owner.Id, JobState.Succeeded);
        var query = new JobListQuery { UserId = owner.Id, Offset = 1, Limit = 5 };

        var page = await Store.ListJobsAsync(query, Ct);
        var rows = new List<(Guid, JobState, long, long?, int?, string?, string?)>();
        var total = await Store.ListJobRowsAsync(query, row => rows.Add((
            row.Id, row.State, row.CreatedAtMs, row.ExecutionEndMs, row.OutputsCount,
            row.PreviewOutputJson.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(row.PreviewOutputJson),
            row.ExecutionErrorJson.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(row.ExecutionErrorJson))), Ct);

        total.ShouldBe(page.Total);
        rows.ShouldBe(page.Jobs.Select(j => (
            j.Id, j.State, j.CreatedAtMs, j.ExecutionEndMs, j.OutputsCount,
            j.PreviewOutputJson is null ? null : System.Text.Encoding.UTF8.GetString(j.PreviewOutputJson),
            j.ExecutionErrorJson is null ? null : System.Text.Encoding.UTF8.GetString(j.ExecutionErrorJson))));
        rows.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Active_jobs_of_all_users_reload_in_submission_order()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var a1 = await JobInStateAsync(alice.Id, JobState.Running);
        var b1 = await JobInStateAsync(bob.Id, JobState.Queued);
        var done = await JobInStateAsync(alice.Id, JobState.Succeeded);
        var a2 = await JobInStateAsync(alice.Id, JobState.Cancelling);
        var b2 = await JobInStateAsync(bob.Id, JobState.Dispatched);
        var failed = await JobInStateAsync(bob.Id, JobState.Failed);

        var active = await Store.ListActiveJobsAsync(Ct);

        // Other tests of this class share the database: look at this test's jobs only.
        var mine = active.Where(j => j.UserId == alice.Id || j.UserId == bob.Id).ToList();
        mine.ShouldBe([a1, b1, a2, b2]);
        active.ShouldAllBe(j => JobStateMachine.IsActive(j.State));
        active.Select(j => j.Sequence).ShouldBeInOrder(SortDirection.Ascending);
        active.ShouldNotContain(j => j.Id == done.Id || j.Id == failed.Id);
    }

    [Fact]
    public async Task Deleting_history_removes_terminal_jobs_with_their_payloads_and_results()
    {
        var owner = await NewUserAsync();
        var stranger = await NewUserAsync();
        var succeeded = await JobInStateAsync(owner.Id, JobState.Succeeded);
        var failed = await JobInStateAsync(owner.Id, JobState.Failed);
        var running = await JobInStateAsync(owner.Id, JobState.Running);
        var strangers = await JobInStateAsync(stranger.Id, JobState.Cancelled);
        await Store.TransitionAsync(new JobTransition { JobId = running.Id, To = JobState.Succeeded, AtMs = 99, Result = new JobResult { OutputsJson = "{}"u8.ToArray() } }, Ct);
        var finishedLater = (await Store.GetJobAsync(running.Id, Ct)).ShouldNotBeNull();

        var deleted = await Store.DeleteHistoryAsync(owner.Id, [succeeded.Id, strangers.Id, Guid.NewGuid(), succeeded.Id], Ct);

        deleted.ShouldBe(1);
        (await Store.GetJobAsync(succeeded.Id, Ct)).ShouldBeNull();
        (await Store.GetJobDetailAsync(succeeded.Id, Ct)).ShouldBeNull();
        (await Store.GetPayloadAsync(succeeded.Id, Ct)).ShouldBeNull();
        (await Store.GetJobAsync(strangers.Id, Ct)).ShouldNotBeNull();
        (await Store.GetJobAsync(failed.Id, Ct)).ShouldNotBeNull();

        var active = await JobInStateAsync(owner.Id, JobState.Queued);
        (await Store.DeleteHistoryAsync(owner.Id, null, Ct)).ShouldBe(2);
        (await Store.GetJobAsync(failed.Id, Ct)).ShouldBeNull();
        (await Store.GetJobDetailAsync(finishedLater.Id, Ct)).ShouldBeNull();
        (await Store.GetJobAsync(active.Id, Ct)).ShouldBe(active);
        (await Store.DeleteHistoryAsync(owner.Id, [], Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Active_jobs_are_not_history_and_are_never_deleted()
    {
        var owner = await NewUserAsync();
        var states = new[] { JobState.Queued, JobState.Dispatched, JobState.Running, JobState.Cancelling };
        var active = new List<JobRecord>();
        foreach (var state in states)
        {
            active.Add(await JobInStateAsync(owner.Id, state));
        }

        (await Store.DeleteHistoryAsync(owner.Id, active.Select(j => j.Id).ToList(), Ct)).ShouldBe(0);
        (await Store.DeleteHistoryAsync(owner.Id, null, Ct)).ShouldBe(0);
        foreach (var job in active)
        {
            (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(job);
        }
    }

    private static (long Total, List<Guid> Ids) Model(IReadOnlyList<JobRecord> jobs, JobListQuery query)
    {
        var matching = jobs
            .Where(j => j.UserId == query.UserId)
            .Where(j => query.States.Count == 0 || query.States.Contains(j.State))
            .Where(j => query.WorkflowId is null || j.WorkflowId == query.WorkflowId)
            .Where(j => query.OutputType == OutputMediaTypes.None || (j.OutputTypes & query.OutputType) != 0)
            .ToList();
        IEnumerable<JobRecord> ordered = (query.SortBy, query.Descending) switch
        {
            (JobSortField.CreateTime, true) => matching.OrderByDescending(j => j.Sequence),
            (JobSortField.CreateTime, false) => matching.OrderBy(j => j.Sequence),
            (_, true) => matching.OrderByDescending(j => j.ExecutionDurationMs).ThenByDescending(j => j.Sequence),
            (_, false) => matching.OrderBy(j => j.ExecutionDurationMs).ThenBy(j => j.Sequence),
        };
        return (matching.Count, ordered.Skip(query.Offset).Take(query.Limit).Select(j => j.Id).ToList());
    }

    private static string Describe(JobListQuery query) =>
        $"states=[{string.Join(',', query.States)}] workflow={query.WorkflowId} output={query.OutputType} " +
        $"sort={query.SortBy} desc={query.Descending} offset={query.Offset} limit={query.Limit}";

    /// <summary>Jobs cycling through every state, three workflows, four output mixes and tied durations.</summary>
    private async Task<List<JobRecord>> CreateVariedJobsAsync(long userId, int count)
    {
        var states = Enum.GetValues<JobState>();
        var jobs = new List<JobRecord>();
        for (var i = 0; i < count; i++)
        {
            var state = states[i % states.Length];
            var job = await Store.InsertJobAsync(NewJob(userId, createdAtMs: 1_000 + i, workflowId: WorkflowCycle[i % WorkflowCycle.Length]), Ct);
            if (state != JobState.Queued)
            {
                job = await BringToAsync(job, state, durationMs: (i % 4) * 250, OutputCycle[i % OutputCycle.Length]);
            }

            jobs.Add(job);
        }

        return jobs;
    }

    private async Task<JobRecord> BringToAsync(JobRecord job, JobState state, long durationMs, OutputMediaTypes outputs)
    {
        var start = 10_000 + job.Sequence;
        if (state is JobState.Failed or JobState.Cancelled)
        {
            // Straight from the queue, with times and outputs as a worker might still have reported.
            return (await Store.TransitionAsync(
                new JobTransition { JobId = job.Id, To = state, AtMs = start, ExecutionStartMs = start, ExecutionEndMs = start + durationMs, OutputTypes = outputs },
                Ct)).ShouldNotBeNull();
        }

        job = await MoveAsync(job.Id, JobState.Dispatched, start, "w1");
        if (state == JobState.Dispatched)
        {
            return job;
        }

        var next = state == JobState.Cancelling ? JobState.Cancelling : JobState.Running;
        job = (await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = next, AtMs = start, ExecutionStartMs = start }, Ct)).ShouldNotBeNull();
        if (state != JobState.Succeeded)
        {
            return job;
        }

        return (await Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Succeeded, AtMs = start + durationMs, ExecutionEndMs = start + durationMs, OutputTypes = outputs },
            Ct)).ShouldNotBeNull();
    }

    private async Task<JobRecord> FinishedAsync(long userId, long durationMs)
    {
        var job = await InsertAsync(userId);
        return await BringToAsync(job, JobState.Succeeded, durationMs, OutputMediaTypes.Image);
    }
}
