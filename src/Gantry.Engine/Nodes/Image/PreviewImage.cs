using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Nodes.Files;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's PreviewImage ("Preview Image"): SaveImage into the temp folder with zlib level 1 and the prefix
/// <c>ComfyUI_temp_</c> plus five random letters (drawn from ComfyUI's own alphabet, which lacks the w), so
/// files are <c>ComfyUI_temp_abcde_00001_.png</c> with UI type "temp". The images are passed on.
/// </summary>
public sealed class PreviewImage : ComfyNode
{
    private const string SuffixAlphabet = "abcdefghijklmnopqrstupvxyz";
    private static readonly ImageSaver Saver = new("temp", compressionLevel: 1);

    protected override NodeSchema Define() => new("PreviewImage")
    {
        DisplayName = "Preview Image",
        Category = "image",
        Description = "Preview the images without saving them to the ComfyUI output directory.",
        IsOutputNode = true,
        EssentialsCategory = "Basics",
        SearchAliases = { "preview", "preview image", "show image", "view image", "display image", "image viewer" },
        Inputs = { Declared.Bare("images", "IMAGE") },
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo },
        Outputs = { Output.Of("IMAGE", "images") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var images = inputs.Get<ImageTensor>("images");
        var suffix = new string(Random.Shared.GetItems(SuffixAlphabet.AsSpan(), 5));
        var ui = Saver.Save(images, "ComfyUI_temp_" + suffix, inputs["prompt"] as JValue, inputs["extra_pnginfo"] as JValue, context);
        return NodeOutput.Of(images).WithUi(ui);
    }
}
