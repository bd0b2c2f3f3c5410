using System.Globalization;
using System.Text;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>
/// One fidelity workflow: nodes that end in the image (or mask) to compare, the node classes it exercises, and the
/// difference allowed (zero unless a documented reason says otherwise, see docs/fidelity.md).
/// </summary>
public sealed record FidelityCase(string Name, string Prompt, int MaxLevels = 0, double MaxFraction = 0)
{
    public override string ToString() => Name;
}

/// <summary>The workflows: the three inputs are loaded as nodes "L1" (37×23 RGB), "L2" (40×30 RGBA), "L3" (96×80 RGB).</summary>
public static class FidelityCases
{
    private static readonly string[] Methods = ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"];

    /// <summary>
    /// The documented bounds (docs/fidelity.md): float32 results that PyTorch sums in another order than the engine,
    /// truncated to bytes by SaveImage, land one level apart on a few pixels.
    /// </summary>
    public static IEnumerable<FidelityCase> All() => Cases().Concat(FidelityNodeCases.All()).Select(c => c.Name switch
    {
        "blur-r31-s10.0" or "scale-center-bicubic" => c,
        _ when c.Name.StartsWith("blur-", StringComparison.Ordinal) || c.Name.StartsWith("sharpen-", StringComparison.Ordinal) => c with { MaxLevels = 1, MaxFraction = 0.15 },
        _ when c.Name.StartsWith("scale-", StringComparison.Ordinal) && (c.Name.EndsWith("bilinear", StringComparison.Ordinal) || c.Name.EndsWith("bicubic", StringComparison.Ordinal) || c.Name.EndsWith("-area", StringComparison.Ordinal))
            => c with { MaxLevels = 1, MaxFraction = 0.12 },
        "blend-normal" or "join-alpha" => c with { MaxLevels = 1, MaxFraction = 0.05 },
        _ => c,
    });

