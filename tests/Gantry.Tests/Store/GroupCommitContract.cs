using Gantry.Domain;
using Gantry.Store;

namespace Gantry.Tests.Store;

/// <summary>Group commit through the real store: concurrent inserts and transitions share transactions, and stay correct.</summary>
public abstract class GroupCommitContract(StoreBackend backend) : StoreTestBase(backend)
{
    [Fact]
    public async Task Five_hundred_concurrent_inserts_all_commit_in_fewer_transactions()
    {
        var user = await NewUserAsync();
        var jobs = Enumerable.Range(0, 500).Select(i => NewJob(user.Id, createdAtMs: i)).ToList();
        var batchesBefore = Relational.InsertCommits.Batches;
        var itemsBefore = Relational.InsertCommits.Items;

        var inserted = await Task.WhenAll(jobs.Select(job => Task.Run(() => Store.InsertJobAsync(job, Ct), Ct)));

        var batches = Relational.InsertCommits.Batches - batchesBefore;
        Report($"500 concurrent inserts: {batches} transactions, largest batch {Relational.InsertCommits.LargestBatch}");
        batches.ShouldBeLessThan(500);
        (Relational.InsertCommits.Items - itemsBefore).ShouldBe(500);
        inserted.Select(j => j.Id).ShouldBe(jobs.Select(j => j.Id), ignoreOrder: true);
        inserted.Select(j => j.Sequence).Distinct().Count().ShouldBe(500);

        await using var second = Backend.CreateStore();
        await second.InitializeAsync(Ct);
        var page = await second.ListJobsAsync(new JobListQuery { UserId = user.Id, Limit = 1000 }, Ct);
        page.Total.ShouldBe(500);
        page.Jobs.Select(j => j.Id).ShouldBe(jobs.Select(j => j.Id), ignoreOrder: true);
        foreach (var job in jobs.Take(50))
        {
            (await second.GetPayloadAsync(job.Id, Ct)).ShouldNotBeNull().PromptJson.ShouldBe(job.Payload.PromptJson);
        }
    }

