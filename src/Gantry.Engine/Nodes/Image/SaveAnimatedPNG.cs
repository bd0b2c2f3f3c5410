using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Nodes.Files;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's SaveAnimatedPNG: the whole batch as one animated PNG (<see cref="ApngEncoder"/>) in the output folder,
/// <c>{prefix}_{counter:05}_.png</c>, each frame shown int(1000 / fps) ms, zlib level compress_level. The prompt and
/// each extra_pnginfo entry follow the frames as private <c>comf</c> chunks (<c>key NUL json</c>, Latin-1), as
/// ComfyUI writes them, not as tEXt. UI: <c>{"images": [file], "animated": [true]}</c>. An fps below 1000/65535
/// fails as in ComfyUI (the delay does not fit APNG's 16 bits); nothing is written then.
/// </summary>
public sealed class SaveAnimatedPNG : ComfyNode
{
    protected override NodeSchema Define() => new("SaveAnimatedPNG")
    {
        Category = "image/animation",
        PythonModule = "comfy_extras.nodes_images",
        IsOutputNode = true,
        Inputs =
        {
            Declared.Bare("images", "IMAGE"),
            Declared.With("filename_prefix", "STRING", ("default", "ComfyUI")),
            Declared.With("fps", "FLOAT", ("default", 6.0), ("min", 0.01), ("max", 1000.0), ("step", 0.01)),
            Declared.With("compress_level", "INT", ("default", 4), ("min", 0), ("max", 9)),
        },
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var images = inputs.Get<ImageTensor>("images");
        context.Folders.EnsureCreated();
        var target = SaveImagePath.Resolve(inputs.Get<string>("filename_prefix"), context.Folders.Output, images.Width, images.Height, DateTime.Now);
        var delay = AnimationTiming.DelayMilliseconds(inputs.Get<double>("fps"));
        if (delay is < 0 or > ApngEncoder.MaxDelay)
        {
            throw new NodeException("struct.error", "'H' format requires 0 <= number <= 65535");
        }

        var chunks = SaveMetadata.Entries(inputs["prompt"] as JValue, inputs["extra_pnginfo"] as JValue)
            .Select(e => ("comf", PrivateText(e.Key, e.Value)))
            .ToList();
        context.ThrowIfCancellationRequested();
        var png = ApngEncoder.Encode(images, inputs.Get<int>("compress_level"), (int)delay, chunks, context.CancellationToken);

        var (fileName, _) = PngFileWriter.WriteNew(target.Folder, target.Filename, target.Counter, png);
        return NodeOutput.WithUiOnly(UiOutput.Images(new UiFile(fileName, target.Subfolder, "output")).Animated());
    }

    /// <summary>A <c>comf</c> chunk's data: the key, NUL, the JSON, both Latin-1 (strict, as ComfyUI encodes them).</summary>
    private static byte[] PrivateText(string key, string json)
    {
        byte[] keyBytes = SaveMetadata.Latin1(key), jsonBytes = SaveMetadata.Latin1(json);
        var data = new byte[keyBytes.Length + 1 + jsonBytes.Length];
        keyBytes.CopyTo(data, 0);
        jsonBytes.CopyTo(data, keyBytes.Length + 1);
        return data;
    }
}
