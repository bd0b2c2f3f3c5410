namespace Gantry.Engine.Imaging.Color;

/// <summary>
/// Pillow's median-cut palette (libImaging/Quant.c, method MEDIANCUT, no k-means), re-implemented:
/// distinct colours are counted (coarsened by one bit per channel at a time while there are more than
/// 65 536 of them), the box with the most pixels is split on the axis with the largest
/// luminance-weighted range (77·R, 150·G, 29·B) at the pixel-count median, keeping equal values together,
/// and each final box becomes the rounded mean of its pixels. Palette order is the tree order, higher
/// values first. Boxes wait in a binary max-heap ordered by pixel count that mirrors Pillow's QuantHeap
/// push for push, so ties between equally full boxes break the same way.
/// </summary>
internal static class MedianCut
{
    private const int MaxDistinctColours = 65536;

    /// <summary>Returns the palette as packed 0xRRGGBB entries (at most <paramref name="colors"/>).</summary>
    public static int[] Build(ReadOnlySpan<byte> rgb, int colors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(colors, 1);
        var pixelCount = rgb.Length / 3;
        if (pixelCount == 0)
        {
            return [0];
        }

        var (histogram, shift) = Histogram(rgb);
        var entries = new List<Entry>(histogram.Count);
        foreach (var (key, count) in histogram)
        {
            entries.Add(new Entry((byte)(key >> 16), (byte)(key >> 8), (byte)key, count));
        }

        var root = new Box(entries, pixelCount);
        var open = new BoxHeap();
        open.Add(root);
        for (var split = 1; split < colors; split++)
        {
            var box = open.Remove();
            while (box is not null && box.IsSingleColour)
            {
                box = open.Remove();
            }

            if (box is null)
            {
                break;
            }

            var (low, high) = box.Split();
            box.Left = high;
            box.Right = low;
            open.Add(high);
            open.Add(low);
        }

        var palette = new List<Box>();
        Collect(root, palette);
        return Averages(rgb, palette, shift);
    }

    private static (Dictionary<int, int> Histogram, int Shift) Histogram(ReadOnlySpan<byte> rgb)
    {
        var shift = 0;
        var histogram = Count(rgb, shift);
        while (histogram.Count > MaxDistinctColours)
        {
            shift++;
            histogram = Count(rgb, shift);
        }

        return (histogram, shift);
    }

    private static Dictionary<int, int> Count(ReadOnlySpan<byte> rgb, int shift)
    {
        var histogram = new Dictionary<int, int>();
        for (var i = 0; i + 2 < rgb.Length; i += 3)
        {
            var key = ((rgb[i] >> shift) << 16) | ((rgb[i + 1] >> shift) << 8) | (rgb[i + 2] >> shift);
            histogram[key] = histogram.GetValueOrDefault(key) + 1;
        }

        return histogram;
    }

    private static void Collect(Box box, List<Box> palette)
    {
        if (box.Left is not null && box.Right is not null)
        {
            Collect(box.Left, palette);
            Collect(box.Right, palette);
        }
        else if (box.Entries.Count > 0)
        {
            palette.Add(box);
        }
    }

    private static int[] Averages(ReadOnlySpan<byte> rgb, List<Box> boxes, int shift)
    {
        var boxOf = new Dictionary<int, int>();
        for (var b = 0; b < boxes.Count; b++)
        {
            foreach (var e in boxes[b].Entries)
            {
                boxOf[(e.R << 16) | (e.G << 8) | e.B] = b;
            }
        }

        var sums = new long[boxes.Count * 3];
        var counts = new long[boxes.Count];
        for (var i = 0; i + 2 < rgb.Length; i += 3)
        {
            var key = ((rgb[i] >> shift) << 16) | ((rgb[i + 1] >> shift) << 8) | (rgb[i + 2] >> shift);
            var b = boxOf[key];
            sums[3 * b] += rgb[i];
            sums[(3 * b) + 1] += rgb[i + 1];
            sums[(3 * b) + 2] += rgb[i + 2];
            counts[b]++;
        }

        var palette = new int[boxes.Count];
        for (var b = 0; b < boxes.Count; b++)
        {
            var r = (int)(0.5 + ((double)sums[3 * b] / counts[b]));
            var g = (int)(0.5 + ((double)sums[(3 * b) + 1] / counts[b]));
            var bl = (int)(0.5 + ((double)sums[(3 * b) + 2] / counts[b]));
            palette[b] = (r << 16) | (g << 8) | bl;
        }

        return palette;
    }

