namespace Gantry.Engine.Tensors;

/// <summary>
/// What one run may allocate for IMAGE and MASK tensors: pixels in one tensor (batch × height × width) and bytes
/// in all the tensors it creates (counted when created, never given back, so the bound holds whatever the run keeps).
/// Zero means no limit.
/// </summary>
public sealed record JobMemoryLimits(long MaxTensorPixels, long MaxJobBytes)
{
    /// <summary>64 megapixels per tensor (an 8192 × 8192 image), 4 GiB per run.</summary>
    public static JobMemoryLimits Default { get; } = new(64L * 1024 * 1024, 4L * 1024 * 1024 * 1024);

    public static JobMemoryLimits None { get; } = new(0, 0);
}
