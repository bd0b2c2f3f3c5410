using Gantry.Engine.Nodes.Files;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's LoadImageMask ("Load Image (as Mask)"): one channel of an input file as a mask (a batch of one): red,
/// green or blue as stored (level / 255), or alpha as 1 − alpha, which is all zeros for a file without alpha (ComfyUI
/// converts every image to RGBA first). The combo lists every file in the input folder; annotated names work as in
/// LoadImage, and so do validation (the file must exist) and the cache key (the file's SHA-256).
/// </summary>
public sealed class LoadImageMask : ComfyNode
{
    private static readonly string[] Channels = ["alpha", "red", "green", "blue"];
    private readonly Image.LoadImage _load = new();

    protected override NodeSchema Define() => new("LoadImageMask")
    {
        DisplayName = "Load Image (as Mask)",
        Category = "mask",
        Inputs =
        {
            Input.LegacyCombo("image", InputFiles.List, imageUpload: true),
            Common.Declared.BareCombo("channel", Channels),
        },
        ValidatedInputs = { "image" },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var loaded = Image.LoadImage.Decode(context.Folders, inputs.Get<string>("image"));
        var image = loaded.Image.Slice(0, 1);
        var channel = Array.IndexOf(Channels, inputs.Get<string>("channel"));
        if (channel == 0)
        {
            return NodeOutput.Of(loaded.HasAlpha ? loaded.Mask.Slice(0, 1) : new MaskTensor(1, image.Height, image.Width));
        }

        var mask = new MaskTensor(1, image.Height, image.Width);
        var source = image.Span;
        var target = mask.WritableSpan;
        for (var p = 0; p < target.Length; p++)
        {
            target[p] = source[(p * image.Channels) + channel - 1];
        }

        return NodeOutput.Of(mask);
    }

    /// <summary>ComfyUI's IS_CHANGED: the SHA-256 of the file, as LoadImage.</summary>
    public override string? Fingerprint(NodeInputs inputs, NodeEnvironment environment) => _load.Fingerprint(inputs, environment);

    /// <summary>ComfyUI's VALIDATE_INPUTS: the named file must exist, as LoadImage.</summary>
    public override ValidationVerdict ValidateInputs(NodeInputs inputs, NodeEnvironment environment) => _load.ValidateInputs(inputs, environment);
}
