using System.Text;
using BenchmarkDotNet.Attributes;
using Gantry.Domain;
using Gantry.Engine;
using Gantry.Engine.FileSystem;
using Gantry.Scheduling;
using Gantry.Workers;

namespace Gantry.Bench.Scheduling;

/// <summary>
/// The scheduler's cost per dispatch: one job leaves a worker (<see cref="FairQueue.Release"/>), its user queues
/// another (<see cref="FairQueue.Enqueue"/>, so the queue keeps its size), and <see cref="FairQueue.Next"/> makes
/// the next decision, with <see cref="Queued"/> jobs waiting over <see cref="Users"/> users and 64 one-slot workers
/// that all run the graph. Baseline: the least any queue does for the same steps, a plain FIFO
/// (<see cref="PriorityQueue{TElement, TPriority}"/> by sequence: dequeue one, enqueue one).
/// </summary>
[MemoryDiagnoser]
public class FairQueueDispatchBenchmarks
{
    private const int Workers = 64;
    private const int StepsPerInvoke = 1_000;

    private readonly Queue<Guid> _onWorkers = new();
    private readonly Dictionary<Guid, long> _owners = [];
    private FairQueue _queue = null!;
    private PriorityQueue<QueuedJob, long> _fifo = null!;
    private JobRequirements _requirements = null!;
    private long _sequence;

    [Params(1_000, 100_000)]
    public int Queued { get; set; }

    /// <summary>Users the queued jobs belong to: one per hundred jobs (1,000 users at 100,000 jobs).</summary>
    public int Users => Math.Max(1, Queued / 100);

    [GlobalSetup]
    public void Setup()
    {
        var root = Path.Combine(Path.GetTempPath(), "gantry-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var engine = ComfyEngine.CreateDefault(EngineFolders.Under(root));
        var capabilities = new WorkerCapabilities(engine.DescribeNodes(), WorkerCapabilities.NoModels);
        _requirements = JobRequirements.FromPrompt(Encoding.UTF8.GetBytes(
            """{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}"""), out _)!;

        _queue = new FairQueue(defaultWeight: 1, defaultMaxRunning: 3);
        _fifo = new PriorityQueue<QueuedJob, long>(Queued);
        for (var w = 0; w < Workers; w++)
        {
            _queue.SetWorker($"worker-{w}", capabilities, slots: 1, WorkerAvailability.Accepting);
        }

        for (var i = 0; i < Queued; i++)
        {
            var user = (i % Users) + 1;
            _queue.Enqueue(NewJob(user));
            var plain = NewJob(user);
            _fifo.Enqueue(plain, plain.Sequence);
        }

        while (_queue.Next() is FairQueueDecision.Assign assign)
        {
            _onWorkers.Enqueue(assign.Job.JobId);
            _owners[assign.Job.JobId] = assign.Job.UserId;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerInvoke)]
    public long PlainFifo()
    {
        var sum = 0L;
        for (var i = 0; i < StepsPerInvoke; i++)
        {
            var job = _fifo.Dequeue();
            var next = NewJob(job.UserId);
            _fifo.Enqueue(next, next.Sequence);
            sum += job.Sequence;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public long FairQueueDispatch()
    {
        var sum = 0L;
        for (var i = 0; i < StepsPerInvoke; i++)
        {
            var done = _onWorkers.Dequeue();
            _owners.Remove(done, out var user);
            _queue.Release(done);
            _queue.Enqueue(NewJob(user));
            if (_queue.Next() is FairQueueDecision.Assign assign)
            {
                _onWorkers.Enqueue(assign.Job.JobId);
                _owners[assign.Job.JobId] = assign.Job.UserId;
                sum += assign.Job.Sequence;
            }
        }

        return sum;
    }

    private QueuedJob NewJob(long user) => new(Guid.NewGuid(), user, ++_sequence) { Requirements = _requirements };
}
