using System.Text;
using Gantry.Domain;
using Gantry.Store;

namespace Gantry.Tests.Store;

/// <summary>Insert, read back, duplicates: the job rows and payload bytes.</summary>
public abstract class JobStoreContract(StoreBackend backend) : StoreTestBase(backend)
{
    /// <summary>JSON a re-serialiser would change: odd whitespace, key order, escapes, a 2^64-1 seed, a NaN literal.</summary>
    private static readonly byte[] OddPrompt = Encoding.UTF8.GetBytes(
        "{ \"3\" :{\"inputs\":{\"seed\": 18446744073709551615 ,\t\"cfg\":NaN,\"denoise\":1.0000,\"text\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" 日本語\"," +
        "\"z\":1,\"a\":2}, \"class_type\":\"KSampler\"}  ,\"4\":{\"inputs\":{},\"class_type\":\"SaveImage\",\"_meta\":{}}}\r\n\t ");

    private static readonly byte[] OddExtraData = Encoding.UTF8.GetBytes(
        "{\"extra_pnginfo\":{\"workflow\":{\"id\":\"wf-1\",\"nodes\":[ ]}},\"big\":-0.0e-0, \"esc\":\"\\/\\b\\u0000\"}");

    [Fact]
    public async Task Insert_returns_the_queued_row_and_get_reads_it_back()
    {
        var user = await NewUserAsync();
        var job = NewJob(user.Id, createdAtMs: 1_700_000_000_123, workflowId: "wf-1");

        var inserted = await Store.InsertJobAsync(job, Ct);

        inserted.Id.ShouldBe(job.Id);
        inserted.UserId.ShouldBe(user.Id);
        inserted.State.ShouldBe(JobState.Queued);
        inserted.CreatedAtMs.ShouldBe(1_700_000_000_123);
        inserted.UpdatedAtMs.ShouldBe(1_700_000_000_123);
        inserted.StateChangedAtMs.ShouldBe(1_700_000_000_123);
        inserted.WorkflowId.ShouldBe("wf-1");
        inserted.ClientId.ShouldBe("client-1");
        inserted.Number.ShouldBe(3.5);
        inserted.Attempts.ShouldBe(0);
        inserted.Worker.ShouldBeNull();
        inserted.ExecutionDurationMs.ShouldBe(0);
        inserted.OutputTypes.ShouldBe(OutputMediaTypes.None);
        inserted.Sequence.ShouldBeGreaterThan(0);

        var read = await Store.GetJobAsync(job.Id, Ct);
        read.ShouldBe(inserted);
    }

    [Fact]
    public async Task Payload_bytes_come_back_exactly_as_sent()
    {
        var user = await NewUserAsync();
        var job = NewJob(user.Id, prompt: OddPrompt, extraData: OddExtraData) with { };
        job = job with { Payload = job.Payload with { OutputsToExecute = ["4", "3", "10", "näme \"q\""] } };

        await Store.InsertJobAsync(job, Ct);

        var payload = await Store.GetPayloadAsync(job.Id, Ct);
        payload.ShouldNotBeNull();
        payload.PromptJson.ShouldBe(OddPrompt);
        payload.ExtraDataJson.ShouldBe(OddExtraData);
        payload.OutputsToExecute.ShouldBe(["4", "3", "10", "näme \"q\""]);

        var detail = await Store.GetJobDetailAsync(job.Id, Ct);
        detail.ShouldNotBeNull();
        detail.Payload.PromptJson.ShouldBe(OddPrompt);
        detail.Payload.ExtraDataJson.ShouldBe(OddExtraData);
        detail.Result.ShouldBeNull();
    }

