using System.Text.Json;
using Gantry.Api.Comfy.Contracts;
using Gantry.Api.Json;
using Gantry.Events;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>The server's feature flags, and the socket message carrying them (serialised once).</summary>
public sealed class ComfyFeatures
{
    public ComfyFeatures(IOptions<ComfyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Flags = new ServerFeatures(SupportsPreviewMetadata: true, MaxUploadSize: options.Value.MaxUploadBytes);
        var message = new FeatureFlagsMessage("feature_flags", Flags);
        FeatureFlagsReply = EventFrame.Text(message.Type, null, JsonSerializer.SerializeToUtf8Bytes(message, GantryJsonContext.Default.FeatureFlagsMessage));
    }

    /// <summary>What <c>GET /features</c> answers.</summary>
    public ServerFeatures Flags { get; }

    /// <summary>The <c>feature_flags</c> message a socket answers the client's flags with.</summary>
    public EventFrame FeatureFlagsReply { get; }
}
