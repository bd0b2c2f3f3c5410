using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gantry.Engine.Imaging.Blend;

/// <summary>
/// out = clamp(a·(1 − f) + mode(a, b)·f, 0, 1) over two equally long sample runs, vectorised.
/// <see cref="Scalar"/> is the per-sample rule the vector path must agree with.
/// </summary>
internal static class BlendKernels
{
    public static void Blend(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination, BlendMode mode, float factor)
    {
        switch (mode)
        {
            case BlendMode.Normal:
                Run<NormalOp>(a, b, destination, factor);
                break;
            case BlendMode.Multiply:
                Run<MultiplyOp>(a, b, destination, factor);
                break;
            case BlendMode.Screen:
                Run<ScreenOp>(a, b, destination, factor);
                break;
            case BlendMode.Overlay:
                Run<OverlayOp>(a, b, destination, factor);
                break;
            case BlendMode.SoftLight:
                Run<SoftLightOp>(a, b, destination, factor);
                break;
            case BlendMode.Difference:
                Run<DifferenceOp>(a, b, destination, factor);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown blend mode.");
        }
    }

    public static float Scalar(float a, float b, BlendMode mode, float factor)
    {
        var blended = mode switch
        {
            BlendMode.Normal => b,
            BlendMode.Multiply => a * b,
            BlendMode.Screen => 1f - ((1f - a) * (1f - b)),
            BlendMode.Overlay => a <= 0.5f ? 2f * a * b : 1f - (2f * (1f - a) * (1f - b)),
            BlendMode.SoftLight => b <= 0.5f
                ? a - ((1f - (2f * b)) * a * (1f - a))
                : a + (((2f * b) - 1f) * (SoftLightG(a) - a)),
            BlendMode.Difference => a - b,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown blend mode."),
        };
        return Math.Clamp((a * (1f - factor)) + (blended * factor), 0f, 1f);
    }

    private static float SoftLightG(float x) => x <= 0.25f ? ((((16f * x) - 12f) * x) + 4f) * x : MathF.Sqrt(x);

    private static void Run<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination, float factor)
        where TOp : struct, IBlendOp
    {
        var length = destination.Length;
        if (a.Length < length || b.Length < length)
        {
            throw new ArgumentException("Blend inputs are shorter than the destination.", nameof(destination));
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        ref var pd = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            var keep = Vector256.Create(1f - factor);
            var zero = Vector256<float>.Zero;
            var one = Vector256<float>.One;
            for (; i <= length - 8; i += 8)
            {
                var va = Vector256.LoadUnsafe(ref pa, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref pb, (nuint)i);
                var mixed = (va * keep) + (TOp.Apply(va, vb) * f);
                Vector256.Min(Vector256.Max(mixed, zero), one).StoreUnsafe(ref pd, (nuint)i);
            }
        }

        var mode = TOp.Mode;
        for (; i < length; i++)
        {
            Unsafe.Add(ref pd, i) = Scalar(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i), mode, factor);
        }
    }

    private interface IBlendOp
    {
        static abstract BlendMode Mode { get; }

        static abstract Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
    }

    private readonly struct NormalOp : IBlendOp
    {
        public static BlendMode Mode => BlendMode.Normal;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => b;
    }

    private readonly struct MultiplyOp : IBlendOp
    {
        public static BlendMode Mode => BlendMode.Multiply;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * b;
    }

    private readonly struct ScreenOp : IBlendOp
    {
        public static BlendMode Mode => BlendMode.Screen;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) =>
            Vector256<float>.One - ((Vector256<float>.One - a) * (Vector256<float>.One - b));
    }

    private readonly struct OverlayOp : IBlendOp
    {
        public static BlendMode Mode => BlendMode.Overlay;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b)
        {
            var one = Vector256<float>.One;
            var two = Vector256.Create(2f);
            var low = two * a * b;
            var high = one - (two * (one - a) * (one - b));
            return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, Vector256.Create(0.5f)), low, high);
        }
    }

    private readonly struct SoftLightOp : IBlendOp
    {
        public static BlendMode Mode => BlendMode.SoftLight;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b)
        {
            var one = Vector256<float>.One;
            var two = Vector256.Create(2f);
            var polynomial = ((((Vector256.Create(16f) * a) - Vector256.Create(12f)) * a) + Vector256.Create(4f)) * a;
            var g = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, Vector256.Create(0.25f)), polynomial, Vector256.Sqrt(a));
            var low = a - ((one - (two * b)) * a * (one - a));
            var high = a + (((two * b) - one) * (g - a));
            return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(b, Vector256.Create(0.5f)), low, high);
        }
    }

    private readonly struct DifferenceOp : IBlendOp
    {
        public static BlendMode Mode => BlendMode.Difference;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a - b;
    }
}
