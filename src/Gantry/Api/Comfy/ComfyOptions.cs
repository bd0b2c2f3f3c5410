using System.ComponentModel.DataAnnotations;
using Gantry.Events;

namespace Gantry.Api.Comfy;

/// <summary>
/// Settings of the ComfyUI-native surface: uploads, file downloads and the <c>/ws</c> event sockets
/// (the <c>Gantry:Comfy</c> configuration section).
/// </summary>
public sealed class ComfyOptions
{
    public const string SectionName = "Gantry:Comfy";

    /// <summary>Largest accepted upload (the Comfy Cloud limit is 50 MB); also what <c>/features</c> advertises.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Longest accepted edge of an uploaded image, in pixels (Comfy Cloud: 16384).</summary>
    [Range(1, int.MaxValue)]
    public int MaxImageEdge { get; set; } = 16_384;

    /// <summary>Most pixels of an uploaded image (Comfy Cloud: 64 MP = 67,108,864).</summary>
    [Range(1, long.MaxValue)]
    public long MaxImagePixels { get; set; } = 67_108_864;

    /// <summary>How long a signed download URL that <c>GET /api/view</c> redirects to stays valid.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Frames one socket may fall behind before it is closed as too slow.</summary>
    [Range(1, int.MaxValue)]
    public int SocketBufferFrames { get; set; } = EventHub.DefaultCapacity;

    /// <summary>How long a closing socket waits for the client's close reply before it is dropped.</summary>
    public TimeSpan SocketCloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
