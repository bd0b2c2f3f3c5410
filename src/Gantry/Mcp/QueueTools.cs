using System.ComponentModel;
using System.Text.Json;
using Gantry.Client;
using ModelContextProtocol.Server;

namespace Gantry.Mcp;

/// <summary>Reading many jobs at once: the queue, history, filtered lists, and the node catalog.</summary>
[McpServerToolType]
public sealed class QueueTools(GantryApiClient client)
{
    [McpServerTool(Name = "get_queue", Title = "Get the queue", UseStructuredContent = true, ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Your whole queue: running (jobs on workers) and pending (jobs waiting), each oldest first, "
        + "as {prompt_id, position, number, created_at}. position counts from 0 across running then pending.")]
    public Task<QueueView> GetQueueAsync(CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() => client.GetQueueAsync(cancellationToken));

    [McpServerTool(Name = "get_history", Title = "Get recent history", UseStructuredContent = true, ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Your most recently finished jobs, newest first: {prompt_id, status_str (success or error), completed, created_at, outputs} "
        + "where outputs lists each file as {node_id, filename, subfolder, type}.")]
    public Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(
        [Description("How many jobs at most (1 to 10000, default 20).")] int max_items = 20,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() => client.GetHistoryAsync(Math.Clamp(max_items, 1, 10_000), cancellationToken));

    [McpServerTool(Name = "list_jobs", Title = "List jobs", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Your jobs as GET /api/jobs lists them, filtered, sorted and paged: {jobs: [{id, status, create_time, "
        + "execution_start_time, execution_end_time, outputs_count, preview_output, execution_error, workflow_id}], "
        + "pagination: {offset, limit, total, has_more}}. A bad filter value is an error naming the valid values.")]
    public Task<JsonElement> ListJobsAsync(
        [Description("Only jobs in these states, comma-separated: pending, in_progress, completed, failed, cancelled.")] string? status = null,
        [Description("Only jobs whose UI workflow has this id.")] string? workflow_id = null,
        [Description("Only jobs that produced this kind of output: image, video or audio.")] string? output_type = null,
        [Description("create_time (default) or execution_time.")] string? sort_by = null,
        [Description("desc (default, newest first) or asc.")] string? sort_order = null,
        [Description("Page size, 1 to 1000 (default 100).")] int? limit = null,
        [Description("How many jobs to skip (default 0).")] int? offset = null,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() => client.ListJobsAsync(
            new JobListFilter
            {
                Status = status,
                WorkflowId = workflow_id,
                OutputType = output_type,
                SortBy = sort_by,
                SortOrder = sort_order,
                Limit = limit,
                Offset = offset,
            },
            cancellationToken));

    [McpServerTool(Name = "list_nodes", Title = "List node classes", UseStructuredContent = true, ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The node classes the workers can run (the /object_info catalog, summarised), sorted by name: "
        + "{name, display_name, category, output_node, inputs: [{name, type, required, choices}], outputs: [types]}. "
        + "A COMBO input lists its first choices. Use the names as class_type and the input names in workflows.")]
    public Task<IReadOnlyList<NodeSummary>> ListNodesAsync(
        [Description("Keep only nodes whose name, display name or category contains this text (case-insensitive).")] string? filter = null,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(() => client.ListNodesAsync(filter, cancellationToken));
}
