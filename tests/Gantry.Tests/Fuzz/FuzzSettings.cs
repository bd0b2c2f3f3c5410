using System.Globalization;

namespace Gantry.Tests.Fuzz;

/// <summary>
/// How big a fuzz or soak run is. Small by default (the suite stays fast); full size with <c>GANTRY_TEST_FULL=1</c>
/// (what <c>./test.sh --full</c> sets), and each number on its own: <c>GANTRY_FUZZ_SEED</c>, <c>GANTRY_FUZZ_ITERATIONS</c>,
/// <c>GANTRY_FUZZ_SECONDS</c>. A run is bounded by both its count and its time.
/// </summary>
public sealed record FuzzSettings(int Seed, int Iterations, TimeSpan Budget, bool Full)
{
    public const int DefaultSeed = 20261205;

    public static FuzzSettings FromEnvironment()
    {
        var full = Environment.GetEnvironmentVariable("GANTRY_TEST_FULL") is "1" or "true";
        return new FuzzSettings(
            Seed: Number("GANTRY_FUZZ_SEED") ?? DefaultSeed,
            Iterations: Number("GANTRY_FUZZ_ITERATIONS") ?? (full ? 20_000 : 1_200),
            Budget: TimeSpan.FromSeconds(Number("GANTRY_FUZZ_SECONDS") ?? (full ? 600 : 60)),
            Full: full);
    }

    public override string ToString()
        => $"seed {Seed} (GANTRY_FUZZ_SEED), {Iterations} iterations (GANTRY_FUZZ_ITERATIONS), budget {Budget.TotalSeconds:0} s{(Full ? ", full size" : "")}";

    private static int? Number(string name)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : null;
}
