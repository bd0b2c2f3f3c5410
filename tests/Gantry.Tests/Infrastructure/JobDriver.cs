using System.Net;
using System.Text;
using Gantry.Domain;
using Gantry.Store;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// Moves jobs through their states via the store's interface, the way the scheduler and workers will,
/// so tests can check every projection of every state.
/// </summary>
public static class JobDriver
{
    public static async Task<Guid> SubmitAsync(HttpClient client, string? body = null)
    {
        using var response = await client.PostAsync("api/prompt", TestWorkflows.Json(body ?? TestWorkflows.Body()));
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return Guid.Parse(json.GetProperty("prompt_id").GetString()!);
    }

    public static async Task<JobRecord> MoveAsync(IJobStore store, Guid id, JobState to, string worker = "worker-a", long durationMs = 1000, OutputMediaTypes outputTypes = OutputMediaTypes.Image)
    {
        var job = await store.GetJobAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"No job {id}.");
        var now = Math.Max(job.UpdatedAtMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var path = PathTo(job.State, to);
        foreach (var step in path)
        {
            now += 10;
            var transition = new JobTransition
            {
                JobId = id,
                To = step,
                AtMs = now,
                Worker = step == JobState.Dispatched ? worker : null,
                CountAttempt = step == JobState.Dispatched,
                ExecutionStartMs = step == JobState.Running ? now : null,
                ExecutionEndMs = JobStateMachine.IsTerminal(step) ? now + durationMs : null,
                ErrorMessage = step == JobState.Failed ? "Boom in node 2" : step == JobState.Cancelled ? "Cancelled by test" : null,
                ExecutionErrorJson = step == JobState.Failed ? ExecutionError(id) : null,
                OutputsCount = step == JobState.Succeeded ? 1 : JobStateMachine.IsTerminal(step) ? 0 : null,
                PreviewOutputJson = step == JobState.Succeeded ? Encoding.UTF8.GetBytes("""{"filename":"test_00001_.png","subfolder":"","type":"output","nodeId":"3","mediaType":"images"}""") : null,
                OutputTypes = step == JobState.Succeeded ? outputTypes : null,
                Result = JobStateMachine.IsTerminal(step) ? Result(id, step) : null,
            };
            job = await store.TransitionAsync(transition, CancellationToken.None)
                ?? throw new InvalidOperationException($"The store refused {job.State} -> {step} for {id}.");
        }

        return job;
    }

    private static IEnumerable<JobState> PathTo(JobState from, JobState to)
    {
        var path = new List<JobState>();
        var state = from;
        while (state != to)
        {
            var next = (state, to) switch
            {
                (JobState.Queued, JobState.Cancelled) => JobState.Cancelled,
                (JobState.Queued, _) => JobState.Dispatched,
                (JobState.Dispatched, _) => JobState.Running,
                (JobState.Running, JobState.Queued) => JobState.Queued,
                (JobState.Running, _) => to,
                (JobState.Cancelling, _) => to,
                _ => throw new InvalidOperationException($"No path from {from} to {to}."),
            };
            path.Add(next);
            state = next;
        }

        return path;
    }

    private static byte[] ExecutionError(Guid id) => Encoding.UTF8.GetBytes(
        $$$"""{"prompt_id":"{{{id:D}}}","node_id":"2","node_type":"ImageInvert","exception_message":"Boom\n","exception_type":"RuntimeError","traceback":["line 1"],"current_inputs":{},"current_outputs":{}}""");

    private static JobResult Result(Guid id, JobState state) => new()
    {
        OutputsJson = state == JobState.Succeeded
            ? Encoding.UTF8.GetBytes("""{"3":{"images":[{"filename":"test_00001_.png","subfolder":"","type":"output"}]}}""")
            : "{}"u8.ToArray(),
        StatusJson = Encoding.UTF8.GetBytes(
            $$$"""{"status_str":"{{{(state == JobState.Succeeded ? "success" : "error")}}}","completed":{{{(state == JobState.Succeeded ? "true" : "false")}}},"messages":[["execution_start",{"prompt_id":"{{{id:D}}}","timestamp":1}]]}"""),
        MetaJson = """{"3":{"node_id":"3","display_node":"3","parent_node":null,"real_node_id":"3"}}"""u8.ToArray(),
    };
}
