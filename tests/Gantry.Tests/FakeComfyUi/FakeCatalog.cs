using System.Numerics;
using Gantry.Engine.Json;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>
/// The node classes the fake ComfyUI knows, as its <c>/object_info</c> shows them: a checkpoint loader whose combo
/// is the checkpoint list, a sampler with a 2^64−1 seed maximum (a JSON integer beyond 64-bit signed), the image
/// loader (validated by file existence), and the output nodes SaveImage and PreviewImage.
/// </summary>
public static class FakeCatalog
{
    public static readonly BigInteger MaxSeed = BigInteger.Parse("18446744073709551615", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Classes that are outputs (execution roots).</summary>
    public static readonly IReadOnlySet<string> OutputNodes = new HashSet<string>(StringComparer.Ordinal) { "SaveImage", "PreviewImage" };

    public static JObject ObjectInfo(IReadOnlyDictionary<string, IReadOnlyList<string>> models, IEnumerable<string> inputFiles)
    {
        var checkpoints = models.TryGetValue("checkpoints", out var list) ? list : [];
        return new JObjectBuilder
        {
            ["CheckpointLoaderSimple"] = Node("CheckpointLoaderSimple", "loaders",
                Inputs(("ckpt_name", JArray.Of(JArray.OfStrings(checkpoints), Options(("tooltip", "The checkpoint to load."))))),
                ["MODEL", "CLIP", "VAE"]),
            ["CLIPTextEncode"] = Node("CLIPTextEncode", "conditioning",
                Inputs(("text", JArray.Of("STRING", Options(("multiline", true), ("dynamicPrompts", true)))), ("clip", JArray.Of("CLIP"))),
                ["CONDITIONING"]),
            ["EmptyLatentImage"] = Node("EmptyLatentImage", "latent",
                Inputs(
                    ("width", IntInput(512, 16, 16384)),
                    ("height", IntInput(512, 16, 16384)),
                    ("batch_size", IntInput(1, 1, 4096))),
                ["LATENT"]),
            ["KSampler"] = Node("KSampler", "sampling",
                Inputs(
                    ("model", JArray.Of("MODEL")),
                    ("seed", JArray.Of("INT", Options(("default", 0), ("min", 0), ("max", new JInt(MaxSeed)), ("control_after_generate", true)))),
                    ("steps", IntInput(20, 1, 10000)),
                    ("cfg", JArray.Of("FLOAT", Options(("default", 8.0), ("min", 0.0), ("max", 100.0), ("step", 0.1), ("round", 0.01)))),
                    ("sampler_name", JArray.Of(JArray.OfStrings(["euler", "euler_ancestral", "dpmpp_2m"]))),
                    ("scheduler", JArray.Of(JArray.OfStrings(["normal", "karras"]))),
                    ("positive", JArray.Of("CONDITIONING")),
                    ("negative", JArray.Of("CONDITIONING")),
                    ("latent_image", JArray.Of("LATENT")),
                    ("denoise", JArray.Of("FLOAT", Options(("default", 1.0), ("min", 0.0), ("max", 1.0), ("step", 0.01))))),
                ["LATENT"]),
            ["VAEDecode"] = Node("VAEDecode", "latent", Inputs(("samples", JArray.Of("LATENT")), ("vae", JArray.Of("VAE"))), ["IMAGE"]),
            ["LoadImage"] = Node("LoadImage", "image",
                Inputs(("image", JArray.Of(JArray.OfStrings(inputFiles), Options(("image_upload", true))))),
                ["IMAGE", "MASK"]),
            ["SaveImage"] = Node("SaveImage", "image",
                Inputs(("images", JArray.Of("IMAGE")), ("filename_prefix", JArray.Of("STRING", Options(("default", "ComfyUI"))))),
                [], outputNode: true),
            ["PreviewImage"] = Node("PreviewImage", "image", Inputs(("images", JArray.Of("IMAGE"))), [], outputNode: true),
        }.Build();
    }

    private static JObject Node(string name, string category, JObject required, string[] outputs, bool outputNode = false) => new JObjectBuilder
    {
        ["input"] = new JObjectBuilder { ["required"] = required, ["optional"] = JObject.Empty, ["hidden"] = JObject.Empty }.Build(),
        ["input_order"] = new JObjectBuilder { ["required"] = JArray.OfStrings(required.Keys) }.Build(),
        ["output"] = JArray.OfStrings(outputs),
        ["output_is_list"] = new JArray(outputs.Select(_ => (JValue)false)),
        ["output_name"] = JArray.OfStrings(outputs),
        ["name"] = name,
        ["display_name"] = name,
        ["description"] = "",
        ["python_module"] = "nodes",
        ["category"] = category,
        ["output_node"] = outputNode,
    }.Build();

    private static JObject Inputs(params (string Name, JValue Spec)[] inputs) => new(inputs.Select(i => new KeyValuePair<string, JValue>(i.Name, i.Spec)));

    private static JObject Options(params (string Name, JValue Value)[] options) => new(options.Select(o => new KeyValuePair<string, JValue>(o.Name, o.Value)));

    private static JArray IntInput(long defaultValue, long min, long max)
        => JArray.Of("INT", Options(("default", defaultValue), ("min", min), ("max", max), ("step", 8)));
}
