using Gantry.Engine.Json;

namespace Gantry.Engine.Tensors;

/// <summary>
/// Allocates tensor buffers against the budget of the run on this flow (an <see cref="AsyncLocal{T}"/>, so a
/// node's parallel loops charge the same run). Outside a run nothing is counted. Over a limit the node fails
/// with a <c>MemoryError</c> before the buffer exists: the job fails, the process keeps its memory.
/// </summary>
public static class TensorMemory
{
    private static readonly AsyncLocal<RunBudget?> Current = new();

    /// <summary>A zeroed buffer of batch × height × width × channels floats, charged to the current run.</summary>
    public static float[] Allocate(int batch, int height, int width, int channels)
    {
        var pixels = (long)Math.Max(batch, 0) * Math.Max(height, 0) * Math.Max(width, 0);
        var samples = pixels * Math.Max(channels, 0);
        Current.Value?.Charge(pixels, samples * sizeof(float), $"[{batch}, {height}, {width}{(channels == 1 ? "" : $", {channels}")}]");
        return new float[checked((int)samples)];
    }

    /// <summary>
    /// A zeroed buffer for a tensor of any shape (a LATENT's [batch, channels, ...]), charged to the current run; its
    /// "pixels" are all samples but those of the second (channel) dimension.
    /// </summary>
    public static float[] Allocate(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long samples = 1;
        foreach (var dimension in shape)
        {
            var factor = Math.Max(dimension, 0);
            samples = factor == 0 ? 0 : samples > long.MaxValue / 4 / factor ? long.MaxValue / 4 : samples * factor;
        }

        var pixels = shape.Count >= 2 && shape[1] > 0 ? samples / shape[1] : samples;
        Current.Value?.Charge(pixels, samples * sizeof(float), $"[{string.Join(", ", shape)}]");
        return new float[checked((int)samples)];
    }

    /// <summary>Makes <paramref name="limits"/> the budget of the calling flow until the result is disposed.</summary>
    internal static RunBudget Enter(JobMemoryLimits limits)
    {
        var budget = new RunBudget(limits, Current.Value);
        Current.Value = budget;
        return budget;
    }

    /// <summary>One run's count of tensor bytes.</summary>
    internal sealed class RunBudget(JobMemoryLimits limits, RunBudget? outer) : IDisposable
    {
        private long _bytes;

        /// <summary>Bytes of tensors created so far.</summary>
        public long Bytes => Interlocked.Read(ref _bytes);

        public void Charge(long pixels, long bytes, string shape)
        {
            if (limits.MaxTensorPixels > 0 && pixels > limits.MaxTensorPixels)
            {
                throw new NodeException(
                    "MemoryError",
                    $"A tensor of shape {shape} has {pixels:N0} pixels; a job may create tensors of at most {limits.MaxTensorPixels:N0} pixels.");
            }

            var total = Interlocked.Add(ref _bytes, bytes);
            if (limits.MaxJobBytes > 0 && total > limits.MaxJobBytes)
            {
                Interlocked.Add(ref _bytes, -bytes);
                throw new NodeException(
                    "MemoryError",
                    $"Creating a tensor of shape {shape} ({Megabytes(bytes)}) would bring this job's images and masks to {Megabytes(total)}; a job may use at most {Megabytes(limits.MaxJobBytes)}.");
            }
        }

        public void Dispose() => Current.Value = outer;

        private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):N1} MiB";
    }
}
