using System.Globalization;

namespace Gantry.Load.Scenarios;

/// <summary>
/// The graphs of the per-node comparison: square EmptyImages (a second one and a SolidMask where the node takes
/// them), the node under test, then an 8×8 ImageCrop into PreviewImage so the output costs next to nothing. The
/// baseline of a case is the same graph with the node left out (the crop reads the first image), so node time is
/// the case's wall time minus its baseline's. The colour varies per run so no cache answers.
/// </summary>
public sealed record NodeGraphs(string Node, string Point, string Inputs, bool TwoImages)
{
    public static IReadOnlyList<NodeGraphs> All { get; } =
    [
        new("ImageBlur", "radius 31, sigma 10", "\"image\": [\"1\", 0], \"blur_radius\": 31, \"sigma\": 10.0", false),
        new("ImageSharpen", "radius 8, sigma 1, alpha 1", "\"image\": [\"1\", 0], \"sharpen_radius\": 8, \"sigma\": 1.0, \"alpha\": 1.0", false),
        .. new[] { "nearest-exact", "bilinear", "area", "bicubic", "lanczos" }.Select(method => new NodeGraphs(
            "ImageScale", method + " to 1.5×", "\"image\": [\"1\", 0], \"upscale_method\": \"" + method + "\", \"width\": {SCALED}, \"height\": {SCALED}, \"crop\": \"disabled\"", false)),
        new("ImageCompositeMasked", "source of the same size at 0,0, SolidMask 0.5", "\"destination\": [\"1\", 0], \"source\": [\"2\", 0], \"x\": 0, \"y\": 0, \"resize_source\": false, \"mask\": [\"3\", 0]", true),
        new("ImageBlend", "soft_light, factor 0.5", "\"image1\": [\"1\", 0], \"image2\": [\"2\", 0], \"blend_factor\": 0.5, \"blend_mode\": \"soft_light\"", true),
    ];

    /// <summary>The case's graph (<paramref name="withNode"/>) or its baseline, on <paramref name="size"/>² images of colour <paramref name="color"/>.</summary>
    public string Prompt(int size, int color, bool withNode)
    {
        var s = size.ToString(CultureInfo.InvariantCulture);
        var nodes = new List<string>
        {
            NodeJson("1", "EmptyImage", $"\"width\": {s}, \"height\": {s}, \"batch_size\": 1, \"color\": {color.ToString(CultureInfo.InvariantCulture)}"),
            NodeJson("10", "ImageCrop", $"\"image\": [\"{(withNode ? "9" : "1")}\", 0], \"width\": 8, \"height\": 8, \"x\": 0, \"y\": 0"),
            NodeJson("11", "PreviewImage", "\"images\": [\"10\", 0]"),
        };
        if (TwoImages)
        {
            // The second image and the mask run in the baseline too (through their own crop), so only the node differs.
            nodes.Add(NodeJson("2", "EmptyImage", $"\"width\": {s}, \"height\": {s}, \"batch_size\": 1, \"color\": {(color ^ 0x5A5A5A).ToString(CultureInfo.InvariantCulture)}"));
            nodes.Add(NodeJson("3", "SolidMask", $"\"value\": 0.5, \"width\": {s}, \"height\": {s}"));
            nodes.Add(NodeJson("12", "ImageCrop", "\"image\": [\"2\", 0], \"width\": 8, \"height\": 8, \"x\": 0, \"y\": 0"));
            nodes.Add(NodeJson("13", "PreviewImage", "\"images\": [\"12\", 0]"));
            nodes.Add(NodeJson("14", "MaskToImage", "\"mask\": [\"3\", 0]"));
            nodes.Add(NodeJson("15", "ImageCrop", "\"image\": [\"14\", 0], \"width\": 8, \"height\": 8, \"x\": 0, \"y\": 0"));
            nodes.Add(NodeJson("16", "PreviewImage", "\"images\": [\"15\", 0]"));
        }

        if (withNode)
        {
            nodes.Add(NodeJson("9", Node, Inputs.Replace("{SCALED}", (size * 3 / 2).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        }

        return "{" + string.Join(", ", nodes) + "}";
    }

    private static string NodeJson(string id, string classType, string inputs) =>
        "\"" + id + "\": {\"class_type\": \"" + classType + "\", \"inputs\": {" + inputs + "}}";
}
