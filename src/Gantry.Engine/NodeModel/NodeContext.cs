using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>The format of a preview image's bytes.</summary>
public enum PreviewFormat
{
    Jpeg = 1,
    Png = 2,
}

/// <summary>An encoded preview image (ComfyUI sends it as a binary WebSocket frame).</summary>
public sealed record PreviewImage(PreviewFormat Format, ReadOnlyMemory<byte> Data)
{
    /// <summary>The MIME type ComfyUI puts in preview metadata: image/jpeg or image/png.</summary>
    public string MimeType => Format == PreviewFormat.Png ? "image/png" : "image/jpeg";
}

/// <summary>Receives a node's progress reports; implemented by the executor.</summary>
internal interface IProgressSink
{
    void Report(NodeContext context, long value, long max, PreviewImage? preview);
}

/// <summary>
/// Everything a node may use while it executes besides its inputs: identity, cancellation, progress,
/// folders, and ComfyUI's hidden values (the prompt, extra_pnginfo, its own id).
/// </summary>
public sealed class NodeContext
{
    private readonly IProgressSink? _progress;

    internal NodeContext(
        string promptId,
        string nodeId,
        string classType,
        EngineFolders folders,
        JObject prompt,
        JObject extraData,
        CancellationToken cancellationToken,
        IProgressSink? progress)
    {
        PromptId = promptId;
        NodeId = nodeId;
        ClassType = classType;
        Folders = folders;
        Prompt = prompt;
        ExtraData = extraData;
        CancellationToken = cancellationToken;
        _progress = progress;
    }

    public string PromptId { get; }

    /// <summary>This node's id (ComfyUI's UNIQUE_ID).</summary>
    public string NodeId { get; }

    /// <summary>The id the client highlights; equals <see cref="NodeId"/> (no graph expansion here).</summary>
    public string DisplayNodeId => NodeId;

    public string ClassType { get; }

    /// <summary>Which call of a list-mapped node this is (0 for single calls).</summary>
    public int CallIndex { get; internal set; }

    public EngineFolders Folders { get; }

    /// <summary>The whole (validated) API prompt: ComfyUI's hidden PROMPT.</summary>
    public JObject Prompt { get; }

    /// <summary>The prompt's extra_data.</summary>
    public JObject ExtraData { get; }

    /// <summary><c>extra_data.extra_pnginfo</c> (ComfyUI's hidden EXTRA_PNGINFO), or null.</summary>
    public JValue? ExtraPngInfo => ExtraData["extra_pnginfo"];

    /// <summary>Signalled when the run is interrupted.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Throws <see cref="OperationCanceledException"/> when the run was interrupted; call it inside long loops.</summary>
    public void ThrowIfCancellationRequested() => CancellationToken.ThrowIfCancellationRequested();

    /// <summary>
    /// Reports progress (ComfyUI's ProgressBar): sends <c>progress</c> / <c>progress_state</c> and an
    /// optional preview image. Updates are throttled as ComfyUI does (first, last and previews always go).
    /// Also checks for interruption, like ComfyUI's progress hook.
    /// </summary>
    public void ReportProgress(long value, long max, PreviewImage? preview = null)
    {
        ThrowIfCancellationRequested();
        _progress?.Report(this, value, max, preview);
    }
}
