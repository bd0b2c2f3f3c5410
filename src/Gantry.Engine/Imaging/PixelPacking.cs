using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gantry.Engine.Imaging;

/// <summary>
/// Conversions between float samples and 8-bit samples, vectorised.
/// Float to byte is ComfyUI's <c>np.clip(255 · x, 0, 255).astype(np.uint8)</c>: truncation, not rounding;
/// NaN becomes 0. Byte to float is <c>b / 255</c> in float32, as LoadImage does.
/// </summary>
internal static class PixelPacking
{
    private const float Scale = 255f;

    public static void FloatsToBytes(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var length = source.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(Scale);
            var zero = Vector256<float>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var a = ToInt(Vector256.LoadUnsafe(ref src, (nuint)i), scale, zero);
                var b = ToInt(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)), scale, zero);
                var c = ToInt(Vector256.LoadUnsafe(ref src, (nuint)(i + 16)), scale, zero);
                var d = ToInt(Vector256.LoadUnsafe(ref src, (nuint)(i + 24)), scale, zero);
                var low = Vector256.Narrow(a, b);
                var high = Vector256.Narrow(c, d);
                Vector256.Narrow(low, high).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dst, i) = ToByte(Unsafe.Add(ref src, i));
        }
    }

    public static void BytesToFloats(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var length = source.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(Scale);
            for (; i <= length - 32; i += 32)
            {
                var bytes = Vector256.LoadUnsafe(ref src, (nuint)i);
                var (lowShorts, highShorts) = Vector256.Widen(bytes);
                var (w0, w1) = Vector256.Widen(lowShorts);
                var (w2, w3) = Vector256.Widen(highShorts);
                (Vector256.ConvertToSingle(w0.AsInt32()) / scale).StoreUnsafe(ref dst, (nuint)i);
                (Vector256.ConvertToSingle(w1.AsInt32()) / scale).StoreUnsafe(ref dst, (nuint)(i + 8));
                (Vector256.ConvertToSingle(w2.AsInt32()) / scale).StoreUnsafe(ref dst, (nuint)(i + 16));
                (Vector256.ConvertToSingle(w3.AsInt32()) / scale).StoreUnsafe(ref dst, (nuint)(i + 24));
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i) / Scale;
        }
    }

    /// <summary>The scalar rule every vector path must agree with.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ToByte(float value)
    {
        var scaled = value * Scale;
        if (!(scaled > 0f))
        {
            return 0;
        }

        return scaled >= Scale ? (byte)255 : (byte)scaled;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> ToInt(Vector256<float> value, Vector256<float> scale, Vector256<float> zero)
    {
        // MaxNative returns its second operand when the first is NaN, so NaN lands on 0 like the scalar rule.
        var clamped = Vector256.Min(Vector256.MaxNative(value * scale, zero), scale);
        return Vector256.ConvertToInt32(clamped).AsUInt32();
    }
}
