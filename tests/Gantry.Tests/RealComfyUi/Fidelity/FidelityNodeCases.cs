namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>
/// Fidelity workflows for the nodes issue 14 added (GetImageSize, ImageColorToMask, RebatchImages, ImageStitch,
/// ResizeAndPadImage, ImageScaleToMaxDimension); the inputs are FidelityCases' L1 (37×23 RGB), L2 (40×30 RGBA) and
/// L3 (96×80 RGB). Bounds follow the resize methods' documented ones (docs/fidelity.md).
/// </summary>
public static class FidelityNodeCases
{
    private static readonly string[] Methods = ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"];

    public static IEnumerable<FidelityCase> All() => Cases().Select(c =>
        c.Name.EndsWith("-bilinear", StringComparison.Ordinal) || c.Name.EndsWith("-bicubic", StringComparison.Ordinal) || c.Name.EndsWith("-area", StringComparison.Ordinal)
            || c.Name == "porter-duff-resized-source"
            ? c with { MaxLevels = 1, MaxFraction = 0.12 }
            : c);

    private static IEnumerable<FidelityCase> Cases()
    {
        yield return FidelityCases.Image(
            "get-image-size",
            """
            "0": {"class_type": "RepeatImageBatch", "inputs": {"image": ["L2", 0], "amount": 2}},
            "G": {"class_type": "GetImageSize", "inputs": {"image": ["0", 0]}},
            "1": {"class_type": "EmptyImage", "inputs": {"width": ["G", 0], "height": ["G", 1], "batch_size": ["G", 2], "color": 1193046}}
            """);
        yield return FidelityCases.Mask(
            "color-to-mask",
            """
            "0": {"class_type": "EmptyImage", "inputs": {"width": 9, "height": 7, "batch_size": 1, "color": 11259375}},
            "C": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["L1", 0], "source": ["0", 0], "x": 30, "y": 3, "resize_source": false}},
            "1": {"class_type": "ImageColorToMask", "inputs": {"image": ["C", 0], "color": 11259375}}
            """);
        yield return FidelityCases.Image(
            "rebatch-3-by-2",
            """
            "0": {"class_type": "RepeatImageBatch", "inputs": {"image": ["L1", 0], "amount": 3}},
            "1": {"class_type": "RebatchImages", "inputs": {"images": ["0", 0], "batch_size": 2}}
            """);
        foreach (var direction in new[] { "right", "down", "left", "up" })
        {
            yield return FidelityCases.Image(
                $"stitch-{direction}-matched",
                $$$""" "1": {"class_type": "ImageStitch", "inputs": {"image1": ["L1", 0], "image2": ["L3", 0], "direction": "{{{direction}}}", "match_image_size": true, "spacing_width": 0, "spacing_color": "white"}} """);
        }

        foreach (var (direction, color, spacing) in new[] { ("right", "white", 3), ("down", "red", 4), ("left", "black", 0), ("up", "blue", 2) })
        {
            yield return FidelityCases.Image(
                $"stitch-{direction}-padded-{color}-{spacing}",
                $$$""" "1": {"class_type": "ImageStitch", "inputs": {"image1": ["L2", 0], "image2": ["L1", 0], "direction": "{{{direction}}}", "match_image_size": false, "spacing_width": {{{spacing}}}, "spacing_color": "{{{color}}}"}} """);
        }

        yield return FidelityCases.Image(
            "stitch-batches-and-alpha",
            """
            "0": {"class_type": "RepeatImageBatch", "inputs": {"image": ["L1", 0], "amount": 3}},
            "A": {"class_type": "JoinImageWithAlpha", "inputs": {"image": ["L2", 0], "alpha": ["L2", 1]}},
            "1": {"class_type": "ImageStitch", "inputs": {"image1": ["0", 0], "image2": ["A", 0], "direction": "right", "match_image_size": true, "spacing_width": 6, "spacing_color": "green"}}
            """);
        yield return FidelityCases.Image("stitch-no-image2", """ "1": {"class_type": "ImageStitch", "inputs": {"image1": ["L1", 0], "direction": "up", "match_image_size": true, "spacing_width": 8, "spacing_color": "red"}} """);
        foreach (var method in Methods)
        {
            yield return FidelityCases.Image(
                $"resize-and-pad-{method}",
                $$$""" "1": {"class_type": "ResizeAndPadImage", "inputs": {"image": ["L1", 0], "target_width": 50, "target_height": 51, "padding_color": "white", "interpolation": "{{{method}}}"}} """);
            yield return FidelityCases.Image(
                $"scale-to-max-{method}",
                $$$""" "1": {"class_type": "ImageScaleToMaxDimension", "inputs": {"image": ["L3", 0], "upscale_method": "{{{method}}}", "largest_size": 45}} """);
        }

        foreach (var mode in new[] { "ADD", "CLEAR", "DARKEN", "DST", "DST_ATOP", "DST_IN", "DST_OUT", "DST_OVER", "LIGHTEN", "MULTIPLY", "OVERLAY", "SCREEN", "SRC", "SRC_ATOP", "SRC_IN", "SRC_OUT", "SRC_OVER", "XOR" })
        {
            yield return FidelityCases.Image($"porter-duff-{mode}", PorterDuff(mode));
            yield return FidelityCases.Mask($"porter-duff-{mode}-mask", PorterDuff(mode), output: 1);
        }

        yield return FidelityCases.Image(
            "porter-duff-resized-source",
            """
            "1": {"class_type": "PorterDuffImageComposite", "inputs": {"source": ["L3", 0], "source_alpha": ["L2", 1], "destination": ["L1", 0], "destination_alpha": ["L2", 1], "mode": "SRC_OVER"}}
            """);
        foreach (var channel in new[] { "alpha", "red", "blue" })
        {
            yield return FidelityCases.Mask($"load-image-mask-{channel}", $$$""" "1": {"class_type": "LoadImageMask", "inputs": {"image": "{{{FidelityInputs.Rgba}}}", "channel": "{{{channel}}}"}} """);
        }

        yield return FidelityCases.Mask("load-image-mask-no-alpha", $$$""" "1": {"class_type": "LoadImageMask", "inputs": {"image": "{{{FidelityInputs.OddRgb}}}", "channel": "alpha"}} """);
        yield return FidelityCases.Image("load-image-output-annotated", $$$""" "1": {"class_type": "LoadImageOutput", "inputs": {"image": "{{{FidelityInputs.Rgba}}} [input]"}} """);
        // MaskPreview is the only output node here: with a SaveImage beside it, the engine and ComfyUI 0.3.64 run the
        // two output nodes in different orders (a difference of execution order, not of this node).
        yield return new FidelityCase(
            "mask-preview",
            FidelityCases.Prompt(""" "1": {"class_type": "InvertMask", "inputs": {"mask": ["L2", 1]}} """, """ "P": {"class_type": "MaskPreview", "inputs": {"mask": ["1", 0]}} """));
        yield return FidelityCases.Image("resize-and-pad-rgba-black", """ "1": {"class_type": "ResizeAndPadImage", "inputs": {"image": ["L2", 0], "target_width": 17, "target_height": 40, "padding_color": "black", "interpolation": "lanczos"}} """);
        yield return FidelityCases.Image(
            "scale-to-max-tall",
            """
            "0": {"class_type": "ImageRotate", "inputs": {"image": ["L1", 0], "rotation": "90 degrees"}},
            "1": {"class_type": "ImageScaleToMaxDimension", "inputs": {"image": ["0", 0], "upscale_method": "nearest-exact", "largest_size": 100}}
            """);
        foreach (var (input, seed, strength) in new[] { ("L1", "0", "0.5"), ("L2", "18446744073709551615", "1.0"), ("L3", "123456789", "0.07") })
        {
            yield return FidelityCases.Image($"add-noise-{input}-{seed}", $$$""" "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["{{{input}}}", 0], "seed": {{{seed}}}, "strength": {{{strength}}}}} """);
        }

        yield return FidelityCases.Image(
            "add-noise-batch",
            """
            "0": {"class_type": "RepeatImageBatch", "inputs": {"image": ["L1", 0], "amount": 3}},
            "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["0", 0], "seed": 42, "strength": 0.3}}
            """);
        yield return FidelityCases.Image(
            "add-noise-tiny",
            """
            "0": {"class_type": "ImageCrop", "inputs": {"image": ["L1", 0], "width": 2, "height": 2, "x": 5, "y": 5}},
            "1": {"class_type": "ImageAddNoise", "inputs": {"image": ["0", 0], "seed": 9, "strength": 0.8}}
            """);
    }

    /// <summary>Same-size inputs: source L1 with a solid 0.3 mask over the inverted L1 with L1's green as its mask.</summary>
    private static string PorterDuff(string mode) =>
        $$$"""
        "sa": {"class_type": "SolidMask", "inputs": {"value": 0.3, "width": 37, "height": 23}},
        "d": {"class_type": "ImageInvert", "inputs": {"image": ["L1", 0]}},
        "da": {"class_type": "ImageToMask", "inputs": {"image": ["L1", 0], "channel": "green"}},
        "1": {"class_type": "PorterDuffImageComposite", "inputs": {"source": ["L1", 0], "source_alpha": ["sa", 0], "destination": ["d", 0], "destination_alpha": ["da", 0], "mode": "{{{mode}}}"}}
        """;
}
