using Gantry.Engine.Json;
using Gantry.Engine.Latents;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Nodes.Files;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Latent;

/// <summary>
/// ComfyUI's SaveLatent: the latent as a <c>.latent</c> safetensors file (<see cref="LatentFileWriter"/>) in the
/// output folder, <c>{prefix}_{counter:05}_.latent</c> (default prefix <c>latents/ComfyUI</c>), with string metadata
/// <c>prompt</c> (its JSON, or "" without a prompt) and one entry per extra_pnginfo key. UI:
/// <c>{"latents": [{filename, subfolder, type: "output"}]}</c>. A batch_index is not saved, as in ComfyUI.
/// </summary>
public sealed class SaveLatent : ComfyNode
{
    protected override NodeSchema Define() => new("SaveLatent")
    {
        Category = "_for_testing",
        IsOutputNode = true,
        Inputs =
        {
            Declared.Bare("samples", "LATENT"),
            Declared.With("filename_prefix", "STRING", ("default", "latents/ComfyUI")),
        },
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var samples = inputs.Get<LatentTensor>("samples");
        context.Folders.EnsureCreated();
        var target = SaveImagePath.Resolve(inputs.Get<string>("filename_prefix"), context.Folders.Output, 0, 0, DateTime.Now);
        var prompt = inputs["prompt"] as JValue;
        var metadata = SaveMetadata.Entries(prompt, inputs["extra_pnginfo"] as JValue).ToList();
        if (prompt is null or JNull)
        {
            metadata.Insert(0, new("prompt", string.Empty));
        }

        context.ThrowIfCancellationRequested();
        var file = LatentFileWriter.Write(samples, metadata);
        var (fileName, _) = PngFileWriter.WriteNew(target.Folder, target.Filename, target.Counter, file, "latent");
        return NodeOutput.WithUiOnly(new UiOutput().Add("latents", new UiFile(fileName, target.Subfolder, "output").ToJson()));
    }
}
