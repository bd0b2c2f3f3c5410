using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gantry.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gantry.Mcp;

/// <summary>The result of <c>wait_for_job</c>: the job as <c>get_job_status</c> reports it, and whether to wait again.</summary>
public sealed record WaitForJobResult(string PromptId, bool Done, bool TimedOut, JobReport Job, string? Next);

/// <summary>Submitting, following, reading and cancelling one job.</summary>
[McpServerToolType]
public sealed class JobTools(GantryApiClient client)
{
    public const int DefaultWaitSeconds = 30;
    public const int MaxWaitSeconds = 300;

    [McpServerTool(Name = "submit_workflow", Title = "Submit a workflow", UseStructuredContent = true, Destructive = false, OpenWorld = false)]
    [Description("Queues an API-format ComfyUI workflow to run on Gantry's workers. Returns prompt_id (the job's id for every other tool), "
        + "number (its submission number) and queue_position (how many of your own jobs are ahead of it: 0 = next or running; null when it already finished). "
        + "An invalid graph is refused with the validation error and node_errors, nothing is queued.")]
    public Task<SubmittedJob> SubmitWorkflowAsync(
        [Description("The workflow in ComfyUI API format: an object mapping node ids to {\"class_type\": \"<node class>\", \"inputs\": {...}}, "
            + "where an input linked to another node's output is [\"<node id>\", <output index>]. A body {\"prompt\": {...}} is accepted too. "
            + "UI-format exports (with 'nodes' and 'links') are refused: export with 'Export (API)'.")]
        JsonObject workflow,
        [Description("Optional input values to replace before submitting: {\"<node id>\": {\"<input name>\": <value>}}, "
            + "e.g. {\"3\": {\"seed\": 42}, \"6\": {\"text\": \"a red fox\"}}. Each node and input must exist in the workflow.")]
        Dictionary<string, Dictionary<string, JsonElement>>? input_overrides = null,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() =>
        {
            var graph = WorkflowInput.Check(workflow.DeepClone(), "workflow");
            WorkflowInput.ApplyOverrides(graph, input_overrides);
            return client.SubmitAsync(graph, cancellationToken);
        });

    [McpServerTool(Name = "get_job_status", Title = "Get a job's status", UseStructuredContent = true, ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One job's state. found is false for an id the server does not know (then pending, running and done are all false). "
        + "status is pending, in_progress, completed, failed or cancelled; pending/running/done are the same as booleans. "
        + "Once done: status_str (success or error), error {node_id, node_type, type, message} when it failed or was cancelled, "
        + "stats {queued_at, started_at, finished_at, duration_seconds, cached_nodes, outputs_count} and outputs (the files it produced).")]
    public Task<JobReport> GetJobStatusAsync(
        [Description("The job's prompt_id, as submit_workflow returned it.")] string prompt_id,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() => client.GetReportAsync(prompt_id, cancellationToken));

    [McpServerTool(Name = "wait_for_job", Title = "Wait for a job", UseStructuredContent = true, ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Waits until the job is done (completed, failed or cancelled) or timeout_seconds pass, whichever is first, and returns its status as get_job_status does. "
        + "If timed_out is true the job is still pending or running: call wait_for_job again with the same prompt_id. "
        + "An unknown prompt_id returns at once with job.found false. With a progressToken, sends a progress notification when it starts "
        + "listening and one per node started and per step, so clients that reset their timeout on progress can wait longer.")]
    public async Task<WaitForJobResult> WaitForJobAsync(
        [Description("The job's prompt_id, as submit_workflow returned it.")] string prompt_id,
        [Description("How long to wait at most, in seconds (1 to 300, default 30). Keep it below your client's request timeout.")] int timeout_seconds = DefaultWaitSeconds,
        RequestContext<CallToolRequestParams>? request = null,
        CancellationToken cancellationToken = default)
    {
        var seconds = Math.Clamp(timeout_seconds, 1, MaxWaitSeconds);
        var outcome = await ToolErrors.RunAsync(async () =>
        {
            await using var events = await client.TryOpenEventsAsync(cancellationToken);
            await using var reporter = WaitProgress.For(prompt_id, request);
            reporter.Listening(withEvents: events is not null);
            return await client.WaitAsync(prompt_id, TimeSpan.FromSeconds(seconds), events, reporter.OnEvent, cancellationToken);
        });
        var report = outcome.Report;
        var next = outcome.TimedOut ? $"The job is still {report.Status}; call wait_for_job with prompt_id {prompt_id} again." : null;
        return new WaitForJobResult(prompt_id, report.Done, outcome.TimedOut, report, next);
    }

    [McpServerTool(Name = "get_job", Title = "Get a job in full", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Everything stored about one job, as GET /api/jobs/{id} answers: status, the submitted workflow, create/update times, "
        + "and once done outputs, preview_output, outputs_count, execution_error and execution_status (ComfyUI's status_str and messages). "
        + "An unknown id is an error (not found); prefer get_job_status for a compact summary.")]
    public Task<JsonElement> GetJobAsync(
        [Description("The job's prompt_id.")] string prompt_id,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() => client.GetJobAsync(prompt_id, cancellationToken));

    [McpServerTool(Name = "cancel_job", Title = "Cancel a job", UseStructuredContent = true, Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Cancels a job whether it is waiting or running (a running job is interrupted on its worker). "
        + "cancelled is false when the job had already finished; status is the job's status afterwards.")]
    public Task<CancelOutcome> CancelJobAsync(
        [Description("The job's prompt_id.")] string prompt_id,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() => client.CancelAsync(prompt_id, cancellationToken));
}
