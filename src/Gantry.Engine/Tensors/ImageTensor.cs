namespace Gantry.Engine.Tensors;

/// <summary>
/// ComfyUI's IMAGE: float32 samples in 0..1, laid out [batch, height, width, channels]
/// (channels is 3 for RGB, 4 when an alpha channel rides along).
/// A tensor is immutable once a node has returned it: nodes read their inputs and write new tensors.
/// Several tensors may share one buffer (a frame of a batch is a view, not a copy).
/// </summary>
public sealed class ImageTensor
{
    private readonly float[] _buffer;
    private readonly int _offset;

    public ImageTensor(int batch, int height, int width, int channels)
        : this(TensorMemory.Allocate(batch, height, width, channels), 0, batch, height, width, channels)
    {
    }

    public ImageTensor(float[] buffer, int offset, int batch, int height, int width, int channels)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        var length = checked(batch * height * width * channels);
        if (offset < 0 || offset + length > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "The tensor does not fit its buffer.");
        }

        _buffer = buffer;
        _offset = offset;
        Batch = batch;
        Height = height;
        Width = width;
        Channels = channels;
    }

    public int Batch { get; }

    public int Height { get; }

    public int Width { get; }

    public int Channels { get; }

    /// <summary>Samples in one frame: height × width × channels.</summary>
    public int FrameLength => Height * Width * Channels;

    /// <summary>All samples of the tensor.</summary>
    public int Length => Batch * FrameLength;

    /// <summary>The samples of the whole batch, for reading.</summary>
    public ReadOnlySpan<float> Span => _buffer.AsSpan(_offset, Length);

    /// <summary>The samples of the whole batch, for the node that is building this tensor.</summary>
    public Span<float> WritableSpan => _buffer.AsSpan(_offset, Length);

    /// <summary>One frame of the batch.</summary>
    public ReadOnlySpan<float> Frame(int index) => _buffer.AsSpan(_offset + (FrameIndex(index) * FrameLength), FrameLength);

    /// <summary>One frame of the batch, for the node that is building this tensor.</summary>
    public Span<float> WritableFrame(int index) => _buffer.AsSpan(_offset + (FrameIndex(index) * FrameLength), FrameLength);

    /// <summary>A view of <paramref name="count"/> frames starting at <paramref name="start"/>; no copy.</summary>
    public ImageTensor Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Batch);
        return new ImageTensor(_buffer, _offset + (start * FrameLength), count, Height, Width, Channels);
    }

    /// <summary>A tensor of the same shape with fresh, zeroed samples.</summary>
    public ImageTensor CreateLike() => new(Batch, Height, Width, Channels);

    public override string ToString() => $"IMAGE[{Batch}, {Height}, {Width}, {Channels}]";

    private int FrameIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Batch);
        return index;
    }
}
