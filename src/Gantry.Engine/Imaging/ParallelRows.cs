namespace Gantry.Engine.Imaging;

/// <summary>
/// Splits row-wise work across cores only when there is enough of it to pay for the hand-off.
/// Bodies receive a half-open range [start, end) of row (or frame) indices.
/// </summary>
internal static class ParallelRows
{
    /// <summary>Below this many sample operations per chunk, a second thread costs more than it saves.</summary>
    private const long MinimumWorkPerChunk = 1 << 17;

    public static void For(int count, long workPerItem, Action<int, int> body)
    {
        if (count <= 0)
        {
            return;
        }

        var chunks = ChunkCount(count, workPerItem);
        if (chunks <= 1)
        {
            body(0, count);
            return;
        }

        Parallel.For(0, chunks, chunk =>
        {
            var start = (int)((long)count * chunk / chunks);
            var end = (int)((long)count * (chunk + 1) / chunks);
            if (end > start)
            {
                body(start, end);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="action"/> over matching row ranges of two inputs and an output, each laid out
    /// as <paramref name="rows"/> rows of <paramref name="rowLength"/> samples.
    /// </summary>
    public static unsafe void ForSpans(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination, int rows, int rowLength, int costPerSample, RowSpansAction action)
    {
        var total = (long)rows * rowLength;
        if (a.Length < total || b.Length < total || destination.Length < total)
        {
            throw new ArgumentException("The spans are shorter than rows × rowLength.", nameof(destination));
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pd = destination)
        {
            var (aa, bb, dd) = ((nint)pa, (nint)pb, (nint)pd);
            For(rows, (long)rowLength * costPerSample, (start, end) =>
            {
                var offset = (long)start * rowLength;
                var length = (end - start) * rowLength;
                action(
                    new ReadOnlySpan<float>((float*)aa + offset, length),
                    new ReadOnlySpan<float>((float*)bb + offset, length),
                    new Span<float>((float*)dd + offset, length));
            });
        }
    }

    private static int ChunkCount(int count, long workPerItem)
    {
        var total = Math.Max(1, workPerItem) * count;
        var byWork = total / MinimumWorkPerChunk;
        var cores = Environment.ProcessorCount;
        return (int)Math.Max(1, Math.Min(Math.Min(byWork, cores), count));
    }
}

/// <summary>Work on a matching range of two inputs and an output.</summary>
internal delegate void RowSpansAction(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination);
