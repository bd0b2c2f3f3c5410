using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gantry.Client;

/// <summary>
/// The job operations of <see cref="GantryApiClient"/>: submit, find, list, queue, cancel, history. Each is one or two
/// requests over the shared <see cref="GantryHttpClient"/>.
/// </summary>
internal sealed class GantryJobsClient(GantryHttpClient http)
{
    /// <summary>Submits an API-format workflow (<c>{"1": {"class_type": …, "inputs": …}, …}</c>) and finds its place in the caller's queue.</summary>
    public async Task<SubmittedJob> SubmitAsync(JsonObject workflow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var body = new StringBuilder("{\"prompt\":").Append(workflow.ToJsonString()).Append('}').ToString();
        var answer = await http.PostAsync("api/prompt", Encoding.UTF8.GetBytes(body), cancellationToken);
        var promptId = JobReports.Text(answer, "prompt_id") ?? throw new GantryHttpException(GantryFailure.Unavailable, "The server accepted the workflow without a prompt_id.");
        var number = answer.TryGetProperty("number", out var n) && n.TryGetDouble(out var value) ? value : 0;
        var position = await QueuePositionAsync(promptId, cancellationToken);
        var nodeErrors = new Dictionary<string, JsonElement>();
        if (answer.TryGetProperty("node_errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var error in errors.EnumerateObject())
            {
                nodeErrors[error.Name] = error.Value.Clone();
            }
        }

        return new SubmittedJob(promptId, number, position, nodeErrors);
    }

    /// <summary>
    /// How many of the caller's jobs are ahead of this one: those running, then those waiting before it. Read from the
    /// light <c>/api/jobs</c> list (no workflows), in submission order as the queue runs them. A running job counts
    /// only the running ones before it; null when the job already finished or lies past the first page. The waiting
    /// list is read first: a job that starts between the two reads is then found among the running ones, never in neither.
    /// </summary>
    public async Task<int?> QueuePositionAsync(string promptId, CancellationToken cancellationToken)
    {
        const int Page = 1000;
        var pending = await ListJobsAsync(new JobListFilter { Status = "pending", SortOrder = "asc", Limit = Page }, cancellationToken);
        var running = await ListJobsAsync(new JobListFilter { Status = "in_progress", SortOrder = "asc", Limit = Page }, cancellationToken);
        var runningIds = Ids(running);
        if (runningIds.IndexOf(promptId) is var runningIndex and >= 0)
        {
            return runningIndex;
        }

        var index = Ids(pending).IndexOf(promptId);
        return index < 0 ? null : (int)running.GetProperty("pagination").GetProperty("total").GetInt64() + index;

        static List<string?> Ids(JsonElement page) => page.GetProperty("jobs").EnumerateArray().Select(j => JobReports.Text(j, "id")).ToList();
    }

    /// <summary>A job's state; <see cref="JobReport.Found"/> false when the server knows no such job.</summary>
    public async Task<JobReport> GetReportAsync(string promptId, CancellationToken cancellationToken)
    {
        var path = GantryHttpClient.Segment(promptId);
        try
        {
            var status = await http.GetAsync($"api/job/{path}/status", cancellationToken);
            var detail = await http.GetAsync($"api/jobs/{path}", cancellationToken);
            return JobReports.From(promptId, status, detail);
        }
        catch (GantryHttpException ex) when (ex.Status == HttpStatusCode.NotFound && ex.Code != "invalid_job_id")
        {
            // A malformed id (also a 404) is the caller's mistake, reported as such.
            return JobReport.NotFound(promptId);
        }
    }

    /// <summary>The whole job as <c>GET /api/jobs/{id}</c> answers it (workflow, outputs, error, execution status).</summary>
    public Task<JsonElement> GetJobAsync(string promptId, CancellationToken cancellationToken)
        => http.GetAsync($"api/jobs/{GantryHttpClient.Segment(promptId)}", cancellationToken);

    /// <summary><c>GET /api/jobs</c> with its filters: <c>{jobs: […], pagination: {…}}</c>.</summary>
    public Task<JsonElement> ListJobsAsync(JobListFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new List<string>();
        Add(query, "status", filter.Status);
        Add(query, "workflow_id", filter.WorkflowId);
        Add(query, "output_type", filter.OutputType);
        Add(query, "sort_by", filter.SortBy);
        Add(query, "sort_order", filter.SortOrder);
        Add(query, "limit", filter.Limit?.ToString(CultureInfo.InvariantCulture));
        Add(query, "offset", filter.Offset?.ToString(CultureInfo.InvariantCulture));
        return http.GetAsync(query.Count == 0 ? "api/jobs" : "api/jobs?" + string.Join('&', query), cancellationToken);
    }

    /// <summary>The caller's running and waiting jobs (without their workflows).</summary>
    public async Task<QueueView> GetQueueAsync(CancellationToken cancellationToken)
    {
        var answer = await http.GetAsync("api/queue", cancellationToken);
        var position = 0;
        return new QueueView(Entries(answer, "queue_running", ref position), Entries(answer, "queue_pending", ref position));
    }

    /// <summary>Cancels a job in any state; <see cref="CancelOutcome.Cancelled"/> is false when it had already finished.</summary>
    public async Task<CancelOutcome> CancelAsync(string promptId, CancellationToken cancellationToken)
    {
        var answer = await http.PostAsync($"api/jobs/{GantryHttpClient.Segment(promptId)}/cancel", null, cancellationToken);
        var cancelled = answer.TryGetProperty("cancelled", out var c) && c.ValueKind == JsonValueKind.True;
        var detail = await GetJobAsync(promptId, cancellationToken);
        return new CancelOutcome(promptId, cancelled, JobReports.Text(detail, "status"));
    }

    /// <summary>The caller's most recent finished jobs, newest first, with their output files.</summary>
    public async Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(int maxItems, CancellationToken cancellationToken)
    {
        var answer = await http.GetAsync($"api/history_v2?max_items={maxItems.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        var items = new List<HistoryItem>();
        if (!answer.TryGetProperty("history", out var history) || history.ValueKind != JsonValueKind.Array)
        {
            return items;
        }

        foreach (var entry in history.EnumerateArray())
        {
            var status = entry.TryGetProperty("status", out var s) ? s : default;
            items.Add(new HistoryItem(
                JobReports.Text(entry, "prompt_id") ?? "",
                JobReports.Text(status, "status_str"),
                status.ValueKind == JsonValueKind.Object && status.TryGetProperty("completed", out var completed) && completed.ValueKind == JsonValueKind.True,
                entry.TryGetProperty("create_time", out var created) && created.TryGetInt64(out var ms) ? JobReports.IsoTime(ms) : null,
                JobReports.OutputsOf(entry.TryGetProperty("outputs", out var outputs) ? outputs : default)));
        }

        return items;
    }

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
        }
    }

    private static List<QueueEntry> Entries(JsonElement answer, string list, ref int position)
    {
        var entries = new List<QueueEntry>();
        if (!answer.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return entries;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() < 2)
            {
                continue;
            }

            var created = item.GetArrayLength() > 4 && item[4].ValueKind == JsonValueKind.Object
                && item[4].TryGetProperty("create_time", out var time) && time.TryGetInt64(out var ms) ? JobReports.IsoTime(ms) : null;
            entries.Add(new QueueEntry(item[1].GetString() ?? "", position++, item[0].TryGetDouble(out var number) ? number : 0, created));
        }

        return entries;
    }
}
