using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Latent;

/// <summary>ComfyUI's EmptyLatentImage ("Empty Latent Image"): zeros of shape [batch, 4, height / 8, width / 8].</summary>
public sealed class EmptyLatentImage : ComfyNode
{
    protected override NodeSchema Define() => new("EmptyLatentImage")
    {
        DisplayName = "Empty Latent Image",
        Category = "latent",
        Description = "Create a new batch of empty latent images to be denoised via sampling.",
        Inputs =
        {
            Declared.With("width", "INT", ("default", 512), ("min", 16), ("max", ComfyLimits.MaxResolution), ("step", 8), ("tooltip", "The width of the latent images in pixels.")),
            Declared.With("height", "INT", ("default", 512), ("min", 16), ("max", ComfyLimits.MaxResolution), ("step", 8), ("tooltip", "The height of the latent images in pixels.")),
            Declared.With("batch_size", "INT", ("default", 1), ("min", 1), ("max", 4096), ("tooltip", "The number of latent images in the batch.")),
        },
        Outputs = { Output.Of("LATENT", tooltip: "The empty latent image batch.") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(LatentTensor.Zeros(
        [inputs.Get<int>("batch_size"), 4, inputs.Get<int>("height") / 8, inputs.Get<int>("width") / 8]));
}
