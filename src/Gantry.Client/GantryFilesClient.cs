using System.Net.Http.Headers;

namespace Gantry.Client;

/// <summary>
/// The file operations of <see cref="GantryApiClient"/>: download a file or get a signed link to it, upload an image,
/// a finished job's outputs, and the node catalog.
/// </summary>
internal sealed class GantryFilesClient(GantryHttpClient http, GantryJobsClient jobs)
{
    /// <summary>The bytes of one of the caller's files (through <c>/view</c>).</summary>
    public async Task<(byte[] Bytes, string ContentType)> DownloadAsync(OutputFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var (bytes, contentType) = await http.GetBytesAsync("view?" + FileQuery(file), cancellationToken);
        return (bytes, file.ImageMimeType ?? contentType ?? "application/octet-stream");
    }

    /// <summary>A short-lived signed link to the file that works without the API key (what <c>/api/view</c> redirects to).</summary>
    public Task<Uri> GetFileLinkAsync(OutputFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        return http.GetRedirectAsync("api/view?" + FileQuery(file), cancellationToken);
    }

    /// <summary>Uploads an image into the caller's input folder (or <paramref name="type"/>), for LoadImage to use.</summary>
    public async Task<UploadedImage> UploadImageAsync(
        ReadOnlyMemory<byte> image, string filename, string? subfolder, bool overwrite, string? type, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ReadOnlyMemoryContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue(new OutputFile("", filename, "", "input").ImageMimeType ?? "application/octet-stream");
        form.Add(file, "image", filename);
        if (!string.IsNullOrEmpty(subfolder))
        {
            form.Add(new StringContent(subfolder), "subfolder");
        }

        if (!string.IsNullOrEmpty(type))
        {
            form.Add(new StringContent(type), "type");
        }

        form.Add(new StringContent(overwrite ? "true" : "false"), "overwrite");
        var answer = await http.PostFormAsync("api/upload/image", form, cancellationToken);
        return new UploadedImage(
            JobReports.Text(answer, "name") ?? filename,
            JobReports.Text(answer, "subfolder") ?? "",
            JobReports.Text(answer, "type") ?? type ?? "input");
    }

    /// <summary>The fleet's node catalog (<c>/object_info</c>), summarised; <paramref name="filter"/> keeps nodes whose name, display name or category contains it.</summary>
    public async Task<IReadOnlyList<NodeSummary>> ListNodesAsync(string? filter, CancellationToken cancellationToken)
    {
        var catalog = await http.GetAsync("api/object_info", cancellationToken);
        return NodeCatalogSummary.Summarise(catalog, filter);
    }

    /// <summary>The finished job's output files; refused (as the server refuses <c>/view</c> of a missing file) while it is not done.</summary>
    public async Task<(JobReport Report, IReadOnlyList<OutputFile> Files)> GetOutputsAsync(string promptId, CancellationToken cancellationToken)
    {
        var report = await jobs.GetReportAsync(promptId, cancellationToken);
        if (!report.Found)
        {
            throw new GantryHttpException(GantryFailure.Refused, $"Job {promptId} not found.", System.Net.HttpStatusCode.NotFound, "not_found") { ServerMessage = $"Job {promptId} not found." };
        }

        if (!report.Done)
        {
            var message = $"Job {promptId} is {report.Status}: it has no outputs until it is done. Wait for it first.";
            throw new GantryHttpException(GantryFailure.Refused, message) { ServerMessage = message };
        }

        return (report, report.Outputs ?? []);
    }

    private static string FileQuery(OutputFile file)
        => $"filename={Uri.EscapeDataString(file.Filename)}&subfolder={Uri.EscapeDataString(file.Subfolder)}&type={Uri.EscapeDataString(file.Type)}";
}
