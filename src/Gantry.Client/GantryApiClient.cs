using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gantry.Client;

/// <summary>
/// The job operations of a running Gantry over its HTTP API, typed: what the CLI commands and the MCP tools
/// (over stdio and on <c>/mcp</c>) both use, so each operation exists once. Failures are
/// <see cref="GantryHttpException"/>s carrying the server's own message.
/// </summary>
/// <remarks>
/// A facade over three collaborators sharing one <see cref="GantryHttpClient"/>: <see cref="GantryJobsClient"/> (submit,
/// find, list, cancel, history), <see cref="GantryFilesClient"/> (files, uploads, outputs, nodes) and
/// <see cref="GantryJobWaiter"/> (waiting for a job's end on <c>/ws</c> and by polling).
/// </remarks>
public sealed class GantryApiClient : IDisposable
{
    /// <summary>How often a wait asks the server again when no event came (a dropped socket, a missed frame).</summary>
    public static readonly TimeSpan PollInterval = GantryJobWaiter.PollInterval;

    private readonly GantryHttpClient _http;
    private readonly HttpMessageHandler _handler;
    private readonly bool _ownsHandler;
    private readonly GantryJobsClient _jobs;
    private readonly GantryFilesClient _files;
    private readonly GantryJobWaiter _waiter;

    /// <param name="connection">Where the server is and which key to send.</param>
    /// <param name="handler">The HTTP stack (shared, not disposed here); by default one that does not follow redirects.</param>
    public GantryApiClient(GantryHttpConnection connection, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _ownsHandler = handler is null;
        _handler = handler ?? GantryHttpClient.CreateHandler();
        _http = new GantryHttpClient(connection, _handler);
        Connection = connection;
        _jobs = new GantryJobsClient(_http);
        _files = new GantryFilesClient(_http, _jobs);
        _waiter = new GantryJobWaiter(_jobs, OpenEventsAsync);
    }

    public GantryHttpConnection Connection { get; }

    /// <summary>Submits an API-format workflow (<c>{"1": {"class_type": …, "inputs": …}, …}</c>) and finds its place in the caller's queue.</summary>
    public Task<SubmittedJob> SubmitAsync(JsonObject workflow, CancellationToken cancellationToken) => _jobs.SubmitAsync(workflow, cancellationToken);

    /// <inheritdoc cref="GantryJobsClient.QueuePositionAsync"/>
    public Task<int?> QueuePositionAsync(string promptId, CancellationToken cancellationToken) => _jobs.QueuePositionAsync(promptId, cancellationToken);

    /// <summary>A job's state; <see cref="JobReport.Found"/> false when the server knows no such job.</summary>
    public Task<JobReport> GetReportAsync(string promptId, CancellationToken cancellationToken) => _jobs.GetReportAsync(promptId, cancellationToken);

    /// <summary>The whole job as <c>GET /api/jobs/{id}</c> answers it (workflow, outputs, error, execution status).</summary>
    public Task<JsonElement> GetJobAsync(string promptId, CancellationToken cancellationToken) => _jobs.GetJobAsync(promptId, cancellationToken);

    /// <summary><c>GET /api/jobs</c> with its filters: <c>{jobs: […], pagination: {…}}</c>.</summary>
    public Task<JsonElement> ListJobsAsync(JobListFilter filter, CancellationToken cancellationToken) => _jobs.ListJobsAsync(filter, cancellationToken);

    /// <summary>The caller's running and waiting jobs (without their workflows).</summary>
    public Task<QueueView> GetQueueAsync(CancellationToken cancellationToken) => _jobs.GetQueueAsync(cancellationToken);

    /// <summary>Cancels a job in any state; <see cref="CancelOutcome.Cancelled"/> is false when it had already finished.</summary>
    public Task<CancelOutcome> CancelAsync(string promptId, CancellationToken cancellationToken) => _jobs.CancelAsync(promptId, cancellationToken);

    /// <summary>The caller's most recent finished jobs, newest first, with their output files.</summary>
    public Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(int maxItems, CancellationToken cancellationToken) => _jobs.GetHistoryAsync(maxItems, cancellationToken);

    /// <summary>The bytes of one of the caller's files (through <c>/view</c>).</summary>
    public Task<(byte[] Bytes, string ContentType)> DownloadAsync(OutputFile file, CancellationToken cancellationToken) => _files.DownloadAsync(file, cancellationToken);

    /// <summary>A short-lived signed link to the file that works without the API key (what <c>/api/view</c> redirects to).</summary>
    public Task<Uri> GetFileLinkAsync(OutputFile file, CancellationToken cancellationToken) => _files.GetFileLinkAsync(file, cancellationToken);

    /// <summary>Uploads an image into the caller's input folder (or <paramref name="type"/>), for LoadImage to use.</summary>
    public Task<UploadedImage> UploadImageAsync(
        ReadOnlyMemory<byte> image, string filename, string? subfolder, bool overwrite, string? type, CancellationToken cancellationToken) =>
        _files.UploadImageAsync(image, filename, subfolder, overwrite, type, cancellationToken);

    /// <summary>The fleet's node catalog (<c>/object_info</c>), summarised; <paramref name="filter"/> keeps nodes whose name, display name or category contains it.</summary>
    public Task<IReadOnlyList<NodeSummary>> ListNodesAsync(string? filter, CancellationToken cancellationToken) => _files.ListNodesAsync(filter, cancellationToken);

    /// <summary>The finished job's output files; refused (as the server refuses <c>/view</c> of a missing file) while it is not done.</summary>
    public Task<(JobReport Report, IReadOnlyList<OutputFile> Files)> GetOutputsAsync(string promptId, CancellationToken cancellationToken) =>
        _files.GetOutputsAsync(promptId, cancellationToken);

    /// <summary>Opens the caller's event stream (<c>/ws</c>), with the same key and HTTP stack as the API calls.</summary>
    public Task<GantryEventStream> OpenEventsAsync(CancellationToken cancellationToken)
        => GantryEventStream.ConnectAsync(
            Connection.BaseAddress,
            Connection.ApiKey,
            _ownsHandler ? null : new HttpMessageInvoker(_handler, disposeHandler: false),
            cancellationToken);

    /// <inheritdoc cref="GantryJobWaiter.TryOpenEventsAsync"/>
    public Task<GantryEventStream?> TryOpenEventsAsync(CancellationToken cancellationToken) => _waiter.TryOpenEventsAsync(cancellationToken);

    /// <summary>
    /// Waits until the job is done or <paramref name="timeout"/> passes. Listens on <c>/ws</c> for the job's events
    /// (each goes to <paramref name="onEvent"/>), and asks the server for the outcome when one says the run ended,
    /// and every <see cref="PollInterval"/> in case an event was missed. An unknown job ends the wait at once.
    /// </summary>
    public Task<WaitOutcome> WaitAsync(string promptId, TimeSpan timeout, Action<GantryEvent>? onEvent, CancellationToken cancellationToken) =>
        _waiter.WaitAsync(promptId, timeout, onEvent, cancellationToken);

    /// <summary>
    /// The same wait on an event stream the caller opened (and disposes): opened before submitting, it sees every event
    /// of the job however quickly it runs.
    /// </summary>
    public Task<WaitOutcome> WaitAsync(
        string promptId, TimeSpan timeout, GantryEventStream? events, Action<GantryEvent>? onEvent, CancellationToken cancellationToken) =>
        _waiter.WaitAsync(promptId, timeout, events, onEvent, cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        if (_ownsHandler)
        {
            _handler.Dispose();
        }
    }
}
