using Gantry.Engine.Catalog;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes.Catalog;

/// <summary>The V3 nodes of ComfyUI's comfy_extras (images, post processing, mask, compositing), entry by entry.</summary>
public sealed class ExtrasNodeDefinitionTests : IDisposable
{
    private const string Images = "comfy_extras.nodes_images";
    private const string PostProcessing = "comfy_extras.nodes_post_processing";
    private const string Masks = "comfy_extras.nodes_mask";
    private const string Compositing = "comfy_extras.nodes_compositing";
    private const string Position = """{"default": 0, "min": 0, "max": 16384, "step": 1}""";
    private const string Size = """{"default": 512, "min": 1, "max": 16384, "step": 1}""";

    private static readonly Dictionary<string, ExpectedNode> Expected = new ExpectedNode[]
    {
        new("ImageCrop", "Crop Image (DEPRECATED)", "image/transform", Images)
        {
            Required = """{"image": ["IMAGE", {}], "width": ["INT", SIZE], "height": ["INT", SIZE], "x": ["INT", POS], "y": ["INT", POS]}""",
            Outputs = ["IMAGE"],
            Deprecated = true,
            SearchAliases = ["trim"],
            EssentialsCategory = "Image Tools",
        },
        new("ComfyNotNode", "Not", "utilities/logic", "comfy_extras.nodes_logic")
        {
            Required = """{"value": ["*", {}]}""",
            Outputs = ["BOOLEAN"],
            Description = "Logical NOT operation. Returns true if the value is falsy. Uses Python's rules for truthiness.",
            SearchAliases = ["invert", "toggle", "negate", "flip boolean"],
        },
        new("RepeatImageBatch", "Repeat Image Batch", "image/batch", Images)
        {
            Required = """{"image": ["IMAGE", {}], "amount": ["INT", {"default": 1, "min": 1, "max": 4096}]}""",
            Outputs = ["IMAGE"],
            SearchAliases = ["duplicate image", "clone image"],
        },
        new("ImageFromBatch", "Get Image from Batch", "image/batch", Images)
        {
            Required = """
                {"image": ["IMAGE", {}], "batch_index": ["INT", {"default": 0, "min": -16384, "max": 16384}],
                 "length": ["INT", {"default": 1, "min": 1, "max": 4096}]}
                """,
            Outputs = ["IMAGE"],
            SearchAliases = ["select image", "pick from batch", "extract image"],
        },
        new("ImageRotate", "Rotate Image", "image/transform", Images)
        {
            Required = """{"image": ["IMAGE", {}], "rotation": ["COMBO", {"multiselect": false, "options": ["none", "90 degrees", "180 degrees", "270 degrees"]}]}""",
            Outputs = ["IMAGE"],
            SearchAliases = ["turn", "flip orientation"],
            EssentialsCategory = "Image Tools",
        },
        new("ImageFlip", "Flip Image", "image/transform", Images)
        {
            Required = """{"image": ["IMAGE", {}], "flip_method": ["COMBO", {"multiselect": false, "options": ["x-axis: vertically", "y-axis: horizontally"]}]}""",
            Outputs = ["IMAGE"],
            SearchAliases = ["mirror", "reflect"],
        },
        new("ImageBlend", "Blend Images", "image/filters", PostProcessing)
        {
            Required = """
                {"image1": ["IMAGE", {}], "image2": ["IMAGE", {}],
                 "blend_factor": ["FLOAT", {"default": 0.5, "min": 0.0, "max": 1.0, "step": 0.01}],
                 "blend_mode": ["COMBO", {"multiselect": false, "options": ["normal", "multiply", "screen", "overlay", "soft_light", "difference"]}]}
                """,
            Outputs = ["IMAGE"],
            SearchAliases = ["mix images"],
            EssentialsCategory = "Image Tools",
        },
        new("ImageBlur", "Blur Image", "image/filters", PostProcessing)
        {
            Required = """
                {"image": ["IMAGE", {}], "blur_radius": ["INT", {"default": 1, "min": 1, "max": 31, "step": 1}],
                 "sigma": ["FLOAT", {"default": 1.0, "min": 0.1, "max": 10.0, "step": 0.1}]}
                """,
            Outputs = ["IMAGE"],
        },
        new("ImageQuantize", "Quantize Image", "image/filters", PostProcessing)
        {
            Required = """
                {"image": ["IMAGE", {}], "colors": ["INT", {"default": 256, "min": 1, "max": 256, "step": 1}],
                 "dither": ["COMBO", {"multiselect": false, "options": ["none", "floyd-steinberg", "bayer-2", "bayer-4", "bayer-8", "bayer-16"]}]}
                """,
            Outputs = ["IMAGE"],
        },
        new("ImageSharpen", "Sharpen Image", "image/filters", PostProcessing)
        {
            Required = """
                {"image": ["IMAGE", {}],
                 "sharpen_radius": ["INT", {"advanced": true, "default": 1, "min": 1, "max": 31, "step": 1}],
                 "sigma": ["FLOAT", {"advanced": true, "default": 1.0, "min": 0.1, "max": 10.0, "step": 0.01}],
                 "alpha": ["FLOAT", {"advanced": true, "default": 1.0, "min": 0.0, "max": 5.0, "step": 0.01}]}
                """,
            Outputs = ["IMAGE"],
        },
        new("ImageScaleToTotalPixels", "Scale Image to Total Pixels", "image/upscaling", PostProcessing)
        {
            Required = """
                {"image": ["IMAGE", {}],
                 "upscale_method": ["COMBO", {"multiselect": false, "options": ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]}],
                 "megapixels": ["FLOAT", {"default": 1.0, "min": 0.01, "max": 16.0, "step": 0.01}],
                 "resolution_steps": ["INT", {"advanced": true, "default": 1, "min": 1, "max": 256}]}
                """,
            Outputs = ["IMAGE"],
        },
        new("ImageCompositeMasked", "Image Composite Masked", "image/compositing", Masks)
        {
            Required = """
                {"destination": ["IMAGE", {}], "source": ["IMAGE", {}], "x": ["INT", POS], "y": ["INT", POS],
                 "resize_source": ["BOOLEAN", {"default": false}]}
                """,
            Optional = """{"mask": ["MASK", {}]}""",
            Outputs = ["IMAGE"],
            SearchAliases = ["overlay", "layer", "paste image", "images composition"],
        },
        new("MaskToImage", "Convert Mask to Image", "image/mask", Masks)
        {
            Required = """{"mask": ["MASK", {}]}""",
            Outputs = ["IMAGE"],
            SearchAliases = ["convert mask"],
        },
        new("ImageToMask", "Convert Image to Mask", "image/mask", Masks)
        {
            Required = """{"image": ["IMAGE", {}], "channel": ["COMBO", {"multiselect": false, "options": ["red", "green", "blue", "alpha"]}]}""",
            Outputs = ["MASK"],
            SearchAliases = ["extract channel", "channel to mask"],
        },
        new("SolidMask", "Create Solid Mask", "image/mask", Masks)
        {
            Required = """{"value": ["FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0, "step": 0.01}], "width": ["INT", SIZE], "height": ["INT", SIZE]}""",
            Outputs = ["MASK"],
        },
        new("InvertMask", "Invert Mask", "image/mask", Masks)
        {
            Required = """{"mask": ["MASK", {}]}""",
            Outputs = ["MASK"],
            SearchAliases = ["reverse mask", "flip mask"],
        },
        new("CropMask", "Crop Mask", "image/mask", Masks)
        {
            Required = """{"mask": ["MASK", {}], "x": ["INT", POS], "y": ["INT", POS], "width": ["INT", SIZE], "height": ["INT", SIZE]}""",
            Outputs = ["MASK"],
            SearchAliases = ["cut mask", "extract mask region", "mask slice"],
        },
        new("MaskComposite", "Combine Masks", "image/mask", Masks)
        {
            Required = """
                {"destination": ["MASK", {}], "source": ["MASK", {}], "x": ["INT", POS], "y": ["INT", POS],
                 "operation": ["COMBO", {"multiselect": false, "options": ["multiply", "add", "subtract", "and", "or", "xor"]}]}
                """,
            Outputs = ["MASK"],
            SearchAliases = ["combine masks", "blend masks", "layer masks", "masks composition"],
        },
        new("FeatherMask", "Feather Mask", "image/mask", Masks)
        {
            Required = """{"mask": ["MASK", {}], "left": ["INT", POS], "top": ["INT", POS], "right": ["INT", POS], "bottom": ["INT", POS]}""",
            Outputs = ["MASK"],
            SearchAliases = ["soft edge mask", "blur mask edges", "gradient mask edge"],
        },
        new("GrowMask", "Grow Mask", "image/mask", Masks)
        {
            Required = """
                {"mask": ["MASK", {}], "expand": ["INT", {"default": 0, "min": -16384, "max": 16384, "step": 1}],
                 "tapered_corners": ["BOOLEAN", {"advanced": true, "default": true}]}
                """,
            Outputs = ["MASK"],
            SearchAliases = ["expand mask", "shrink mask"],
        },
        new("ThresholdMask", "Threshold Mask", "image/mask", Masks)
        {
            Required = """{"mask": ["MASK", {}], "value": ["FLOAT", {"default": 0.5, "min": 0.0, "max": 1.0, "step": 0.01}]}""",
            Outputs = ["MASK"],
            SearchAliases = ["binary mask"],
        },
        new("SplitImageWithAlpha", "Split Image with Alpha", "mask/compositing", Compositing)
        {
            Required = """{"image": ["IMAGE", {}]}""",
            Outputs = ["IMAGE", "MASK"],
            SearchAliases = ["extract alpha", "separate transparency", "remove alpha"],
        },
        new("JoinImageWithAlpha", "Join Image with Alpha", "mask/compositing", Compositing)
        {
            Required = """{"image": ["IMAGE", {}], "alpha": ["MASK", {}]}""",
            Outputs = ["IMAGE"],
            SearchAliases = ["add transparency", "apply alpha", "composite alpha", "RGBA"],
        },
    }.Select(n => n with { Required = n.Required.Replace("POS", Position, StringComparison.Ordinal).Replace("SIZE", Size, StringComparison.Ordinal) })
     .ToDictionary(n => n.Name, StringComparer.Ordinal);

