using Gantry.Engine.Imaging.Codecs;

namespace Gantry.Bench.Imaging;

/// <summary>Reaches the preview encoder's float → RGBA conversion for the Skia comparison.</summary>
internal static class PreviewEncoderAccess
{
    public static void ToRgba(ReadOnlySpan<float> frame, int channels, Span<byte> rgba) => PreviewEncoder.ToRgba(frame, channels, rgba);
}