    private static IEnumerable<FidelityCase> Cases()
    {
        yield return Image("invert", """ "1": {"class_type": "ImageInvert", "inputs": {"image": ["L1", 0]}} """);
        yield return Image("empty-image-batch", """ "1": {"class_type": "EmptyImage", "inputs": {"width": 13, "height": 7, "batch_size": 2, "color": 11259375}} """);
        yield return Image("load-rgba-image", """ "1": {"class_type": "ImageInvert", "inputs": {"image": ["L2", 0]}} """);
        yield return Mask("load-rgba-mask", """ "1": {"class_type": "InvertMask", "inputs": {"mask": ["L2", 1]}} """);
        foreach (var (radius, sigma, input) in new[] { (1, 1.0, "L1"), (10, 5.0, "L1"), (31, 10.0, "L3"), (3, 0.1, "L2") })
        {
            yield return Image($"blur-r{radius}-s{F(sigma)}", $$$""" "1": {"class_type": "ImageBlur", "inputs": {"image": ["{{{input}}}", 0], "blur_radius": {{{radius}}}, "sigma": {{{F(sigma)}}}}} """);
        }

        foreach (var (radius, sigma, alpha, input) in new[] { (1, 1.0, 1.0, "L1"), (5, 2.5, 0.5, "L1"), (31, 10.0, 5.0, "L3") })
        {
            yield return Image(
                $"sharpen-r{radius}-s{F(sigma)}-a{F(alpha)}",
                $$$""" "1": {"class_type": "ImageSharpen", "inputs": {"image": ["{{{input}}}", 0], "sharpen_radius": {{{radius}}}, "sigma": {{{F(sigma)}}}, "alpha": {{{F(alpha)}}}}} """);
        }

        foreach (var method in Methods)
        {
            yield return Image($"scale-up-{method}", $$$""" "1": {"class_type": "ImageScale", "inputs": {"image": ["L1", 0], "upscale_method": "{{{method}}}", "width": 61, "height": 47, "crop": "disabled"}} """);
            yield return Image($"scale-down-{method}", $$$""" "1": {"class_type": "ImageScale", "inputs": {"image": ["L3", 0], "upscale_method": "{{{method}}}", "width": 33, "height": 29, "crop": "disabled"}} """);
            yield return Image($"scale-center-{method}", $$$""" "1": {"class_type": "ImageScale", "inputs": {"image": ["L1", 0], "upscale_method": "{{{method}}}", "width": 20, "height": 0, "crop": "center"}} """);
            yield return Image($"scale-by-{method}", $$$""" "1": {"class_type": "ImageScaleBy", "inputs": {"image": ["L2", 0], "upscale_method": "{{{method}}}", "scale_by": 1.37}} """);
            yield return Image($"scale-total-{method}", $$$""" "1": {"class_type": "ImageScaleToTotalPixels", "inputs": {"image": ["L3", 0], "upscale_method": "{{{method}}}", "megapixels": 0.01, "resolution_steps": 1}} """);
        }

        yield return Image("crop-inside", """ "1": {"class_type": "ImageCrop", "inputs": {"image": ["L1", 0], "width": 11, "height": 9, "x": 5, "y": 3}} """);
        yield return Image("crop-out-of-bounds", """ "1": {"class_type": "ImageCrop", "inputs": {"image": ["L1", 0], "width": 16, "height": 16, "x": 30, "y": 20}} """);
        yield return Image("composite-masked-edge", """ "1": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["L3", 0], "source": ["L2", 0], "x": 70, "y": 60, "resize_source": false, "mask": ["L2", 1]}} """);
        yield return Image("composite-resize-source", """ "1": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["L1", 0], "source": ["L3", 0], "x": 3, "y": 2, "resize_source": true}} """);
        yield return Image("composite-far-outside", """ "1": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["L1", 0], "source": ["L2", 0], "x": 500, "y": 500, "resize_source": false}} """);
        foreach (var mode in new[] { "normal", "multiply", "screen", "overlay", "soft_light", "difference" })
        {
            yield return Image($"blend-{mode}", $$$""" "1": {"class_type": "ImageBlend", "inputs": {"image1": ["L1", 0], "image2": ["L3", 0], "blend_factor": 0.63, "blend_mode": "{{{mode}}}"}} """);
        }

        foreach (var dither in new[] { "none", "floyd-steinberg", "bayer-4" })
        {
            yield return Image($"quantize-{dither}", $$$""" "1": {"class_type": "ImageQuantize", "inputs": {"image": ["L3", 0], "colors": 7, "dither": "{{{dither}}}"}} """);
        }

        foreach (var (input, colors, dither) in new[] { ("L1", 256, "none"), ("L1", 256, "floyd-steinberg"), ("L2", 2, "floyd-steinberg"), ("L2", 1, "none"), ("L3", 16, "bayer-2"), ("L3", 16, "bayer-8"), ("L1", 33, "bayer-16") })
        {
            yield return Image($"quantize-{input}-{colors}-{dither}", $$$""" "1": {"class_type": "ImageQuantize", "inputs": {"image": ["{{{input}}}", 0], "colors": {{{colors}}}, "dither": "{{{dither}}}"}} """);
        }

        foreach (var dither in new[] { "none", "floyd-steinberg" })
        {
            // More than 65 536 distinct colours: Pillow coarsens its histogram one bit per channel at a time.
            yield return Image(
                $"quantize-many-colours-{dither}",
                $$$"""
                "0": {"class_type": "EmptyImage", "inputs": {"width": 384, "height": 256, "batch_size": 1, "color": 8421504}},
                "n": {"class_type": "ImageAddNoise", "inputs": {"image": ["0", 0], "seed": 7, "strength": 0.3}},
                "1": {"class_type": "ImageQuantize", "inputs": {"image": ["n", 0], "colors": 64, "dither": "{{{dither}}}"}}
                """);
        }

        yield return Image(
            "quantize-batch",
            """
            "0": {"class_type": "ImageBatch", "inputs": {"image1": ["L1", 0], "image2": ["L3", 0]}},
            "1": {"class_type": "ImageQuantize", "inputs": {"image": ["0", 0], "colors": 5, "dither": "floyd-steinberg"}}
            """);

        yield return Image("pad-for-outpaint", """ "1": {"class_type": "ImagePadForOutpaint", "inputs": {"image": ["L1", 0], "left": 8, "top": 0, "right": 16, "bottom": 8, "feathering": 5}} """);
        yield return Mask("pad-for-outpaint-mask", """ "1": {"class_type": "ImagePadForOutpaint", "inputs": {"image": ["L1", 0], "left": 8, "top": 0, "right": 16, "bottom": 8, "feathering": 5}} """, output: 1);
        yield return Image("flip-x", """ "1": {"class_type": "ImageFlip", "inputs": {"image": ["L1", 0], "flip_method": "x-axis: vertically"}} """);
        yield return Image("rotate-90", """ "1": {"class_type": "ImageRotate", "inputs": {"image": ["L1", 0], "rotation": "90 degrees"}} """);
        yield return Image("batch-mixed-sizes", """ "1": {"class_type": "ImageBatch", "inputs": {"image1": ["L1", 0], "image2": ["L3", 0]}} """);
        yield return Image(
            "repeat-and-pick-from-batch",
            """
            "0": {"class_type": "RepeatImageBatch", "inputs": {"image": ["L1", 0], "amount": 3}},
            "1": {"class_type": "ImageFromBatch", "inputs": {"image": ["0", 0], "batch_index": 1, "length": 5}}
            """);
        yield return Image("join-alpha", """ "1": {"class_type": "JoinImageWithAlpha", "inputs": {"image": ["L1", 0], "alpha": ["L2", 1]}} """);
        yield return Image(
            "split-alpha",
            """
            "0": {"class_type": "JoinImageWithAlpha", "inputs": {"image": ["L2", 0], "alpha": ["L2", 1]}},
            "1": {"class_type": "SplitImageWithAlpha", "inputs": {"image": ["0", 0]}}
            """);
        foreach (var channel in new[] { "red", "blue" })
        {
            yield return Mask($"image-to-mask-{channel}", $$$""" "1": {"class_type": "ImageToMask", "inputs": {"image": ["L1", 0], "channel": "{{{channel}}}"}} """);
        }

        yield return Mask("solid-mask", """ "1": {"class_type": "SolidMask", "inputs": {"value": 0.37, "width": 9, "height": 5}} """);
        yield return Mask("threshold-mask", """ "1": {"class_type": "ThresholdMask", "inputs": {"mask": ["L2", 1], "value": 0.4}} """);
        foreach (var (expand, tapered) in new[] { (3, true), (4, false), (-2, true) })
        {
            yield return Mask($"grow-mask-{expand}-{tapered}", $$$""" "1": {"class_type": "GrowMask", "inputs": {"mask": ["L2", 1], "expand": {{{expand}}}, "tapered_corners": {{{(tapered ? "true" : "false")}}}}} """);
        }

        yield return Mask("feather-mask", """ "1": {"class_type": "FeatherMask", "inputs": {"mask": ["L2", 1], "left": 5, "top": 2, "right": 7, "bottom": 40}} """);
        yield return Mask("crop-mask-out-of-bounds", """ "1": {"class_type": "CropMask", "inputs": {"mask": ["L2", 1], "x": 30, "y": 25, "width": 20, "height": 20}} """);
        foreach (var operation in new[] { "multiply", "add", "subtract", "and", "or", "xor" })
        {
            yield return Mask(
                $"mask-composite-{operation}",
                $$$"""
                "0": {"class_type": "ImageToMask", "inputs": {"image": ["L3", 0], "channel": "green"}},
                "1": {"class_type": "MaskComposite", "inputs": {"destination": ["0", 0], "source": ["L2", 1], "x": 70, "y": 65, "operation": "{{{operation}}}"}}
                """);
        }
    }

