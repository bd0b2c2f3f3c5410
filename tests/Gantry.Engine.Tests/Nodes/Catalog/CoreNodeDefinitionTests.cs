using Gantry.Engine.Catalog;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes.Catalog;

/// <summary>The V1 nodes of ComfyUI's nodes.py, entry by entry as ComfyUI serves them in /object_info.</summary>
public sealed class CoreNodeDefinitionTests : IDisposable
{
    private const string Prefix = "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.";
    private const string Methods = """["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]""";

    private static readonly Dictionary<string, ExpectedNode> Expected = new ExpectedNode[]
    {
        new("SaveImage", "Save Image", "image", "nodes")
        {
            Required = """{"images": ["IMAGE", {"tooltip": "The images to save."}], "filename_prefix": ["STRING", {"default": "ComfyUI", "tooltip": "PREFIX"}]}""".Replace("PREFIX", Prefix, StringComparison.Ordinal),
            Hidden = """{"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}""",
            Outputs = ["IMAGE"],
            OutputNames = ["images"],
            Description = "Saves the input images to your ComfyUI output directory.",
            OutputNode = true,
            SearchAliases = ["save", "save image", "export image", "output image", "write image", "download"],
            EssentialsCategory = "Basics",
        },
        new("PreviewImage", "Preview Image", "image", "nodes")
        {
            Required = """{"images": ["IMAGE"]}""",
            Hidden = """{"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}""",
            Outputs = ["IMAGE"],
            OutputNames = ["images"],
            Description = "Preview the images without saving them to the ComfyUI output directory.",
            OutputNode = true,
            SearchAliases = ["preview", "preview image", "show image", "view image", "display image", "image viewer"],
            EssentialsCategory = "Basics",
        },
        new("LoadImage", "Load Image", "image", "nodes")
        {
            Required = """{"image": [["a.jpg", "b.png", "c.WEBP"], {"image_upload": true}]}""",
            Outputs = ["IMAGE", "MASK"],
            SearchAliases = ["load image", "open image", "import image", "image input", "upload image", "read image", "image loader"],
            EssentialsCategory = "Basics",
        },
        new("EmptyImage", "Empty Image", "image", "nodes")
        {
            Required = """
                {"width": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}],
                 "height": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}],
                 "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}],
                 "color": ["INT", {"default": 0, "min": 0, "max": 16777215, "step": 1, "display": "color"}]}
                """,
            Outputs = ["IMAGE"],
        },
        new("ImageScale", "Upscale Image", "image/upscaling", "nodes")
        {
            Required = """
                {"image": ["IMAGE"], "upscale_method": [METHODS],
                 "width": ["INT", {"default": 512, "min": 0, "max": 16384, "step": 1}],
                 "height": ["INT", {"default": 512, "min": 0, "max": 16384, "step": 1}],
                 "crop": [["disabled", "center"]]}
                """.Replace("METHODS", Methods, StringComparison.Ordinal),
            Outputs = ["IMAGE"],
            SearchAliases = ["resize", "resize image", "scale image", "image resize", "zoom", "zoom in", "change size"],
            EssentialsCategory = "Image Tools",
        },
        new("ImageScaleBy", "Upscale Image By", "image/upscaling", "nodes")
        {
            Required = """
                {"image": ["IMAGE"], "upscale_method": [METHODS],
                 "scale_by": ["FLOAT", {"default": 1.0, "min": 0.01, "max": 8.0, "step": 0.01}]}
                """.Replace("METHODS", Methods, StringComparison.Ordinal),
            Outputs = ["IMAGE"],
            EssentialsCategory = "Image Tools",
        },
        new("ImageInvert", "Invert Image Colors", "image/color", "nodes")
        {
            Required = """{"image": ["IMAGE"]}""",
            Outputs = ["IMAGE"],
            SearchAliases = ["reverse colors"],
            EssentialsCategory = "Image Tools",
        },
        new("ImageBatch", "Batch Images (DEPRECATED)", "image/batch", "nodes")
        {
            Required = """{"image1": ["IMAGE"], "image2": ["IMAGE"]}""",
            Outputs = ["IMAGE"],
            Deprecated = true,
            SearchAliases = ["combine images", "merge images", "stack images"],
        },
        new("ImagePadForOutpaint", "Pad Image for Outpainting", "image/transform", "nodes")
        {
            Required = """
                {"image": ["IMAGE"],
                 "left": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}],
                 "top": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}],
                 "right": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}],
                 "bottom": ["INT", {"default": 0, "min": 0, "max": 16384, "step": 8}],
                 "feathering": ["INT", {"default": 40, "min": 0, "max": 16384, "step": 1, "advanced": true}]}
                """,
            Outputs = ["IMAGE", "MASK"],
            SearchAliases = ["extend canvas", "expand image"],
        },
    }.ToDictionary(n => n.Name, StringComparer.Ordinal);

    private readonly EngineHarness _harness = new();
    private readonly JObject _objectInfo;

    public CoreNodeDefinitionTests()
    {
        foreach (var file in new[] { "b.png", "a.jpg", "c.WEBP", "notes.txt", "model.safetensors" })
        {
            _harness.WriteInputFile(file, "x");
        }

        Directory.CreateDirectory(Path.Combine(_harness.Folders.Input, "sub"));
        _harness.WriteInputFile("sub/d.png", "x");
        _objectInfo = NodeCatalog.CreateDefault().ToObjectInfo(_harness.Folders);
    }

    public static TheoryData<string> Names => [.. Expected.Keys];

    public void Dispose() => _harness.Dispose();

    [Theory]
    [MemberData(nameof(Names))]
    public void The_entry_matches_comfyuis_definition(string name)
    {
        var actual = _objectInfo[name].ShouldBeOfType<JObject>();
        var expected = Expected[name].ToJson();

        foreach (var (key, value) in expected)
        {
            actual[key].ShouldNotBeNull($"{name}.{key}").ToJsonString().ShouldBe(value.ToJsonString(), $"{name}.{key}");
        }

        actual.Keys.ShouldBe(expected.Keys, $"{name}: fields and their order");
    }
}