    [Fact]
    public async Task Payload_columns_are_bytes_not_text()
    {
        var user = await NewUserAsync();
        var everyByte = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0xFF, 0x00, 0xC3 }).ToArray();
        var job = NewJob(user.Id, prompt: everyByte, extraData: []);

        await Store.InsertJobAsync(job, Ct);

        var payload = await Store.GetPayloadAsync(job.Id, Ct);
        payload.ShouldNotBeNull();
        payload.PromptJson.ShouldBe(everyByte);
        payload.ExtraDataJson.ShouldNotBeNull().ShouldBeEmpty();
    }

    [Fact]
    public async Task Missing_extra_data_stays_null()
    {
        var user = await NewUserAsync();
        var job = NewJob(user.Id) with { WorkflowId = null, ClientId = null, Number = null };

        var inserted = await Store.InsertJobAsync(job, Ct);

        (await Store.GetPayloadAsync(job.Id, Ct)).ShouldNotBeNull().ExtraDataJson.ShouldBeNull();
        var read = await Store.GetJobAsync(job.Id, Ct);
        read.ShouldBe(inserted);
        read.ShouldNotBeNull().ClientId.ShouldBeNull();
        read.Number.ShouldBeNull();
    }

    [Fact]
    public async Task Unknown_ids_read_as_null()
    {
        var id = Guid.NewGuid();
        (await Store.GetJobAsync(id, Ct)).ShouldBeNull();
        (await Store.GetJobDetailAsync(id, Ct)).ShouldBeNull();
        (await Store.GetPayloadAsync(id, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_duplicate_id_is_refused_and_changes_nothing()
    {
        var user = await NewUserAsync();
        var other = await NewUserAsync();
        var first = await Store.InsertJobAsync(NewJob(user.Id, prompt: "{\"a\":1}"u8.ToArray()), Ct);

        var again = NewJob(other.Id, createdAtMs: 5, workflowId: "other", prompt: "{\"b\":2}"u8.ToArray(), id: first.Id);
        var refused = await Should.ThrowAsync<DuplicateJobException>(() => Store.InsertJobAsync(again, Ct));

        refused.JobId.ShouldBe(first.Id);
        (await Store.GetJobAsync(first.Id, Ct)).ShouldBe(first);
        (await Store.GetPayloadAsync(first.Id, Ct)).ShouldNotBeNull().PromptJson.ShouldBe("{\"a\":1}"u8.ToArray());
        (await Store.ListJobsAsync(new JobListQuery { UserId = other.Id }, Ct)).Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_job_of_an_unknown_user_is_refused()
    {
        var job = NewJob(userId: 987_654_321);

        await Should.ThrowAsync<InvalidOperationException>(() => Store.InsertJobAsync(job, Ct));

        (await Store.GetJobAsync(job.Id, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Sequences_increase_in_insertion_order()
    {
        var user = await NewUserAsync();
        var sequences = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            sequences.Add((await InsertAsync(user.Id)).Sequence);
        }

        sequences.ShouldBeInOrder(SortDirection.Ascending);
        sequences.Distinct().Count().ShouldBe(5);
    }

    [Fact]
    public async Task Data_survives_a_restart()
    {
        var user = await NewUserAsync();
        var job = NewJob(user.Id, prompt: OddPrompt);
        var inserted = await Store.InsertJobAsync(job, Ct);
        var running = await MoveAsync(job.Id, JobState.Dispatched, 2, "w1");

        await RestartAsync();

        (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(running);
        (await Store.GetPayloadAsync(job.Id, Ct)).ShouldNotBeNull().PromptJson.ShouldBe(OddPrompt);
        (await Store.GetUserAsync(user.Id, Ct)).ShouldBe(user);
        var next = await InsertAsync(user.Id);
        next.Sequence.ShouldBeGreaterThan(inserted.Sequence);
    }

    [Fact]
    public async Task Migrations_rerun_harmlessly()
    {
        var user = await NewUserAsync();
        var job = await InsertAsync(user.Id);
        var version = await Relational.GetSchemaVersionAsync(Ct);

        await Store.InitializeAsync(Ct);
        await Store.InitializeAsync(Ct);
        await using (var second = Backend.CreateStore())
        {
            await second.InitializeAsync(Ct);
            (await second.GetJobAsync(job.Id, Ct)).ShouldBe(job);
        }

        version.ShouldBeGreaterThan(0);
        (await Relational.GetSchemaVersionAsync(Ct)).ShouldBe(version);
        (await Store.GetJobAsync(job.Id, Ct)).ShouldBe(job);
    }

    [Fact]
    public async Task Repeated_reads_of_different_jobs_each_get_their_own_row_and_see_every_change()
    {
        // Reads reuse statements kept per connection (SQLite) or prepared by the driver (PostgreSQL): parameters and
        // snapshots must not leak from one read into the next.
        var user = await NewUserAsync();
        var jobs = new List<JobRecord>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add(await InsertAsync(user.Id, createdAtMs: 1_700_000_000_000 + i));
        }

        var missing = Guid.NewGuid();
        var reads = Enumerable.Range(0, 60).Select(async i =>
        {
            var job = jobs[i % jobs.Count];
            (await Store.GetJobAsync(job.Id, Ct)).ShouldNotBeNull().CreatedAtMs.ShouldBe(job.CreatedAtMs);
            (await Store.GetJobDetailAsync(job.Id, Ct)).ShouldNotBeNull().Job.Id.ShouldBe(job.Id);
            (await Store.GetPayloadAsync(job.Id, Ct)).ShouldNotBeNull();
            (await Store.GetJobAsync(missing, Ct)).ShouldBeNull();
        });
        await Task.WhenAll(reads);

        await MoveAsync(jobs[1].Id, JobState.Cancelled, atMs: 1_700_000_001_000);
        (await Store.GetJobAsync(jobs[1].Id, Ct)).ShouldNotBeNull().State.ShouldBe(JobState.Cancelled);
        (await Store.GetJobDetailAsync(jobs[1].Id, Ct)).ShouldNotBeNull().Job.State.ShouldBe(JobState.Cancelled);
        (await Store.GetJobAsync(jobs[0].Id, Ct)).ShouldNotBeNull().State.ShouldBe(JobState.Queued);
    }

    [Fact]
    public async Task Two_stores_migrate_an_empty_database_at_the_same_time()
    {
        await using var database = await Backend.CreateFreshDatabaseAsync(Ct);
        await using var first = database.CreateStore();
        await using var second = database.CreateStore();

        await Task.WhenAll(
            Task.Run(() => first.InitializeAsync(Ct), Ct),
            Task.Run(() => second.InitializeAsync(Ct), Ct));

        var user = await first.CreateUserAsync("alice", isAdmin: true, Ct);
        (await second.FindUserByNameAsync("alice", Ct)).ShouldBe(user);
    }
}