    /// <summary>The case's prompt saving node "1" output 0 (an IMAGE).</summary>
    internal static FidelityCase Image(string name, string nodes, int output = 0) =>
        new(name, Prompt(nodes, $$$""" "S": {"class_type": "SaveImage", "inputs": {"images": ["1", {{{output}}}], "filename_prefix": "fid_{{{name}}}"}} """));

    /// <summary>The case's prompt saving node "1" output <paramref name="output"/> (a MASK) as an image.</summary>
    internal static FidelityCase Mask(string name, string nodes, int output = 0) =>
        new(name, Prompt(
            nodes,
            $$$"""
             "M": {"class_type": "MaskToImage", "inputs": {"mask": ["1", {{{output}}}]}},
             "S": {"class_type": "SaveImage", "inputs": {"images": ["M", 0], "filename_prefix": "fid_{{{name}}}"}}
            """));

    internal static string Prompt(string nodes, string save)
    {
        var prompt = new StringBuilder("{");
        prompt.Append(CultureInfo.InvariantCulture, $"\"L1\": {{\"class_type\": \"LoadImage\", \"inputs\": {{\"image\": \"{FidelityInputs.OddRgb}\"}}}}, ");
        prompt.Append(CultureInfo.InvariantCulture, $"\"L2\": {{\"class_type\": \"LoadImage\", \"inputs\": {{\"image\": \"{FidelityInputs.Rgba}\"}}}}, ");
        prompt.Append(CultureInfo.InvariantCulture, $"\"L3\": {{\"class_type\": \"LoadImage\", \"inputs\": {{\"image\": \"{FidelityInputs.Large}\"}}}}, ");
        return prompt.Append(nodes.Trim()).Append(", ").Append(save.Trim()).Append('}').ToString();
    }

    private static string F(double value) => value.ToString("0.0##", CultureInfo.InvariantCulture);
}