    [Fact]
    public async Task Two_hundred_concurrent_inserts_take_fewer_than_two_hundred_transactions()
    {
        var user = await NewUserAsync();
        var before = Relational.InsertCommits.Batches;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => InsertAsync(user.Id, createdAtMs: i), Ct)));

        var batches = Relational.InsertCommits.Batches - before;
        Report($"200 concurrent inserts: {batches} transactions");
        batches.ShouldBeLessThan(200);
    }

    [Fact]
    public async Task Duplicates_in_concurrent_batches_fail_alone_and_write_nothing()
    {
        var user = await NewUserAsync();
        var originals = Enumerable.Range(0, 100).Select(i => NewJob(user.Id, createdAtMs: i, prompt: [(byte)'{', (byte)'}', 1])).ToList();
        var copies = originals.Take(20).Select(j => j with { Payload = j.Payload with { PromptJson = [(byte)'[', (byte)']', 2] } }).ToList();

        var attempts = originals.Concat(copies)
            .Select(job => (Job: job, Task: Task.Run(() => Store.InsertJobAsync(job, Ct), Ct)))
            .ToList();
        await Task.WhenAll(attempts.Select(a => a.Task).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        attempts.Count(a => a.Task.IsCompletedSuccessfully).ShouldBe(100);
        foreach (var group in attempts.GroupBy(a => a.Job.Id))
        {
            var winner = group.Single(a => a.Task.IsCompletedSuccessfully);
            foreach (var loser in group.Where(a => !a.Task.IsCompletedSuccessfully))
            {
                loser.Task.Exception!.InnerException.ShouldBeOfType<DuplicateJobException>().JobId.ShouldBe(group.Key);
            }

            (await Store.GetPayloadAsync(group.Key, Ct)).ShouldNotBeNull().PromptJson.ShouldBe(winner.Job.Payload.PromptJson);
        }

        (await Store.ListJobsAsync(new JobListQuery { UserId = user.Id, Limit = 500 }, Ct)).Total.ShouldBe(100);
    }

    [Fact]
    public async Task A_bad_owner_in_a_batch_fails_alone()
    {
        var user = await NewUserAsync();
        var good = Enumerable.Range(0, 50).Select(i => NewJob(user.Id, createdAtMs: i)).ToList();
        var orphan = NewJob(userId: 999_999_999);

        var goodTasks = good.Select(job => Task.Run(() => Store.InsertJobAsync(job, Ct), Ct)).ToList();
        var orphanTask = Task.Run(() => Store.InsertJobAsync(orphan, Ct), Ct);

        await Should.ThrowAsync<InvalidOperationException>(orphanTask);
        (await Task.WhenAll(goodTasks)).Length.ShouldBe(50);
        (await Store.GetJobAsync(orphan.Id, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_caller_cancelled_before_submitting_writes_nothing()
    {
        var user = await NewUserAsync();
        var job = NewJob(user.Id);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => Store.InsertJobAsync(job, cancelled.Token));

        (await Store.GetJobAsync(job.Id, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Cancelled_callers_either_wrote_nothing_or_learned_the_truth()
    {
        var user = await NewUserAsync();
        var attempts = new List<(NewJob Job, Task<JobRecord> Task)>();
        var sources = new List<CancellationTokenSource>();
        for (var i = 0; i < 300; i++)
        {
            var source = new CancellationTokenSource();
            sources.Add(source);
            var job = NewJob(user.Id, createdAtMs: i);
            attempts.Add((job, Store.InsertJobAsync(job, source.Token)));
            if (i % 2 == 1)
            {
                await sources[i - 1].CancelAsync();
            }
        }

        await Task.WhenAll(attempts.Select(a => a.Task.ContinueWith(_ => { }, TaskScheduler.Default)));
        foreach (var source in sources)
        {
            source.Dispose();
        }

        var cancelledCount = 0;
        foreach (var (job, task) in attempts)
        {
            var stored = await Store.GetJobAsync(job.Id, Ct);
            if (task.IsCanceled)
            {
                cancelledCount++;
                stored.ShouldBeNull();
                (await Store.GetPayloadAsync(job.Id, Ct)).ShouldBeNull();
            }
            else
            {
                task.IsCompletedSuccessfully.ShouldBeTrue();
                stored.ShouldBe(await task);
                (await Store.GetPayloadAsync(job.Id, Ct)).ShouldNotBeNull();
            }
        }

        Report($"300 inserts, 150 cancel requests: {cancelledCount} cancelled before a batch took them");
        (await Store.ListJobsAsync(new JobListQuery { UserId = user.Id }, Ct)).Total.ShouldBe(300 - cancelledCount);
    }

    [Fact]
    public async Task Concurrent_transitions_share_transactions_and_all_apply()
    {
        var user = await NewUserAsync();
        var jobs = new List<JobRecord>();
        for (var i = 0; i < 200; i++)
        {
            jobs.Add(await InsertAsync(user.Id));
        }

        var before = Relational.TransitionCommits.Batches;

        var moved = await Task.WhenAll(jobs.Select((job, i) => Task.Run(() => Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Dispatched, AtMs = 5_000 + i, Worker = $"w{i % 7}", CountAttempt = true }, Ct), Ct)));

        var batches = Relational.TransitionCommits.Batches - before;
        Report($"200 concurrent transitions: {batches} transactions");
        batches.ShouldBeLessThan(200);
        moved.ShouldAllBe(m => m != null && m.State == JobState.Dispatched && m.Attempts == 1);
        (await Store.CountUserJobsInStatesAsync(user.Id, [JobState.Dispatched], Ct)).ShouldBe(200);
    }

    [Fact]
    public async Task Closing_the_store_commits_what_was_queued_and_then_refuses_writes()
    {
        var user = await NewUserAsync();
        var jobs = Enumerable.Range(0, 100).Select(i => NewJob(user.Id, createdAtMs: i)).ToList();
        var pending = jobs.Select(job => Store.InsertJobAsync(job, Ct)).ToList();
        var closing = Store;

        await RestartAsync();

        (await Task.WhenAll(pending)).Length.ShouldBe(100);
        await Should.ThrowAsync<ObjectDisposedException>(() => closing.InsertJobAsync(NewJob(user.Id), Ct));
        (await Store.ListJobsAsync(new JobListQuery { UserId = user.Id, Limit = 1 }, Ct)).Total.ShouldBe(100);
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
