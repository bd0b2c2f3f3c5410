using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Files;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's LoadImage ("Load Image"): a combo of the image files in the input folder (with an upload
/// button); also takes "sub/x.png" and the "x.png [output]" / "[input]" / "[temp]" annotations. Outputs the RGB
/// image and the mask 1 − alpha (a 64×64 zero mask when the file has no alpha). Validation only checks that the
/// file exists ("Invalid image file: x"); the cache key includes the file's SHA-256, so editing the file re-runs
/// the node. Reads the first frame of animations only (ComfyUI stacks every frame of the first frame's size).
/// </summary>
public sealed class LoadImage : ComfyNode
{
    protected override NodeSchema Define() => new("LoadImage")
    {
        DisplayName = "Load Image",
        Category = "image",
        EssentialsCategory = "Basics",
        SearchAliases = { "load image", "open image", "import image", "image input", "upload image", "read image", "image loader" },
        Inputs = { Input.LegacyCombo("image", InputImageFiles.List, imageUpload: true) },
        ValidatedInputs = { "image" },
        Outputs = { Output.Of("IMAGE"), Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var loaded = Decode(context.Folders, inputs.Get<string>("image"));
        return NodeOutput.Of(loaded.Image, loaded.Mask);
    }

    /// <summary>Decodes the named input file, failing as ComfyUI's PIL does for a missing or unreadable one (LoadImageMask reads the same way).</summary>
    internal static LoadedImage Decode(FileSystem.EngineFolders folders, string name)
    {
        var path = AnnotatedFiles.Resolve(folders, name);
        if (!File.Exists(path))
        {
            throw NodeException.FileNotFoundError($"[Errno 2] No such file or directory: {PyFormat.StringRepr(name)}");
        }

        try
        {
            return ImageDecoder.DecodeFile(path);
        }
        catch (ImageDecodeException ex)
        {
            throw new NodeException("PIL.UnidentifiedImageError", $"cannot identify image file {PyFormat.StringRepr(name)}: {ex.Message}", ex);
        }
    }

    /// <summary>ComfyUI's IS_CHANGED: the SHA-256 of the file, so a changed file makes a new cache key.</summary>
    public override string? Fingerprint(NodeInputs inputs, NodeEnvironment environment)
        => AnnotatedFiles.Fingerprint(environment.Folders, inputs.Get<string>("image"));

    /// <summary>ComfyUI's VALIDATE_INPUTS: the named file must exist.</summary>
    public override ValidationVerdict ValidateInputs(NodeInputs inputs, NodeEnvironment environment)
        => AnnotatedFiles.MustExist(environment.Folders, inputs["image"], "image");
}
