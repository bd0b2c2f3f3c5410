using System.Security.Cryptography;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Json;
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
        var name = inputs.Get<string>("image");
        var path = AnnotatedFiles.Resolve(context.Folders, name);
        if (!File.Exists(path))
        {
            throw NodeException.FileNotFoundError($"[Errno 2] No such file or directory: {PyFormat.StringRepr(name)}");
        }

        LoadedImage loaded;
        try
        {
            loaded = ImageDecoder.DecodeFile(path);
        }
        catch (ImageDecodeException ex)
        {
            throw new NodeException("PIL.UnidentifiedImageError", $"cannot identify image file {PyFormat.StringRepr(name)}: {ex.Message}", ex);
        }

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

    /// <summary>ComfyUI's IS_CHANGED: the SHA-256 of the file.</summary>
    public override string? Fingerprint(NodeInputs inputs, NodeEnvironment environment)
    {
        var path = AnnotatedFiles.Resolve(environment.Folders, inputs.Get<string>("image"));
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>ComfyUI's VALIDATE_INPUTS: the named file must exist.</summary>
    public override ValidationVerdict ValidateInputs(NodeInputs inputs, NodeEnvironment environment)
    {
        var image = inputs["image"];
        return image is string name && AnnotatedFiles.Exists(environment.Folders, name)
            ? ValidationVerdict.Valid
            : ValidationVerdict.Fail($"Invalid image file: {PyFormat.Str(image)}");
    }
}
