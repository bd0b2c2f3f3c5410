namespace Gantry.Engine.Tensors;

/// <summary>
/// ComfyUI's MASK: float32 values in 0..1, laid out [batch, height, width].
/// Immutable once returned by a node; frames of a batch may be views of one buffer.
/// </summary>
public sealed class MaskTensor
{
    private readonly float[] _buffer;
    private readonly int _offset;

    public MaskTensor(int batch, int height, int width)
        : this(TensorMemory.Allocate(batch, height, width, 1), 0, batch, height, width)
    {
    }

    public MaskTensor(float[] buffer, int offset, int batch, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var length = checked(batch * height * width);
        if (offset < 0 || offset + length > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "The mask does not fit its buffer.");
        }

        _buffer = buffer;
        _offset = offset;
        Batch = batch;
        Height = height;
        Width = width;
    }

    public int Batch { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Values in one frame: height × width.</summary>
    public int FrameLength => Height * Width;

    public int Length => Batch * FrameLength;

    public ReadOnlySpan<float> Span => _buffer.AsSpan(_offset, Length);

    public Span<float> WritableSpan => _buffer.AsSpan(_offset, Length);

    public ReadOnlySpan<float> Frame(int index) => _buffer.AsSpan(_offset + (FrameIndex(index) * FrameLength), FrameLength);

    public Span<float> WritableFrame(int index) => _buffer.AsSpan(_offset + (FrameIndex(index) * FrameLength), FrameLength);

    public MaskTensor Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Batch);
        return new MaskTensor(_buffer, _offset + (start * FrameLength), count, Height, Width);
    }

    public MaskTensor CreateLike() => new(Batch, Height, Width);

    public override string ToString() => $"MASK[{Batch}, {Height}, {Width}]";

    private int FrameIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Batch);
        return index;
    }
}
