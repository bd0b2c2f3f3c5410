using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;
using Gantry.Engine.Latents;
using Gantry.Engine.Nodes.Files;

namespace Gantry.Engine.Nodes.Latent;

/// <summary>
/// ComfyUI's LoadLatent: a combo of the <c>.latent</c> files in the input folder (annotated names such as
/// <c>"x.latent [output]"</c> are taken too); reads <c>latent_tensor</c> as float32 (<see cref="LatentFileReader"/>,
/// which bounds every part of the file). A file without the <c>latent_format_version_0</c> marker predates
/// ComfyUI's scaling change: its samples are multiplied by 1 / 0.18215 (in float32, as PyTorch does). Validation
/// checks that the file exists ("Invalid latent file: x"); the cache key includes the file's SHA-256.
/// </summary>
public sealed class LoadLatent : ComfyNode
{
    /// <summary>The factor old latents are scaled by: Python's 1.0 / 0.18215, as the float32 PyTorch multiplies with.</summary>
    public const float LegacyScale = (float)(1.0 / 0.18215);

    protected override NodeSchema Define() => new("LoadLatent")
    {
        Category = "_for_testing",
        Inputs = { Input.LegacyCombo("latent", LatentFiles) },
        ValidatedInputs = { "latent" },
        Outputs = { Output.Of("LATENT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var name = inputs.Get<string>("latent");
        var path = AnnotatedFiles.Resolve(context.Folders, name);
        if (!File.Exists(path))
        {
            throw NodeException.FileNotFoundError($"No such file or directory: {PyFormat.StringRepr(name)}");
        }

        var content = LatentFileReader.Read(path);
        if (content.HasVersionMarker)
        {
            return NodeOutput.Of(content.Latent);
        }

        var scaled = Tensors.TensorMemory.Allocate(content.Latent.Shape);
        var samples = content.Latent.Samples;
        for (var i = 0; i < scaled.Length; i++)
        {
            scaled[i] = samples[i] * LegacyScale;
        }

        return NodeOutput.Of(new Tensors.LatentTensor(content.Latent.Shape, scaled));
    }

    /// <summary>ComfyUI's IS_CHANGED: the SHA-256 of the file.</summary>
    public override string? Fingerprint(NodeInputs inputs, NodeEnvironment environment)
        => AnnotatedFiles.Fingerprint(environment.Folders, inputs.Get<string>("latent"));

    public override ValidationVerdict ValidateInputs(NodeInputs inputs, NodeEnvironment environment)
        => AnnotatedFiles.MustExist(environment.Folders, inputs["latent"], "latent");

    /// <summary>The regular files directly in the input folder whose name ends in ".latent", sorted by code point.</summary>
    private static IReadOnlyList<string> LatentFiles(EngineFolders folders) =>
        [.. InputFiles.List(folders).Where(name => name.EndsWith(".latent", StringComparison.Ordinal))];
}
