using System.Net;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// What a ComfyUI worker knows about one of its model files, for the editor's model library: the metadata embedded in a
/// safetensors file (<c>GET /view_metadata/{folder}?filename=</c>, JSON) and its preview image
/// (<c>GET /experiment/models/preview/{folder}/{path_index}/{filename}</c>, WebP). Each answer is bounded; a worker that
/// has none, answers otherwise or not at all gives null.
/// </summary>
internal sealed class ComfyUiModelFiles(ComfyUiClient client, ComfyUiWorkerOptions options)
{
    /// <summary>Largest metadata document taken from a worker (ComfyUI reads at most 1 MiB of a file's header).</summary>
    public const int MaxMetadataBytes = 1024 * 1024;

    /// <summary>Largest preview image taken from a worker.</summary>
    public const int MaxPreviewBytes = 8 * 1024 * 1024;

    public async Task<byte[]?> MetadataAsync(string folder, string filename, CancellationToken cancellationToken)
    {
        var body = await GetAsync($"view_metadata/{Segment(folder)}?filename={Uri.EscapeDataString(filename)}", MaxMetadataBytes, cancellationToken);
        return body is not null && ComfyJson.TryParse(body) is JObject ? body : null;
    }

    public Task<byte[]?> PreviewAsync(string folder, int pathIndex, string filename, CancellationToken cancellationToken) =>
        GetAsync($"experiment/models/preview/{Segment(folder)}/{pathIndex}/{string.Join('/', filename.Split('/').Select(Segment))}", MaxPreviewBytes, cancellationToken);

    private async Task<byte[]?> GetAsync(string path, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await client.SendAsync(HttpMethod.Get, path, null, options.RequestTimeout, cancellationToken);
            return status == HttpStatusCode.OK && body.Length <= maxBytes ? body : null;
        }
        catch (ComfyUiRequestException)
        {
            return null;
        }
    }

    private static string Segment(string value) => Uri.EscapeDataString(value);
}
