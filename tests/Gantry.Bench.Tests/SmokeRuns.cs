namespace Gantry.Bench.Tests;

/// <summary>Each smoke run starts its own servers and load; they run one at a time (one collection), not side by side.</summary>
public static class SmokeRuns
{
    public const string Collection = "Smoke runs, one at a time";
}
