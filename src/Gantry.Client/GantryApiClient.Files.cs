using System.Net.Http.Headers;
using System.Text.Json;

namespace Gantry.Client;

public sealed partial class GantryApiClient
{
    /// <summary>The bytes of one of the caller's files (through <c>/view</c>).</summary>
    public async Task<(byte[] Bytes, string ContentType)> DownloadAsync(OutputFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var (bytes, contentType) = await _http.GetBytesAsync("view?" + FileQuery(file), cancellationToken);
        return (bytes, file.ImageMimeType ?? contentType ?? "application/octet-stream");
    }

    /// <summary>A short-lived signed link to the file that works without the API key (what <c>/api/view</c> redirects to).</summary>
    public Task<Uri> GetFileLinkAsync(OutputFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        return _http.GetRedirectAsync("api/view?" + FileQuery(file), cancellationToken);
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
        var answer = await _http.PostFormAsync("api/upload/image", form, cancellationToken);
        return new UploadedImage(
            JobReports.Text(answer, "name") ?? filename,
            JobReports.Text(answer, "subfolder") ?? "",
            JobReports.Text(answer, "type") ?? type ?? "input");
    }

    /// <summary>The fleet's node catalog (<c>/object_info</c>), summarised; <paramref name="filter"/> keeps nodes whose name, display name or category contains it.</summary>
    public async Task<IReadOnlyList<NodeSummary>> ListNodesAsync(string? filter, CancellationToken cancellationToken)
    {
        var catalog = await _http.GetAsync("api/object_info", cancellationToken);
        return NodeCatalogSummary.Summarise(catalog, filter);
    }

    /// <summary>The finished job's output files; refused (as the server refuses <c>/view</c> of a missing file) while it is not done.</summary>
    public async Task<(JobReport Report, IReadOnlyList<OutputFile> Files)> GetOutputsAsync(string promptId, CancellationToken cancellationToken)
    {
        var report = await GetReportAsync(promptId, cancellationToken);
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

/// <summary>Turns <c>/object_info</c> into <see cref="NodeSummary"/>s: names, categories, inputs with types, output types.</summary>
public static class NodeCatalogSummary
{
    public const int MaxChoices = 12;

    public static IReadOnlyList<NodeSummary> Summarise(JsonElement catalog, string? filter)
    {
        var nodes = new List<NodeSummary>();
        if (catalog.ValueKind != JsonValueKind.Object)
        {
            return nodes;
        }

        foreach (var node in catalog.EnumerateObject())
        {
            var info = node.Value;
            var display = JobReports.Text(info, "display_name");
            var category = JobReports.Text(info, "category");
            if (!string.IsNullOrWhiteSpace(filter)
                && !node.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                && !(display?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false)
                && !(category?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false))
            {
                continue;
            }

            var inputs = new List<NodeInputSummary>();
            if (info.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object)
            {
                AddInputs(inputs, input, "required", required: true);
                AddInputs(inputs, input, "optional", required: false);
            }

            var outputs = info.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array
                ? output.EnumerateArray().Select(TypeName).ToList()
                : [];
            var isOutput = info.TryGetProperty("output_node", out var flag) && flag.ValueKind == JsonValueKind.True;
            nodes.Add(new NodeSummary(node.Name, display, category, isOutput, inputs, outputs));
        }

        nodes.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return nodes;
    }

    private static void AddInputs(List<NodeInputSummary> into, JsonElement input, string group, bool required)
    {
        if (!input.TryGetProperty(group, out var entries) || entries.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var entry in entries.EnumerateObject())
        {
            var spec = entry.Value.ValueKind == JsonValueKind.Array && entry.Value.GetArrayLength() > 0 ? entry.Value[0] : entry.Value;
            if (spec.ValueKind == JsonValueKind.Array)
            {
                into.Add(new NodeInputSummary(entry.Name, "COMBO", required, Choices(spec)));
            }
            else if (TypeName(spec) == "COMBO" && entry.Value.ValueKind == JsonValueKind.Array && entry.Value.GetArrayLength() > 1 && entry.Value[1].TryGetProperty("options", out var options))
            {
                into.Add(new NodeInputSummary(entry.Name, "COMBO", required, Choices(options)));
            }
            else
            {
                into.Add(new NodeInputSummary(entry.Name, TypeName(spec), required, null));
            }
        }
    }

    private static List<string> Choices(JsonElement options)
        => options.ValueKind == JsonValueKind.Array ? options.EnumerateArray().Take(MaxChoices).Select(o => o.ToString()).ToList() : [];

    private static string TypeName(JsonElement spec) => spec.ValueKind == JsonValueKind.String ? spec.GetString()! : spec.ToString();
}
