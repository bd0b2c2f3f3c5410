using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Nodes.Files;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's SaveAnimatedWEBP: the whole batch as one WebP (<see cref="WebpAnimationEncoder"/>) in the output folder,
/// <c>{prefix}_{counter:05}_.webp</c>, each frame shown int(1000 / fps) ms, lossless or lossy at the quality. The
/// prompt and the extra_pnginfo entries ride in EXIF as ComfyUI writes them: tag 0x0110 (Model) holds
/// <c>prompt:{json}</c>, tags 0x010F (Make), 0x010E, ... hold <c>{key}:{json}</c>. UI:
/// <c>{"images": [file], "animated": [batch &gt; 1]}</c>. The method ("default", "fastest", "slowest": libwebp's
/// effort 4, 0, 6) is accepted but Skia's encoder keeps its own effort, so it changes only the file size in ComfyUI.
/// </summary>
public sealed class SaveAnimatedWEBP : ComfyNode
{
    private const ushort PromptTag = 0x0110;
    private const ushort FirstExtraTag = 0x010F;

    protected override NodeSchema Define() => new("SaveAnimatedWEBP")
    {
        Category = "image/animation",
        PythonModule = "comfy_extras.nodes_images",
        IsOutputNode = true,
        Inputs =
        {
            Declared.Bare("images", "IMAGE"),
            Declared.With("filename_prefix", "STRING", ("default", "ComfyUI")),
            Declared.With("fps", "FLOAT", ("default", 6.0), ("min", 0.01), ("max", 1000.0), ("step", 0.01)),
            Declared.With("lossless", "BOOLEAN", ("default", true)),
            Declared.With("quality", "INT", ("default", 80), ("min", 0), ("max", 100)),
            Declared.BareCombo("method", ["default", "fastest", "slowest"]),
        },
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var images = inputs.Get<ImageTensor>("images");
        context.Folders.EnsureCreated();
        var target = SaveImagePath.Resolve(inputs.Get<string>("filename_prefix"), context.Folders.Output, images.Width, images.Height, DateTime.Now);
        var exif = ExifText.Build(Tags(inputs["prompt"] as JValue, inputs["extra_pnginfo"] as JValue));
        var delay = AnimationTiming.DelayMilliseconds(inputs.Get<double>("fps"));
        if (delay is < 0 or > WebpAnimationEncoder.MaxFrameDuration)
        {
            throw NodeException.ValueError($"The frame duration {delay} ms is outside WebP's 0 to {WebpAnimationEncoder.MaxFrameDuration}.");
        }

        context.ThrowIfCancellationRequested();
        var animated = images.Batch != 1;

        // Pillow keeps the "Exif\0\0" preamble in an animation's EXIF chunk and strips it from a still image's.
        var webp = WebpAnimationEncoder.Encode(
            images,
            (int)delay,
            inputs.Get<bool>("lossless"),
            inputs.Get<int>("quality"),
            animated ? exif : ExifText.WithoutPreamble(exif),
            context.CancellationToken);
        var (fileName, _) = PngFileWriter.WriteNew(target.Folder, target.Filename, target.Counter, webp, "webp");
        return NodeOutput.WithUiOnly(UiOutput.Images(new UiFile(fileName, target.Subfolder, "output")).Animated(animated));
    }

    private static IEnumerable<(ushort Tag, string Text)> Tags(JValue? prompt, JValue? extraPngInfo)
    {
        if (prompt is not null and not JNull)
        {
            yield return (PromptTag, $"prompt:{PythonJson.Dumps(prompt)}");
        }

        var tag = FirstExtraTag;
        foreach (var (key, json) in SaveMetadata.Entries(null, extraPngInfo))
        {
            yield return (tag--, $"{key}:{json}");
        }
    }
}
