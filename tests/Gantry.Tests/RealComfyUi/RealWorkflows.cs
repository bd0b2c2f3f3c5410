using System.Globalization;
using System.Text;

namespace Gantry.Tests.RealComfyUi;

/// <summary>Workflows for a real ComfyUI on CPU without models (each one unique, so ComfyUI's cache never skips it).</summary>
public static class RealWorkflows
{
    /// <summary>An EmptyImage batch, inverted, saved (node "3") and previewed (node "4").</summary>
    public static string Batch(int batch, string prefix) => $$$"""
        {"1": {"class_type": "EmptyImage", "inputs": {"width": 24, "height": 16, "batch_size": {{{batch}}}, "color": {{{Color()}}}}},
         "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
         "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "{{{prefix}}}"}},
         "4": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}} }
        """;

    /// <summary>
    /// A chain of <paramref name="blurs"/> ImageBlur nodes ("2" … ) on a 384×384 image, then PreviewImage "out". On CPU
    /// each blur takes a noticeable part of a second, and ComfyUI checks for an interrupt before every node, so a
    /// long chain is a job that is reliably still running when a test acts on it.
    /// </summary>
    public static string Chain(int blurs)
    {
        var prompt = new StringBuilder().Append(CultureInfo.InvariantCulture, $$$"""{"1": {"class_type": "EmptyImage", "inputs": {"width": 384, "height": 384, "batch_size": 1, "color": {{{Color()}}}}}""");
        var previous = "1";
        for (var i = 2; i < blurs + 2; i++)
        {
            prompt.Append(CultureInfo.InvariantCulture, $$$""", "{{{i}}}": {"class_type": "ImageBlur", "inputs": {"image": ["{{{previous}}}", 0], "blur_radius": 6, "sigma": 3.0}}""");
            previous = i.ToString(CultureInfo.InvariantCulture);
        }

        return prompt.Append(CultureInfo.InvariantCulture, $$$""", "out": {"class_type": "PreviewImage", "inputs": {"images": ["{{{previous}}}", 0]}} }""").ToString();
    }

    /// <summary>A random fill colour: a new cache key on ComfyUI for every workflow.</summary>
    private static int Color() => Random.Shared.Next(0, 0xFFFFFF);
}
