using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Nodes.Files;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's SaveImage ("Save Image"): every frame as a PNG (zlib level 4) in the output folder, named
/// <c>{prefix}_{counter:05}_.png</c> with the next free counter, carrying the prompt and workflow as text chunks.
/// The prefix may name subfolders and use <c>%width%</c>, <c>%height%</c>, <c>%year%</c> … and <c>%batch_num%</c>;
/// leaving the output folder is an error. UI: <c>{"images": [{filename, subfolder, type: "output"}]}</c>; the
/// images are also passed on. Concurrent prompts saving with one prefix never overwrite each other's files.
/// </summary>
public sealed class SaveImage : ComfyNode
{
    private static readonly ImageSaver Saver = new("output", compressionLevel: 4);

    protected override NodeSchema Define() => new("SaveImage")
    {
        DisplayName = "Save Image",
        Category = "image",
        Description = "Saves the input images to your ComfyUI output directory.",
        IsOutputNode = true,
        EssentialsCategory = "Basics",
        SearchAliases = { "save", "save image", "export image", "output image", "write image", "download" },
        Inputs =
        {
            Declared.With("images", "IMAGE", ("tooltip", "The images to save.")),
            Declared.With(
                "filename_prefix",
                "STRING",
                ("default", "ComfyUI"),
                ("tooltip", "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.")),
        },
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo },
        Outputs = { Output.Of("IMAGE", "images") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var images = inputs.Get<ImageTensor>("images");
        var ui = Saver.Save(images, inputs.Get<string>("filename_prefix"), inputs["prompt"] as JValue, inputs["extra_pnginfo"] as JValue, context);
        return NodeOutput.Of(images).WithUi(ui);
    }
}
