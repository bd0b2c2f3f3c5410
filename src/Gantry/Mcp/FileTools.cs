using System.ComponentModel;
using System.Text;
using Gantry.Client;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gantry.Mcp;

/// <summary>Files in and out: a job's outputs as images or links, and uploading input images.</summary>
[McpServerToolType]
public sealed class FileTools(GantryApiClient client, McpToolSettings settings)
{
    public const int DefaultMaxImages = 4;

    [McpServerTool(Name = "get_output", Title = "Get a job's outputs", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The files a finished job produced. Images (PNG, JPEG, WebP, GIF) come back as image content, up to max_images; "
        + "other files, and images past that number, come back as resource links: short-lived signed URLs that work without the API key. "
        + "The first text block lists every file as node_id, filename, subfolder, type. A job that is not done yet is an error: wait_for_job first.")]
    public async Task<CallToolResult> GetOutputAsync(
        [Description("The job's prompt_id.")] string prompt_id,
        [Description("Only this output file (its filename, as get_job_status lists it); default all of them.")] string? filename = null,
        [Description("How many images to return as image content (0 to 16, default 4); the rest come as links.")] int max_images = DefaultMaxImages,
        CancellationToken cancellationToken = default)
    {
        var (report, files) = await ToolErrors.RunAsync(() => client.GetOutputsAsync(prompt_id, cancellationToken));
        if (filename is not null)
        {
            files = files.Where(f => f.Filename == filename).ToList();
            if (files.Count == 0)
            {
                var names = report.Outputs is { Count: > 0 } all ? string.Join(", ", all.Select(f => f.Filename)) : "none";
                throw new McpException($"Job {prompt_id} has no output file '{filename}'; its files are: {names}.");
            }
        }

        var listing = new StringBuilder($"Job {prompt_id} is {report.Status}; {files.Count} output file(s).");
        foreach (var file in files)
        {
            listing.Append('\n').Append($"node {file.NodeId}: {file.Filename} (subfolder '{file.Subfolder}', type {file.Type})");
        }

        var content = new List<ContentBlock> { new TextContentBlock { Text = listing.ToString() } };
        var imagesLeft = Math.Clamp(max_images, 0, 16);
        foreach (var file in files)
        {
            if (file.ImageMimeType is { } mime && imagesLeft > 0)
            {
                imagesLeft--;
                var (bytes, _) = await ToolErrors.RunAsync(() => client.DownloadAsync(file, cancellationToken));
                content.Add(ImageContentBlock.FromBytes(bytes, mime));
            }
            else
            {
                var link = await ToolErrors.RunAsync(() => client.GetFileLinkAsync(file, cancellationToken));
                content.Add(new ResourceLinkBlock
                {
                    Uri = link.AbsoluteUri,
                    Name = file.Filename,
                    Description = $"Output of node {file.NodeId} of job {prompt_id} (a signed link; it expires).",
                    MimeType = file.ImageMimeType ?? MimeTypeOf(file.Filename),
                });
            }
        }

        return new CallToolResult { Content = content };
    }

    [McpServerTool(Name = "upload_image", Title = "Upload an input image", UseStructuredContent = true, Destructive = false, OpenWorld = false)]
    [Description("Stores an image in your input folder so a LoadImage node can use it: pass the returned name (with subfolder/ in front when "
        + "subfolder is not empty) as LoadImage's image input. Give the image as image_base64, or (only with 'gantry mcp' over stdio) as a local path. "
        + "A file of the same name is kept and the new one renamed unless overwrite is true.")]
    public Task<UploadedImage> UploadImageAsync(
        [Description("The file name to store it under, e.g. cat.png.")] string filename,
        [Description("The image bytes (PNG, JPEG, WebP), base64-encoded.")] string? image_base64 = null,
        [Description("A path to the image on the machine running 'gantry mcp' (stdio only).")] string? path = null,
        [Description("A subfolder of the input folder (default none).")] string? subfolder = null,
        [Description("Replace an existing file of the same name (default false).")] bool overwrite = false,
        [Description("input (default), temp or output.")] string? type = null,
        CancellationToken cancellationToken = default)
        => ToolErrors.RunAsync(async () =>
        {
            var bytes = await ReadImageAsync(image_base64, path, cancellationToken);
            return await client.UploadImageAsync(bytes, filename, subfolder, overwrite, type, cancellationToken);
        });

    private async Task<byte[]> ReadImageAsync(string? imageBase64, string? path, CancellationToken cancellationToken)
    {
        if ((imageBase64 is null) == (path is null))
        {
            throw new McpException("Give the image either as image_base64 or as path (one of them).");
        }

        if (imageBase64 is not null)
        {
            try
            {
                return Convert.FromBase64String(imageBase64);
            }
            catch (FormatException)
            {
                throw new McpException("image_base64 is not valid base64.");
            }
        }

        if (!settings.AllowLocalFiles)
        {
            throw new McpException("path works only with 'gantry mcp' over stdio, where the server runs on your machine; over HTTP send image_base64.");
        }

        try
        {
            return await File.ReadAllBytesAsync(path!, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new McpException($"Cannot read '{path}': {ex.Message}");
        }
    }

    private static string MimeTypeOf(string filename) => Path.GetExtension(filename).ToLowerInvariant() switch
    {
        ".txt" => "text/plain",
        ".json" => "application/json",
        ".mp4" => "video/mp4",
        ".webm" => "video/webm",
        ".mp3" => "audio/mpeg",
        ".wav" => "audio/wav",
        ".flac" => "audio/flac",
        _ => "application/octet-stream",
    };
}
