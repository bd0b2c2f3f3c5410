using Gantry.Engine.Imaging.Edges;

namespace Gantry.Engine.Tests.Imaging;

/// <summary>
/// Canny on a 32 × 24 grey pattern ((3x² + 5y + xy) mod 256 / 255) against PyTorch: kornia's documented steps
/// (reflect-padded separable gaussian, replicate-padded Sobel, 45° suppression through its eight 3 × 3 kernels,
/// thresholds, iterated hysteresis) restated with PyTorch 1.13's float32 operators on the fidelity tier's Debian
/// build (Golden/canny_pytorch.py). The maps below are what it printed ('#' is an edge); the engine must draw the same.
/// </summary>
public sealed class CannyPyTorchTests
{
    private static readonly string[] Strict =
    [
        "......#..#.#.....#..............",
        "......#..#.#.....#..............",
        ".....#..#..#......#.............",
        ".....#..#..#.......#####........",
        ".....#..#.#.....................",
        ".....#..#.#.....................",
        "....#..#..#.....................",
        "....#..#..#.....................",
        "....#..#..#.....................",
        "....#..#.#......................",
        "....#..#.#......................",
        "...#..#..#......................",
        "...#..#..#...................#..",
        "...#..#.#....................##.",
        "...#..#.#.....................##",
        "...#.#..#......................#",
        "..#..#..#.......................",
        "..#..#..#.......................",
        "..#..#.#........................",
        "..#..#.#........................",
        "..#.#..#........................",
        "..#.#..#........................",
        "..#.#..#........................",
        "..#.#..#........................",
    ];

    private static readonly string[] Loose =
    [
        "......#..#.#...#.#..#..#.#..#...",
        "......#..#.#...#.#..####.#...#..",
        ".....#..#..#...##.#.....##...#..",
        ".....#..#..#.......######.....##",
        ".....#..#.#....................#",
        ".....#..#.#...................#.",
        "....#..#..#................#..#.",
        "....#..#..#.................#.#.",
        "....#..#..#.................#..#",
        "....#..#.#..##...............##.",
        "....#..#.#.#..#.##....#####...##",
        "...#..#..#.#...#..####...#..#..#",
        "...#..#..#.###..#......##.#..#..",
        "...#..#.#.....#.#######.#.#..##.",
        "...#..#.#..##..#..............##",
        "...#.#..#.#..#.##.....##.......#",
        "..#.##..#.#...#..#####.....#....",
        "..#..#..#.#.#..#......##....###.",
        "..#..#.#.....#.####..##...#.#.##",
        "..#..#.#..#####....##...###..#..",
        "..#.#..#.#.....#.......#...#.##.",
        "..###..#.#.....#########..#...#.",
        "..#.#..#.#.............#..#.#..#",
        "..#.#..#.#.............#..#.#..#",
    ];

    [Theory]
    [InlineData(0.4f, 0.8f, false)]
    [InlineData(0.15f, 0.6f, true)]
    public void The_edge_map_is_PyTorchs(float low, float high, bool loose)
    {
        const int Width = 32, Height = 24;
        var grey = new float[Width * Height];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                grey[(y * Width) + x] = (float)((((3 * x * x) + (5 * y) + (x * y)) % 256) / 255.0);
            }
        }

        var edges = CannyEdges.Detect(grey, Width, Height, low, high);

        var rows = Enumerable.Range(0, Height)
            .Select(y => new string([.. Enumerable.Range(0, Width).Select(x => edges[(y * Width) + x] == 1f ? '#' : '.')]))
            .ToArray();
        rows.ShouldBe(loose ? Loose : Strict);
    }
}
