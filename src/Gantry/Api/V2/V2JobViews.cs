using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gantry.Api.Comfy;
using Gantry.Api.V2.Contracts;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Jobs;
using Gantry.Outputs;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Api.V2;

/// <summary>
/// Turns a stored job into the v2 <c>Job</c>: its status from <see cref="JobStatusVocabulary.ToV2Status"/>, the queue
/// position among its owner's waiting jobs, the latest progress, the outputs as committed (with signed content links),
/// the error, metrics and follow-up links.
/// </summary>
public sealed class V2JobViews(
    IJobStore store,
    IFileIndex files,
    JobProgressTracker progress,
    SignedFileUrls links,
    IOptions<V2Options> options,
    IOptions<ComfyOptions> comfyOptions,
    TimeProvider time)
{
    private static readonly JobState[] Waiting = [JobState.Queued, JobState.Dispatched];

    public DateTimeOffset ExpiresAt(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return DateTimeOffset.FromUnixTimeMilliseconds(job.CreatedAtMs) + options.Value.JobRetention;
    }

    /// <summary>A finished job past its retention is gone from v2 (404); one still waiting past it shows <c>expired</c>.</summary>
    public bool IsGone(JobRecord job) => JobStateMachine.IsTerminal(job.State) && time.GetUtcNow() >= ExpiresAt(job);

    public string StatusOf(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return !JobStateMachine.IsTerminal(job.State) && time.GetUtcNow() >= ExpiresAt(job) ? "expired" : JobStatusVocabulary.ToV2Status(job.State);
    }

    /// <summary>How many of the owner's waiting jobs are ahead of this one (0: next); null once it left the queue.</summary>
    public async Task<int?> QueuePositionAsync(JobRecord job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.State == JobState.Dispatched)
        {
            return 0;
        }

        if (job.State != JobState.Queued)
        {
            return null;
        }

        var waiting = await store.ListUserJobsInStatesAsync(job.UserId, Waiting, 100_000, cancellationToken);
        return waiting.Count(j => j.Sequence < job.Sequence);
    }

    public async Task<V2Job> ToJobAsync(JobDetail detail, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(request);
        var job = detail.Job;
        var graph = PromptNodes.Read(detail.Payload.PromptJson);
        var outputs = job.State == JobState.Succeeded && detail.Result?.OutputsJson is { } outputsJson
            ? await OutputsAsync(job, outputsJson, request, cancellationToken)
            : [];
        return new V2Job(
            job.Id.ToString("D"),
            StatusOf(job),
            Iso(job.CreatedAtMs),
            job.ExecutionStartMs is { } start ? Iso(start) : null,
            JobStateMachine.IsTerminal(job.State) ? Iso(job.ExecutionEndMs ?? job.StateChangedAtMs) : null,
            Iso(ExpiresAt(job)),
            await QueuePositionAsync(job, cancellationToken),
            ProgressOf(job, graph),
            outputs,
            ErrorOf(job),
            Metrics(job),
            UrlsOf(job.Id));
    }

    /// <summary>The progress snapshot: 1 for a succeeded job, the tracker's for a running one, else null.</summary>
    public V2Progress? ProgressOf(JobRecord job, PromptNodes graph)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(graph);
        if (job.State == JobState.Succeeded)
        {
            return new V2Progress(1, graph.Count, graph.Count, null, null, null, null, null);
        }

        if (progress.Get(job.Id) is not { } snapshot)
        {
            return null;
        }

        var done = Math.Min(snapshot.NodesDone, graph.Count);
        var fraction = snapshot is { Step: { } step, Steps: > 0 and var steps } ? Math.Clamp((double)step / steps, 0, 1) : 0;
        var value = graph.Count == 0 ? 0 : Math.Clamp((done + (done < graph.Count ? fraction : 0)) / graph.Count, 0, 1);
        var classType = snapshot.CurrentNode is { } node ? graph.ClassOf(node) : null;
        var message = classType is not null && snapshot.Steps is { } total ? $"{classType} {snapshot.Step ?? 0}/{total}" : classType;
        return new V2Progress(value, done, graph.Count, snapshot.CurrentNode, classType, snapshot.Step, snapshot.Steps, message);
    }

    public static V2JobUrls UrlsOf(Guid id)
    {
        var self = ResourceLinks.V2Job(id);
        return new V2JobUrls(self, self + "/events", self + "/cancel");
    }

    public static string Iso(long unixMs) => ResourceLinks.Iso(unixMs);

    public static string Iso(DateTimeOffset at) => ResourceLinks.Iso(at);

    private static Dictionary<string, long?> Metrics(JobRecord job) => new(StringComparer.Ordinal)
    {
        ["queue_ms"] = job.ExecutionStartMs is { } start ? Math.Max(0, start - job.CreatedAtMs) : null,
        ["execution_ms"] = job is { ExecutionStartMs: { } s, ExecutionEndMs: { } e } ? Math.Max(0, e - s) : null,
    };

    private static V2JobError? ErrorOf(JobRecord job)
    {
        if (job.State != JobState.Failed)
        {
            return null;
        }

        if (job.ExecutionErrorJson is { } errorJson)
        {
            try
            {
                using var document = JsonDocument.Parse(errorJson);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    var traceback = root.TryGetProperty("traceback", out var lines) && lines.ValueKind == JsonValueKind.Array
                        ? string.Concat(lines.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()))
                        : null;
                    return new V2JobError(
                        "node_execution_error",
                        Text(root, "exception_message") ?? job.ErrorMessage ?? "The job failed.",
                        Text(root, "node_id"),
                        Text(root, "node_type"),
                        string.IsNullOrEmpty(traceback) ? null : traceback);
                }
            }
            catch (JsonException)
            {
                // Fall through to the one-line reason.
            }
        }

        return new V2JobError("job_failed", job.ErrorMessage ?? "The job failed.", null, null, null);
    }

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<IReadOnlyList<V2Output>> OutputsAsync(JobRecord job, byte[] outputsJson, HttpRequest request, CancellationToken cancellationToken)
    {
        var stored = await files.ListJobFilesAsync(job.Id, cancellationToken);
        var byName = new Dictionary<(string, string, string), StoredFile>();
        foreach (var file in stored)
        {
            byName[(file.Type, file.Subfolder, file.Filename)] = file;
        }

        var expires = time.GetUtcNow() + comfyOptions.Value.SignedUrlLifetime;
        var origin = $"{request.Scheme}://{request.Host}";
        var result = new List<V2Output>();
        using var document = JsonDocument.Parse(outputsJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var item in OutputsMap.Items(document.RootElement))
        {
            if (!item.TryGetFile(out var reference) || !byName.TryGetValue((reference.Type, reference.Subfolder, reference.Filename), out var file))
            {
                continue;
            }

            result.Add(new V2Output(
                item.NodeId,
                reference.Filename,
                OutputTypeOf(file.ContentType, reference.Filename),
                file.ContentType,
                file.Size,
                OutputId(job.Id, file),
                null,
                origin + links.CreatePath(file.Sha256, reference.Filename, expires),
                Iso(expires),
                job.Id.ToString("D")));
        }

        return result;
    }

    /// <summary>The normalized output kind, from the stored content type.</summary>
    public static string OutputTypeOf(string contentType, string filename)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(filename);
        return contentType switch
        {
            _ when filename.EndsWith(".latent", StringComparison.OrdinalIgnoreCase) => "latent",
            _ when contentType.StartsWith("image/", StringComparison.Ordinal) => "image",
            _ when contentType.StartsWith("video/", StringComparison.Ordinal) => "video",
            _ when contentType.StartsWith("audio/", StringComparison.Ordinal) => "audio",
            _ when contentType.StartsWith("text/", StringComparison.Ordinal) => "text",
            _ => "file",
        };
    }

    /// <summary>
    /// A stable UUID naming one output of one job (SHA-256 over the job id, the file's place and its content), until
    /// outputs are records of the asset store.
    /// </summary>
    private static string OutputId(Guid jobId, StoredFile file)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{jobId:D}/{file.Type}/{file.Subfolder}/{file.Filename}/{file.Sha256}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }
}