    private readonly record struct Entry(byte R, byte G, byte B, int Count)
    {
        public int this[int axis] => axis switch
        {
            0 => R,
            1 => G,
            _ => B,
        };
    }

    private sealed class Box(List<Entry> entries, long pixelCount)
    {
        public List<Entry> Entries { get; } = entries;

        public long PixelCount { get; } = pixelCount;

        public Box? Left { get; set; }

        public Box? Right { get; set; }

        public bool IsSingleColour
        {
            get
            {
                for (var i = 1; i < Entries.Count; i++)
                {
                    if (Entries[i].R != Entries[0].R || Entries[i].G != Entries[0].G || Entries[i].B != Entries[0].B)
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        /// <summary>Splits into (values below the median, values at or above it) along the widest axis.</summary>
        public (Box Low, Box High) Split()
        {
            var axis = WidestAxis();
            var sorted = Entries.OrderByDescending(e => e[axis]).ToList();
            var left = 0L;
            var cut = 0;
            while (cut < sorted.Count)
            {
                left += sorted[cut].Count;
                cut++;
                if (left * 2 > PixelCount)
                {
                    break;
                }
            }

            if (cut < sorted.Count)
            {
                var value = sorted[cut - 1][axis];
                while (cut < sorted.Count && sorted[cut][axis] == value)
                {
                    cut++;
                }
            }

            if (cut == sorted.Count)
            {
                var lowest = sorted[^1][axis];
                while (cut > 0 && sorted[cut - 1][axis] == lowest)
                {
                    cut--;
                }
            }

            var high = sorted.GetRange(0, cut);
            var low = sorted.GetRange(cut, sorted.Count - cut);
            var highBox = new Box(high, high.Sum(e => (long)e.Count));
            var lowBox = new Box(low, low.Sum(e => (long)e.Count));
            return (lowBox, highBox);
        }

        private int WidestAxis()
        {
            int rl = 255, rh = 0, gl = 255, gh = 0, bl = 255, bh = 0;
            foreach (var e in Entries)
            {
                rl = Math.Min(rl, e.R);
                rh = Math.Max(rh, e.R);
                gl = Math.Min(gl, e.G);
                gh = Math.Max(gh, e.G);
                bl = Math.Min(bl, e.B);
                bh = Math.Max(bh, e.B);
            }

            var best = (rh - rl) * 77;
            var axis = 0;
            if (best < (gh - gl) * 150)
            {
                best = (gh - gl) * 150;
                axis = 1;
            }

            if (best < (bh - bl) * 29)
            {
                axis = 2;
            }

            return axis;
        }
    }

    /// <summary>Pillow's QuantHeap: 1-based binary max-heap; ties sift the way its C code does.</summary>
    private sealed class BoxHeap
    {
        private readonly List<Box?> _heap = [null];

        public void Add(Box box)
        {
            _heap.Add(null);
            var k = _heap.Count - 1;
            while (k != 1)
            {
                if (Compare(box, _heap[k / 2]!) <= 0)
                {
                    break;
                }

                _heap[k] = _heap[k / 2];
                k >>= 1;
            }

            _heap[k] = box;
        }

        public Box? Remove()
        {
            var count = _heap.Count - 1;
            if (count == 0)
            {
                return null;
            }

            var top = _heap[1];
            var last = _heap[count]!;
            _heap.RemoveAt(count);
            count--;
            var k = 1;
            while (k * 2 <= count)
            {
                var l = k * 2;
                if (l < count && Compare(_heap[l]!, _heap[l + 1]!) < 0)
                {
                    l++;
                }

                if (Compare(last, _heap[l]!) > 0)
                {
                    break;
                }

                _heap[k] = _heap[l];
                k = l;
            }

            if (count > 0)
            {
                _heap[k] = last;
            }

            return top;
        }

        private static int Compare(Box a, Box b) => (int)a.PixelCount - (int)b.PixelCount;
    }
}
