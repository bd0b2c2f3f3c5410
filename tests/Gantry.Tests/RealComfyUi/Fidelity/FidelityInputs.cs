using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Tensors;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>
/// The input images of the fidelity workflows, made here (deterministic gradients and noise) and uploaded to both
/// sides under the same names: odd sizes, an alpha channel, a larger frame for big radii.
/// </summary>
public static class FidelityInputs
{
    /// <summary>37×23 RGB: gradients plus noise (sharp edges for filters and resizers).</summary>
    public const string OddRgb = "fid_odd_rgb.png";

    /// <summary>40×30 RGBA: alpha varies across the frame (LoadImage's mask, JoinImageWithAlpha, composites).</summary>
    public const string Rgba = "fid_rgba.png";

    /// <summary>96×80 RGB: for large blur and sharpen radii.</summary>
    public const string Large = "fid_large.png";

    public static IReadOnlyList<(string Name, byte[] Png)> All { get; } =
    [
        (OddRgb, Make(37, 23, 3, seed: 1)),
        (Rgba, Make(40, 30, 4, seed: 2)),
        (Large, Make(96, 80, 3, seed: 3)),
    ];

    private static byte[] Make(int width, int height, int channels, int seed)
    {
        var image = new ImageTensor(1, height, width, channels);
        var random = new Random(seed);
        var span = image.WritableSpan;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * channels;
                var noise = random.Next(256);
                span[i] = (byte)((x * 255 / Math.Max(1, width - 1) + (noise / 8)) & 0xFF) / 255f;
                span[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1)) / 255f;
                span[i + 2] = (byte)(((x / 4) + (y / 4)) % 2 == 0 ? noise : 255 - (noise / 2)) / 255f;
                if (channels == 4)
                {
                    span[i + 3] = (byte)(((x * 7) + (y * 13)) % 256) / 255f;
                }
            }
        }

        return PngEncoder.Encode(image);
    }
}
