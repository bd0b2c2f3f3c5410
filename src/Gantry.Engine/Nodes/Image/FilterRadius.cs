using System.Globalization;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>The reflect-padding limit of ImageBlur and ImageSharpen, reported as torch reports it (a RuntimeError).</summary>
internal static class FilterRadius
{
    public static void ThrowIfTooLarge(ImageTensor image, int radius)
    {
        if (radius >= image.Width || radius >= image.Height)
        {
            throw NodeException.RuntimeError(string.Create(
                CultureInfo.InvariantCulture,
                $"Padding size should be less than the corresponding input dimension, but got: padding ({radius}, {radius}) at dimension {(radius >= image.Width ? 3 : 2)} of input [{image.Batch}, {image.Channels}, {image.Height}, {image.Width}]"));
        }
    }
}
