using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Nodes.Files;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's MaskPreview: the mask as a grey image, saved like PreviewImage into the temp folder (zlib level 4,
/// files <c>ComfyUI_temp_abcde_00001_.png</c>, UI type "temp"). Its description is the one ComfyUI inherits from
/// SaveImage, though it saves to the temp folder.
/// </summary>
public sealed class MaskPreview : ComfyNode
{
    private const string SuffixAlphabet = "abcdefghijklmnopqrstupvxyz";
    private static readonly ImageSaver Saver = new("temp", compressionLevel: 4);

    protected override NodeSchema Define() => new("MaskPreview")
    {
        Category = "mask",
        Description = "Saves the input images to your ComfyUI output directory.",
        PythonModule = "comfy_extras.nodes_mask",
        IsOutputNode = true,
        Inputs = { Declared.Bare("mask", "MASK") },
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var preview = MaskOps.ToImage(inputs.Get<MaskTensor>("mask"));
        var suffix = new string(Random.Shared.GetItems(SuffixAlphabet.AsSpan(), 5));
        return NodeOutput.WithUiOnly(Saver.Save(preview, "ComfyUI_temp_" + suffix, inputs["prompt"] as JValue, inputs["extra_pnginfo"] as JValue, context));
    }
}
