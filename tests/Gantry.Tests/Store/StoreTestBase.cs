using System.Text;
using Gantry.Domain;
using Gantry.Store;
using Gantry.Store.Relational;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Tests.Store;

/// <summary>
/// Base of the store contract tests: each test gets its own store instance (initialized, so every test also
/// re-runs the migrations) on its class's database, and its own users.
/// </summary>
public abstract class StoreTestBase(StoreBackend backend) : IAsyncLifetime
{
    /// <summary>A fixed "now" for the few store writes that read the clock.</summary>
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);

    private IGantryStore? _store;

    protected StoreBackend Backend { get; } = backend;

    protected FakeTimeProvider Time { get; } = new(Now);

    protected IGantryStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>The store as its implementation, for the group-commit counters.</summary>
    protected RelationalGantryStore Relational => (RelationalGantryStore)Store;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (Backend.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        _store = Backend.CreateStore(Time);
        await _store.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Closes this test's store and opens a new instance on the same database (a restart).</summary>
    protected async Task RestartAsync()
    {
        await Store.DisposeAsync();
        _store = null;
        var reopened = Backend.CreateStore(Time);
        await reopened.InitializeAsync(Ct);
        _store = reopened;
    }

    protected Task<User> NewUserAsync(bool isAdmin = false) =>
        Store.CreateUserAsync("user-" + Guid.NewGuid().ToString("N")[..12], isAdmin, Ct);

    protected static NewJob NewJob(
        long userId,
        long createdAtMs = 1_700_000_000_000,
        string? workflowId = null,
        byte[]? prompt = null,
        byte[]? extraData = null,
        Guid? id = null) => new()
        {
            Id = id ?? Guid.NewGuid(),
            UserId = userId,
            CreatedAtMs = createdAtMs,
            WorkflowId = workflowId,
            ClientId = "client-1",
            Number = 3.5,
            Payload = new JobPayload
            {
                PromptJson = prompt ?? Encoding.UTF8.GetBytes("""{"1":{"class_type":"SaveImage","inputs":{}}}"""),
                ExtraDataJson = extraData,
                OutputsToExecute = ["1"],
            },
        };

    protected Task<JobRecord> InsertAsync(long userId, long createdAtMs = 1_700_000_000_000, string? workflowId = null) =>
        Store.InsertJobAsync(NewJob(userId, createdAtMs, workflowId), Ct);

    protected async Task<JobRecord> MoveAsync(Guid jobId, JobState to, long atMs, string? worker = null)
    {
        var moved = await Store.TransitionAsync(
            new JobTransition { JobId = jobId, To = to, AtMs = atMs, Worker = worker, CountAttempt = to == JobState.Dispatched },
            Ct);
        return moved ?? throw new InvalidOperationException($"Job {jobId} could not move to {to}.");
    }

    /// <summary>A fresh job brought to <paramref name="state"/> along an allowed path (dispatched to worker <c>w1</c>).</summary>
    protected async Task<JobRecord> JobInStateAsync(long userId, JobState state)
    {
        var job = await InsertAsync(userId);
        JobState[] path = state switch
        {
            JobState.Queued => [],
            JobState.Dispatched => [JobState.Dispatched],
            JobState.Running => [JobState.Dispatched, JobState.Running],
            JobState.Cancelling => [JobState.Dispatched, JobState.Cancelling],
            JobState.Succeeded => [JobState.Dispatched, JobState.Running, JobState.Succeeded],
            JobState.Failed => [JobState.Failed],
            JobState.Cancelled => [JobState.Cancelled],
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };

        var at = job.CreatedAtMs;
        foreach (var step in path)
        {
            job = await MoveAsync(job.Id, step, ++at, step == JobState.Dispatched ? "w1" : null);
        }

        return job;
    }
}