    private readonly EngineHarness _harness = new();
    private readonly JObject _objectInfo;

    public ExtrasNodeDefinitionTests() => _objectInfo = NodeCatalog.CreateDefault().ToObjectInfo(_harness.Folders);

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

    [Fact]
    public void The_product_catalog_holds_the_whole_pack_and_nothing_else()
    {
        string[] pack =
        [
            "Canny", "CaseConverter", "ComfyNotNode", "CropMask", "EmptyImage", "EmptyLatentImage", "FeatherMask",
            "GetImageSize", "GrowMask", "ImageAddNoise", "ImageBatch", "ImageBlend", "ImageBlur", "ImageColorToMask",
            "ImageCompositeMasked", "ImageCrop", "ImageFlip", "ImageFromBatch", "ImageInvert", "ImagePadForOutpaint",
            "ImageQuantize", "ImageRGBToYUV", "ImageRotate", "ImageScale", "ImageScaleBy", "ImageScaleToMaxDimension",
            "ImageScaleToTotalPixels", "ImageSharpen", "ImageStitch", "ImageToMask", "ImageYUVToRGB", "InvertMask",
            "JoinImageWithAlpha", "LatentFromBatch", "LoadImage", "LoadImageMask", "LoadImageOutput", "LoadLatent",
            "MaskComposite", "MaskPreview", "MaskToImage", "Morphology",
            "PorterDuffImageComposite", "PreviewAny", "PreviewImage", "PrimitiveBoolean", "PrimitiveFloat",
            "PrimitiveInt", "PrimitiveString", "PrimitiveStringMultiline", "RebatchImages", "RegexExtract",
            "RegexMatch", "RegexReplace", "RepeatImageBatch", "RepeatLatentBatch", "ResizeAndPadImage", "SaveAnimatedPNG",
            "SaveAnimatedWEBP", "SaveImage", "SaveLatent", "SolidMask", "SplitImageWithAlpha", "StringCompare",
            "StringConcatenate", "StringContains", "StringLength", "StringReplace", "StringSubstring", "StringTrim",
            "ThresholdMask",
        ];

        NodeCatalog.CreateDefault().ClassTypes.ShouldBe(pack);
    }
}
