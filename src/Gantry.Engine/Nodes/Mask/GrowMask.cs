using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's GrowMask ("Grow Mask"): |expand| passes of 3×3 grey dilation (expand &gt; 0) or erosion (expand &lt; 0),
/// over the cross when <c>tapered_corners</c> is on, the full square when off. Each pass checks for interruption,
/// so a large expand on a large mask can be cancelled.
/// </summary>
public sealed class GrowMask : ComfyNode
{
    protected override NodeSchema Define() => new("GrowMask")
    {
        DisplayName = "Grow Mask",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "expand mask", "shrink mask" },
        Inputs =
        {
            Input.Mask("mask"),
            Input.Int("expand", @default: 0, min: -ComfyLimits.MaxResolution, max: ComfyLimits.MaxResolution, step: 1),
            Declared.With("tapered_corners", "BOOLEAN", ("advanced", true), ("default", true)),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var mask = inputs.Get<MaskTensor>("mask");
        var expand = inputs.Get<int>("expand");
        var cross = inputs.Get<bool>("tapered_corners");
        if (expand == 0)
        {
            return NodeOutput.Of(mask);
        }

        var output = mask.CreateLike();
        mask.Span.CopyTo(output.WritableSpan);
        var scratch = new float[mask.FrameLength];
        var rowBuffer = new float[mask.Width];
        for (var b = 0; b < mask.Batch; b++)
        {
            var frame = output.WritableFrame(b);
            for (var pass = 0; pass < Math.Abs(expand); pass++)
            {
                context.ThrowIfCancellationRequested();
                MaskMorphology.Step(frame, scratch, rowBuffer, mask.Width, mask.Height, cross, dilate: expand > 0);
                scratch.AsSpan().CopyTo(frame);
            }
        }

        return NodeOutput.Of(output);
    }
}
