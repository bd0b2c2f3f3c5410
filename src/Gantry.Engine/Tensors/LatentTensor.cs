namespace Gantry.Engine.Tensors;

/// <summary>
/// ComfyUI's LATENT: a dict whose <c>samples</c> is a float32 tensor, [batch, channels, height, width] for images
/// (any rank from a loaded file), and, after LatentFromBatch, a <c>batch_index</c> list that tells samplers which
/// noise of a larger batch each item takes. Immutable once a node has returned it.
/// </summary>
public sealed class LatentTensor
{
    /// <summary>The most dimensions a latent may have (PyTorch's own limit is 64; video latents have 5).</summary>
    public const int MaxRank = 8;

    private readonly float[] _samples;
    private readonly int[] _shape;

    public LatentTensor(IReadOnlyList<int> shape, float[] samples, IReadOnlyList<int>? batchIndex = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(samples);
        if (shape.Count is < 1 or > MaxRank || shape.Any(d => d < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"A latent has 1 to {MaxRank} dimensions, none negative.");
        }

        if (Count(shape) != samples.Length)
        {
            throw new ArgumentException("The samples do not match the shape.", nameof(samples));
        }

        _shape = [.. shape];
        _samples = samples;
        BatchIndex = batchIndex is null ? null : [.. batchIndex];
    }

    /// <summary>A zeroed latent of <paramref name="shape"/>, charged to the current run's memory budget.</summary>
    public static LatentTensor Zeros(IReadOnlyList<int> shape) => new(shape, TensorMemory.Allocate(shape));

    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The samples in row-major order.</summary>
    public ReadOnlySpan<float> Samples => _samples;

    /// <summary>The first dimension (the batch).</summary>
    public int Batch => _shape[0];

    /// <summary>Samples per batch item.</summary>
    public int ItemLength => _shape[0] == 0 ? 0 : _samples.Length / _shape[0];

    /// <summary>ComfyUI's <c>batch_index</c>, or null when the latent has none.</summary>
    public IReadOnlyList<int>? BatchIndex { get; }

    public int Length => _samples.Length;

    /// <summary>The number of samples of a shape; an OverflowException past int.MaxValue.</summary>
    public static int Count(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var dimension in shape)
        {
            count = checked(count * dimension);
            if (count > Array.MaxLength)
            {
                throw new OverflowException("The latent has more samples than an array holds.");
            }
        }

        return (int)count;
    }

    public override string ToString() => $"LATENT[{string.Join(", ", _shape)}]";
}
