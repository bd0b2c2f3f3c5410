namespace Gantry.Engine.Nodes.Image;

/// <summary>The frame time ComfyUI's animated savers give Pillow: <c>int(1000.0 / fps)</c> milliseconds, truncated.</summary>
internal static class AnimationTiming
{
    public static long DelayMilliseconds(double fps)
    {
        var delay = 1000.0 / fps;
        if (double.IsNaN(delay) || double.IsInfinity(delay) || Math.Abs(delay) > long.MaxValue / 2.0)
        {
            throw Json.NodeException.OverflowError("cannot convert float infinity to integer");
        }

        return (long)delay;
    }
}
