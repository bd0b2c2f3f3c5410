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
    /// <summary>Returns the palette as packed 0xRRGGBB entries (at most <paramref name="colors"/>).</summary>
    public static int[] Build(ReadOnlySpan<byte> rgb, int colors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(colors, 1);
        if (rgb.Length < 3)
        {
            return [0];
        }

        var histogram = ColourHistogram.Build(rgb);
        var entries = new Entries(histogram);
        var root = new Box(Enumerable.Range(0, histogram.Keys.Length).ToArray(), rgb.Length / 3);
        var open = new BoxHeap();
        open.Add(root);
        for (var split = 1; split < colors; split++)
        {
            var box = open.Remove();
            while (box is not null && entries.IsSingleColour(box))
            {
                box = open.Remove();
            }

            if (box is null)
            {
                break;
            }

            var (low, high) = entries.Split(box);
            box.Left = high;
            box.Right = low;
            open.Add(high);
            open.Add(low);
        }

        var leaves = new List<Box>();
        Collect(root, leaves);
        return Averages(rgb, histogram, leaves);
    }

    private static void Collect(Box box, List<Box> leaves)
    {
        if (box.Left is not null && box.Right is not null)
        {
            Collect(box.Left, leaves);
            Collect(box.Right, leaves);
        }
        else if (box.Members.Length > 0)
        {
            leaves.Add(box);
        }
    }

    private static int[] Averages(ReadOnlySpan<byte> rgb, ColourHistogram histogram, List<Box> leaves)
    {
        var boxOfRank = new int[histogram.Keys.Length];
        for (var b = 0; b < leaves.Count; b++)
        {
            foreach (var member in leaves[b].Members)
            {
                boxOfRank[member] = b;
            }
        }

        var sums = new long[leaves.Count * 3];
        var counts = new long[leaves.Count];
        var shift = histogram.Shift;
        for (var i = 0; i + 2 < rgb.Length; i += 3)
        {
            var b = boxOfRank[histogram.Rank(ColourHistogram.Key(rgb[i], rgb[i + 1], rgb[i + 2], shift))];
            sums[3 * b] += rgb[i];
            sums[(3 * b) + 1] += rgb[i + 1];
            sums[(3 * b) + 2] += rgb[i + 2];
            counts[b]++;
        }

        var palette = new int[leaves.Count];
        for (var b = 0; b < leaves.Count; b++)
        {
            var r = (int)(0.5 + ((double)sums[3 * b] / counts[b]));
            var g = (int)(0.5 + ((double)sums[(3 * b) + 1] / counts[b]));
            var bl = (int)(0.5 + ((double)sums[(3 * b) + 2] / counts[b]));
            palette[b] = (r << 16) | (g << 8) | bl;
        }

        return palette;
    }

    /// <summary>The distinct coarse colours as channel arrays, and the box operations over them.</summary>
    private sealed class Entries
    {
        private readonly byte[][] _channel = new byte[3][];
        private readonly int[] _count;
        private readonly int _levels;

        public Entries(ColourHistogram histogram)
        {
            var n = histogram.Keys.Length;
            for (var c = 0; c < 3; c++)
            {
                _channel[c] = new byte[n];
            }

            for (var i = 0; i < n; i++)
            {
                var (r, g, b) = histogram.Channels(histogram.Keys[i]);
                _channel[0][i] = (byte)r;
                _channel[1][i] = (byte)g;
                _channel[2][i] = (byte)b;
            }

            _count = histogram.Counts;
            _levels = 256 >> histogram.Shift;
        }

        public bool IsSingleColour(Box box)
        {
            var first = box.Members[0];
            foreach (var m in box.Members)
            {
                if (_channel[0][m] != _channel[0][first] || _channel[1][m] != _channel[1][first] || _channel[2][m] != _channel[2][first])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Splits into (values below the median, values at or above it) along the widest axis.</summary>
        public (Box Low, Box High) Split(Box box)
        {
            var axis = WidestAxis(box);
            var values = _channel[axis];

            // Descending by the axis value; the order among equal values does not change which side they land on.
            var histogram = new int[_levels];
            foreach (var m in box.Members)
            {
                histogram[values[m]] += _count[m];
            }

            var left = 0L;
            var cutValue = -1;
            for (var v = _levels - 1; v >= 0; v--)
            {
                if (histogram[v] == 0)
                {
                    continue;
                }

                left += histogram[v];
                if (left * 2 > box.PixelCount)
                {
                    cutValue = v;
                    break;
                }
            }

            // Pillow keeps the whole value group of the median on the high side; if nothing is left below,
            // the group of the lowest value moves down instead.
            var lowest = box.Members.Min(m => values[m]);
            if (cutValue <= lowest)
            {
                cutValue = lowest + 1;
            }

            var high = box.Members.Where(m => values[m] >= cutValue).ToArray();
            var low = box.Members.Where(m => values[m] < cutValue).ToArray();
            return (new Box(low, low.Sum(m => (long)_count[m])), new Box(high, high.Sum(m => (long)_count[m])));
        }

        private int WidestAxis(Box box)
        {
            int rl = 255, rh = 0, gl = 255, gh = 0, bl = 255, bh = 0;
            foreach (var m in box.Members)
            {
                rl = Math.Min(rl, _channel[0][m]);
                rh = Math.Max(rh, _channel[0][m]);
                gl = Math.Min(gl, _channel[1][m]);
                gh = Math.Max(gh, _channel[1][m]);
                bl = Math.Min(bl, _channel[2][m]);
                bh = Math.Max(bh, _channel[2][m]);
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

    private sealed class Box(int[] members, long pixelCount)
    {
        public int[] Members { get; } = members;

        public long PixelCount { get; } = pixelCount;

        public Box? Left { get; set; }

        public Box? Right { get; set; }
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
